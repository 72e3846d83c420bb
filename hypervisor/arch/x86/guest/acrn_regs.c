/* SPDX-License-Identifier: BSD-3-Clause */
/* ACRN's start state (struct acrn_regs, HC_SET_VCPU_REGS) as a checked vcpu_arch_state. */
#include "core/arch.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "x86/boot_defs.h"
#include "x86/guest/acrn_regs.h"
#include "x86/guest/entry_state.h"

/* RFLAGS bits a start state may hold: all defined ones but VM (no virtual-8086 start). */
#define RFLAGS_ALLOWED 0x3D7FD7ull
/* CR0: PE MP EM TS ET NE WP AM NW CD PG. */
#define CR0_ALLOWED 0xE005003Full
/* CR4: VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT, which every x86-64 CPU has. */
#define CR4_ALLOWED  0x7FFull
#define EFER_ALLOWED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define CR3_MBZ	     0xFFF0000000000000ull

#define SEG_TYPE_CODE	  0x8 /* type bit 3: code */
#define FLAT_LIMIT	  0xFFFFFFFFu
#define REAL_MODE_LIMIT	  0xFFFFu
#define TSS_LIMIT	  0xFFu
#define VMX_AR_LIMIT_HIGH 0xF00u /* bits 11:8: the descriptor's limit 19:16, reserved in VMX */
#define PAGE_GRANULAR_LOW 0xFFFu
#define BYTE_GRANULAR_MAX 0xFFFFFu

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static void copy_gprs(const struct acrn_gp_regs *g, struct vcpu_arch_state *st)
{
	st->regs = (struct vcpu_regs){ .rax = g->rax,
				       .rbx = g->rbx,
				       .rcx = g->rcx,
				       .rdx = g->rdx,
				       .rsi = g->rsi,
				       .rdi = g->rdi,
				       .rbp = g->rbp,
				       .r8 = g->r8,
				       .r9 = g->r9,
				       .r10 = g->r10,
				       .r11 = g->r11,
				       .r12 = g->r12,
				       .r13 = g->r13,
				       .r14 = g->r14,
				       .r15 = g->r15 };
	st->rsp = g->rsp;
}

/* CR0, CR3, CR4 and EFER agree with each other; EFER.LMA follows LME and PG. */
static int check_control(const struct acrn_regs *r, uint64_t *efer)
{
	bool pg = r->cr0 & CR0_PG, lme = r->ia32_efer & EFER_LME;

	if ((r->cr0 & ~CR0_ALLOWED) || (r->cr4 & ~CR4_ALLOWED) || (r->ia32_efer & ~EFER_ALLOWED))
		return -EINVAL;
	if ((r->cr0 & CR0_NW) && !(r->cr0 & CR0_CD))
		return -EINVAL;
	if (pg && !(r->cr0 & CR0_PE))
		return -EINVAL;
	if (r->cr3 & CR3_MBZ)
		return -EINVAL;
	if (lme && pg && !(r->cr4 & CR4_PAE))
		return -EINVAL;
	if ((r->ia32_efer & EFER_LMA) && !(lme && pg))
		return -EINVAL;
	*efer = r->ia32_efer | (lme && pg ? EFER_LMA : 0);
	return 0;
}

/* A limit in bytes that a descriptor could hold with its G bit as the access rights say. */
static bool limit_fits_granularity(uint32_t limit, uint32_t access)
{
	if (access & SEG_AR_G)
		return (limit & PAGE_GRANULAR_LOW) == PAGE_GRANULAR_LOW;
	return limit <= BYTE_GRANULAR_MAX;
}

