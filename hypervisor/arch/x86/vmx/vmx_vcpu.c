/* SPDX-License-Identifier: BSD-3-Clause */
/* VMX per-vCPU state: the VMCS (controls, host state), entering the guest, events, registers. */
#include "core/console.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/boot_defs.h"
#include "x86/cpu.h"
#include "x86/vectors.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_exit.h"
#include "vmx_impl.h"
#include "vmx_insn.h"

#define EFER_SUPPORTED	     (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define MSR_FS_BASE	     0xC0000100u
#define MSR_PAT		     0x277u
#define VMCS_XSS_EXIT_BITMAP 0x202Cu /* 64-bit control (SDM appendix B) */
#define HOST_TR_SELECTOR     0x18    /* no descriptor behind it: see vmcs_host_state() */

#define INTERRUPTIBILITY_STI	(1u << 0)
#define INTERRUPTIBILITY_MOV_SS (1u << 1)
#define INTERRUPTIBILITY_NMI	(1u << 3)
#define ENTRY_INFO_MASK \
	(INTR_INFO_VALID | INTR_INFO_ERROR_CODE_VALID | INTR_INFO_TYPE_MASK | INTR_INFO_VECTOR_MASK)

static struct vmx_vcpu vmx_vcpus[MAX_VMS][MAX_VCPUS_PER_VM];

struct descriptor_table_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

int vmx_vcpu_init(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = &vmx_vcpus[vcpu->vm->id][vcpu->id];

	memset(v, 0, sizeof(*v));
	if (phys_alloc_pages(1, 1, &v->vmcs_pa))
		return -ENOMEM;
	*(uint32_t *)phys_to_virt(v->vmcs_pa) = vmx_caps.revision;
	v->cpu = -1;
	/* Unique and nonzero (0 is the host's): at most MAX_VMS * MAX_VCPUS_PER_VM = 256. */
	v->vpid = (uint16_t)(1 + vcpu->vm->id * MAX_VCPUS_PER_VM + vcpu->id);
	v->flush_ept = true;
	vcpu->virt = (struct virt_vcpu *)(void *)v;
	return 0;
}

void vmx_vcpu_destroy(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);

	if (!v)
		return;
	if (v->cpu < 0) {
		phys_free_pages(v->vmcs_pa, 1);
	} else if ((uint32_t)v->cpu == pcpu_current_id()) {
		vmx_clear(v->vmcs_pa);
		if (vmx_current_vmcs() == v->vmcs_pa)
			vmx_set_current_vmcs(0);
		phys_free_pages(v->vmcs_pa, 1);
	} else {
		vmx_retire_vmcs(v->cpu, v->vmcs_pa); /* VMCLEAR must run on that pCPU */
	}
	memset(v, 0, sizeof(*v));
	vcpu->virt = NULL;
}

static uint64_t cr0_mask(void)
{
	return (vmx_caps.cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG)) |
	       (~vmx_caps.cr0_fixed1 & 0xFFFFFFFFull);
}

static uint64_t cr4_mask(void)
{
	return vmx_caps.cr4_fixed0 | (~vmx_caps.cr4_fixed1 & 0xFFFFFFFFull);
}

/* The hypervisor's own state, loaded by every VM exit (this pCPU's: GS base, TSS). */
static void vmcs_host_state(void)
{
	struct descriptor_table_ptr gdt, idt;

	__asm__ volatile("sgdt %0" : "=m"(gdt));
	__asm__ volatile("sidt %0" : "=m"(idt));
	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, read_cr3());
	vmcs_write(VMCS_HOST_CR4, read_cr4());
	vmcs_write(VMCS_HOST_CS_SELECTOR, GDT_SEL_CODE64);
	vmcs_write(VMCS_HOST_SS_SELECTOR, GDT_SEL_DATA);
	vmcs_write(VMCS_HOST_DS_SELECTOR, GDT_SEL_DATA);
	vmcs_write(VMCS_HOST_ES_SELECTOR, GDT_SEL_DATA);
	vmcs_write(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_GS_SELECTOR, 0);
	/*
	 * VMX needs a nonzero host TR. Cairn has no TSS descriptor (no ring change, no IST): the
	 * exit loads this selector and a zeroed per-pCPU TSS as its base without reading the GDT,
	 * and nothing in the hypervisor reloads TR or goes through the TSS.
	 */
	vmcs_write(VMCS_HOST_TR_SELECTOR, HOST_TR_SELECTOR);
	vmcs_write(VMCS_HOST_TR_BASE, vmx_host_tss());
	vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE)); /* the per-pCPU data */
	vmcs_write(VMCS_HOST_GDTR_BASE, gdt.base);
	vmcs_write(VMCS_HOST_IDTR_BASE, idt.base);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_CS, 0);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_ESP, 0);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write(VMCS_HOST_IA32_PAT, rdmsr(MSR_PAT));
	vmcs_write(VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
	vmcs_write(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_vmexit_entry);
}

