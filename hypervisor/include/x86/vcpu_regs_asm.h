/* SPDX-License-Identifier: BSD-3-Clause */
/* struct vcpu_regs (core/vcpu.h) for the world switches: its offsets and the GPR load/store macros. */
#ifndef X86_VCPU_REGS_ASM_H
#define X86_VCPU_REGS_ASM_H

#ifdef __ASSEMBLER__
/* Assembler, not C: */
/* clang-format off */
/* REG_rax ... REG_r15: the fields' offsets, in struct vcpu_regs' order (checked in core/vcpu.h). */
	.set vcpu_regs_offset, 0
	.irp r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	.set REG_\r, vcpu_regs_offset
	.set vcpu_regs_offset, vcpu_regs_offset + 8
	.endr

/* Loads every guest GPR from the struct at %\base but \base itself (the caller's last load) and \skip. */
.macro guest_gprs_load base, skip=
	.irp r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	.ifnc \r, \base
	.ifnc \r, \skip
	movq REG_\r(%\base), %\r
	.endif
	.endif
	.endr
.endm

/* Stores every guest GPR into the struct at %\base but \base itself (the caller saved it) and \skip. */
.macro guest_gprs_store base, skip=
	.irp r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	.ifnc \r, \base
	.ifnc \r, \skip
	movq %\r, REG_\r(%\base)
	.endif
	.endif
	.endr
.endm
/* clang-format on */
#endif

#endif
