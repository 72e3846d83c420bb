/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the vcpu_arch_state → VMCB translation (hypervisor/arch/x86/svm/svm_state.c). */
#include <string.h>

#include "x86/guest/entry_state.h"
#include "harness.h"
#include "svm_state.h"

#define EFER_SVME_BIT (1ull << 12)

TEST(attrib_packs_flags_into_bits_11_to_8)
{
	EXPECT_EQ(svm_segment_attrib(0xA09B), 0x0A9B); /* 64-bit code */
	EXPECT_EQ(svm_segment_attrib(0xC093), 0x0C93); /* flat data */
	EXPECT_EQ(svm_segment_attrib(0x008B), 0x008B); /* busy TSS */
	EXPECT_EQ(svm_segment_attrib(0x0082), 0x0082); /* LDT */
	EXPECT_EQ(svm_segment_attrib(0xF0FF), 0x0FFF);
	/* ACRN's cs_ar values (devicemodel): 32-bit protected mode, ELF, real mode. */
	EXPECT_EQ(svm_segment_attrib(0xC09B), 0x0C9B);
	EXPECT_EQ(svm_segment_attrib(0xCF9B), 0x0C9B); /* limit 19:16 in the AR is dropped */
	EXPECT_EQ(svm_segment_attrib(0x009F), 0x009F);
}

TEST(attrib_unusable_segment_is_not_present)
{
	EXPECT_EQ(svm_segment_attrib(SEG_AR_UNUSABLE | 0xC093), 0x0C13);
	EXPECT_EQ(svm_segment_access(0x0C13), SEG_AR_UNUSABLE | 0xC013);
}

TEST(attrib_round_trips_every_present_value)
{
	for (uint32_t hi = 0; hi < 16; hi++) {
		for (uint32_t lo = 0; lo < 256; lo++) {
			uint32_t access = (hi << 12) | lo;
			uint16_t attrib = svm_segment_attrib(access);
			EXPECT_EQ(attrib & ~0xFFFu, 0);
			if (access & SEG_AR_P)
				EXPECT_EQ(svm_segment_access(attrib), access);
			else
				EXPECT_EQ(svm_segment_access(attrib), access | SEG_AR_UNUSABLE);
			EXPECT_EQ(svm_segment_attrib(svm_segment_access(attrib)), attrib);
		}
	}
}

/* The values the SVM backend wrote before vcpu_arch_state existed, kept bit for bit. */
TEST(long_mode_vmcb_matches_the_old_setter)
{
	static const struct long_mode_entry e = {
		.rip = 0x1000200,
		.rsp = 0xA000,
		.cr3 = 0x3000,
		.gdtr = { .base = 0x2000, .limit = 31 },
		.code_sel = 0x10,
		.data_sel = 0x18,
	};
	struct vcpu_arch_state st;
	struct vmcb_save s;

	entry_state_long_mode(&st, &e);
	st.regs.rsi = 0x1234;
	memset(&s, 0xA5, sizeof(s));
	svm_save_from_state(&s, &st);
	EXPECT_EQ(s.cs.selector, 0x10);
	EXPECT_EQ(s.cs.attrib, 0x0A9B);
	EXPECT_EQ(s.cs.limit, 0xFFFFFFFF);
	EXPECT_EQ(s.cs.base, 0);
	const struct vmcb_segment *data[] = { &s.ds, &s.es, &s.fs, &s.gs, &s.ss };
	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		EXPECT_EQ(data[i]->selector, 0x18);
		EXPECT_EQ(data[i]->attrib, 0x0C93);
		EXPECT_EQ(data[i]->limit, 0xFFFFFFFF);
	}
	EXPECT_EQ(s.tr.attrib, 0x008B);
	EXPECT_EQ(s.tr.limit, 0x67);
	EXPECT_EQ(s.ldtr.attrib, 0x0082);
	EXPECT_EQ(s.ldtr.limit, 0);
	EXPECT_EQ(s.gdtr.base, 0x2000);
	EXPECT_EQ(s.gdtr.limit, 31);
	EXPECT_EQ(s.idtr.limit, 0);
	EXPECT_EQ(s.cr0, 0x80010033);
	EXPECT_EQ(s.cr4, 0x20);
	EXPECT_EQ(s.cr3, 0x3000);
	EXPECT_EQ(s.efer, 0x500 | EFER_SVME_BIT);
	EXPECT_EQ(s.rflags, 2);
	EXPECT_EQ(s.rip, 0x1000200);
	EXPECT_EQ(s.rsp, 0xA000);
	EXPECT_EQ(s.dr6, 0xFFFF0FF0);
	EXPECT_EQ(s.dr7, 0x400);
	EXPECT_EQ(s.g_pat, 0x0007040600070406ull);
	EXPECT_EQ(s.cpl, 0);
	EXPECT_EQ(s.cr2, 0); /* what the state does not name starts at 0 */
	EXPECT_EQ(s.lstar, 0);
	EXPECT_EQ(s.kernel_gs_base, 0);
}

TEST(startup_vmcb_matches_the_old_setter)
{
	struct vcpu_arch_state st;
	struct vmcb_save s;

	entry_state_startup(&st, 0x08);
	memset(&s, 0xA5, sizeof(s));
	svm_save_from_state(&s, &st);
	EXPECT_EQ(s.cs.selector, 0x0800);
	EXPECT_EQ(s.cs.base, 0x8000);
	EXPECT_EQ(s.cs.attrib, 0x009B);
	EXPECT_EQ(s.cs.limit, 0xFFFF);
	EXPECT_EQ(s.ds.attrib, 0x0093);
	EXPECT_EQ(s.ss.attrib, 0x0093);
	EXPECT_EQ(s.ss.limit, 0xFFFF);
	EXPECT_EQ(s.tr.attrib, 0x008B);
	EXPECT_EQ(s.tr.limit, 0xFFFF);
	EXPECT_EQ(s.ldtr.attrib, 0x0082);
	EXPECT_EQ(s.ldtr.limit, 0xFFFF);
	EXPECT_EQ(s.gdtr.limit, 0xFFFF);
	EXPECT_EQ(s.idtr.limit, 0xFFFF);
	EXPECT_EQ(s.cr0, 0x10);
	EXPECT_EQ(s.efer, EFER_SVME_BIT);
	EXPECT_EQ(s.rflags, 2);
	EXPECT_EQ(s.rip, 0);
	EXPECT_EQ(s.dr6, 0xFFFF0FF0);
	EXPECT_EQ(s.dr7, 0x400);
	EXPECT_EQ(s.cpl, 0);
}

TEST(cpl_follows_ss_dpl_in_protected_mode)
{
	struct vcpu_arch_state st;
	struct vmcb_save s;

	memset(&st, 0, sizeof(st));
	st.cr0 = 1; /* PE */
	st.ss.access = SEG_AR_P | SEG_AR_S | SEG_AR_DPL(3) | SEG_AR_TYPE(SEG_TYPE_DATA_RW);
	svm_save_from_state(&s, &st);
	EXPECT_EQ(s.cpl, 3);
	st.cr0 = 0; /* real mode: CPL 0 whatever SS holds */
	svm_save_from_state(&s, &st);
	EXPECT_EQ(s.cpl, 0);
	st.cr0 = 1;
	st.ss.access = SEG_AR_P | SEG_AR_S | SEG_AR_TYPE(SEG_TYPE_DATA_RW);
	st.rflags = 2 | (1u << 17); /* virtual-8086 mode runs at CPL 3 */
	svm_save_from_state(&s, &st);
	EXPECT_EQ(s.cpl, 3);
}