static void vmcs_controls(struct vcpu *vcpu, struct vmx_vcpu *v)
{
	struct vmx_vm *vv = vmx_vm(vcpu->vm);

	vmcs_write(VMCS_PIN_BASED_CONTROLS, vmx_caps.pin);
	vmcs_write(VMCS_PRIMARY_PROC_CONTROLS,
		   vmx_caps.proc | (vcpu->vm->trap_hlt ? PROC_HLT_EXITING : 0));
	vmcs_write(VMCS_SECONDARY_PROC_CONTROLS, vmx_caps.proc2);
	vmcs_write(VMCS_EXIT_CONTROLS, vmx_caps.exit);
	vmcs_write(VMCS_ENTRY_CONTROLS, v->entry_ctl ? v->entry_ctl : vmx_caps.entry);
	/* #UD: SVM's VMMCALL arrives this way on Intel (arch/x86/guest/hypercall.c). */
	vmcs_write(VMCS_EXCEPTION_BITMAP, 1u << VECTOR_UD);
	vmcs_write(VMCS_PAGE_FAULT_ERROR_MASK, 0);
	vmcs_write(VMCS_PAGE_FAULT_ERROR_MATCH, 0);
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_CR0_GUEST_HOST_MASK, cr0_mask());
	vmcs_write(VMCS_CR4_GUEST_HOST_MASK, cr4_mask());
	vmcs_write(VMCS_IO_BITMAP_A, vv->io_bitmap_pa);
	vmcs_write(VMCS_IO_BITMAP_B, vv->io_bitmap_pa + PAGE_SIZE);
	vmcs_write(VMCS_MSR_BITMAP, vv->msr_bitmap_pa);
	vmcs_write(VMCS_EPT_POINTER, vv->eptp);
	vmcs_write(VMCS_VPID, v->vpid);
	vmcs_write(VMCS_TSC_OFFSET, 0);
	vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, 0); /* armed: exit right after entry */
	if (vmx_caps.proc2 & PROC2_ENABLE_XSAVES)
		vmcs_write(VMCS_XSS_EXIT_BITMAP, 0);
	vmcs_write(VMCS_LINK_POINTER, ~0ull);
}

/* Makes the vCPU's VMCS current on its pCPU; the first time, VMCLEAR and fill its controls. */
static bool vmcs_make_current(struct vcpu *vcpu, struct vmx_vcpu *v)
{
	bool first = v->cpu < 0;

	if (first && !vmx_clear(v->vmcs_pa))
		return false;
	if (!vmx_ptrld(v->vmcs_pa))
		return false;
	vmx_set_current_vmcs(v->vmcs_pa);
	if (first) {
		v->cpu = (int32_t)pcpu_current_id();
		v->launched = false;
		vmcs_controls(vcpu, v);
		vmcs_host_state();
	}
	return true;
}

int vmx_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *st)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);

	if (st->efer & ~(uint64_t)EFER_SUPPORTED)
		return -EINVAL;
	/* Written into the VMCS by vmx_vcpu_run() on the vCPU's own pCPU (VMCS are per pCPU). */
	v->state = *st;
	v->rip = st->rip;
	v->rflags = st->rflags;
	v->inject_info = 0;
	v->nmi_pending = false;
	__atomic_store_n(&v->state_pending, true, __ATOMIC_RELEASE);
	vcpu->regs = st->regs;
	return 0;
}

/* The vCPU's VMCS can be read here: it is current on the calling pCPU and has no pending state. */
static bool vmcs_readable(const struct vmx_vcpu *v)
{
	return !v->state_pending && v->cpu >= 0 && vmx_current_vmcs() == v->vmcs_pa;
}

