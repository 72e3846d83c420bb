/* SPDX-License-Identifier: BSD-3-Clause */
/* VMX per-VM state: the EPT (with INVEPT after every change), the I/O bitmaps, the MSR bitmap. */
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "ept.h"
#include "msr_bitmap.h"
#include "vmx.h"
#include "vmx_impl.h"
#include "vmx_insn.h"

#define IO_BITMAP_PAGES 2

static struct vmx_vm vmx_vms[MAX_VMS];

_Static_assert(VIRT_MEM_READ == STAGE2_READ && VIRT_MEM_WRITE == STAGE2_WRITE &&
		       VIRT_MEM_EXEC == STAGE2_EXEC,
	       "virt_vm_map's rights go to the EPT builder as they are");

static int ept_alloc_page(void *ctx, uint64_t *pa)
{
	return phys_alloc_pages(1, 1, pa);
}

static void ept_free_page(void *ctx, uint64_t pa)
{
	phys_free_pages(pa, 1);
}

static void *ept_to_virt(void *ctx, uint64_t pa)
{
	return phys_to_virt(pa);
}

static const struct stage2_ops ept_phys_ops = {
	.alloc_page = ept_alloc_page,
	.free_page = ept_free_page,
	.to_virt = ept_to_virt,
};

int vmx_vm_init(struct vm *vm)
{
	struct vmx_vm *v = &vmx_vms[vm->id];
	int err;

	memset(v, 0, sizeof(*v));
	err = ept_init(&v->ept, &ept_phys_ops, vmx_caps.ept_2m, vmx_caps.ept_1g);
	if (!err)
		err = phys_alloc_pages(IO_BITMAP_PAGES, 1, &v->io_bitmap_pa);
	if (!err)
		err = phys_alloc_pages(1, 1, &v->msr_bitmap_pa);
	vm->virt = (struct virt_vm *)(void *)v;
	if (err) {
		vmx_vm_destroy(vm);
		return err;
	}
	v->eptp = ept_pointer(&v->ept);
	memset(phys_to_virt(v->io_bitmap_pa), 0xFF, IO_BITMAP_PAGES * PAGE_SIZE);
	msr_bitmap_build(phys_to_virt(v->msr_bitmap_pa), msr_passthrough, msr_passthrough_count);
	return 0;
}

void vmx_vm_destroy(struct vm *vm)
{
	struct vmx_vm *v = vmx_vm(vm);

	if (!v)
		return;
	stage2_destroy(&v->ept);
	if (v->io_bitmap_pa)
		phys_free_pages(v->io_bitmap_pa, IO_BITMAP_PAGES);
	if (v->msr_bitmap_pa)
		phys_free_pages(v->msr_bitmap_pa, 1);
	memset(v, 0, sizeof(*v));
	vm->virt = NULL;
}

/*
 * INVEPT acts on the calling pCPU only: it runs here (the VM's tables may be cached from an
 * earlier run on this pCPU), and each of the VM's vCPUs runs it again before its next entry, as
 * SVM's flush_tlb does (vmx_vcpu.c).
 */
static void ept_changed(struct vm *vm)
{
	vmx_invept(INVEPT_SINGLE_CONTEXT, vmx_vm(vm)->eptp);
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].virt)
			__atomic_store_n(&vmx_vcpu(&vm->vcpus[i])->flush_ept, true,
					 __ATOMIC_RELEASE);
}

/* The length of one piece at hpa (at most max) of one type, and whether it is RAM. */
static uint64_t typed_piece(uint64_t hpa, uint64_t max, bool *ram)
{
	uint64_t len = MIN(ALIGN_UP(hpa + 1, 2 * MiB) - hpa, max);

	if (phys_mem_is_ram(hpa, len)) {
		*ram = true;
		return len;
	}
	if (!phys_mem_touches_ram(hpa, len)) {
		*ram = false;
		return len;
	}
	*ram = phys_mem_is_ram(hpa, PAGE_SIZE);
	return PAGE_SIZE;
}

/*
 * EPT replaces the host MTRRs, which under NPT keep device memory uncached: what is not RAM by
 * the firmware's map is mapped UC (docs/vendor-interface.md, memory types). Runs of one type are
 * found 2 MiB at a time, page by page where a 2 MiB piece is part RAM.
 */
static int map_typed(struct stage2_pt *pt, uint64_t gpa, uint64_t hpa, uint64_t size,
		     uint32_t rights)
{
	uint64_t done = 0;

	if (!size || ((gpa | hpa | size) & (PAGE_SIZE - 1)))
		return stage2_map(pt, gpa, hpa, size, rights); /* its -EINVAL */
	while (done < size) {
		bool ram, next_ram;
		uint64_t run = typed_piece(hpa + done, size - done, &ram);
		while (done + run < size) {
			uint64_t len = typed_piece(hpa + done + run, size - done - run, &next_ram);
			if (next_ram != ram)
				break;
			run += len;
		}
		int err = stage2_map(pt, gpa + done, hpa + done, run,
				     rights | (ram ? 0 : STAGE2_UNCACHED));
		if (err)
			return err;
		done += run;
	}
	return 0;
}

int vmx_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights)
{
	int err = (rights & ~(uint32_t)VIRT_MEM_RWX)
			  ? -EINVAL
			  : map_typed(&vmx_vm(vm)->ept, gpa, hpa, size, rights);

	ept_changed(vm);
	vm_mem_changed(vm);
	return err;
}

int vmx_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	int err = stage2_unmap(&vmx_vm(vm)->ept, gpa, size);

	ept_changed(vm);
	vm_mem_changed(vm);
	return err;
}

int vmx_vm_translate(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights)
{
	int err = stage2_translate(&vmx_vm(vm)->ept, gpa, hpa, rights, NULL);

	if (!err && rights)
		*rights &= VIRT_MEM_RWX; /* STAGE2_UNCACHED is the backend's business */
	return err;
}

void vmx_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap)
{
	uint64_t *map = phys_to_virt(vmx_vm(vm)->io_bitmap_pa);

	for (uint32_t p = port; p < (uint32_t)port + count && p <= 0xFFFF; p++)
		trap ? bitmap_set(map, p) : bitmap_clear(map, p);
}
