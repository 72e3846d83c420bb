/* SPDX-License-Identifier: BSD-3-Clause */
/* What every test guest gets from the runtime: its start info, its name and command line, a halt. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include "cairn/guest_boot.h"
#include "lib/compiler.h"

/* Each guest defines this; the runtime calls it once, at CPL 0, interrupts off. */
void guest_main(const struct cairn_start_info *start_info);

const struct cairn_start_info *guest_start_info(void);

/* NUL-terminated copies of the start info's vm_name and cmdline, taken before guest_main. */
const char *guest_vm_name(void);
const char *guest_cmdline(void);

/* Stops this vCPU for good: interrupts off, HLT in a loop. */
__noreturn void guest_halt(void);

/*
 * Asks to be powered off (ACPI S5 at CAIRN_GUEST_PM1A_CNT_PORT, abi/cairn/guest_boot.h), then
 * halts: a User VM's device model destroys the VM; in a partition the write is dropped.
 */
__noreturn void guest_poweroff(void);

#endif