static void dump_failed_entry(const struct vcpu *vcpu, const struct vm_exit *exit)
{
	printf("cairn: VMCS of vm %s vCPU %u: exit 0x%lx pin %lx proc %lx proc2 %lx exit %lx entry "
	       "%lx\n",
	       vcpu->vm->name, vcpu->id, exit->vendor_code, vmcs_read(VMCS_PIN_BASED_CONTROLS),
	       vmcs_read(VMCS_PRIMARY_PROC_CONTROLS), vmcs_read(VMCS_SECONDARY_PROC_CONTROLS),
	       vmcs_read(VMCS_EXIT_CONTROLS), vmcs_read(VMCS_ENTRY_CONTROLS));
	printf("cairn: VMCS: cr0 %lx cr3 %lx cr4 %lx efer %lx rflags %lx rip %lx cs %lx/%lx ss "
	       "%lx/%lx tr %lx intr %lx act %lx\n",
	       vmcs_read(VMCS_GUEST_CR0), vmcs_read(VMCS_GUEST_CR3), vmcs_read(VMCS_GUEST_CR4),
	       vmcs_read(VMCS_GUEST_IA32_EFER), vmcs_read(VMCS_GUEST_RFLAGS),
	       vmcs_read(VMCS_GUEST_RIP), vmcs_read(VMCS_GUEST_CS_SELECTOR),
	       vmcs_read(VMCS_GUEST_CS_AR), vmcs_read(VMCS_GUEST_SS_SELECTOR),
	       vmcs_read(VMCS_GUEST_SS_AR), vmcs_read(VMCS_GUEST_TR_AR),
	       vmcs_read(VMCS_GUEST_INTERRUPTIBILITY), vmcs_read(VMCS_GUEST_ACTIVITY_STATE));
}

/* An NMI for the guest: injected when nothing blocks it, else at the NMI-window exit. */
static void queue_nmi(struct vmx_vcpu *v)
{
	uint32_t blocked = (uint32_t)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) &
			   (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI);
	uint64_t proc = vmcs_read(VMCS_PRIMARY_PROC_CONTROLS);

	if (!blocked && !v->inject_info) {
		v->inject_info = 2 | INTR_TYPE_NMI << INTR_INFO_TYPE_SHIFT | INTR_INFO_VALID;
		v->nmi_pending = false;
		vmcs_write(VMCS_PRIMARY_PROC_CONTROLS, proc & ~(uint64_t)PROC_NMI_WINDOW_EXITING);
	} else {
		vmcs_write(VMCS_PRIMARY_PROC_CONTROLS, proc | PROC_NMI_WINDOW_EXITING);
	}
}

/* Everything written into the VMCS before an entry: a new state, flushes, RIP, events. */
static void prepare_entry(struct vmx_vcpu *v)
{
	if (__atomic_load_n(&v->state_pending, __ATOMIC_ACQUIRE)) {
		vmx_state_load(v, &v->state);
		v->state_pending = false;
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, v->vpid);
		v->flush_ept = true;
	}
	if (__atomic_exchange_n(&v->flush_ept, false, __ATOMIC_ACQ_REL))
		vmx_invept(INVEPT_SINGLE_CONTEXT, vmcs_read(VMCS_EPT_POINTER));
	if (vmx_take_host_nmi_seen())
		vmcs_write(VMCS_PIN_BASED_CONTROLS, vmx_caps.pin | PIN_PREEMPTION_TIMER);
	vmcs_write(VMCS_GUEST_RIP, v->rip);
	if (v->clear_shadow) {
		uint64_t intr = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			   intr & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
		v->clear_shadow = false;
	}
	if (v->nmi_pending)
		queue_nmi(v);
	if (v->inject_info) {
		vmcs_write(VMCS_ENTRY_INTR_INFO, v->inject_info);
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE, v->inject_error);
		vmcs_write(VMCS_ENTRY_INSTRUCTION_LEN, v->inject_len);
		v->inject_info = 0;
	}
}

static void read_exit_record(struct vmx_exit_record *r)
{
	r->exit_reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
	r->qualification = vmcs_read(VMCS_EXIT_QUALIFICATION);
	r->guest_physical = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
	r->guest_linear = vmcs_read(VMCS_GUEST_LINEAR_ADDRESS);
	r->intr_info = (uint32_t)vmcs_read(VMCS_EXIT_INTR_INFO);
	r->intr_error_code = (uint32_t)vmcs_read(VMCS_EXIT_INTR_ERROR_CODE);
	r->idt_vectoring_info = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);
	r->idt_vectoring_error_code = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_ERROR_CODE);
	r->instruction_len = (uint32_t)vmcs_read(VMCS_EXIT_INSTRUCTION_LEN);
	r->guest_rip = vmcs_read(VMCS_GUEST_RIP);
	r->vm_instruction_error = 0;
}

