/* SPDX-License-Identifier: BSD-3-Clause */
/* QEMU's pvpanic device at port 0x505: how a User VM's Linux says it panicked. */
#ifndef CAIRN_DM_PVPANIC_H
#define CAIRN_DM_PVPANIC_H

#include "dm/bus.h"

/*
 * The DSDT names it (ACPI _HID QEMU0001, dm/boot/acpi.c) and Debian's pvpanic-mmio module drives
 * it: a read gives the events the device takes (PANICKED, CRASH_LOADED), a write of PANICKED
 * (bit 0) is sent from Linux's panic notifier, before panic= acts. cairn-dm then applies its
 * --crash_policy. CRASH_LOADED (bit 1: a kdump kernel takes over) is only counted.
 */
#define DM_PVPANIC_PORT		0x505
#define DM_PVPANIC_PANICKED	0x01
#define DM_PVPANIC_CRASH_LOADED 0x02

struct dm_pvpanic {
	void (*panicked)(void *owner);
	void *owner;
	unsigned int events; /* writes with a known bit */
};

void dm_pvpanic_init(struct dm_pvpanic *p, void (*panicked)(void *owner), void *owner);
struct dm_region dm_pvpanic_region(struct dm_pvpanic *p);

#endif
