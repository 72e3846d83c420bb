/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMCB layout (AMD APM vol. 2, appendix B) and SVM constants: private to arch/x86/svm/. */
#ifndef CAIRN_SVM_VMCB_H
#define CAIRN_SVM_VMCB_H

#include "lib/compiler.h"

struct vmcb_segment {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __packed;

struct vmcb_control {
	uint16_t cr_read_intercepts;   /* 0x000 */
	uint16_t cr_write_intercepts;  /* 0x002 */
	uint16_t dr_read_intercepts;   /* 0x004 */
	uint16_t dr_write_intercepts;  /* 0x006 */
	uint32_t exception_intercepts; /* 0x008 */
	uint32_t misc1_intercepts;     /* 0x00C */
	uint32_t misc2_intercepts;     /* 0x010 */
	uint8_t reserved1[0x03C - 0x014];
	uint16_t pause_filter_threshold; /* 0x03C */
	uint16_t pause_filter_count;	 /* 0x03E */
	uint64_t iopm_base_pa;		 /* 0x040 */
	uint64_t msrpm_base_pa;		 /* 0x048 */
	uint64_t tsc_offset;		 /* 0x050 */
	uint32_t asid;			 /* 0x058 */
	uint8_t tlb_control;		 /* 0x05C */
	uint8_t reserved2[3];
	uint32_t int_ctl;	    /* 0x060 */
	uint32_t int_vector;	    /* 0x064 */
	uint64_t int_state;	    /* 0x068 */
	uint64_t exit_code;	    /* 0x070 */
	uint64_t exit_info1;	    /* 0x078 */
	uint64_t exit_info2;	    /* 0x080 */
	uint32_t exit_int_info;	    /* 0x088 */
	uint32_t exit_int_info_err; /* 0x08C */
	uint64_t nested_ctl;	    /* 0x090 */
	uint64_t avic_vapic_bar;    /* 0x098 */
	uint8_t reserved3[0x0A8 - 0x0A0];
	uint32_t event_inj;	/* 0x0A8 */
	uint32_t event_inj_err; /* 0x0AC */
	uint64_t nested_cr3;	/* 0x0B0 */
	uint64_t virt_ext;	/* 0x0B8 */
	uint32_t clean_bits;	/* 0x0C0 */
	uint32_t reserved4;
	uint64_t next_rip; /* 0x0C8 */
	uint8_t insn_len;  /* 0x0D0 */
	uint8_t insn_bytes[15];
	uint8_t reserved5[0x400 - 0x0E0];
} __packed;

struct vmcb_save {
	struct vmcb_segment es, cs, ss, ds, fs, gs; /* 0x400 */
	struct vmcb_segment gdtr, ldtr, idtr, tr;   /* 0x460 */
	uint8_t reserved1[0x4CB - 0x4A0];
	uint8_t cpl; /* 0x4CB */
	uint32_t reserved2;
	uint64_t efer; /* 0x4D0 */
	uint8_t reserved3[0x548 - 0x4D8];
	uint64_t cr4;	 /* 0x548 */
	uint64_t cr3;	 /* 0x550 */
	uint64_t cr0;	 /* 0x558 */
	uint64_t dr7;	 /* 0x560 */
	uint64_t dr6;	 /* 0x568 */
	uint64_t rflags; /* 0x570 */
	uint64_t rip;	 /* 0x578 */
	uint8_t reserved4[0x5D8 - 0x580];
	uint64_t rsp; /* 0x5D8 */
	uint8_t reserved5[0x5F8 - 0x5E0];
	uint64_t rax;		 /* 0x5F8 */
	uint64_t star;		 /* 0x600 */
	uint64_t lstar;		 /* 0x608 */
	uint64_t cstar;		 /* 0x610 */
	uint64_t sfmask;	 /* 0x618 */
	uint64_t kernel_gs_base; /* 0x620 */
	uint64_t sysenter_cs;	 /* 0x628 */
	uint64_t sysenter_esp;	 /* 0x630 */
	uint64_t sysenter_eip;	 /* 0x638 */
	uint64_t cr2;		 /* 0x640 */
	uint8_t reserved6[0x668 - 0x648];
	uint64_t g_pat;	 /* 0x668 */
	uint64_t dbgctl; /* 0x670 */
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

_Static_assert(__builtin_offsetof(struct vmcb_control, iopm_base_pa) == 0x040, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, exit_int_info) == 0x088, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, event_inj) == 0x0A8, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, nested_cr3) == 0x0B0, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, next_rip) == 0x0C8, "VMCB layout");
_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area is 1 KiB");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4CB, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4D0, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5D8, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5F8, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "VMCB layout");