/*
 * An event whose delivery the exit interrupted is delivered again at the next entry (software
 * events with their instruction length). An IRET that unblocked NMIs and then faulted must leave
 * them blocked again (SDM vol. 3, 28.2.3: "NMI unblocking due to IRET").
 */
static void requeue_interrupted_event(struct vmx_vcpu *v, const struct vmx_exit_record *r)
{
	uint32_t info = r->idt_vectoring_info;
	uint16_t basic = (uint16_t)(r->exit_reason & VMX_EXIT_REASON_BASIC);

	if (info & INTR_INFO_VALID) {
		uint32_t type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
		v->inject_info = info & ENTRY_INFO_MASK;
		v->inject_error = r->idt_vectoring_error_code;
		v->inject_len = type >= INTR_TYPE_SOFTWARE_INTERRUPT ? r->instruction_len : 0;
		return;
	}
	bool unblocked = (basic == VMX_EXIT_EXCEPTION_NMI &&
			  (r->intr_info & INTR_INFO_NMI_UNBLOCKED_BY_IRET)) ||
			 (basic == VMX_EXIT_EPT_VIOLATION && (r->qualification & (1u << 12)));
	if (unblocked)
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			   vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
}

/*
 * After a refused entry the VMCS is cleared (its launch state with it): a reset's new state then
 * starts with VMLAUNCH again, whatever the failure left the launch state at.
 */
static void forget_launch(struct vmx_vcpu *v)
{
	vmx_clear(v->vmcs_pa);
	vmx_set_current_vmcs(0);
	v->launched = false;
}

static void entry_failed(struct vcpu *vcpu, struct vm_exit *exit, uint32_t error)
{
	struct vmx_exit_record r = { .vm_instruction_error = error ? error : 0xFFFF };

	vmx_decode_exit(&r, &vcpu->regs, exit);
	dump_failed_entry(vcpu, exit);
	forget_launch(vmx_vcpu(vcpu));
}

void vmx_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);
	struct vmx_exit_record r;

	for (;;) {
		if (vmx_current_vmcs() != v->vmcs_pa && !vmcs_make_current(vcpu, v)) {
			entry_failed(vcpu, exit, (uint32_t)vmcs_read(VMCS_VM_INSTRUCTION_ERROR));
			return;
		}
		prepare_entry(v);
		if (vmx_vmrun(&vcpu->regs, v->launched)) {
			/* VMfailValid has an error number; VMfailInvalid (no current VMCS) 0xFFFF. */
			entry_failed(vcpu, exit, (uint32_t)vmcs_read(VMCS_VM_INSTRUCTION_ERROR));
			return;
		}
		v->launched = true;
		read_exit_record(&r);
		v->rip = r.guest_rip;
		v->rflags = vmcs_read(VMCS_GUEST_RFLAGS);
		requeue_interrupted_event(v, &r);
		uint16_t basic = (uint16_t)(r.exit_reason & VMX_EXIT_REASON_BASIC);
		if (basic == VMX_EXIT_PREEMPTION_TIMER &&
		    !(r.exit_reason & VMX_EXIT_REASON_ENTRY_FAILURE)) {
			/* The kick of vmx_host_nmi(): the hypervisor's signal, as an NMI exit. */
			vmcs_write(VMCS_PIN_BASED_CONTROLS, vmx_caps.pin);
			memset(exit, 0, sizeof(*exit));
			exit->reason = EXIT_NMI;
			exit->vendor_code = r.exit_reason;
			return;
		}
		vmx_decode_exit(&r, &vcpu->regs, exit);
		if (exit->reason == EXIT_ENTRY_FAILED) {
			dump_failed_entry(vcpu, exit);
			forget_launch(v);
			return;
		}
		if (exit->reason != EXIT_OTHER ||
		    !vmx_emulate_exit(vcpu, basic, r.qualification, r.instruction_len, exit))
			return;
		/* Completed here (XSETBV, a CR write, an NMI window): into the guest again. */
	}
}

