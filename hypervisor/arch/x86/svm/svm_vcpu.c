/* SPDX-License-Identifier: BSD-3-Clause */
/* SVM per-vCPU state: the VMCB, loading a vcpu_arch_state into it, running it, events, registers. */
#include "core/console.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/cpu.h"
#include "x86/plain_exit.h"
#include "x86/vectors.h"
#include "svm.h"
#include "svm_state.h"

#define GUEST_ASID 1 /* one guest per pCPU for life: one ASID is enough */
#define EFER_RESERVED \
	~(uint64_t)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | (1u << 14))

static struct virt_vcpu svm_vcpus[MAX_VMS][MAX_VCPUS_PER_VM];

static void vmcb_set_intercepts(struct vmcb *vmcb, const struct vm *vm)
{
	struct vmcb_control *c = &vmcb->control;

	c->exception_intercepts = 1u << VECTOR_UD; /* #UD: Intel VMCALL arrives this way on AMD */
	c->misc1_intercepts = SVM_INTERCEPT_NMI | SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID |
			      SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
			      SVM_INTERCEPT_SHUTDOWN | SVM_INTERCEPT_INVD;
	if (vm->trap_hlt)
		c->misc1_intercepts |= SVM_INTERCEPT_HLT;
	c->misc2_intercepts = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
			      SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			      SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_WBINVD;
}

int svm_vcpu_init(struct vcpu *vcpu)
{
	struct virt_vcpu *v = &svm_vcpus[vcpu->vm->id][vcpu->id];
	struct virt_vm *vv = vcpu->vm->virt;

	memset(v, 0, sizeof(*v));
	if (phys_alloc_pages(1, 1, &v->vmcb_pa))
		return -ENOMEM;
	v->vmcb = phys_to_virt(v->vmcb_pa);
	vmcb_set_intercepts(v->vmcb, vcpu->vm);
	struct vmcb_control *c = &v->vmcb->control;
	c->iopm_base_pa = vv->iopm_pa;
	c->msrpm_base_pa = vv->msrpm_pa;
	c->asid = GUEST_ASID;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = vv->npt.root_pa;
	v->flush_tlb = true;
	vcpu->virt = v;
	return 0;
}

void svm_vcpu_destroy(struct vcpu *vcpu)
{
	if (!vcpu->virt)
		return;
	phys_free_pages(vcpu->virt->vmcb_pa, 1);
	memset(vcpu->virt, 0, sizeof(*vcpu->virt));
	vcpu->virt = NULL;
}

int svm_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *st)
{
	struct virt_vcpu *v = vcpu->virt;

	if (st->efer & EFER_RESERVED)
		return -EINVAL;
	svm_save_from_state(&v->vmcb->save, st);
	/* As for a WRMSR: SVME stays hidden from the guest, LMA is read back from the VMCB. */
	v->guest_efer = st->efer & ~(uint64_t)(EFER_LMA | EFER_SVME);
	v->vmcb->control.event_inj = 0;
	v->nmi_pending = false;
	v->flush_tlb = true;
	vcpu->regs = st->regs;
	return 0;
}

/* Injected at the next VMRUN that has no event to deliver again (svm_vcpu_run). */
void svm_vcpu_inject_nmi(struct vcpu *vcpu)
{
	vcpu->virt->nmi_pending = true;
}

/*
 * EVENTINJ holds one event: an event whose delivery the last exit interrupted goes first (the
 * guest would lose it otherwise), and the NMI waits for a later entry.
 */
static void inject_pending_nmi(struct virt_vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;

	if (!v->nmi_pending || (c->event_inj & SVM_EVENT_VALID))
		return;
	c->event_inj = 2 | SVM_EVENT_TYPE_NMI | SVM_EVENT_VALID;
	v->nmi_pending = false;
}

