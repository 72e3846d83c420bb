/* SPDX-License-Identifier: BSD-3-Clause */
/* The last trapped MMIO instruction of a vCPU, reused while its translation and bytes are unchanged. */
#ifndef CAIRN_X86_GUEST_MMIO_INSN_CACHE_H
#define CAIRN_X86_GUEST_MMIO_INSN_CACHE_H

#include "x86/guest/guest_walk.h"
#include "x86/guest/mmio_decode.h"

/*
 * Without decode assists every trapped MOV is fetched through the guest's page tables (each
 * entry a nested lookup and a RAM check) and decoded. A guest that traps on one register again
 * and again (a LAPIC write, a doorbell) runs the same instruction: this remembers it, keyed by
 * the guest's mode and linear RIP, with the entries its translation read and where its bytes lie.
 * A hit re-reads those entries and bytes and compares them; any difference, or a change of the
 * VM's nested mapping since the fill, is a miss. So a hit decodes exactly what a fresh fetch would.
 */
struct mmio_insn_cache {
	bool valid;
	uint64_t mem_generation; /* vm_mem_generation() before the fill's walk */
	struct vcpu_mode mode;
	uint64_t linear_rip;
	struct guest_walk_trace walk;
	uint64_t insn_hpa; /* the instruction's bytes, all in one page */
	uint8_t bytes[MMIO_INSN_MAX_LEN];
	struct mmio_insn insn;
	uint64_t hits, misses;
};

/* The instruction at `linear_rip` under `mode` if the cache holds it unchanged (a hit). */
bool mmio_insn_cache_lookup(struct vcpu *vcpu, const struct vcpu_mode *mode, uint64_t linear_rip,
			    struct mmio_insn *insn);

/* Where a fetched instruction came from: what a fill needs to check it again later. */
struct mmio_insn_source {
	uint64_t generation; /* vm_mem_generation() read before the walk */
	struct guest_walk_trace walk;
	uint64_t hpa;	/* host address of the first byte */
	size_t in_page; /* bytes from there to the end of its page that were fetched */
};

/* Remembers `insn`, decoded from `bytes` fetched as `src` says (not if they cross a page). */
void mmio_insn_cache_fill(struct vcpu *vcpu, const struct vcpu_mode *mode, uint64_t linear_rip,
			  const struct mmio_insn_source *src, const uint8_t *bytes,
			  const struct mmio_insn *insn);

#endif
