/* SPDX-License-Identifier: BSD-3-Clause */
/* The last trapped MMIO instruction of a vCPU, reused while its translation and bytes are unchanged. */
#include "core/vm.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/guest/mmio_insn_cache.h"

static bool same_mode(const struct vcpu_mode *a, const struct vcpu_mode *b)
{
	return a->cr0 == b->cr0 && a->cr3 == b->cr3 && a->cr4 == b->cr4 && a->efer == b->efer &&
	       a->cs_base == b->cs_base && a->long_mode_code == b->long_mode_code &&
	       a->default_32bit == b->default_32bit;
}

bool mmio_insn_cache_lookup(struct vcpu *vcpu, const struct vcpu_mode *mode, uint64_t linear_rip,
			    struct mmio_insn *insn)
{
	struct mmio_insn_cache *c = &vcpu->arch.mmio_insn_cache;

	if (c->valid && c->linear_rip == linear_rip && same_mode(&c->mode, mode) &&
	    c->mem_generation == vm_mem_generation(vcpu->vm) && guest_walk_unchanged(&c->walk) &&
	    !memcmp(phys_to_virt(c->insn_hpa), c->bytes, c->insn.length)) {
		*insn = c->insn;
		c->hits++;
		return true;
	}
	c->misses++;
	return false;
}

void mmio_insn_cache_fill(struct vcpu *vcpu, const struct vcpu_mode *mode, uint64_t linear_rip,
			  const struct mmio_insn_source *src, const uint8_t *bytes,
			  const struct mmio_insn *insn)
{
	struct mmio_insn_cache *c = &vcpu->arch.mmio_insn_cache;

	c->valid = false;
	if (!insn->length || insn->length > MMIO_INSN_MAX_LEN || insn->length > src->in_page)
		return;
	c->mem_generation = src->generation;
	c->mode = *mode;
	c->linear_rip = linear_rip;
	c->walk = src->walk;
	c->insn_hpa = src->hpa;
	memcpy(c->bytes, bytes, insn->length);
	c->insn = *insn;
	c->valid = true;
}
