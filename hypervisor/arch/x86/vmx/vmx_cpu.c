/* SPDX-License-Identifier: BSD-3-Clause */
/* VMX on one pCPU: support checks (CPUID, feature control, capability MSRs), VMXON, host NMIs. */
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/boot_defs.h"
#include "x86/cpu.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_impl.h"
#include "vmx_insn.h"

#define CPUID_1_ECX_VMX	  (1u << 5)
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CR4_VMXE	  (1ull << 13)
#define CR4_OSXSAVE	  (1ull << 18)

#define BASIC_REVISION_MASK 0x7FFFFFFFull
#define BASIC_VMCS_SIZE(b)  (((b) >> 32) & 0x1FFF)
#define BASIC_32BIT_ADDRS   (1ull << 48)
#define BASIC_MEMTYPE(b)    (((b) >> 50) & 0xF)
#define BASIC_MEMTYPE_WB    6
#define BASIC_TRUE_CONTROLS (1ull << 55)

struct vmx_caps vmx_caps;

/* Per pCPU: the VMXON region, the host TSS, the VMCS it has current, NMIs seen in root mode. */
static struct {
	uint64_t vmxon_pa;
	uint64_t tss_pa;
	uint64_t current_pa;	  /* the VMCS VMPTRLD made current, 0 for none */
	uint64_t retired_vmcs_pa; /* a destroyed vCPU's VMCS, still current here: clear and free */
	volatile bool nmi_seen;
} vmx_pcpu[MAX_PCPUS];

/* The controls each group needs (always) and would like (when the CPU has them). */
#define PIN_NEEDED (PIN_NMI_EXITING | PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER)
#define PROC_NEEDED \
	(PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | PROC_ACTIVATE_SECONDARY)
#define PROC2_NEEDED \
	(PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST | PROC2_WBINVD_EXITING)
/* What the host CPUID may offer guests (cpuid.c passes it on): #UD without these controls. */
#define PROC2_WANTED (PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID | PROC2_ENABLE_XSAVES)
#define EXIT_NEEDED                                                                        \
	(EXIT_CTL_HOST_ADDR_SPACE_SIZE | EXIT_CTL_SAVE_IA32_PAT | EXIT_CTL_LOAD_IA32_PAT | \
	 EXIT_CTL_SAVE_IA32_EFER | EXIT_CTL_LOAD_IA32_EFER | EXIT_CTL_SAVE_DEBUG_CONTROLS)
#define ENTRY_NEEDED                                                                          \
	(ENTRY_CTL_LOAD_IA32_PAT | ENTRY_CTL_LOAD_IA32_EFER | ENTRY_CTL_LOAD_DEBUG_CONTROLS | \
	 ENTRY_CTL_IA32E_MODE_GUEST)

/*
 * A control group from its capability MSR: bits 31:0 must be 1, bits 63:32 may be 1. Returns
 * the needed and wanted bits the CPU allows plus the ones it forces; *missing gets needed bits
 * it does not allow. The IA-32e and preemption-timer bits are set per entry, not here.
 */
static uint32_t adjust(uint32_t msr, uint32_t needed, uint32_t wanted, uint32_t *missing)
{
	uint64_t cap = rdmsr(msr);
	uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);

	*missing = needed & ~may;
	return ((needed | wanted) & may) | must;
}

static int fail(char *reason, size_t len, const char *what)
{
	format_snprintf(reason, len, "Intel VMX %s", what);
	return -ENODEV;
}

