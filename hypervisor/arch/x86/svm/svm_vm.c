/* SPDX-License-Identifier: BSD-3-Clause */
/* SVM per-VM state: the nested page table and the I/O and MSR permission maps. */
#include "core/virt.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/cpu.h"
#include "msrpm.h"
#include "svm.h"

#define IOPM_PAGES  3
#define MSRPM_PAGES (MSRPM_SIZE / PAGE_SIZE)

static struct virt_vm svm_vms[MAX_VMS];

_Static_assert(VIRT_MEM_READ == STAGE2_READ && VIRT_MEM_WRITE == STAGE2_WRITE &&
		       VIRT_MEM_EXEC == STAGE2_EXEC,
	       "svm_vm_map's rights go to the NPT builder as they are");

static int npt_alloc_page(void *ctx, uint64_t *pa)
{
	return phys_alloc_pages(1, 1, pa);
}

static void npt_free_page(void *ctx, uint64_t pa)
{
	phys_free_pages(pa, 1);
}

static void *npt_to_virt(void *ctx, uint64_t pa)
{
	return phys_to_virt(pa);
}

static const struct stage2_ops npt_phys_ops = {
	.alloc_page = npt_alloc_page,
	.free_page = npt_free_page,
	.to_virt = npt_to_virt,
};

int svm_vm_init(struct vm *vm)
{
	struct virt_vm *v = &svm_vms[vm->id];
	bool nx = rdmsr(MSR_EFER) & EFER_NXE;
	bool gbpages = cpuid(0x80000001, 0).edx & (1u << 26);
	int err;

	memset(v, 0, sizeof(*v));
	err = npt_init(&v->npt, &npt_phys_ops, nx, gbpages);
	if (!err)
		err = phys_alloc_pages(IOPM_PAGES, 1, &v->iopm_pa);
	if (!err)
		err = phys_alloc_pages(MSRPM_PAGES, 1, &v->msrpm_pa);
	if (err) {
		vm->virt = v;
		svm_vm_destroy(vm);
		return err;
	}
	memset(phys_to_virt(v->iopm_pa), 0xFF, IOPM_PAGES * PAGE_SIZE);
	msrpm_build(phys_to_virt(v->msrpm_pa), msr_passthrough, msr_passthrough_count);
	vm->virt = v;
	return 0;
}

void svm_vm_destroy(struct vm *vm)
{
	struct virt_vm *v = vm->virt;

	if (!v)
		return;
	stage2_destroy(&v->npt);
	if (v->iopm_pa)
		phys_free_pages(v->iopm_pa, IOPM_PAGES);
	if (v->msrpm_pa)
		phys_free_pages(v->msrpm_pa, MSRPM_PAGES);
	memset(v, 0, sizeof(*v));
	vm->virt = NULL;
}

static void flush_all_vcpus(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].virt)
			vm->vcpus[i].virt->flush_tlb = true;
}

int svm_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights)
{
	int err = stage2_map(&vm->virt->npt, gpa, hpa, size, rights);

	flush_all_vcpus(vm);
	vm_mem_changed(vm);
	return err;
}

int svm_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	int err = stage2_unmap(&vm->virt->npt, gpa, size);

	flush_all_vcpus(vm);
	vm_mem_changed(vm);
	return err;
}

int svm_vm_translate(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights)
{
	return stage2_translate(&vm->virt->npt, gpa, hpa, rights, NULL);
}

void svm_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap)
{
	uint64_t *map = phys_to_virt(vm->virt->iopm_pa);

	for (uint32_t p = port; p < (uint32_t)port + count && p <= 0xFFFF; p++)
		trap ? bitmap_set(map, p) : bitmap_clear(map, p);
}
