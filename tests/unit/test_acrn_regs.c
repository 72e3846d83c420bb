/* SPDX-License-Identifier: BSD-3-Clause */
/* ACRN's start state to a vcpu_arch_state (hypervisor/arch/x86/guest/acrn_regs.c): forms and refusals. */
#include <string.h>

#include "lib/errno.h"
#include "x86/guest/acrn_regs.h"
#include "harness.h"

/* Raw architectural bits, written out so the tests check the CPU's rules, not the names. */
#define CR0_PE	 (1ull << 0)
#define CR0_ET	 (1ull << 4)
#define CR0_NE	 (1ull << 5)
#define CR0_NW	 (1ull << 29)
#define CR0_CD	 (1ull << 30)
#define CR0_PG	 (1ull << 31)
#define CR4_PAE	 (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define RFLAGS_1 (1ull << 1)
#define AR_L	 (1u << 13)
#define AR_DB	 (1u << 14)

/* What acrn-dm passes for a bzImage's startup_32: flat 32-bit code, paging off, RSI = zero page. */
static struct acrn_regs bzimage(void)
{
	struct acrn_regs r;

	memset(&r, 0, sizeof(r));
	r.gprs.rsi = 0x7000;
	r.gprs.rsp = 0x8000;
	r.rip = 0x100000;
	r.cr0 = CR0_PE;
	r.rflags = RFLAGS_1;
	r.cs_ar = 0xC09B;
	r.cs_limit = 0xFFFFFFFF;
	r.cs_sel = 0x10;
	r.ds_sel = r.es_sel = r.ss_sel = 0x18;
	r.gdt.base = 0x5000;
	r.gdt.limit = 0x1F;
	return r;
}

/* A 64-bit entry: paging on through CR3, EFER.LME (LMA given or not), 64-bit code. */
static struct acrn_regs long_mode(void)
{
	struct acrn_regs r = bzimage();

	r.cr0 = CR0_PE | CR0_NE | CR0_PG;
	r.cr4 = CR4_PAE;
	r.cr3 = 0x3000;
	r.ia32_efer = EFER_LME | EFER_NXE;
	r.cs_ar = 0xA09B; /* G, L, P, S, code */
	r.rip = 0xFFFFFFFF81000000ull;
	return r;
}

static int convert(const struct acrn_regs *r, struct vcpu_arch_state *st)
{
	memset(st, 0xA5, sizeof(*st));
	return acrn_regs_to_state(r, st);
}

TEST(bzimage_startup_32_state)
{
	struct acrn_regs r = bzimage();
	struct vcpu_arch_state st;

	r.gprs.rax = 1, r.gprs.rcx = 2, r.gprs.rdx = 3, r.gprs.rbx = 4, r.gprs.rbp = 5;
	r.gprs.rdi = 6, r.gprs.r8 = 8, r.gprs.r15 = 15;
	ASSERT_EQ(convert(&r, &st), 0);
	EXPECT_EQ(st.rip, 0x100000);
	EXPECT_EQ(st.rsp, 0x8000);
	EXPECT_EQ(st.regs.rsi, 0x7000);
	EXPECT_EQ(st.regs.rax, 1);
	EXPECT_EQ(st.regs.rcx, 2);
	EXPECT_EQ(st.regs.rdx, 3);
	EXPECT_EQ(st.regs.rbx, 4);
	EXPECT_EQ(st.regs.rbp, 5);
	EXPECT_EQ(st.regs.rdi, 6);
	EXPECT_EQ(st.regs.r8, 8);
	EXPECT_EQ(st.regs.r15, 15);
	EXPECT_EQ(st.cr0, CR0_PE | CR0_ET);
	EXPECT_EQ(st.efer, 0);
	EXPECT_EQ(st.rflags, RFLAGS_1);
	/* CS as given, accessed; 32-bit (D), page granular, base 0. */
	EXPECT_EQ(st.cs.selector, 0x10);
	EXPECT_EQ(st.cs.access, 0xC09B);
	EXPECT_EQ(st.cs.limit, 0xFFFFFFFF);
	EXPECT_EQ(st.cs.base, 0);
	/* The data segments ACRN has no descriptors for: flat read/write, ring 0. */
	EXPECT_EQ(st.ds.selector, 0x18);
	EXPECT_EQ(st.ds.access, 0xC093);
	EXPECT_EQ(st.ds.limit, 0xFFFFFFFF);
	EXPECT_EQ(st.ds.base, 0);
	EXPECT_EQ(st.ss.access, 0xC093);
	EXPECT_EQ(st.fs.access, 0xC093);
	EXPECT_EQ(st.fs.selector, 0);
	EXPECT_EQ(st.tr.access, 0x8B);
	EXPECT_EQ(st.ldtr.access, 0x82);
	EXPECT_EQ(st.gdtr.base, 0x5000);
	EXPECT_EQ(st.gdtr.limit, 0x1F);
	EXPECT_EQ(st.dr7, 0x400);
	EXPECT_EQ(st.pat, 0x0007040600070406ull);
}

