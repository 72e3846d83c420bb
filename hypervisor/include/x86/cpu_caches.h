/* SPDX-License-Identifier: BSD-3-Clause */
/* Boot check that every pCPU runs with its caches on (CR0.CD and CR0.NW clear), and a report. */
#ifndef CAIRN_X86_CPU_CACHES_H
#define CAIRN_X86_CPU_CACHES_H

#include "lib/compiler.h"

/* On each pCPU as it arrives in C: records CR0 and turns caches on should they still be off. */
void cpu_caches_check(uint32_t pcpu_id);
/* Once every pCPU is up: one line saying caches are on everywhere, or a warning per pCPU. */
void cpu_caches_report(void);

#endif