/* Exits that carry nothing but their reason (and, for virtualization instructions, a name). */
static const struct plain_exit plain_exits[] = {
	{ SVM_EXIT_CPUID, EXIT_CPUID, NULL },
	{ SVM_EXIT_HLT, EXIT_HLT, NULL },
	{ SVM_EXIT_VMMCALL, EXIT_HYPERCALL, NULL },
	{ SVM_EXIT_SHUTDOWN, EXIT_TRIPLE_FAULT, NULL },
	{ SVM_EXIT_INIT, EXIT_INIT, NULL },
	{ SVM_EXIT_NMI, EXIT_NMI, NULL },
	{ SVM_EXIT_INVD, EXIT_CACHE_FLUSH, NULL },
	{ SVM_EXIT_WBINVD, EXIT_CACHE_FLUSH, NULL },
	{ SVM_EXIT_VMRUN, EXIT_VIRT_INSN, "VMRUN" },
	{ SVM_EXIT_VMLOAD, EXIT_VIRT_INSN, "VMLOAD" },
	{ SVM_EXIT_VMSAVE, EXIT_VIRT_INSN, "VMSAVE" },
	{ SVM_EXIT_STGI, EXIT_VIRT_INSN, "STGI" },
	{ SVM_EXIT_CLGI, EXIT_VIRT_INSN, "CLGI" },
	{ SVM_EXIT_SKINIT, EXIT_VIRT_INSN, "SKINIT" },
	{ SVM_EXIT_INVLPGA, EXIT_VIRT_INSN, "INVLPGA" },
};

static void decode_plain(uint32_t code, struct vm_exit *exit)
{
	plain_exit_decode(plain_exits, ARRAY_SIZE(plain_exits), code, SVM_EXIT_INVD, exit);
}

static void decode_npf(const struct vmcb *vmcb, struct vm_exit *exit)
{
	uint64_t info = vmcb->control.exit_info1;

	exit->reason = EXIT_MEM_FAULT;
	exit->mem.gpa = vmcb->control.exit_info2;
	exit->mem.present = info & 1;
	exit->mem.write = info & 2;
	exit->mem.fetch = info & 16;
}

static void decode_ioio(const struct vmcb *vmcb, struct vm_exit *exit)
{
	uint64_t info = vmcb->control.exit_info1;

	exit->reason = EXIT_IO;
	exit->io.port = (uint16_t)(info >> 16);
	exit->io.in = info & SVM_IOIO_IN;
	exit->io.string = info & SVM_IOIO_STR;
	exit->io.rep = info & SVM_IOIO_REP;
	uint64_t size_bits = info >> SVM_IOIO_SIZE_SHIFT; /* one-hot: 1, 2 or 4 bytes */
	exit->io.size = size_bits & 4 ? 4 : size_bits & 2 ? 2 : 1;
	exit->io.next_rip = vmcb->control.exit_info2;
}

static void decode_exit(const struct vmcb *vmcb, const struct vcpu_regs *regs, struct vm_exit *exit)
{
	uint32_t code = (uint32_t)vmcb->control.exit_code;

	memset(exit, 0, sizeof(*exit));
	exit->vendor_code = vmcb->control.exit_code;
	exit->delivering = vmcb->control.exit_int_info & SVM_EVENT_VALID;
	exit->delivering_vector = (uint8_t)vmcb->control.exit_int_info;
	if (code == SVM_EXIT_INVALID) {
		exit->reason = EXIT_ENTRY_FAILED;
	} else if (code >= SVM_EXIT_EXCEPTION_BASE && code < SVM_EXIT_EXCEPTION_BASE + 32) {
		exit->reason = EXIT_EXCEPTION;
		exit->exception.vector = (uint8_t)(code - SVM_EXIT_EXCEPTION_BASE);
		exit->exception.error_code = (uint32_t)vmcb->control.exit_info1;
	} else if (code == SVM_EXIT_IOIO) {
		decode_ioio(vmcb, exit);
	} else if (code == SVM_EXIT_MSR) {
		exit->reason = vmcb->control.exit_info1 ? EXIT_MSR_WRITE : EXIT_MSR_READ;
		exit->msr.index = (uint32_t)regs->rcx;
	} else if (code == SVM_EXIT_NPF) {
		decode_npf(vmcb, exit);
	} else {
		decode_plain(code, exit);
	}
}

/*
 * An event whose delivery the exit interrupted must be delivered again. QEMU records external
 * interrupts and NMIs as exceptions, which VMRUN would refuse: give them back their real type.
 */
static void requeue_interrupted_event(struct vmcb_control *c)
{
	uint32_t info = c->exit_int_info;

	if (!(info & SVM_EVENT_VALID))
		return;
	uint8_t vector = info & 0xFF;
	if ((info & SVM_EVENT_TYPE_MASK) == SVM_EVENT_TYPE_EXEPT && (vector >= 32 || vector == 2)) {
		info &= ~(SVM_EVENT_TYPE_MASK | SVM_EVENT_ERR_VALID);
		info |= vector == 2 ? SVM_EVENT_TYPE_NMI : SVM_EVENT_TYPE_INTR;
	}
	c->event_inj = info;
	c->event_inj_err = c->exit_int_info_err;
}

