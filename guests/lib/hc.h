/* SPDX-License-Identifier: BSD-3-Clause */
/* Hypercalls from a test guest: the ACRN convention (ID in R8, RDI, RSI, result in RAX). */
#ifndef GUEST_HC_H
#define GUEST_HC_H

#include "lib/compiler.h"

/* VMMCALL (0F 01 D9), AMD's hypercall instruction. Returns RAX: 0 or a negative errno. */
static inline long hc_vmmcall(uint64_t id, uint64_t p1, uint64_t p2)
{
	register uint64_t r8 asm("r8") = id;
	long result;

	asm volatile("vmmcall" : "=a"(result) : "r"(r8), "D"(p1), "S"(p2) : "memory");
	return result;
}

/* VMCALL (0F 01 C1), Intel's: #UD on AMD, which Cairn intercepts and treats as a hypercall. */
static inline long hc_vmcall(uint64_t id, uint64_t p1, uint64_t p2)
{
	register uint64_t r8 asm("r8") = id;
	long result;

	asm volatile("vmcall" : "=a"(result) : "r"(r8), "D"(p1), "S"(p2) : "memory");
	return result;
}

#endif
