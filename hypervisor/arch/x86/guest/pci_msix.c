/* SPDX-License-Identifier: BSD-3-Clause */
/* MSI-X tables: trapped where the firmware put them; an entry never unmasked with a bad message. */
#include "core/virt.h"
#include "lib/format.h"
#include "lib/string.h"
#include "drivers/amd_iommu.h"
#include "drivers/amd_iommu_irte.h"
#include "x86/cpu.h"
#include "x86/guest/irq_route.h"
#include "x86/guest/pci_cfg.h"
#include "x86/guest/pci_cfg_policy.h"

#define ENTRY_SIZE	   16
#define ENTRY_ADDRESS	   0
#define ENTRY_ADDRESS_HIGH 4
#define ENTRY_DATA	   8
#define ENTRY_CONTROL	   12
#define ENTRY_MASKED	   1u
#define MSI_ADDR_BASE_MASK 0xFFF00000u
#define MSI_ADDR_BASE	   0xFEE00000u
#define MAPPED_TOP	   (64 * GiB) /* the Service VM's identity map ends here */

static uint64_t table_page(const struct pci_fn *fn)
{
	return ALIGN_DOWN(fn->msix_table, PAGE_SIZE);
}

static void hw_write(uint64_t pa, uint8_t size, uint64_t v)
{
	if (size == 1)
		*(volatile uint8_t *)(uintptr_t)pa = (uint8_t)v;
	else if (size == 2)
		*(volatile uint16_t *)(uintptr_t)pa = (uint16_t)v;
	else if (size == 4)
		mmio_write32(pa, (uint32_t)v);
	else
		mmio_write64(pa, v);
}

static uint64_t hw_read(uint64_t pa, uint8_t size)
{
	if (size == 1)
		return *(volatile uint8_t *)(uintptr_t)pa;
	if (size == 2)
		return *(volatile uint16_t *)(uintptr_t)pa;
	return size == 4 ? mmio_read32(pa) : mmio_read64(pa);
}

