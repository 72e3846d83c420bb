/* SPDX-License-Identifier: BSD-3-Clause */
/* SVM on one pCPU: support checks (CPUID, VM_CR), EFER.SVME and the host save area. */
#include "core/virt.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "mm/phys_mem.h"
#include "x86/cpu.h"
#include "svm.h"

#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_SVM	   (1u << 2)
#define CPUID_SVM_FEATURES 0x8000000A
#define CPUID_SVM_NPT	   (1u << 0)
#define VM_CR_SVMDIS	   (1ull << 4)

int svm_check_support(char *reason, size_t len)
{
	if (cpuid(0x80000000, 0).eax < CPUID_SVM_FEATURES ||
	    !(cpuid(CPUID_EXT_FEATURES, 0).ecx & CPUID_EXT_SVM)) {
		format_snprintf(reason, len,
				"AMD SVM is not available: CPUID 8000_0001h ECX[2] (SVM) "
				"is clear (with QEMU use -cpu qemu64,+svm,+npt)");
		return -ENODEV;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		format_snprintf(reason, len,
				"AMD SVM is disabled by firmware (VM_CR.SVMDIS is set)");
		return -ENODEV;
	}
	if (!(cpuid(CPUID_SVM_FEATURES, 0).edx & CPUID_SVM_NPT)) {
		format_snprintf(reason, len,
				"AMD SVM has no nested paging: CPUID 8000_000Ah EDX[0] "
				"(NP) is clear (with QEMU add +npt)");
		return -ENODEV;
	}
	return 0;
}

/* Per pCPU: the page VMSAVE fills with the hypervisor's hidden state, reloaded after each exit. */
static uint64_t host_state_pa[MAX_PCPUS];

uint64_t svm_host_state_pa(void)
{
	return host_state_pa[pcpu_current_id()];
}

int svm_cpu_enable(struct pcpu *cpu)
{
	char reason[160];
	uint64_t hsave, host_state;

	if (svm_check_support(reason, sizeof(reason)))
		return -ENODEV;
	if (phys_alloc_pages(1, 1, &hsave))
		return -ENOMEM;
	if (phys_alloc_pages(1, 1, &host_state)) {
		phys_free_pages(hsave, 1);
		return -ENOMEM;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, hsave);
	cpu->virt_host_area = hsave;
	host_state_pa[cpu->id] = host_state;
	svm_save_host_state(host_state);
	return 0;
}