static int build_cs(const struct acrn_regs *r, bool long_mode, struct vcpu_segment *cs)
{
	uint32_t access = r->cs_ar & ~VMX_AR_LIMIT_HIGH;
	bool protected_mode = r->cr0 & CR0_PE;

	if ((access & ~SEG_AR_MASK) || (access & SEG_AR_UNUSABLE) || !(access & SEG_AR_P))
		return -EINVAL;
	if (!limit_fits_granularity(r->cs_limit, access))
		return -EINVAL;
	if (protected_mode && (!(access & SEG_AR_S) || !(access & SEG_AR_TYPE(SEG_TYPE_CODE)) ||
			       (access & SEG_AR_DPL(3))))
		return -EINVAL; /* a ring-0 code segment */
	if ((access & SEG_AR_L) && (!long_mode || (access & SEG_AR_DB)))
		return -EINVAL;
	if (!long_mode && r->cs_base > FLAT_LIMIT)
		return -EINVAL;
	*cs = (struct vcpu_segment){ .selector = r->cs_sel,
				     .access = access | SEG_AR_ACCESSED,
				     .limit = r->cs_limit,
				     .base = r->cs_base };
	return 0;
}

static struct vcpu_segment data_segment(uint16_t selector, bool protected_mode)
{
	uint32_t access = SEG_AR_P | SEG_AR_S | SEG_AR_TYPE(SEG_TYPE_DATA_RW) | SEG_AR_ACCESSED;

	if (!protected_mode)
		return (struct vcpu_segment){ .selector = selector,
					      .access = access,
					      .limit = REAL_MODE_LIMIT,
					      .base = (uint64_t)selector << 4 };
	return (struct vcpu_segment){ .selector = selector,
				      .access = access | SEG_AR_DB | SEG_AR_G,
				      .limit = FLAT_LIMIT };
}

int acrn_regs_to_state(const struct acrn_regs *r, struct vcpu_arch_state *st)
{
	bool protected_mode = r->cr0 & CR0_PE;
	uint64_t efer;
	int err = check_control(r, &efer);

	if (err)
		return err;
	bool long_mode = efer & EFER_LMA;
	memset(st, 0, sizeof(*st));
	err = build_cs(r, long_mode, &st->cs);
	if (err)
		return err;
	bool code64 = long_mode && (st->cs.access & SEG_AR_L);
	if (code64 ? !canonical(r->rip) : r->rip > FLAT_LIMIT)
		return -EINVAL;
	if ((r->rflags & ~RFLAGS_ALLOWED) || !canonical(r->gdt.base) || !canonical(r->idt.base))
		return -EINVAL;
	copy_gprs(&r->gprs, st);
	st->rip = r->rip;
	st->rflags = r->rflags | RFLAGS_RESERVED_1;
	st->cr0 = r->cr0 | CR0_ET; /* ET is fixed at 1 on every x86-64 CPU */
	st->cr3 = r->cr3;
	st->cr4 = r->cr4;
	st->efer = efer;
	st->dr6 = DR6_RESET_VALUE;
	st->dr7 = DR7_RESET_VALUE;
	st->pat = PAT_RESET_VALUE;
	st->ds = data_segment(r->ds_sel, protected_mode);
	st->es = data_segment(r->es_sel, protected_mode);
	st->fs = data_segment(r->fs_sel, protected_mode);
	st->gs = data_segment(r->gs_sel, protected_mode);
	st->ss = data_segment(r->ss_sel, protected_mode);
	st->tr = (struct vcpu_segment){ .selector = r->tr_sel,
					.access = SEG_AR_P | SEG_AR_TYPE(SEG_TYPE_TSS_BUSY),
					.limit = TSS_LIMIT };
	st->ldtr = (struct vcpu_segment){ .selector = r->ldt_sel,
					  .access = SEG_AR_P | SEG_AR_TYPE(SEG_TYPE_LDT),
					  .limit = REAL_MODE_LIMIT };
	st->gdtr = (struct vcpu_table_reg){ .base = r->gdt.base, .limit = r->gdt.limit };
	st->idtr = (struct vcpu_table_reg){ .base = r->idt.base, .limit = r->idt.limit };
	return 0;
}

int arch_vcpu_set_acrn_regs(struct vcpu *vcpu, const struct acrn_regs *regs)
{
	struct vcpu_arch_state st;
	int err = acrn_regs_to_state(regs, &st);

	return err ? err : vcpu_enter_state(vcpu, &st);
}
