/* Thin wrappers around the x86 instructions the guests use: CPUID, TSC, port I/O, CR and IDT access. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include "lib/compiler.h"

struct cpuid_regs {
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
};

/* The operand of LGDT and LIDT. */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

static inline struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t cpu_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_pause(void)
{
	asm volatile("pause" ::: "memory");
}

static inline uint8_t cpu_inb(uint16_t port)
{
	uint8_t value;

	asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline void cpu_outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint64_t cpu_read_cr2(void)
{
	uint64_t value;

	asm volatile("mov %%cr2, %0" : "=r"(value));
	return value;
}

static inline uint64_t cpu_read_cr3(void)
{
	uint64_t value;

	asm volatile("mov %%cr3, %0" : "=r"(value));
	return value;
}

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

/* Interrupts off and HLT in a loop: an NMI or a stray wake-up must not let the guest go on. */
static inline __noreturn void cpu_halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#endif
