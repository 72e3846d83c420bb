/* SPDX-License-Identifier: BSD-3-Clause */
/* Time in a test guest: the TSC, its frequency from the start info, busy-wait delays. */
#ifndef GUEST_TSC_H
#define GUEST_TSC_H

#include "lib/compiler.h"

/* start_info->tsc_khz; else CPUID 0x40000001 EDX; else 1 GHz, with a warning line once. */
uint64_t tsc_khz(void);

uint64_t tsc_ms_to_cycles(uint64_t ms);

/* True once the TSC has reached deadline (wrap-safe for deadlines less than 2^63 cycles away). */
bool tsc_reached(uint64_t deadline);

/* Busy-waits ms milliseconds on the TSC: no HLT, no interrupts. */
void delay_ms(uint64_t ms);

#endif
