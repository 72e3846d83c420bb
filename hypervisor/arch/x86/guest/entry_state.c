/* SPDX-License-Identifier: BSD-3-Clause */
/* Architectural states a vCPU starts in: a loader's 64-bit entry, a STARTUP IPI's real mode. */
#include "core/virt.h"
#include "lib/string.h"
#include "x86/boot_defs.h"
#include "x86/guest/entry_state.h"
#include "x86/guest/x2apic.h"

#define REAL_MODE_LIMIT 0xFFFF
#define TSS64_LIMIT	0x67 /* the 104-byte 64-bit TSS */

static struct vcpu_segment segment(uint16_t selector, uint32_t access, uint32_t limit)
{
	return (struct vcpu_segment){ .selector = selector, .access = access, .limit = limit };
}

/* What every start has in common: debug registers, PAT, RFLAGS at reset; everything else 0. */
static void reset_common(struct vcpu_arch_state *st)
{
	memset(st, 0, sizeof(*st));
	st->rflags = RFLAGS_RESERVED_1;
	st->dr6 = DR6_RESET_VALUE;
	st->dr7 = DR7_RESET_VALUE;
	st->pat = PAT_RESET_VALUE;
}

void entry_state_long_mode(struct vcpu_arch_state *st, const struct long_mode_entry *e)
{
	reset_common(st);
	st->rip = e->rip;
	st->rsp = e->rsp;
	st->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	st->cr3 = e->cr3;
	st->cr4 = CR4_PAE;
	st->efer = EFER_LME | EFER_LMA;
	st->cs = segment(e->code_sel, seg_access_from_descriptor(GDT_DESC_CODE64), 0xFFFFFFFF);
	st->ds = segment(e->data_sel, seg_access_from_descriptor(GDT_DESC_DATA), 0xFFFFFFFF);
	st->es = st->fs = st->gs = st->ss = st->ds;
	st->tr = segment(0, SEG_AR_P | SEG_AR_TYPE(SEG_TYPE_TSS_BUSY), TSS64_LIMIT);
	st->ldtr = segment(0, SEG_AR_P | SEG_AR_TYPE(SEG_TYPE_LDT), 0);
	st->gdtr = e->gdtr;
}

void entry_state_startup(struct vcpu_arch_state *st, uint8_t vector)
{
	const uint32_t code = SEG_AR_P | SEG_AR_S | SEG_AR_TYPE(SEG_TYPE_CODE_RX) | SEG_AR_ACCESSED;
	const uint32_t data = SEG_AR_P | SEG_AR_S | SEG_AR_TYPE(SEG_TYPE_DATA_RW) | SEG_AR_ACCESSED;

	reset_common(st);
	st->cr0 = CR0_ET;
	st->cs = segment((uint16_t)(vector << 8), code, REAL_MODE_LIMIT);
	st->cs.base = (uint64_t)vector << 12;
	st->ds = segment(0, data, REAL_MODE_LIMIT);
	st->es = st->fs = st->gs = st->ss = st->ds;
	st->tr = segment(0, SEG_AR_P | SEG_AR_TYPE(SEG_TYPE_TSS_BUSY), REAL_MODE_LIMIT);
	st->ldtr = segment(0, SEG_AR_P | SEG_AR_TYPE(SEG_TYPE_LDT), REAL_MODE_LIMIT);
	st->gdtr.limit = REAL_MODE_LIMIT;
	st->idtr.limit = REAL_MODE_LIMIT;
}

int vcpu_enter_state(struct vcpu *vcpu, const struct vcpu_arch_state *st)
{
	x2apic_reset(vcpu);
	return virt_vcpu_set_state(vcpu, st);
}

void vcpu_start_at_sipi(struct vcpu *vcpu, uint8_t vector)
{
	struct vcpu_arch_state st;

	entry_state_startup(&st, vector);
	vcpu_enter_state(vcpu, &st); /* cannot fail: EFER is 0 */
}
