/* SPDX-License-Identifier: BSD-3-Clause */
/* Descriptor tables and CPU exceptions in the hypervisor: GDT/IDT setup and the trap frame. */
#ifndef CAIRN_X86_TRAPS_H
#define CAIRN_X86_TRAPS_H

#include "lib/compiler.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#include "x86/vectors.h"

/* Loads the hypervisor's GDT and IDT on this pCPU; the IDT is built on the first call. */
void traps_init_cpu(void);

/* Called from trap_entry.S for every vector. */
void trap_dispatch(struct trap_frame *frame);

#endif
