/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * msr-probe: a partition that attacks the host's MSRs the way an escape would start (read
 * VM_HSAVE_PA, point it at its own memory with a forged host state, clear SVME...) and reports,
 * one line per MSR, what each RDMSR/WRMSR did. Also checks that the MSRs Linux needs still work.
 */
#include "cairn/guest_boot.h"
#include "console.h"
#include "cpu.h"
#include "exception.h"
#include "guest.h"

#define VECTOR_GP 13

/* The attacker's list, kept apart from the hypervisor's own (arch/x86/guest/msr_policy.c). */
static const struct {
	uint32_t index;
	const char *name;
} host_msrs[] = {
	{ 0xC0010114, "VM_CR" },	{ 0xC0010117, "VM_HSAVE_PA" }, { 0xC0010010, "SYSCFG" },
	{ 0xC0010015, "HWCR" },		{ 0xC001001A, "TOP_MEM" },     { 0xC001001D, "TOP_MEM2" },
	{ 0xC0010020, "PATCH_LOADER" }, { 0xC0010111, "SMM_BASE" },    { 0xC0010112, "SMM_ADDR" },
	{ 0xC0010113, "SMM_MASK" },	{ 0xC0010116, "SMM_CTL" },     { 0xC0010118, "SVM_KEY" },
	{ 0x000001D9, "DEBUGCTL" },
};

/* A forged host save area: what the escape would point VM_HSAVE_PA at. */
static uint8_t forged_host_state[4096] __aligned(4096);

static volatile uint32_t probe_index;
static volatile uint64_t probe_value;

static void probe_rdmsr(void)
{
	probe_value = rdmsr(probe_index);
}

static void probe_wrmsr(void)
{
	wrmsr(probe_index, probe_value);
}

/* Returns the vector RDMSR raised (EXCEPTION_NONE if none); *value gets what it read. */
static int try_rdmsr(uint32_t msr, uint64_t *value)
{
	probe_index = msr;
	probe_value = 0;
	int v = catch_exception(probe_rdmsr, NULL);
	*value = probe_value;
	return v;
}

static int try_wrmsr(uint32_t msr, uint64_t value)
{
	probe_index = msr;
	probe_value = value;
	return catch_exception(probe_wrmsr, NULL);
}

static unsigned probe_host_msrs(void)
{
	unsigned refused = 0;
	uint64_t value;

	for (size_t i = 0; i < sizeof(host_msrs) / sizeof(host_msrs[0]); i++) {
		uint32_t msr = host_msrs[i].index;
		int rd = try_rdmsr(msr, &value);
		/* The write an attacker would make: its own page, or zero (which kills the host). */
		uint64_t forged =
			msr == 0xC0010117 ? (uint64_t)(uintptr_t)forged_host_state : value;
		int wr = try_wrmsr(msr, forged);
		guest_printf("msr-probe: %s 0x%x rdmsr %s wrmsr %s\n", host_msrs[i].name, msr,
			     exception_name(rd), exception_name(wr));
		if (rd == EXCEPTION_NONE)
			guest_printf("msr-probe: %s read 0x%lx\n", host_msrs[i].name, value);
		/* SYSCFG alone reads as 0 (Linux reads it unchecked); its write must still fail. */
		if (msr == 0xC0010010)
			refused += rd == EXCEPTION_NONE && value == 0 && wr == VECTOR_GP;
		else
			refused += rd == VECTOR_GP && wr == VECTOR_GP;
	}
	return refused;
}

/* EFER reads back without SVME; clearing SVME through EFER changes nothing for the host. */
static void probe_efer(void)
{
	uint64_t efer = 0;
	int rd = try_rdmsr(0xC0000080, &efer);
	int wr = try_wrmsr(0xC0000080, efer & ~EFER_SVME);

	guest_printf("msr-probe: EFER 0x%lx svme %u rdmsr %s wrmsr %s\n", efer,
		     (unsigned)((efer & EFER_SVME) != 0), exception_name(rd), exception_name(wr));
}

/* A pass-through MSR Linux uses at speed: what is written reads back. */
static void probe_passthrough(void)
{
	uint64_t before = 0, after = 0;
	int r1 = try_rdmsr(0xC0000102, &before); /* KERNEL_GS_BASE */
	int w = try_wrmsr(0xC0000102, 0x123456789000ull);
	int r2 = try_rdmsr(0xC0000102, &after);

	try_wrmsr(0xC0000102, before);
	guest_printf("msr-probe: KERNEL_GS_BASE %s %s %s reads back 0x%lx\n", exception_name(r1),
		     exception_name(w), exception_name(r2), after);
}

/* An MSR nobody emulates, and one beyond the permission map's ranges. */
static void probe_unknown(void)
{
	uint64_t v;
	int a = try_rdmsr(0xC0011020, &v); /* LS_CFG: not in this CPU, not emulated */
	int b = try_rdmsr(0x40000123, &v); /* outside every range */

	guest_printf("msr-probe: unknown msrs %s %s\n", exception_name(a), exception_name(b));
}

void guest_main(const struct cairn_start_info *si)
{
	unsigned n = sizeof(host_msrs) / sizeof(host_msrs[0]);

	guest_printf("msr-probe: probing %u host MSRs\n", n);
	unsigned refused = probe_host_msrs();
	probe_efer();
	probe_passthrough();
	probe_unknown();
	guest_printf("msr-probe: %u of %u host MSRs refused both ways\n", refused, n);
	guest_halt();
}
