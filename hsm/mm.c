// SPDX-License-Identifier: GPL-2.0-only
/* User VM memory: user pages pinned and mapped with HC_VM_SET_MEMORY_REGIONS, contiguous runs merged. */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "hsm_drv.h"
#include "hypercall.h"

#define OPS_PER_BATCH	  (PAGE_SIZE / sizeof(struct vm_memory_region_op))
#define MEMSEG_MAX_PAGES  (16ul << (30 - PAGE_SHIFT)) /* 16 GiB in one segment */
#define PIN_CHUNK_PAGES	  (1ul << 18)
#define RAM_ATTR(access)  (ACRN_MEM_TYPE_WB | ((access)&ACRN_MEM_ACCESS_RIGHT_MASK))
#define MMIO_ATTR(access) (ACRN_MEM_TYPE_UC | ((access)&ACRN_MEM_ACCESS_RIGHT_MASK))

/* One batch; `ops` is kernel memory (linear map: GPA = physical address). */
static long set_regions(struct hsm_vm *vm, struct vm_memory_region_op *ops, u32 n)
{
	struct vm_memory_region_batch *batch = kzalloc(sizeof(*batch), GFP_KERNEL);
	long ret;

	if (!batch)
		return -ENOMEM;
	batch->vmid = vm->vmid;
	batch->regions_num = n;
	batch->regions_gpa = virt_to_phys(ops);
	ret = hcall_set_memory_regions(virt_to_phys(batch));
	kfree(batch);
	return ret;
}

static long one_region(struct hsm_vm *vm, u32 type, u32 attr, u64 user_vm_pa, u64 service_vm_pa,
		       u64 size)
{
	struct vm_memory_region_op *op = kzalloc(sizeof(*op), GFP_KERNEL);
	long ret;

	if (!op)
		return -ENOMEM;
	op->type = type;
	op->attr = attr;
	op->user_vm_pa = user_vm_pa;
	op->service_vm_pa = service_vm_pa;
	op->size = size;
	ret = set_regions(vm, op, 1);
	kfree(op);
	return ret;
}

static bool page_aligned_range(u64 start, u64 len)
{
	return len && PAGE_ALIGNED(start) && PAGE_ALIGNED(len) && start + len > start;
}

/*
 * Maps the segment's pages in batches of one page of regions, each region a physically
 * contiguous run (a 2 MiB hugetlb page is one run, or part of a longer one). A failed batch is
 * taken to change nothing (docs/user-vms.md); what earlier batches mapped is unmapped again.
 * Returns 0, the error, and in *stuck whether that unmap failed too (the pages must stay pinned).
 */
static long map_pages(struct hsm_vm *vm, struct hsm_memseg *seg, u32 attr, bool *stuck)
{
	struct vm_memory_region_op *ops = (void *)get_zeroed_page(GFP_KERNEL);
	u64 gpa = seg->user_vm_pa, mapped = 0;
	unsigned long i = 0;
	unsigned int n = 0;
	long ret = 0;

	*stuck = false;
	if (!ops)
		return -ENOMEM;
	while (i < seg->npages) {
		unsigned long pfn = page_to_pfn(seg->pages[i]), run = 1;

		while (i + run < seg->npages && page_to_pfn(seg->pages[i + run]) == pfn + run)
			run++;
		ops[n] = (struct vm_memory_region_op){ ACRN_MEM_REGION_ADD, attr, gpa,
						       PFN_PHYS(pfn), run << PAGE_SHIFT };
		n++;
		gpa += run << PAGE_SHIFT;
		i += run;
		if (n == OPS_PER_BATCH || i == seg->npages) {
			ret = set_regions(vm, ops, n);
			if (ret < 0)
				break;
			mapped = gpa - seg->user_vm_pa;
			n = 0;
		}
	}
	free_page((unsigned long)ops);
	if (ret < 0 && mapped &&
	    one_region(vm, ACRN_MEM_REGION_DEL, 0, seg->user_vm_pa, 0, mapped) < 0)
		*stuck = true;
	return ret;
}

static void seg_unpin(struct hsm_memseg *seg, unsigned long npages)
{
	unpin_user_pages_dirty_lock(seg->pages, npages, true);
}

static void seg_free(struct hsm_memseg *seg)
{
	kvfree(seg->pages);
	kfree(seg);
}

static bool overlaps(struct hsm_vm *vm, u64 start, u64 len)
{
	struct hsm_memseg *seg;

	list_for_each_entry(seg, &vm->memsegs, list) if (start < seg->user_vm_pa + seg->len &&
							 seg->user_vm_pa < start + len) return true;
	return false;
}

