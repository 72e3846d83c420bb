/* SPDX-License-Identifier: BSD-3-Clause */
/* Sleeping on the vCPU's own LAPIC timer: HLT until a TSC deadline, instead of spinning. */
#ifndef GUEST_LAPIC_TIMER_H
#define GUEST_LAPIC_TIMER_H

#include "lib/compiler.h"

/*
 * Waits until the TSC reaches `deadline` (tsc_reached), halted between timer interrupts. The first
 * call maps the xAPIC page, installs the timer's gate and measures the timer against the TSC; if
 * the page cannot be mapped it spins instead. Interrupts are enabled only inside the HLT.
 */
void lapic_timer_sleep_until(uint64_t deadline);

/* The IDT gate's handler (traps.S): EOI, return. */
void lapic_timer_stub(void);

/* Installs `handler` as a DPL-0 interrupt gate at `vector` (desc.c). */
void desc_set_interrupt_gate(unsigned int vector, void (*handler)(void));

#endif
