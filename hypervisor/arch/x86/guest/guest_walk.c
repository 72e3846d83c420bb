/* SPDX-License-Identifier: BSD-3-Clause */
/* Walking a guest's own page tables (long mode, PAE, 32-bit, or paging off) to read its memory. */
#include "core/guest_mem.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "x86/boot_defs.h"

#define PTE_P	1ull
#define PTE_PS	0x80ull
#define CR4_PSE (1u << 4)
#define ADDR_4K 0x000FFFFFFFFFF000ull

/* Guest-physical address of gva, or -EFAULT; 4-level long mode or 3-level PAE. */
static int walk_64(struct vcpu *vcpu, const struct vcpu_mode *pg, uint64_t gva, uint64_t *gpa)
{
	bool long_mode = pg->efer & EFER_LMA;
	int levels = long_mode ? 4 : 3;
	uint64_t table = pg->cr3 & (long_mode ? ADDR_4K : 0xFFFFFFE0ull);

	for (int level = levels - 1; level >= 0; level--) {
		unsigned shift = 12 + 9 * (unsigned)level;
		unsigned index = (gva >> shift) & (level == 2 && !long_mode ? 3 : 511);
		uint64_t e;
		if (guest_phys_read(vcpu->vm, table + index * 8, &e, sizeof(e)) || !(e & PTE_P))
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

static int walk_32(struct vcpu *vcpu, const struct vcpu_mode *pg, uint32_t gva, uint64_t *gpa)
{
	uint32_t pde, pte;

	if (guest_phys_read(vcpu->vm, (pg->cr3 & 0xFFFFF000) + (gva >> 22) * 4, &pde, 4) ||
	    !(pde & PTE_P))
		return -EFAULT;
	if ((pde & PTE_PS) && (pg->cr4 & CR4_PSE)) {
		*gpa = (pde & 0xFFC00000) + (gva & 0x3FFFFF);
		return 0;
	}
	if (guest_phys_read(vcpu->vm, (pde & 0xFFFFF000) + ((gva >> 12) & 1023) * 4, &pte, 4) ||
	    !(pte & PTE_P))
		return -EFAULT;
	*gpa = (pte & 0xFFFFF000) + (gva & 0xFFF);
	return 0;
}

static int guest_translate(struct vcpu *vcpu, const struct vcpu_mode *pg, uint64_t gva,
			   uint64_t *gpa)
{
	if (!(pg->cr0 & CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (pg->cr4 & CR4_PAE)
		return walk_64(vcpu, pg, gva, gpa);
	return walk_32(vcpu, pg, (uint32_t)gva, gpa);
}

int guest_virt_read(struct vcpu *vcpu, uint64_t gva, void *dst, size_t len)
{
	struct vcpu_mode pg;
	uint8_t *p = dst;

	virt_vcpu_mode(vcpu, &pg);
	while (len) {
		uint64_t gpa;
		size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		if (guest_translate(vcpu, &pg, gva, &gpa) ||
		    guest_phys_read(vcpu->vm, gpa, p, chunk))
			return -EFAULT;
		gva += chunk;
		p += chunk;
		len -= chunk;
	}
	return 0;
}
