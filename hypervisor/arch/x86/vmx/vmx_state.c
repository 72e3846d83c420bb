/* SPDX-License-Identifier: BSD-3-Clause */
/* A vendor-neutral vcpu_arch_state written into the current VMCS's guest-state area. */
#include "x86/boot_defs.h"
#include "x86/cpu.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_impl.h"
#include "vmx_insn.h"

#define MSR_STAR	   0xC0000081u
#define MSR_LSTAR	   0xC0000082u
#define MSR_CSTAR	   0xC0000083u
#define MSR_SFMASK	   0xC0000084u
#define MSR_KERNEL_GS_BASE 0xC0000102u

struct seg_fields {
	uint32_t selector, base, limit, ar;
};

static void write_segment(const struct seg_fields *f, const struct vcpu_segment *s)
{
	/* The AR layout is VMX's own (x86/vcpu_state.h); an unusable segment keeps only bit 16. */
	uint32_t ar = s->access & SEG_AR_MASK;

	vmcs_write(f->selector, s->selector);
	vmcs_write(f->base, s->base);
	vmcs_write(f->limit, s->limit);
	vmcs_write(f->ar, ar & SEG_AR_UNUSABLE ? SEG_AR_UNUSABLE : ar);
}

static const struct seg_fields cs_f = { VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE,
					VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR };
static const struct seg_fields ds_f = { VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE,
					VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR };
static const struct seg_fields es_f = { VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE,
					VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR };
static const struct seg_fields fs_f = { VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE,
					VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR };
static const struct seg_fields gs_f = { VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE,
					VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR };
static const struct seg_fields ss_f = { VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE,
					VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR };
static const struct seg_fields tr_f = { VMCS_GUEST_TR_SELECTOR, VMCS_GUEST_TR_BASE,
					VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_AR };
static const struct seg_fields ldtr_f = { VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_LDTR_BASE,
					  VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_LDTR_AR };

/* CR0 bits the guest cannot hold as it wants (NE; PE and PG are free with unrestricted guest). */
static uint64_t cr0_forced(void)
{
	return vmx_caps.cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG);
}

void vmx_state_load(struct vmx_vcpu *v, const struct vcpu_arch_state *st)
{
	write_segment(&cs_f, &st->cs);
	write_segment(&ds_f, &st->ds);
	write_segment(&es_f, &st->es);
	write_segment(&fs_f, &st->fs);
	write_segment(&gs_f, &st->gs);
	write_segment(&ss_f, &st->ss);
	write_segment(&tr_f, &st->tr);
	write_segment(&ldtr_f, &st->ldtr);
	vmcs_write(VMCS_GUEST_GDTR_BASE, st->gdtr.base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, st->gdtr.limit);
	vmcs_write(VMCS_GUEST_IDTR_BASE, st->idtr.base);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, st->idtr.limit);
	/* The guest reads its own CR0/CR4 through the shadows; VMX's fixed bits stay underneath. */
	vmcs_write(VMCS_GUEST_CR0, (st->cr0 | cr0_forced()) & vmx_caps.cr0_fixed1);
	vmcs_write(VMCS_CR0_READ_SHADOW, st->cr0);
	vmcs_write(VMCS_GUEST_CR4, (st->cr4 | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1);
	vmcs_write(VMCS_CR4_READ_SHADOW, st->cr4);
	vmcs_write(VMCS_GUEST_CR3, st->cr3);
	vmcs_write(VMCS_GUEST_DR7, st->dr7);
	vmcs_write(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_RSP, st->rsp);
	vmcs_write(VMCS_GUEST_RFLAGS, st->rflags);
	vmcs_write(VMCS_GUEST_IA32_EFER, st->efer);
	vmcs_write(VMCS_GUEST_IA32_PAT, st->pat);
	v->entry_ctl = vmx_caps.entry | (st->efer & EFER_LMA ? ENTRY_CTL_IA32E_MODE_GUEST : 0);
	vmcs_write(VMCS_ENTRY_CONTROLS, v->entry_ctl);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, 0); /* active */
	vmcs_write(VMCS_GUEST_PENDING_DEBUG, 0);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	/* VMX does not switch these: they are the hardware's, this pCPU runs this guest alone. */
	__asm__ volatile("mov %0, %%dr6" : : "r"(st->dr6));
	wrmsr(MSR_STAR, 0);
	wrmsr(MSR_LSTAR, 0);
	wrmsr(MSR_CSTAR, 0);
	wrmsr(MSR_SFMASK, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	v->rip = st->rip;
	v->rflags = st->rflags;
	v->clear_shadow = false;
}