static int check_controls(char *reason, size_t len, bool true_ctls)
{
	uint32_t miss;

	vmx_caps.pin =
		adjust(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
		       PIN_NEEDED, 0, &miss);
	if (miss)
		return fail(reason, len, "lacks NMI exiting, virtual NMIs or the preemption timer");
	vmx_caps.pin &= ~PIN_PREEMPTION_TIMER; /* armed only to kick a vCPU (vmx_host_nmi) */
	vmx_caps.proc =
		adjust(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS,
		       PROC_NEEDED, 0, &miss);
	if (miss)
		return fail(reason, len,
			    "lacks HLT exiting, I/O or MSR bitmaps, or secondary controls");
	vmx_caps.proc &= ~PROC_HLT_EXITING; /* per VM: vm->trap_hlt */
	vmx_caps.proc2 = adjust(MSR_IA32_VMX_PROCBASED_CTLS2, PROC2_NEEDED, PROC2_WANTED, &miss);
	if (miss)
		return fail(reason, len,
			    "lacks EPT, VPID, unrestricted guest or WBINVD exiting "
			    "(IA32_VMX_PROCBASED_CTLS2)");
	vmx_caps.exit = adjust(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS,
			       EXIT_NEEDED, 0, &miss);
	if (miss)
		return fail(reason, len, "cannot save/load EFER, PAT or debug controls at exit");
	vmx_caps.entry = adjust(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS,
				ENTRY_NEEDED, 0, &miss);
	if (miss)
		return fail(reason, len, "cannot load EFER, PAT or debug controls at entry");
	vmx_caps.entry &= ~ENTRY_CTL_IA32E_MODE_GUEST;
	return 0;
}

static int check_ept(char *reason, size_t len)
{
	uint64_t cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	const uint64_t ept = EPT_CAP_WALK_LENGTH_4 | EPT_CAP_MT_WB | EPT_CAP_INVEPT |
			     EPT_CAP_INVEPT_SINGLE_CONTEXT;
	const uint64_t vpid = VPID_CAP_INVVPID | VPID_CAP_INVVPID_SINGLE_CONTEXT;

	if ((cap & ept) != ept)
		return fail(reason, len,
			    "EPT lacks 4-level walks, write-back or single-context INVEPT "
			    "(IA32_VMX_EPT_VPID_CAP)");
	if ((cap & vpid) != vpid)
		return fail(reason, len, "lacks single-context INVVPID (IA32_VMX_EPT_VPID_CAP)");
	vmx_caps.ept_2m = cap & EPT_CAP_2M_PAGES;
	vmx_caps.ept_1g = vmx_caps.ept_2m && (cap & EPT_CAP_1G_PAGES);
	return 0;
}

/* What each pCPU has for itself: the CPUID bit and its feature-control MSR. */
static int check_this_cpu(char *reason, size_t len)
{
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX))
		return fail(reason, len, "is not available: CPUID 1 ECX[5] (VMX) is clear");
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCKED) && !(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
		return fail(reason, len,
			    "is disabled by firmware (IA32_FEATURE_CONTROL is locked with VMXON "
			    "outside SMX off)");
	return 0;
}

/* On the boot pCPU, once: the capabilities every pCPU then uses (vmx_caps). */
int vmx_check_support(char *reason, size_t len)
{
	int cpu_err = check_this_cpu(reason, len);

	if (cpu_err)
		return cpu_err;
	uint64_t basic = rdmsr(MSR_IA32_VMX_BASIC);
	if (BASIC_VMCS_SIZE(basic) > PAGE_SIZE || (basic & BASIC_32BIT_ADDRS) ||
	    BASIC_MEMTYPE(basic) != BASIC_MEMTYPE_WB)
		return fail(reason, len,
			    "has a VMCS Cairn cannot place (IA32_VMX_BASIC: over 4 KiB, 32-bit "
			    "addresses or not write-back)");
	if (!(rdmsr(MSR_IA32_VMX_PROCBASED_CTLS) >> 32 & PROC_ACTIVATE_SECONDARY))
		return fail(reason, len, "has no secondary controls (so no EPT)");
	vmx_caps.revision = (uint32_t)(basic & BASIC_REVISION_MASK);
	vmx_caps.cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	vmx_caps.cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	vmx_caps.cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	vmx_caps.cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	int err = check_controls(reason, len, basic & BASIC_TRUE_CONTROLS);
	return err ? err : check_ept(reason, len);
}

