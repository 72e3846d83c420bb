/* SPDX-License-Identifier: BSD-3-Clause */
/* Sleeping on the vCPU's own LAPIC timer (guests/lib/lapic_timer.h). */
#include "cpu.h"
#include "lapic_timer.h"
#include "mmio_map.h"
#include "segments.h"
#include "tsc.h"

#define LAPIC_BASE	 0xFEE00000ull
#define REG_SVR		 0xF0
#define REG_LVT_TIMER	 0x320
#define REG_TIMER_INIT	 0x380
#define REG_TIMER_CUR	 0x390
#define REG_TIMER_DIV	 0x3E0
#define SVR_ENABLE	 0x100
#define SVR_SPURIOUS	 0xFF
#define LVT_MASKED	 0x10000
#define DIVIDE_BY_16	 0x3
#define CALIBRATION_MS	 2
#define MAX_SLEEP_CYCLES (1ull << 36) /* about 20 s at 3 GHz: keeps the product below 2^64 */

enum timer_state {
	TIMER_UNSET,
	TIMER_READY,
	TIMER_ABSENT
};

static enum timer_state state;
static uint64_t ticks_per_calibration, cycles_per_calibration;

static void lapic_write(uint32_t reg, uint32_t value)
{
	*(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg) = value;
}

static uint32_t lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg);
}

/* Counts the timer down for a while, masked, against the TSC. */
static void lapic_timer_setup(void)
{
	state = TIMER_ABSENT;
	if (!guest_map_uncached(LAPIC_BASE, 1))
		return;
	desc_set_interrupt_gate(VECTOR_LAPIC_TIMER, lapic_timer_stub);
	lapic_write(REG_SVR, SVR_ENABLE | SVR_SPURIOUS);
	lapic_write(REG_TIMER_DIV, DIVIDE_BY_16);
	lapic_write(REG_LVT_TIMER, LVT_MASKED | VECTOR_LAPIC_TIMER);
	uint64_t start = rdtsc();
	lapic_write(REG_TIMER_INIT, 0xFFFFFFFFu);
	delay_ms(CALIBRATION_MS);
	uint32_t left = lapic_read(REG_TIMER_CUR);
	cycles_per_calibration = rdtsc() - start;
	lapic_write(REG_TIMER_INIT, 0);
	ticks_per_calibration = 0xFFFFFFFFu - left;
	if (!ticks_per_calibration || !cycles_per_calibration)
		return;
	lapic_write(REG_LVT_TIMER, VECTOR_LAPIC_TIMER); /* one-shot, unmasked */
	state = TIMER_READY;
}

void lapic_timer_sleep_until(uint64_t deadline)
{
	if (state == TIMER_UNSET)
		lapic_timer_setup();
	while (!tsc_reached(deadline)) {
		if (state != TIMER_READY) {
			cpu_relax();
			continue;
		}
		uint64_t cycles = deadline - rdtsc();
		if ((int64_t)cycles <= 0)
			break;
		if (cycles > MAX_SLEEP_CYCLES)
			cycles = MAX_SLEEP_CYCLES;
		uint64_t ticks = cycles * ticks_per_calibration / cycles_per_calibration;
		lapic_write(REG_TIMER_INIT,
			    (uint32_t)(ticks ? (ticks > 0xFFFFFFFFu ? 0xFFFFFFFFu : ticks) : 1));
		/* The STI shadow covers the HLT: a timer that already expired ends it at once. */
		asm volatile("sti; hlt; cli" ::: "memory");
	}
}
