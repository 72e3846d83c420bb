/* SPDX-License-Identifier: BSD-3-Clause */
/* Boot-time locks on the q35/ICH9 chipset: SMRAM, the TCO watchdog's NO_REBOOT, SMI sources. */
#ifndef CAIRN_X86_CHIPSET_LOCK_H
#define CAIRN_X86_CHIPSET_LOCK_H

#include "lib/compiler.h"

/* What the locks found; zero fields when the chipset is not a q35 MCH / ICH9 LPC bridge. */
struct chipset_info {
	bool smram_locked;
	bool ich9_lpc;
	uint16_t pmbase; /* ICH9 ACPI I/O base (LPC config 0x40), 0 if disabled */
	uint64_t gcs_pa; /* ICH9 GCS register (RCBA + 0x3410), 0 if RCBA is disabled */
};

extern struct chipset_info chipset;

/*
 * Before any VM runs: sets D_LCK in the MCH's SMRAM register (SMRAM closed, ESMRAMC/TSEG frozen),
 * sets NO_REBOOT in ICH9's GCS and clears APMC_EN and TCO_EN in SMI_EN. One line each.
 */
void chipset_lock_boot(void);

#endif
