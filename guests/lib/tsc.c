/* SPDX-License-Identifier: BSD-3-Clause */
/* Time in a test guest: TSC frequency, conversions and busy-wait delays. */
#include "cairn/cpuid.h"
#include "console.h"
#include "cpu.h"
#include "guest.h"
#include "tsc.h"

#define TSC_KHZ_FALLBACK 1000000 /* 1 GHz: a guess, only when the hypervisor said nothing */

static uint64_t tsc_khz_from_cpuid(void)
{
	struct cpuid_regs sig = cpuid(CAIRN_CPUID_BASE, 0);

	if (sig.ebx != CAIRN_CPUID_SIG_EBX || sig.ecx != CAIRN_CPUID_SIG_ECX ||
	    sig.edx != CAIRN_CPUID_SIG_EDX || sig.eax < CAIRN_CPUID_FEATURES)
		return 0;
	return cpuid(CAIRN_CPUID_FEATURES, 0).edx;
}

uint64_t tsc_khz(void)
{
	static uint64_t khz;

	if (khz)
		return khz;
	khz = guest_start_info() ? guest_start_info()->tsc_khz : 0;
	if (!khz)
		khz = tsc_khz_from_cpuid();
	if (!khz) {
		khz = TSC_KHZ_FALLBACK;
		guest_printf("guest: TSC frequency unknown, assuming %lu kHz\n", khz);
	}
	return khz;
}

uint64_t tsc_ms_to_cycles(uint64_t ms)
{
	return ms * tsc_khz();
}

bool tsc_reached(uint64_t deadline)
{
	return (int64_t)(rdtsc() - deadline) >= 0;
}

void delay_ms(uint64_t ms)
{
	uint64_t deadline = rdtsc() + tsc_ms_to_cycles(ms);

	while (!tsc_reached(deadline))
		cpu_relax();
}