uint64_t vmx_vcpu_rip(struct vcpu *vcpu)
{
	return vmx_vcpu(vcpu)->rip;
}

void vmx_vcpu_set_rip(struct vcpu *vcpu, uint64_t rip)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);

	if (v->state_pending)
		v->state.rip = rip;
	v->rip = rip;
	v->clear_shadow = true; /* the instruction at the old RIP is done */
}

uint64_t vmx_vcpu_rflags(struct vcpu *vcpu)
{
	return vmx_vcpu(vcpu)->rflags;
}

unsigned vmx_vcpu_cpl(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);
	uint32_t ss_ar;

	if (vmcs_readable(v))
		ss_ar = (uint32_t)vmcs_read(VMCS_GUEST_SS_AR);
	else if (!(v->state.cr0 & CR0_PE))
		return 0;
	else
		ss_ar = v->state.ss.access;
	return (ss_ar >> 5) & 3; /* VMX keeps the CPL in SS.DPL */
}

void vmx_vcpu_mode(struct vcpu *vcpu, struct vcpu_mode *p)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);
	uint32_t cs_ar;

	if (!vmcs_readable(v)) {
		p->cr0 = v->state.cr0;
		p->cr3 = v->state.cr3;
		p->cr4 = v->state.cr4;
		p->efer = v->state.efer;
		p->cs_base = v->state.cs.base;
		cs_ar = v->state.cs.access;
	} else {
		uint64_t m0 = cr0_mask(), m4 = cr4_mask();
		p->cr0 = (vmcs_read(VMCS_GUEST_CR0) & ~m0) | (vmcs_read(VMCS_CR0_READ_SHADOW) & m0);
		p->cr4 = (vmcs_read(VMCS_GUEST_CR4) & ~m4) | (vmcs_read(VMCS_CR4_READ_SHADOW) & m4);
		p->cr3 = vmcs_read(VMCS_GUEST_CR3);
		p->efer = vmcs_read(VMCS_GUEST_IA32_EFER);
		p->cs_base = vmcs_read(VMCS_GUEST_CS_BASE);
		cs_ar = (uint32_t)vmcs_read(VMCS_GUEST_CS_AR);
	}
	p->long_mode_code = cs_ar & SEG_AR_L;
	p->default_32bit = cs_ar & SEG_AR_DB;
}

static bool vector_has_error_code(uint8_t v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

/*
 * Only instruction exits inject (#UD, #GP), and no instruction exit interrupts a delivery: the
 * event slot holds no requeued event to lose (an exit during a delivery that would need
 * emulation stops the VM instead: x86/guest/exit.c).
 */
void vmx_vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, uint32_t error_code)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);
	struct vcpu_mode mode;

	v->inject_info =
		vector | INTR_TYPE_HARDWARE_EXCEPTION << INTR_INFO_TYPE_SHIFT | INTR_INFO_VALID;
	v->inject_error = 0;
	v->inject_len = 0;
	vmx_vcpu_mode(vcpu, &mode);
	/* Real mode pushes no error code (and VM entry refuses one with CR0.PE clear). */
	if (vector_has_error_code(vector) && (mode.cr0 & CR0_PE)) {
		v->inject_info |= INTR_INFO_ERROR_CODE_VALID;
		v->inject_error = error_code;
	}
}

void vmx_vcpu_inject_nmi(struct vcpu *vcpu)
{
	vmx_vcpu(vcpu)->nmi_pending = true; /* prepare_entry() injects it when not blocked */
}

uint64_t vmx_vcpu_efer(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);

	return vmcs_readable(v) ? vmcs_read(VMCS_GUEST_IA32_EFER) : v->state.efer;
}

int vmx_vcpu_set_efer(struct vcpu *vcpu, uint64_t efer)
{
	struct vmx_vcpu *v = vmx_vcpu(vcpu);

	if (efer & ~(uint64_t)EFER_SUPPORTED)
		return -EINVAL;
	/* LMA is the processor's to set (with CR0.PG); keep the current one. */
	uint64_t lma = vmx_vcpu_efer(vcpu) & EFER_LMA;
	efer = (efer & ~(uint64_t)EFER_LMA) | lma;
	if (vmcs_readable(v))
		vmcs_write(VMCS_GUEST_IA32_EFER, efer);
	else
		v->state.efer = efer;
	v->flush_ept = true;
	return 0;
}
