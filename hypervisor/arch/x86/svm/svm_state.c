/* SPDX-License-Identifier: BSD-3-Clause */
/* A vendor-neutral vcpu_arch_state translated into the VMCB's save area and segment attributes. */
#include "lib/string.h"
#include "x86/boot_defs.h"
#include "svm_state.h"

#define RFLAGS_VM (1u << 17)

uint16_t svm_segment_attrib(uint32_t access)
{
	if (access & SEG_AR_UNUSABLE)
		access &= ~SEG_AR_P;
	return (uint16_t)((access & 0xFF) | ((access >> 4) & 0xF00));
}

uint32_t svm_segment_access(uint16_t attrib)
{
	uint32_t access = (attrib & 0xFFu) | ((attrib & 0xF00u) << 4);

	return access & SEG_AR_P ? access : access | SEG_AR_UNUSABLE;
}

static struct vmcb_segment vmcb_segment(const struct vcpu_segment *seg)
{
	return (struct vmcb_segment){
		.selector = seg->selector,
		.attrib = svm_segment_attrib(seg->access),
		.limit = seg->limit,
		.base = seg->base,
	};
}

static struct vmcb_segment vmcb_table(const struct vcpu_table_reg *t)
{
	return (struct vmcb_segment){ .limit = t->limit, .base = t->base };
}

static uint8_t state_cpl(const struct vcpu_arch_state *st)
{
	if (!(st->cr0 & CR0_PE))
		return 0;
	if (st->rflags & RFLAGS_VM)
		return 3;
	return (st->ss.access >> 5) & 3;
}

void svm_save_from_state(struct vmcb_save *s, const struct vcpu_arch_state *st)
{
	memset(s, 0, sizeof(*s));
	s->cs = vmcb_segment(&st->cs);
	s->ds = vmcb_segment(&st->ds);
	s->es = vmcb_segment(&st->es);
	s->fs = vmcb_segment(&st->fs);
	s->gs = vmcb_segment(&st->gs);
	s->ss = vmcb_segment(&st->ss);
	s->tr = vmcb_segment(&st->tr);
	s->ldtr = vmcb_segment(&st->ldtr);
	s->gdtr = vmcb_table(&st->gdtr);
	s->idtr = vmcb_table(&st->idtr);
	s->cpl = state_cpl(st);
	s->efer = st->efer | EFER_SVME;
	s->cr0 = st->cr0;
	s->cr3 = st->cr3;
	s->cr4 = st->cr4;
	s->dr6 = st->dr6;
	s->dr7 = st->dr7;
	s->rflags = st->rflags;
	s->rip = st->rip;
	s->rsp = st->rsp;
	s->rax = st->regs.rax;
	s->g_pat = st->pat;
}
