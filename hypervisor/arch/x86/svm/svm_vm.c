/* SVM per-VM state: the nested page table and the I/O and MSR permission maps. */
#include "core/virt.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "svm.h"
#include "x86/cpu.h"

#define IOPM_PAGES  3
#define MSRPM_PAGES 2

static struct virt_vm svm_vms[MAX_VMS];

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

static const struct npt_ops npt_phys_ops = {
	.alloc_page = npt_alloc_page,
	.free_page = npt_free_page,
	.to_virt = npt_to_virt,
};

/* MSRPM byte offset of the 2-bit pair for msr, or -1 for MSRs outside the three ranges. */
static long msrpm_offset(uint32_t msr)
{
	static const struct {
		uint32_t first;
		long base;
	} ranges[] = { { 0x00000000, 0x0000 }, { 0xC0000000, 0x0800 }, { 0xC0010000, 0x1000 } };

	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++)
		if (msr >= ranges[i].first && msr < ranges[i].first + 0x2000)
			return ranges[i].base + (long)(msr - ranges[i].first) * 2;
	return -1;
}

void svm_msrpm_set(struct virt_vm *v, uint32_t msr, bool trap_read, bool trap_write)
{
	long bit = msrpm_offset(msr);
	uint64_t *map = phys_to_virt(v->msrpm_pa);

	if (bit < 0)
		return; /* always intercepted by the hardware */
	trap_read ? bitmap_set(map, (size_t)bit) : bitmap_clear(map, (size_t)bit);
	trap_write ? bitmap_set(map, (size_t)bit + 1) : bitmap_clear(map, (size_t)bit + 1);
}

/* The MSRs a guest must never touch directly (see docs/vendor-interface.md). */
static void msrpm_init(struct virt_vm *v)
{
	svm_msrpm_set(v, MSR_EFER, false, true);
	svm_msrpm_set(v, MSR_VM_CR, true, true);
	svm_msrpm_set(v, MSR_VM_HSAVE_PA, true, true);
	svm_msrpm_set(v, MSR_APIC_BASE, false, true);
	svm_msrpm_set(v, 0x10, false, true); /* IA32_TSC: writes would move the pCPU's TSC */
}

int virt_vm_init(struct vm *vm)
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
		virt_vm_destroy(vm);
		return err;
	}
	memset(phys_to_virt(v->iopm_pa), 0xFF, IOPM_PAGES * PAGE_SIZE);
	msrpm_init(v);
	vm->virt = v;
	return 0;
}

void virt_vm_destroy(struct vm *vm)
{
	struct virt_vm *v = vm->virt;

	if (!v)
		return;
	npt_destroy(&v->npt);
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

int virt_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights)
{
	int err = npt_map(&vm->virt->npt, gpa, hpa, size, rights);

	flush_all_vcpus(vm);
	return err;
}

int virt_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	int err = npt_unmap(&vm->virt->npt, gpa, size);

	flush_all_vcpus(vm);
	return err;
}

int virt_vm_translate(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights)
{
	return npt_translate(&vm->virt->npt, gpa, hpa, rights, NULL);
}

void virt_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap)
{
	uint64_t *map = phys_to_virt(vm->virt->iopm_pa);

	for (uint32_t p = port; p < (uint32_t)port + count && p <= 0xFFFF; p++)
		trap ? bitmap_set(map, p) : bitmap_clear(map, p);
}