/* misc1 intercepts: bit n = exit code 0x60 + n */
#define SVM_INTERCEPT_INTR     (1u << 0)
#define SVM_INTERCEPT_NMI      (1u << 1)
#define SVM_INTERCEPT_INIT     (1u << 3)
#define SVM_INTERCEPT_CPUID    (1u << 18)
#define SVM_INTERCEPT_INVD     (1u << 22)
#define SVM_INTERCEPT_HLT      (1u << 24)
#define SVM_INTERCEPT_INVLPGA  (1u << 26)
#define SVM_INTERCEPT_IOIO     (1u << 27)
#define SVM_INTERCEPT_MSR      (1u << 28)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)
/* misc2 intercepts: bit n = exit code 0x80 + n */
#define SVM_INTERCEPT_VMRUN   (1u << 0)
#define SVM_INTERCEPT_VMMCALL (1u << 1)
#define SVM_INTERCEPT_VMLOAD  (1u << 2)
#define SVM_INTERCEPT_VMSAVE  (1u << 3)
#define SVM_INTERCEPT_STGI    (1u << 4)
#define SVM_INTERCEPT_CLGI    (1u << 5)
#define SVM_INTERCEPT_SKINIT  (1u << 6)
#define SVM_INTERCEPT_WBINVD  (1u << 9)

#define SVM_EXIT_EXCEPTION_BASE 0x40
#define SVM_EXIT_INTR		0x60
#define SVM_EXIT_NMI		0x61
#define SVM_EXIT_INIT		0x63
#define SVM_EXIT_CPUID		0x72
#define SVM_EXIT_INVD		0x76
#define SVM_EXIT_HLT		0x78
#define SVM_EXIT_INVLPGA	0x7A
#define SVM_EXIT_IOIO		0x7B
#define SVM_EXIT_MSR		0x7C
#define SVM_EXIT_SHUTDOWN	0x7F
#define SVM_EXIT_VMRUN		0x80
#define SVM_EXIT_VMMCALL	0x81
#define SVM_EXIT_VMLOAD		0x82
#define SVM_EXIT_VMSAVE		0x83
#define SVM_EXIT_STGI		0x84
#define SVM_EXIT_CLGI		0x85
#define SVM_EXIT_SKINIT		0x86
#define SVM_EXIT_WBINVD		0x89
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_INVALID	0xFFFFFFFFu /* QEMU stores it zero-extended: compare the low 32 bits */

#define SVM_NESTED_CTL_NP_ENABLE 1ull
#define SVM_TLB_FLUSH_ALL	 1

/* EVENTINJ / EXITINTINFO */
#define SVM_EVENT_VALID	     (1u << 31)
#define SVM_EVENT_ERR_VALID  (1u << 11)
#define SVM_EVENT_TYPE_INTR  (0u << 8)
#define SVM_EVENT_TYPE_NMI   (2u << 8)
#define SVM_EVENT_TYPE_EXEPT (3u << 8)
#define SVM_EVENT_TYPE_SOFT  (4u << 8)
#define SVM_EVENT_TYPE_MASK  (7u << 8)

/* IOIO EXITINFO1 */
#define SVM_IOIO_IN	    (1u << 0)
#define SVM_IOIO_STR	    (1u << 2)
#define SVM_IOIO_REP	    (1u << 3)
#define SVM_IOIO_SIZE_SHIFT 4

#endif