static long ram_map(struct hsm_vm *vm, const struct acrn_vm_memmap *map)
{
	struct hsm_memseg *seg;
	unsigned long done = 0;
	bool stuck;
	long ret;

	if (!page_aligned_range(map->user_vm_pa, map->len) ||
	    !page_aligned_range(map->vma_base, map->len) ||
	    map->len >> PAGE_SHIFT > MEMSEG_MAX_PAGES)
		return -EINVAL;
	if (vm->nmemsegs >= HSM_MAX_MEMSEGS)
		return -ENOSPC;
	if (overlaps(vm, map->user_vm_pa, map->len))
		return -EEXIST;
	seg = kzalloc(sizeof(*seg), GFP_KERNEL);
	if (!seg)
		return -ENOMEM;
	seg->user_vm_pa = map->user_vm_pa;
	seg->len = map->len;
	seg->npages = map->len >> PAGE_SHIFT;
	seg->pages = kvcalloc(seg->npages, sizeof(*seg->pages), GFP_KERNEL);
	if (!seg->pages) {
		kfree(seg);
		return -ENOMEM;
	}
	while (done < seg->npages) {
		int n = pin_user_pages_fast(map->vma_base + (done << PAGE_SHIFT),
					    min(seg->npages - done, PIN_CHUNK_PAGES),
					    FOLL_WRITE | FOLL_LONGTERM, seg->pages + done);

		if (n <= 0) {
			ret = n ? n : -EFAULT;
			goto unpin;
		}
		done += n;
	}
	ret = map_pages(vm, seg, RAM_ATTR(map->attr), &stuck);
	if (ret < 0) {
		if (stuck) {
			pr_err("cairn_hsm: vm %u: unmapping a failed segment failed: pages stay "
			       "pinned\n",
			       vm->vmid);
			seg_free(seg);
			return ret;
		}
		goto unpin;
	}
	list_add_tail(&seg->list, &vm->memsegs);
	vm->nmemsegs++;
	return 0;

unpin:
	seg_unpin(seg, done);
	seg_free(seg);
	return ret;
}

/* Called with vm->life_lock held. */
int hsm_memseg_map(struct hsm_vm *vm, const struct acrn_vm_memmap *map)
{
	if (map->type == ACRN_MEMMAP_RAM)
		return ram_map(vm, map);
	if (map->type != ACRN_MEMMAP_MMIO)
		return -EINVAL;
	if (!page_aligned_range(map->user_vm_pa, map->len) ||
	    !page_aligned_range(map->service_vm_pa, map->len))
		return -EINVAL;
	return one_region(vm, ACRN_MEM_REGION_ADD, MMIO_ATTR(map->attr), map->user_vm_pa,
			  map->service_vm_pa, map->len);
}

/* Called with vm->life_lock held. RAM: the exact segment a SET_MEMSEG mapped. */
int hsm_memseg_unmap(struct hsm_vm *vm, const struct acrn_vm_memmap *map)
{
	struct hsm_memseg *seg;
	long ret;

	if (map->type == ACRN_MEMMAP_MMIO) {
		if (!page_aligned_range(map->user_vm_pa, map->len))
			return -EINVAL;
		return one_region(vm, ACRN_MEM_REGION_DEL, 0, map->user_vm_pa, 0, map->len);
	}
	if (map->type != ACRN_MEMMAP_RAM)
		return -EINVAL;
	list_for_each_entry(seg, &vm->memsegs, list)
	{
		if (seg->user_vm_pa != map->user_vm_pa || seg->len != map->len)
			continue;
		ret = one_region(vm, ACRN_MEM_REGION_DEL, 0, seg->user_vm_pa, 0, seg->len);
		if (ret < 0)
			return ret; /* still mapped: still pinned */
		list_del(&seg->list);
		vm->nmemsegs--;
		seg_unpin(seg, seg->npages);
		seg_free(seg);
		return 0;
	}
	return -EINVAL;
}

void hsm_mm_unmap_all(struct hsm_vm *vm, bool unpin)
{
	struct hsm_memseg *seg, *next;

	list_for_each_entry_safe(seg, next, &vm->memsegs, list)
	{
		list_del(&seg->list);
		if (unpin)
			seg_unpin(seg, seg->npages);
		seg_free(seg);
	}
	vm->nmemsegs = 0;
}
