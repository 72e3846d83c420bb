/* SPDX-License-Identifier: BSD-3-Clause */
/* Host stand-ins for the x86 instructions of x86/cpu.h: scripted CPUID, MSRs, ports and TSC. */
#ifndef CAIRN_TESTS_UNIT_FAKE_CPU_H
#define CAIRN_TESTS_UNIT_FAKE_CPU_H

#include "x86/cpu.h"

#define FAKE_CPU_MAX_ENTRIES 32

/* Every leaf without a scripted answer reads as all zeros. */
void fake_cpu_set_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs regs);
/* Every MSR without a scripted value reads as 0; wrmsr() updates the value and counts. */
void fake_cpu_set_msr(uint32_t msr, uint64_t value);
unsigned fake_cpu_wrmsr_count(void);
/* A port read returns the scripted value (else all ones, an empty bus), truncated to the size. */
void fake_cpu_set_port(uint16_t port, uint32_t value);

/* The last hardware port access the code under test made. */
struct fake_port_access {
	uint16_t port;
	uint8_t size;
	bool in;
	uint32_t value;
};
unsigned fake_cpu_port_count(void);
struct fake_port_access fake_cpu_last_port(void);

/* rdtsc() returns this value (it never moves on its own). */
void fake_cpu_set_tsc(uint64_t tsc);

/* Forgets everything scripted and recorded. */
void fake_cpu_reset(void);

#endif