/* VMRUN refused the VMCB: print what its consistency checks look at (docs/vendor-interface.md). */
static void vmcb_dump(const struct vmcb *vmcb)
{
	const struct vmcb_control *c = &vmcb->control;
	const struct vmcb_save *s = &vmcb->save;

	printf("cairn: VMCB: intercepts misc1 %08x misc2 %08x exc %08x asid %u tlb %u np %lx "
	       "ncr3 %lx iopm %lx msrpm %lx event_inj %08x\n",
	       c->misc1_intercepts, c->misc2_intercepts, c->exception_intercepts, c->asid,
	       c->tlb_control, c->nested_ctl, c->nested_cr3, c->iopm_base_pa, c->msrpm_base_pa,
	       c->event_inj);
	printf("cairn: VMCB: cr0 %lx cr3 %lx cr4 %lx efer %lx rflags %lx rip %lx cs %04x/%04x "
	       "ss %04x/%04x dr6 %lx dr7 %lx\n",
	       s->cr0, s->cr3, s->cr4, s->efer, s->rflags, s->rip, s->cs.selector, s->cs.attrib,
	       s->ss.selector, s->ss.attrib, s->dr6, s->dr7);
}

void svm_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit)
{
	struct virt_vcpu *v = vcpu->virt;
	struct vmcb *vmcb = v->vmcb;

	vmcb->control.tlb_control = v->flush_tlb ? SVM_TLB_FLUSH_ALL : 0;
	v->flush_tlb = false;
	inject_pending_nmi(v);
	vmcb->save.rax = vcpu->regs.rax;
	svm_vmrun(v->vmcb_pa, &vcpu->regs, svm_host_state_pa());
	vcpu->regs.rax = vmcb->save.rax;
	requeue_interrupted_event(&vmcb->control);
	decode_exit(vmcb, &vcpu->regs, exit);
	if (exit->reason == EXIT_ENTRY_FAILED)
		vmcb_dump(vmcb);
}

uint64_t svm_vcpu_rip(struct vcpu *vcpu)
{
	return vcpu->virt->vmcb->save.rip;
}

void svm_vcpu_set_rip(struct vcpu *vcpu, uint64_t rip)
{
	vcpu->virt->vmcb->save.rip = rip;
}

uint64_t svm_vcpu_rflags(struct vcpu *vcpu)
{
	return vcpu->virt->vmcb->save.rflags;
}

unsigned svm_vcpu_cpl(struct vcpu *vcpu)
{
	return vcpu->virt->vmcb->save.cpl;
}

void svm_vcpu_mode(struct vcpu *vcpu, struct vcpu_mode *p)
{
	const struct vmcb_save *s = &vcpu->virt->vmcb->save;

	p->cr0 = s->cr0;
	p->cr3 = s->cr3;
	p->cr4 = s->cr4;
	p->efer = vcpu->virt->guest_efer | (s->efer & EFER_LMA);
	p->cs_base = s->cs.base;
	p->long_mode_code = svm_segment_access(s->cs.attrib) & SEG_AR_L;
	p->default_32bit = svm_segment_access(s->cs.attrib) & SEG_AR_DB;
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
void svm_vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, uint32_t error_code)
{
	struct vmcb_control *c = &vcpu->virt->vmcb->control;

	c->event_inj = vector | SVM_EVENT_TYPE_EXEPT | SVM_EVENT_VALID;
	if (vector_has_error_code(vector)) {
		c->event_inj |= SVM_EVENT_ERR_VALID;
		c->event_inj_err = error_code;
	}
}

uint64_t svm_vcpu_efer(struct vcpu *vcpu)
{
	return vcpu->virt->guest_efer | (vcpu->virt->vmcb->save.efer & EFER_LMA);
}

int svm_vcpu_set_efer(struct vcpu *vcpu, uint64_t efer)
{
	struct vmcb_save *s = &vcpu->virt->vmcb->save;

	if (efer & EFER_RESERVED)
		return -EINVAL;
	/* LMA is the processor's to set; SVME must stay on under SVM but is hidden from the guest. */
	efer = (efer & ~(uint64_t)(EFER_LMA | EFER_SVME)) | (s->efer & EFER_LMA);
	vcpu->virt->guest_efer = efer & ~(uint64_t)EFER_LMA;
	s->efer = efer | EFER_SVME;
	vcpu->virt->flush_tlb = true;
	return 0;
}
