/* SPDX-License-Identifier: BSD-3-Clause */
/* TSC frequency, calibrated once at boot against the ACPI PM timer or the HPET, and TSC delays. */
#ifndef CAIRN_X86_TSC_H
#define CAIRN_X86_TSC_H

#include "lib/compiler.h"
#include "x86/cpu.h"

struct acpi_fadt_info;

extern uint64_t tsc_khz;

/*
 * Measures the TSC against the PM timer (pm_port != 0) or else the HPET (hpet_base != 0) over
 * 50 ms. Returns 0 and sets tsc_khz, or -ENODEV when neither reference exists. *source names the
 * reference used.
 */
int tsc_calibrate(uint16_t pm_port, bool pm_32bit, uint64_t hpet_base, const char **source);

/* Before calibration the deadlines assume 1 GHz (longer real waits on faster TSCs). */
static inline uint64_t tsc_deadline_us(uint64_t us)
{
	return rdtsc() + us * (tsc_khz ? tsc_khz : 1000000) / 1000;
}

static inline bool tsc_passed(uint64_t deadline)
{
	return (int64_t)(rdtsc() - deadline) >= 0;
}

void tsc_delay_us(uint64_t us);

#endif
