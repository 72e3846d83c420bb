/* SPDX-License-Identifier: BSD-3-Clause */
/* How a User VM powers off: ACRN's virtual PM1a event and control blocks (0x400, 0x404), and acrn-dm's debug exit. */
#ifndef CAIRN_DM_POWER_H
#define CAIRN_DM_POWER_H

#include <pthread.h>
#include <stdint.h>

#include "cairn/guest_boot.h"
#include "dm/bus.h"

/*
 * ACRN's post-launched VMs power off by writing SLP_TYP 5 with SLP_EN to PM1a control at 0x404
 * (VIRTUAL_PM1A_CNT_ADDR), which acrn-dm serves; ACRN's hypervisor sends that same write for a
 * post-launched VM that triple-faults (Cairn's marks it, CAIRN_GUEST_PM1A_CRASHED, and
 * `crashed` says so). cairn-dm serves the register the same way: such a write
 * ends the VM (DM_IO_POWEROFF); other values are kept (reads give them back without SLP_EN).
 * With --debugexit a write of any value to port 0xF4 ends it too (acrn-dm's option).
 * The PM1a event block at 0x400 (ACRN's VIRTUAL_PM1A_EVT_ADDR; the FADT Linux User VMs get names
 * it, dm/boot/acpi.c): a status register that never shows an event (no power button, no timer,
 * no wake) and an enable register that keeps what the guest writes.
 */
#define DM_PM1A_EVT_PORT   0x400
#define DM_PM1A_EVT_LEN	   4 /* status (2 bytes), enable (2 bytes) */
#define DM_PM1A_CNT_PORT   CAIRN_GUEST_PM1A_CNT_PORT
#define DM_PM1A_SLP_EN	   CAIRN_GUEST_PM1A_SLP_EN
#define DM_PM1A_SLP_TYP(v) (((v) >> 10) & 7)
#define DM_PM1A_SLP_TYP_S5 5
#define DM_DEBUGEXIT_PORT  0xF4

struct dm_power {
	pthread_mutex_t lock;
	uint16_t pm1_cnt;
	uint16_t pm1_enable;
	uint64_t exit_value; /* what the guest wrote to power off */
	bool crashed; /* that was the hypervisor's notice of a crash (CAIRN_GUEST_PM1A_CRASHED) */
};

void dm_power_init(struct dm_power *p);
struct dm_region dm_power_pm1_region(struct dm_power *p);
struct dm_region dm_power_pm1_evt_region(struct dm_power *p);
struct dm_region dm_power_debugexit_region(struct dm_power *p);

#endif
