/* SPDX-License-Identifier: BSD-3-Clause */
/* A vCPU's whole x86 architectural register state, vendor-neutral (for virt_vcpu_set_state). */
#ifndef CAIRN_X86_VCPU_STATE_H
#define CAIRN_X86_VCPU_STATE_H

#include "core/vcpu.h"
#include "lib/compiler.h"

/*
 * Segment access rights as the descriptor holds them (bits 40-47 and 52-55 of a GDT entry, with
 * the limit's bits 19:16 between them left zero): the layout VMX uses for its guest AR fields and
 * ACRN for acrn_regs.cs_ar. SVM packs the same bits into 12 (svm_segment_attrib()).
 */
#define SEG_AR_ACCESSED (1u << 0) /* type bit 0: set by the CPU when it loads the segment */
#define SEG_AR_TYPE(t)	(0xFu & (uint32_t)(t))
#define SEG_AR_S	(1u << 4) /* code or data (not a system segment) */
#define SEG_AR_DPL(d)	((3u & (uint32_t)(d)) << 5)
#define SEG_AR_P	(1u << 7)
#define SEG_AR_AVL	(1u << 12)
#define SEG_AR_L	(1u << 13) /* 64-bit code */
#define SEG_AR_DB	(1u << 14) /* 32-bit default operand size / stack */
#define SEG_AR_G	(1u << 15) /* limit in 4 KiB units */
#define SEG_AR_UNUSABLE (1u << 16) /* VMX's "null selector loaded"; SVM gives it P = 0 */
#define SEG_AR_MASK	0x1F0FFu   /* every bit defined above */

/* Type values used at entry (Intel SDM vol. 3 table 3-1 and 3-2). */
#define SEG_TYPE_DATA_RW  0x2
#define SEG_TYPE_CODE_RX  0xA
#define SEG_TYPE_LDT	  0x2 /* system */
#define SEG_TYPE_TSS_BUSY 0xB /* system: busy 64-bit TSS (busy 32-bit outside long mode) */

/* Flat descriptors (base 0, limit 4 GiB): 64-bit code and read/write data, ring 0. */
#define GDT_DESC_CODE64 0x00AF9A000000FFFFull
#define GDT_DESC_DATA	0x00CF92000000FFFFull

/* The access rights a descriptor gives the segment register that loads it (accessed set). */
static inline uint32_t seg_access_from_descriptor(uint64_t desc)
{
	return ((uint32_t)(desc >> 40) & 0xF0FF) | SEG_AR_ACCESSED;
}

struct vcpu_segment {
	uint16_t selector;
	uint32_t access; /* SEG_AR_* */
	uint32_t limit;	 /* in bytes, as the hidden part holds it (G already applied) */
	uint64_t base;
};

/* GDTR, IDTR. */
struct vcpu_table_reg {
	uint64_t base;
	uint16_t limit;
};

/*
 * Everything a vCPU starts from: what INIT, a STARTUP IPI, a loader or (next) ACRN's
 * HC_SET_VCPU_REGS define. EFER is the guest's view: LMA must agree with LME and CR0.PG, and the
 * vendor adds what it needs (SVM: SVME) without the guest seeing it. x86 guest code builds the
 * state from architectural rules (x86/guest/entry_state.h) and checks any part a guest supplies;
 * the vendor refuses only what it cannot hold (EFER bits it does not support).
 */
struct vcpu_arch_state {
	struct vcpu_regs regs; /* all GPRs but RSP */
	uint64_t rsp, rip, rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t dr6, dr7;
	uint64_t pat;
	struct vcpu_segment cs, ds, es, fs, gs, ss, tr, ldtr;
	struct vcpu_table_reg gdtr, idtr;
};

#endif
