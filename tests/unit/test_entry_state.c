/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the architectural entry states (hypervisor/arch/x86/guest/entry_state.c). */
#include <string.h>

#include "core/virt.h"
#include "x86/guest/entry_state.h"
#include "harness.h"

/* Raw architectural bits, written out here so the tests check the CPU's rules, not the names. */
#define CR0_PE_BIT   (1ull << 0)
#define CR0_MP_BIT   (1ull << 1)
#define CR0_ET_BIT   (1ull << 4)
#define CR0_NE_BIT   (1ull << 5)
#define CR0_WP_BIT   (1ull << 16)
#define CR0_PG_BIT   (1ull << 31)
#define CR4_PAE_BIT  (1ull << 5)
#define EFER_LME_BIT (1ull << 8)
#define EFER_LMA_BIT (1ull << 10)

/* The descriptor access-rights layout: type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14, G 15. */
#define AR_TYPE(a) (0xF & (a))
#define AR_S(a)	   (((a) >> 4) & 1)
#define AR_DPL(a)  (((a) >> 5) & 3)
#define AR_P(a)	   (((a) >> 7) & 1)
#define AR_L(a)	   (((a) >> 13) & 1)
#define AR_DB(a)   (((a) >> 14) & 1)
#define AR_G(a)	   (((a) >> 15) & 1)

static const struct long_mode_entry entry = {
	.rip = 0x100000,
	.rsp = 0x800000,
	.cr3 = 0x3000,
	.gdtr = { .base = 0x1000, .limit = 23 },
	.code_sel = 0x08,
	.data_sel = 0x10,
};

static void expect_reset_values(const struct vcpu_arch_state *st)
{
	EXPECT_EQ(st->dr6, 0xFFFF0FF0);
	EXPECT_EQ(st->dr7, 0x400);
	EXPECT_EQ(st->rflags, 0x2); /* bit 1 reads as 1; IF and everything else clear */
	EXPECT_EQ(st->pat, 0x0007040600070406ull);
}

TEST(long_mode_control_registers)
{
	struct vcpu_arch_state st;

	memset(&st, 0xA5, sizeof(st));
	entry_state_long_mode(&st, &entry);
	EXPECT_EQ(st.cr0,
		  CR0_PE_BIT | CR0_MP_BIT | CR0_ET_BIT | CR0_NE_BIT | CR0_WP_BIT | CR0_PG_BIT);
	EXPECT_EQ(st.cr4, CR4_PAE_BIT);
	EXPECT_EQ(st.efer, EFER_LME_BIT | EFER_LMA_BIT);
	EXPECT_EQ(st.cr3, 0x3000);
	EXPECT_EQ(st.rip, 0x100000);
	EXPECT_EQ(st.rsp, 0x800000);
	expect_reset_values(&st);
}

TEST(long_mode_segments)
{
	struct vcpu_arch_state st;

	entry_state_long_mode(&st, &entry);
	EXPECT_EQ(st.cs.selector, 0x08);
	EXPECT_EQ(AR_TYPE(st.cs.access), 0xB); /* execute/read, accessed */
	EXPECT_EQ(AR_S(st.cs.access), 1);
	EXPECT_EQ(AR_DPL(st.cs.access), 0);
	EXPECT_EQ(AR_P(st.cs.access), 1);
	EXPECT_EQ(AR_L(st.cs.access), 1);
	EXPECT_EQ(AR_DB(st.cs.access), 0); /* L with D set is reserved */
	EXPECT_EQ(AR_G(st.cs.access), 1);
	EXPECT_EQ(st.cs.access, 0xA09B);
	EXPECT_EQ(st.cs.base, 0);
	EXPECT_EQ(st.cs.limit, 0xFFFFFFFF);
	const struct vcpu_segment *data[] = { &st.ds, &st.es, &st.fs, &st.gs, &st.ss };
	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		EXPECT_EQ(data[i]->selector, 0x10);
		EXPECT_EQ(data[i]->access, 0xC093); /* read/write accessed, P, D/B, G */
		EXPECT_EQ(data[i]->base, 0);
		EXPECT_EQ(data[i]->limit, 0xFFFFFFFF);
	}
	EXPECT_EQ(st.tr.access, 0x008B); /* busy 64-bit TSS, present */
	EXPECT_EQ(st.tr.limit, 0x67);
	EXPECT_EQ(st.ldtr.access, 0x0082);
	EXPECT_EQ(st.gdtr.base, 0x1000);
	EXPECT_EQ(st.gdtr.limit, 23);
	EXPECT_EQ(st.idtr.base, 0);
	EXPECT_EQ(st.idtr.limit, 0);
}

