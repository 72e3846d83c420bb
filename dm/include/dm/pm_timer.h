/* SPDX-License-Identifier: BSD-3-Clause */
/* The ACPI PM timer at port 0x408 (ACRN's place): a 32-bit count at 3.579545 MHz since the VM began. */
#ifndef CAIRN_DM_PM_TIMER_H
#define CAIRN_DM_PM_TIMER_H

#include <stdint.h>

#include "dm/bus.h"

/*
 * Linux User VMs need it (dm/boot/acpi.c names it in the FADT): a User VM has no PIT, yet Linux
 * registers the PIT as its global clock event and then "verifies" the calibrated LAPIC timer
 * against jiffies that never tick, and disables it, unless a PM timer confirmed the calibration.
 * Reads of any width return the low bytes of the count; writes are ignored (the register is
 * read-only).
 */
#define DM_PM_TIMER_PORT 0x408
#define DM_PM_TIMER_LEN	 4
#define DM_PM_TIMER_HZ	 3579545ull

struct dm_pm_timer {
	uint64_t start_ns; /* CLOCK_MONOTONIC when the VM's devices were made */
};

void dm_pm_timer_init(struct dm_pm_timer *t);
/* The count elapsed_ns after the start: elapsed_ns * 3.579545 MHz, modulo 2^32. */
uint32_t dm_pm_timer_count(uint64_t elapsed_ns);
struct dm_region dm_pm_timer_region(struct dm_pm_timer *t);

#endif