int vmx_cpu_enable(struct pcpu *cpu)
{
	char reason[160];
	uint64_t vmxon, tss;

	if (check_this_cpu(reason, sizeof(reason)) || !vmx_caps.revision ||
	    (uint32_t)(rdmsr(MSR_IA32_VMX_BASIC) & BASIC_REVISION_MASK) != vmx_caps.revision)
		return -ENODEV; /* the boot pCPU's capabilities are every pCPU's */
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (!(fc & FEATURE_CONTROL_LOCKED)) /* what firmware does on a machine that allows VMX */
		wrmsr(MSR_IA32_FEATURE_CONTROL,
		      fc | FEATURE_CONTROL_VMXON_OUTSIDE_SMX | FEATURE_CONTROL_LOCKED);
	if (phys_alloc_pages(1, 1, &vmxon))
		return -ENOMEM;
	if (phys_alloc_pages(1, 1, &tss)) {
		phys_free_pages(vmxon, 1);
		return -ENOMEM;
	}
	*(uint32_t *)phys_to_virt(vmxon) = vmx_caps.revision;
	/* The fixed bits VMX operation needs; XSETBV (emulated in root mode) needs OSXSAVE. */
	write_cr0((read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1);
	uint64_t cr4 = read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE;
	if (cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & vmx_caps.cr4_fixed1) : "memory");
	if (!vmx_on(vmxon)) {
		phys_free_pages(vmxon, 1);
		phys_free_pages(tss, 1);
		return -EIO;
	}
	vmx_pcpu[cpu->id].vmxon_pa = vmxon;
	vmx_pcpu[cpu->id].tss_pa = tss;
	cpu->virt_host_area = vmxon;
	return 0;
}

uint64_t vmx_host_tss(void)
{
	return vmx_pcpu[pcpu_current_id()].tss_pa;
}

uint64_t vmx_current_vmcs(void)
{
	return vmx_pcpu[pcpu_current_id()].current_pa;
}

/* After VMPTRLD (or VMCLEAR: 0): also clears and frees a retired VMCS, no longer current. */
void vmx_set_current_vmcs(uint64_t vmcs_pa)
{
	uint32_t id = pcpu_current_id();
	uint64_t retired = __atomic_exchange_n(&vmx_pcpu[id].retired_vmcs_pa, 0, __ATOMIC_ACQ_REL);

	vmx_pcpu[id].current_pa = vmcs_pa;
	if (retired && retired != vmcs_pa) {
		vmx_clear(retired);
		phys_free_pages(retired, 1);
	}
}

void vmx_retire_vmcs(int32_t cpu, uint64_t vmcs_pa)
{
	uint64_t old =
		__atomic_exchange_n(&vmx_pcpu[cpu].retired_vmcs_pa, vmcs_pa, __ATOMIC_ACQ_REL);

	/*
	 * A second retired VMCS before that pCPU made another current: it may still be active there,
	 * so it cannot be freed without a VMCLEAR on that pCPU. Its page stays allocated (4 KiB).
	 */
	(void)old;
}

bool vmx_take_host_nmi_seen(void)
{
	uint32_t id = pcpu_current_id();

	if (!vmx_pcpu[id].nmi_seen)
		return false;
	vmx_pcpu[id].nmi_seen = false;
	return true;
}

/*
 * An NMI reached the hypervisor (VMX root mode): the mailbox signal of another pCPU, sent perhaps
 * after this pCPU read its mailbox and before it entered the guest. VMX has no GIF to hold it, so
 * the preemption timer (value 0) is armed in the current VMCS: the next entry exits at once, as
 * the NMI would have made it under SVM. vmx_vcpu_run() checks nmi_seen after making its VMCS
 * current, for an NMI that came before.
 */
void vmx_host_nmi(void)
{
	uint32_t id = pcpu_current_id();

	vmx_pcpu[id].nmi_seen = true;
	if (vmx_pcpu[id].current_pa)
		vmcs_write(VMCS_PIN_BASED_CONTROLS, vmx_caps.pin | PIN_PREEMPTION_TIMER);
}