TEST(elf_cs_ar_carries_the_descriptor_limit_bits_which_are_dropped)
{
	struct acrn_regs r = bzimage();
	struct vcpu_arch_state st;

	r.cs_ar = 0xCF9B; /* acrn-dm's ELF loader: limit 19:16 in bits 11:8 */
	ASSERT_EQ(convert(&r, &st), 0);
	EXPECT_EQ(st.cs.access, 0xC09B);
}

TEST(long_mode_state_gets_lma)
{
	struct acrn_regs r = long_mode();
	struct vcpu_arch_state st;

	ASSERT_EQ(convert(&r, &st), 0);
	EXPECT_EQ(st.efer, EFER_LME | EFER_LMA | EFER_NXE);
	EXPECT_EQ(st.rip, 0xFFFFFFFF81000000ull);
	EXPECT_EQ(st.cr3, 0x3000);
	EXPECT_EQ(st.cr4, CR4_PAE);
	EXPECT_EQ(st.cs.access & (AR_L | AR_DB), AR_L);
	r.ia32_efer |= EFER_LMA; /* given already: the same */
	ASSERT_EQ(convert(&r, &st), 0);
	EXPECT_EQ(st.efer, EFER_LME | EFER_LMA | EFER_NXE);
}

TEST(real_mode_state_segments_follow_their_selectors)
{
	struct acrn_regs r = bzimage();
	struct vcpu_arch_state st;

	r.cr0 = 0;
	r.cs_ar = 0x009F;
	r.cs_limit = 0xFFFF;
	r.cs_base = 0xFFFF0000;
	r.cs_sel = 0xF000;
	r.rip = 0xFFF0;
	r.ds_sel = 0x40;
	ASSERT_EQ(convert(&r, &st), 0);
	EXPECT_EQ(st.cs.base, 0xFFFF0000);
	EXPECT_EQ(st.ds.base, 0x400);
	EXPECT_EQ(st.ds.limit, 0xFFFF);
	EXPECT_EQ(st.ds.access, 0x93);
}

TEST(inconsistent_control_registers_are_refused)
{
	struct vcpu_arch_state st;
	struct acrn_regs r;

	r = bzimage(), r.cr0 = CR0_PG; /* paging without protection */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cr0 |= CR0_NW; /* NW without CD */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cr0 |= 1ull << 32;
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cr4 = 1ull << 23; /* not a CR4 every CPU has */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.ia32_efer = 1ull << 12; /* SVME is the hypervisor's */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.ia32_efer = EFER_LMA; /* LMA without LME and PG */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = long_mode(), r.cr4 = 0; /* long mode without PAE */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = long_mode(), r.cr3 = 1ull << 60;
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.rflags = RFLAGS_1 | (1ull << 17); /* virtual-8086 */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.rflags = 1ull << 22;
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cr0 = CR0_PE | CR0_CD; /* caches off is legal */
	EXPECT_EQ(convert(&r, &st), 0);
}

TEST(inconsistent_code_segments_and_rips_are_refused)
{
	struct vcpu_arch_state st;
	struct acrn_regs r;

	r = long_mode(), r.cs_ar |= AR_DB; /* L and D together */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cs_ar = 0xA09B; /* 64-bit code outside long mode */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cs_ar = 0xC093; /* a data segment as CS */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cs_ar = 0xC01B; /* not present */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cs_ar = 0xC0FB; /* DPL 3 */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cs_ar = 0x1C09B; /* VMX's unusable bit */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cs_limit = 0xFFFFF000; /* page granular but low bits clear */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cs_ar = 0x409B; /* byte granular: at most 1 MiB */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.rip = 1ull << 32; /* beyond 32 bits in 32-bit code */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = bzimage(), r.cs_base = 1ull << 32;
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = long_mode(), r.rip = 0x0000800000000000ull; /* not canonical */
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = long_mode(), r.gdt.base = 0x0000800000000000ull;
	EXPECT_EQ(convert(&r, &st), -EINVAL);
	r = long_mode(), r.idt.base = 0xFFFF7FFFFFFFFFFFull;
	EXPECT_EQ(convert(&r, &st), -EINVAL);
}
