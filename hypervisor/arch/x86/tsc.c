/* SPDX-License-Identifier: BSD-3-Clause */
/* TSC calibration against the ACPI PM timer (3.579545 MHz) or the HPET, and busy-wait delays. */
#include "core/time.h"
#include "lib/errno.h"
#include "x86/cpu.h"
#include "x86/tsc.h"

#define PM_TIMER_HZ	     3579545ull
#define CALIBRATION_MS	     50
#define HPET_CAPABILITIES    0x000
#define HPET_CONFIG	     0x010
#define HPET_COUNTER	     0x0F0
#define HPET_CONFIG_ENABLE   1ull
#define FEMTOSECONDS_PER_SEC 1000000000000000ull

uint64_t tsc_khz;

static uint64_t pm_timer_calibrate(uint16_t port, bool is_32bit)
{
	uint32_t mask = is_32bit ? 0xFFFFFFFFu : 0x00FFFFFFu;
	uint64_t wanted = PM_TIMER_HZ * CALIBRATION_MS / 1000, elapsed = 0;
	uint32_t last = inl(port) & mask;
	uint64_t tsc_start = rdtsc();

	while (elapsed < wanted) {
		uint32_t now = inl(port) & mask;
		elapsed += (now - last) & mask;
		last = now;
	}
	uint64_t tsc_ticks = rdtsc() - tsc_start;
	return tsc_ticks * PM_TIMER_HZ / elapsed / 1000;
}

static uint64_t hpet_calibrate(uint64_t base)
{
	uint64_t period_fs = mmio_read64(base + HPET_CAPABILITIES) >> 32;

	if (period_fs == 0 || period_fs > 100000000) /* the spec caps the period at 100 ns */
		return 0;
	mmio_write64(base + HPET_CONFIG, mmio_read64(base + HPET_CONFIG) | HPET_CONFIG_ENABLE);
	uint64_t wanted = CALIBRATION_MS * (FEMTOSECONDS_PER_SEC / 1000) / period_fs;
	uint64_t start = mmio_read64(base + HPET_COUNTER), tsc_start = rdtsc(), elapsed;
	do {
		elapsed = mmio_read64(base + HPET_COUNTER) - start;
	} while (elapsed < wanted);
	uint64_t tsc_ticks = rdtsc() - tsc_start;
	/* kHz = ticks / (elapsed * period_fs / 1e15) / 1000, ordered to stay within 64 bits */
	return tsc_ticks * (FEMTOSECONDS_PER_SEC / period_fs) / elapsed / 1000;
}

int tsc_calibrate(uint16_t pm_port, bool pm_32bit, uint64_t hpet_base, const char **source)
{
	uint64_t khz = 0;

	if (pm_port) {
		khz = pm_timer_calibrate(pm_port, pm_32bit);
		*source = "ACPI PM timer";
	} else if (hpet_base) {
		khz = hpet_calibrate(hpet_base);
		*source = "HPET";
	}
	if (!khz)
		return -ENODEV;
	tsc_khz = khz;
	return 0;
}

void tsc_delay_us(uint64_t us)
{
	uint64_t deadline = tsc_deadline_us(us);

	while (!tsc_passed(deadline))
		cpu_relax();
}

/* --- core/time.h on x86: the TSC --- */

uint64_t time_now(void)
{
	return rdtsc();
}

uint64_t time_ticks_per_ms(void)
{
	return tsc_khz;
}

uint64_t time_deadline_us(uint64_t us)
{
	return tsc_deadline_us(us);
}

bool time_passed(uint64_t deadline)
{
	return tsc_passed(deadline);
}