TEST(long_mode_gprs_are_zero)
{
	struct vcpu_arch_state st;
	struct vcpu_regs zero;

	memset(&st, 0xA5, sizeof(st));
	memset(&zero, 0, sizeof(zero));
	entry_state_long_mode(&st, &entry);
	EXPECT_MEMEQ(&st.regs, &zero, sizeof(zero));
}

TEST(segment_access_from_gdt_descriptors)
{
	EXPECT_EQ(seg_access_from_descriptor(GDT_DESC_CODE64), 0xA09B);
	EXPECT_EQ(seg_access_from_descriptor(GDT_DESC_DATA), 0xC093);
	/* The limit's bits 19:16 sit between the access byte and the flags: they never leak in. */
	EXPECT_EQ(seg_access_from_descriptor(0x000F9A000000FFFFull), 0x009B);
}

TEST(startup_state_is_real_mode_at_the_vector)
{
	struct vcpu_arch_state st;

	memset(&st, 0xA5, sizeof(st));
	entry_state_startup(&st, 0x9A);
	EXPECT_EQ(st.cs.selector, 0x9A00);
	EXPECT_EQ(st.cs.base, 0x9A000);
	EXPECT_EQ(st.cs.limit, 0xFFFF);
	EXPECT_EQ(st.cs.access, 0x009B);
	EXPECT_EQ(st.rip, 0);
	EXPECT_EQ(st.cr0, CR0_ET_BIT);
	EXPECT_EQ(st.cr0 & (CR0_PE_BIT | CR0_PG_BIT), 0);
	EXPECT_EQ(st.cr3, 0);
	EXPECT_EQ(st.cr4, 0);
	EXPECT_EQ(st.efer, 0);
	const struct vcpu_segment *data[] = { &st.ds, &st.es, &st.fs, &st.gs, &st.ss };
	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		EXPECT_EQ(data[i]->selector, 0);
		EXPECT_EQ(data[i]->base, 0);
		EXPECT_EQ(data[i]->limit, 0xFFFF);
		EXPECT_EQ(data[i]->access, 0x0093);
	}
	EXPECT_EQ(st.gdtr.limit, 0xFFFF);
	EXPECT_EQ(st.idtr.limit, 0xFFFF);
	EXPECT_EQ(st.gdtr.base, 0);
	EXPECT_EQ(st.idtr.base, 0);
	expect_reset_values(&st);
}

TEST(startup_vector_extremes)
{
	struct vcpu_arch_state st;

	entry_state_startup(&st, 0);
	EXPECT_EQ(st.cs.selector, 0);
	EXPECT_EQ(st.cs.base, 0);
	entry_state_startup(&st, 0xFF);
	EXPECT_EQ(st.cs.selector, 0xFF00);
	EXPECT_EQ(st.cs.base, 0xFF000);
}

/* The vendor call vcpu_start_at_sipi() makes, recorded. */
static struct vcpu_arch_state set_state;
static struct vcpu *set_vcpu;
static int set_calls;

int virt_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *st)
{
	set_vcpu = vcpu;
	set_state = *st;
	set_calls++;
	return 0;
}

TEST(sipi_loads_the_startup_state)
{
	struct vcpu vcpu;
	struct vcpu_arch_state want;

	memset(&vcpu, 0, sizeof(vcpu));
	vcpu_start_at_sipi(&vcpu, 0x08);
	EXPECT_EQ(set_calls, 1);
	EXPECT_EQ(set_vcpu, &vcpu);
	entry_state_startup(&want, 0x08);
	EXPECT_MEMEQ(&set_state, &want, sizeof(want));
	EXPECT_EQ(set_state.cs.base, 0x8000);
}
