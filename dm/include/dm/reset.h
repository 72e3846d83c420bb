/* SPDX-License-Identifier: BSD-3-Clause */
/* How a User VM resets itself: the PC's reset control register at port 0xCF9, the FADT's RESET_REG. */
#ifndef CAIRN_DM_RESET_H
#define CAIRN_DM_RESET_H

#include <stdint.h>

#include "dm/bus.h"

/*
 * The register chipsets have had since the PIIX4 (QEMU's q35 and ACRN's device model have it at
 * the same port): one byte, SYS_RST (bit 1) and FULL_RST (bit 3) kept, RST_CPU (bit 2) written as
 * 1 resets the machine. The FADT Linux User VMs get (dm/boot/acpi.c) names it as RESET_REG with
 * the value 0x06, so `reboot` takes it first (reboot=acpi, Linux's default), as reboot=pci does.
 * The 0xCF8 dword beside it is the HSM's (hsm/dispatch.c): a byte at 0xCF9 reaches cairn-dm.
 * A reset is asked of the owner through `reset` from the I/O thread, and the request completes:
 * the owner resets the VM (or ends it, by its policy) from its main loop.
 */
#define DM_RESET_PORT	   0xCF9
#define DM_RESET_VALUE	   0x06 /* SYS_RST | RST_CPU: a hard reset */
#define DM_RESET_RST_CPU   0x04
#define DM_RESET_KEPT_BITS 0x0A /* SYS_RST, FULL_RST */

struct dm_reset {
	uint8_t control;
	void (*reset)(void *owner);
	void *owner;
};

void dm_reset_init(struct dm_reset *r, void (*reset)(void *owner), void *owner);
struct dm_region dm_reset_region(struct dm_reset *r);

#endif
