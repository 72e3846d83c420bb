/* SPDX-License-Identifier: BSD-3-Clause */
/* x86 instructions only the guests use (descriptor tables, TLB), on top of the hypervisor's wrappers. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include "lib/compiler.h"
/* CPUID, RDTSC, port I/O, CR reads, PAUSE, halting: the hypervisor's own wrappers. */
#include "x86/cpu.h"

/* The operand of LGDT and LIDT. */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

static inline void cpu_invlpg(uint64_t addr)
{
	asm volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

static inline void cpu_lidt(const struct desc_ptr *idtr)
{
	asm volatile("lidt %0" : : "m"(*idtr));
}

static inline void cpu_ltr(uint16_t selector)
{
	asm volatile("ltr %0" : : "r"(selector));
}

#endif
