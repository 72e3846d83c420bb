/* SPDX-License-Identifier: BSD-3-Clause */
/* hello: says who it is and what CPUID shows; optionally probes the hypercall and SVM-instruction paths. */
#include "cairn/cpuid.h"
#include "cairn/guest_boot.h"
#include "cairn/hypercall.h"
#include "lib/string.h"
#include "args.h"
#include "console.h"
#include "cpu.h"
#include "exception.h"
#include "guest.h"
#include "hc.h"

#define HC_UNKNOWN_ID 0x800000EEu /* an index no Cairn or ACRN hypercall uses */

typedef long (*hypercall_fn)(uint64_t id, uint64_t p1, uint64_t p2);

/* In guest memory, where the hypervisor writes hypercall results. */
static struct hc_api_version api_version;

static void hello_identify(const struct cairn_start_info *si)
{
	uint32_t apic_id = cpuid(1, 0).ebx >> 24;

	guest_printf("hello from %s: vCPU %u on APIC ID %u\n", guest_vm_name(), si->vcpu_id,
		     apic_id);
	guest_printf("hello: start info says APIC ID %u\n", si->pcpu_apic_id);
}

/* The 12 signature bytes as text; a non-printable byte shows as '.'. */
static void hello_cpuid_signature(void)
{
	struct cpuid_regs r = cpuid(CAIRN_CPUID_BASE, 0);
	char sig[13];

	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	for (int i = 0; i < 12; i++) {
		if (sig[i] < 0x20 || sig[i] > 0x7E)
			sig[i] = '.';
	}
	sig[12] = '\0';
	guest_printf("cpuid: signature %s max leaf 0x%x\n", sig, r.eax);
}

static void hello_cpuid(void)
{
	struct cpuid_regs r;

	guest_printf("cpuid: hypervisor bit %u\n", (cpuid(1, 0).ecx >> 31) & 1);
	hello_cpuid_signature();
	r = cpuid(CAIRN_CPUID_FEATURES, 0);
	guest_printf("cpuid: features 0x%x vm %u vcpu %u tsc_khz %u\n", r.eax, r.ebx, r.ecx, r.edx);
	guest_printf("cpuid: svm bit %u\n", (cpuid(0x80000001, 0).ecx >> 2) & 1);
	r = cpuid(0x8000000A, 0);
	guest_printf("cpuid: leaf 0x8000000a eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x\n", r.eax, r.ebx,
		     r.ecx, r.edx);
}

static void hello_api_version(hypercall_fn call, const char *instruction)
{
	long rc;

	api_version = (struct hc_api_version){ 0 };
	rc = call(HC_GET_API_VERSION, (uint64_t)&api_version, 0);
	guest_printf("hypercall: api version %u.%u rc %ld (%s)\n", api_version.major_version,
		     api_version.minor_version, rc, instruction);
}

/* Runs at CPL 3 (so it must not print): the hypervisor should answer with #GP(0). */
static void hello_vmmcall_at_cpl3(void)
{
	hc_vmmcall(HC_GET_API_VERSION, (uint64_t)&api_version, 0);
}

/* VMLOAD from GPA 0: Cairn intercepts it and injects #UD. */
static void hello_vmload(void)
{
	asm volatile("vmload %%rax" : : "a"(0ul) : "memory");
}

static void hello_hypercall_tests(const struct cairn_start_info *si)
{
	uint64_t error_code;
	int vector;

	hello_api_version(hc_vmmcall, "vmmcall");
	hello_api_version(hc_vmcall, "vmcall");
	guest_printf("hypercall: bad pointer rc %ld\n",
		     hc_vmmcall(HC_GET_API_VERSION, si->memory_size + 0x1000, 0));
	guest_printf("hypercall: pause other vm rc %ld\n", hc_vmmcall(HC_PAUSE_VM, 0, 0));
	guest_printf("hypercall: unknown id rc %ld\n", hc_vmmcall(HC_UNKNOWN_ID, 0, 0));
	vector = catch_exception_at_cpl3(hello_vmmcall_at_cpl3, &error_code);
	guest_printf("hypercall: from CPL 3 raised %s error 0x%lx\n", exception_name(vector),
		     error_code);
	vector = catch_exception(hello_vmload, NULL);
	guest_printf("svm: vmload raised %s\n", exception_name(vector));
}

/* Without hypercall rights the hypervisor should inject #UD, for either vendor's instruction. */
static void hello_try_vmmcall(void)
{
	hc_vmmcall(HC_GET_API_VERSION, (uint64_t)&api_version, 0);
}

static void hello_try_vmcall(void)
{
	hc_vmcall(HC_GET_API_VERSION, (uint64_t)&api_version, 0);
}

void guest_main(const struct cairn_start_info *si)
{
	hello_identify(si);
	hello_cpuid();
	if (arg_present("hypercall-tests")) {
		hello_hypercall_tests(si);
	} else if (arg_present("try-hypercall")) {
		guest_printf("hypercall: without permission raised %s\n",
			     exception_name(catch_exception(hello_try_vmmcall, NULL)));
		guest_printf("hypercall: vmcall without permission raised %s\n",
			     exception_name(catch_exception(hello_try_vmcall, NULL)));
	}
	guest_printf("hello: done\n");
	guest_poweroff();
}
