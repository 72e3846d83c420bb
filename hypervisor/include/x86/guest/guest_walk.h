/* SPDX-License-Identifier: BSD-3-Clause */
/* Translating a guest-virtual address through the guest's own page tables, optionally traced. */
#ifndef CAIRN_X86_GUEST_GUEST_WALK_H
#define CAIRN_X86_GUEST_GUEST_WALK_H

#include "core/vcpu_mode.h"

struct vcpu;

#define GUEST_WALK_MAX_STEPS 4 /* long mode: PML4E, PDPTE, PDE, PTE */

/*
 * The page-table entries one translation read, in walk order: where each lies in host memory and
 * what it held. Reading the same entries back and finding the same values means the same
 * translation, as long as the VM's nested mapping did not change (vm_mem_generation()).
 */
struct guest_walk_trace {
	unsigned steps;
	struct guest_walk_step {
		uint64_t hpa;
		uint64_t value; /* 4-byte entries (32-bit paging) zero-extended */
		uint8_t size;	/* 4 or 8 */
	} step[GUEST_WALK_MAX_STEPS];
};

/*
 * Guest-physical address of gva under mode `pg` (paging off, 32-bit, PAE or 4-level), or -EFAULT.
 * trace, when not NULL, receives every entry read (steps 0 with paging off).
 */
int guest_virt_translate(struct vcpu *vcpu, const struct vcpu_mode *pg, uint64_t gva, uint64_t *gpa,
			 struct guest_walk_trace *trace);

/* True when every entry of `trace` still holds its value, bits the CPU sets (A, D) ignored. */
bool guest_walk_unchanged(const struct guest_walk_trace *trace);

#endif
