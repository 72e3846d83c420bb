/* SPDX-License-Identifier: BSD-3-Clause */
/* Walking a guest's own page tables (long mode, PAE, 32-bit, or paging off) to read its memory. */
#include "core/guest_mem.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/boot_defs.h"
#include "x86/guest/guest_walk.h"

#define PTE_P	     1ull
#define PTE_PS	     0x80ull
#define PTE_ACCESSED 0x20ull
#define PTE_DIRTY    0x40ull
#define CR4_PSE	     (1u << 4)
#define ADDR_4K	     0x000FFFFFFFFFF000ull

/* Reads one page-table entry (4 or 8 bytes) at gpa, recording it in trace. */
static int read_entry(struct vcpu *vcpu, uint64_t gpa, uint8_t size, uint64_t *value,
		      struct guest_walk_trace *trace)
{
	uint64_t hpa;

	if (guest_phys_locate(vcpu->vm, gpa, size, VIRT_MEM_READ, &hpa))
		return -EFAULT;
	*value = 0;
	memcpy(value, phys_to_virt(hpa), size);
	if (trace && trace->steps < GUEST_WALK_MAX_STEPS)
		trace->step[trace->steps++] =
			(struct guest_walk_step){ .hpa = hpa, .value = *value, .size = size };
	return 0;
}

/* Guest-physical address of gva, or -EFAULT; 4-level long mode or 3-level PAE. */
static int walk_64(struct vcpu *vcpu, const struct vcpu_mode *pg, uint64_t gva, uint64_t *gpa,
		   struct guest_walk_trace *trace)
{
	bool long_mode = pg->efer & EFER_LMA;
	int levels = long_mode ? 4 : 3;
	uint64_t table = pg->cr3 & (long_mode ? ADDR_4K : 0xFFFFFFE0ull);

	for (int level = levels - 1; level >= 0; level--) {
		unsigned shift = 12 + 9 * (unsigned)level;
		unsigned index = (gva >> shift) & (level == 2 && !long_mode ? 3 : 511);
		uint64_t e;
		if (read_entry(vcpu, table + index * 8, 8, &e, trace) || !(e & PTE_P))
			return -EFAULT;
		if (level == 0 || (level <= 2 && level < levels - 1 && (e & PTE_PS))) {
			uint64_t span = 1ull << shift;
			*gpa = (e & ADDR_4K & ~(span - 1)) + (gva & (span - 1));
			return 0;
		}
		table = e & ADDR_4K;
	}
	return -EFAULT;
}

static int walk_32(struct vcpu *vcpu, const struct vcpu_mode *pg, uint32_t gva, uint64_t *gpa,
		   struct guest_walk_trace *trace)
{
	uint64_t pde, pte;

	if (read_entry(vcpu, (pg->cr3 & 0xFFFFF000) + (gva >> 22) * 4, 4, &pde, trace) ||
	    !(pde & PTE_P))
		return -EFAULT;
	if ((pde & PTE_PS) && (pg->cr4 & CR4_PSE)) {
		*gpa = (pde & 0xFFC00000) + (gva & 0x3FFFFF);
		return 0;
	}
	if (read_entry(vcpu, (pde & 0xFFFFF000) + ((gva >> 12) & 1023) * 4, 4, &pte, trace) ||
	    !(pte & PTE_P))
		return -EFAULT;
	*gpa = (pte & 0xFFFFF000) + (gva & 0xFFF);
	return 0;
}

int guest_virt_translate(struct vcpu *vcpu, const struct vcpu_mode *pg, uint64_t gva, uint64_t *gpa,
			 struct guest_walk_trace *trace)
{
	if (trace)
		trace->steps = 0;
	if (!(pg->cr0 & CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (pg->cr4 & CR4_PAE)
		return walk_64(vcpu, pg, gva, gpa, trace);
	return walk_32(vcpu, pg, (uint32_t)gva, gpa, trace);
}

bool guest_walk_unchanged(const struct guest_walk_trace *trace)
{
	for (unsigned i = 0; i < trace->steps; i++) {
		const struct guest_walk_step *s = &trace->step[i];
		uint64_t now = 0;
		memcpy(&now, phys_to_virt(s->hpa), s->size);
		if ((now ^ s->value) & ~(PTE_ACCESSED | PTE_DIRTY))
			return false;
	}
	return true;
}

int guest_virt_read(struct vcpu *vcpu, uint64_t gva, void *dst, size_t len)
{
	struct vcpu_mode pg;
	uint8_t *p = dst;

	virt_vcpu_mode(vcpu, &pg);
	while (len) {
		uint64_t gpa;
		size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		if (guest_virt_translate(vcpu, &pg, gva, &gpa, NULL) ||
		    guest_phys_read(vcpu->vm, gpa, p, chunk))
			return -EFAULT;
		gva += chunk;
		p += chunk;
		len -= chunk;
	}
	return 0;
}
