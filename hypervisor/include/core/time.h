/* SPDX-License-Identifier: BSD-3-Clause */
/* Time as core code sees it: a free-running per-machine counter, deadlines in microseconds. */
#ifndef CAIRN_CORE_TIME_H
#define CAIRN_CORE_TIME_H

#include "lib/compiler.h"

/* The counter now (x86: the TSC), in ticks; the same on every pCPU. */
uint64_t time_now(void);

/* Ticks per millisecond (0 before calibration). */
uint64_t time_ticks_per_ms(void);

/* The counter value `us` microseconds from now (before calibration: as if 1 GHz). */
uint64_t time_deadline_us(uint64_t us);

/* True once the counter has reached `deadline`. */
bool time_passed(uint64_t deadline);

#endif