static const char *entry_refusal(const struct vm *vm, const uint32_t entry[4])
{
	if (entry[1] || (entry[0] & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE)
		return "message address is not the APICs' (a DMA write)";
	struct irq_route r = {
		.dest = (entry[0] >> 12) & 0xFF,
		.logical = (entry[0] & (1u << 2)) != 0,
		.mode = (uint8_t)((entry[2] >> 8) & 7),
		.vector = (uint8_t)entry[2],
	};
	return irq_route_refusal(vm, &r, 0);
}

static void note(struct vm *vm, const struct pci_fn *fn, uint32_t index, const uint32_t entry[4],
		 const char *why)
{
	char what[112];

	format_snprintf(what, sizeof(what),
			"MSI-X entry %u of %02x:%02x.%x (address 0x%x data 0x%x)", index,
			PCI_BUS(fn->bdf), PCI_DEV(fn->bdf), PCI_FN(fn->bdf), entry[0], entry[2]);
	irq_route_note_refused(vm, what, why, "entry left masked");
}

/* The entry's four dwords after a write of `size` bytes at byte `at` of it (bytes past it dropped). */
static void merge_write(uint32_t entry[4], uint32_t at, uint8_t size, uint64_t value)
{
	for (uint8_t b = 0; b < size && at + b < ENTRY_SIZE; b++) {
		uint32_t byte = at + b, shift = 8 * (byte % 4);
		entry[byte / 4] = (entry[byte / 4] & ~(0xFFu << shift)) |
				  (uint32_t)((value >> (8 * b)) & 0xFF) << shift;
	}
}

/*
 * With interrupt remapping (docs/interrupt-remapping.md): an unmasked entry holds address
 * 0xFEE00000, data = its index (its remapping entry), and the IOMMU driver keeps the message
 * the Service VM wrote; a masked entry holds the Service VM's message.
 */
static void entry_write_remapped(struct vcpu *vcpu, const struct pci_fn *fn, uint64_t pa,
				 uint8_t size, uint64_t value)
{
	uint64_t entry_pa = pa - (pa - fn->msix_table) % ENTRY_SIZE;
	uint32_t index = (uint32_t)((entry_pa - fn->msix_table) / ENTRY_SIZE);
	uint32_t after[4], device[4];

	for (int i = 0; i < 4; i++)
		after[i] = mmio_read32(entry_pa + 4 * (uint64_t)i);
	if (amd_iommu_remapped_msi(fn->bdf, index, &after[0], &after[2]))
		after[1] = 0;
	merge_write(after, (uint32_t)(pa - entry_pa), size, value);
	bool deliver = !(after[3] & ENTRY_MASKED);
	const char *why = NULL;
	if (deliver) {
		why = entry_refusal(vcpu->vm, after);
		if (!why)
			why = amd_iommu_remap_msi(fn->bdf, index, after[0], after[2]);
	}
	if (!deliver || why)
		amd_iommu_unmap_msi(fn->bdf, index);
	memcpy(device, after, sizeof(device));
	if (why) {
		note(vcpu->vm, fn, index, after, why);
		device[3] |= ENTRY_MASKED;
	} else if (deliver) {
		device[0] = AMD_IOMMU_REMAPPED_ADDRESS;
		device[1] = 0;
		device[2] = index;
	}
	/* Masked before its message changes; its message set before it is unmasked. */
	if (device[3] & ENTRY_MASKED)
		mmio_write32(entry_pa + ENTRY_CONTROL, device[3]);
	for (int i = 0; i < 3; i++)
		mmio_write32(entry_pa + 4 * (uint64_t)i, device[i]);
	if (!(device[3] & ENTRY_MASKED))
		mmio_write32(entry_pa + ENTRY_CONTROL, device[3]);
}

/* A write into the table without interrupt remapping: an entry that would be refused is masked. */
static void entry_write_checked(struct vcpu *vcpu, const struct pci_fn *fn, uint64_t pa,
				uint8_t size, uint64_t value)
{
	uint64_t entry_pa = pa - (pa - fn->msix_table) % ENTRY_SIZE;
	uint32_t index = (uint32_t)((entry_pa - fn->msix_table) / ENTRY_SIZE);
	uint32_t now[4], after[4];
	for (int i = 0; i < 4; i++)
		now[i] = after[i] = mmio_read32(entry_pa + 4 * (uint64_t)i);
	merge_write(after, (uint32_t)(pa - entry_pa), size, value);
	const char *why = (after[3] & ENTRY_MASKED) ? NULL : entry_refusal(vcpu->vm, after);
	uint64_t v = value;
	if (why) {
		note(vcpu->vm, fn, index, after, why);
		if (!(now[3] & ENTRY_MASKED))
			mmio_write32(entry_pa + ENTRY_CONTROL, now[3] | ENTRY_MASKED);
		if (pa <= entry_pa + ENTRY_CONTROL && pa + size > entry_pa + ENTRY_CONTROL)
			v |= (uint64_t)ENTRY_MASKED << (8 * (entry_pa + ENTRY_CONTROL - pa));
	}
	hw_write(pa, size, v);
}

static int msix_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	const struct pci_fn *fn = opaque;
	uint64_t pa = access->addr;
	uint8_t size = access->size;
	uint64_t table_end = fn->msix_table + (uint64_t)fn->msix_entries * ENTRY_SIZE;

	if ((pa & (size - 1)) || size > 8)
		return vcpu_fault(vcpu, "MSI-X table page access of %u bytes at 0x%lx", size, pa);
	if (!access->write)
		access->value = hw_read(pa, size);
	else if (pa < fn->msix_table || pa >= table_end)
		hw_write(pa, size, access->value); /* PBA or other registers sharing the page */
	else if (amd_iommu_interrupts_remapped(fn->bdf))
		entry_write_remapped(vcpu, fn, pa, size, access->value);
	else
		entry_write_checked(vcpu, fn, pa, size, access->value);
	return 0;
}

int pci_msix_attach(struct vm *vm, struct pci_fn *fn)
{
	uint64_t base = pci_bar_address(fn, fn->msix_bir);
	uint64_t table = base + fn->msix_offset;
	uint64_t end = table + (uint64_t)fn->msix_entries * ENTRY_SIZE;

	if (!base || end > MAPPED_TOP || pci_cfg_foreign_memory(vm, base, end))
		return 0; /* unassigned or misplaced: MSI-X stays off (pci_cfg_policy.c) */
	for (uint32_t i = 0; i < fn->msix_entries; i++) {
		uint32_t entry[4];
		for (int w = 0; w < 4; w++)
			entry[w] = mmio_read32(table + i * ENTRY_SIZE + 4 * (uint64_t)w);
		if (!(entry[3] & ENTRY_MASKED) && entry_refusal(vm, entry))
			mmio_write32(table + i * ENTRY_SIZE + ENTRY_CONTROL,
				     entry[3] | ENTRY_MASKED);
	}
	fn->msix_bar_base = base;
	fn->msix_table = table;
	struct io_handler h = {
		.bus = IO_BUS_MMIO,
		.base = table_page(fn),
		.size = ALIGN_UP(end, PAGE_SIZE) - table_page(fn),
		.access = msix_access,
		.opaque = fn,
	};
	int err = io_emul_trap_writes(vm, &h);
	if (err)
		fn->msix_table = 0;
	return err;
}
