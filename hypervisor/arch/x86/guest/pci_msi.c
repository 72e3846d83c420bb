/* SPDX-License-Identifier: BSD-3-Clause */
/* MSI capability writes: a function never has MSI enabled with a message aimed outside the VM. */
#include "lib/format.h"
#include "drivers/amd_iommu.h"
#include "drivers/amd_iommu_irte.h"
#include "x86/guest/irq_route.h"
#include "x86/guest/pci_cfg.h"
#include "x86/guest/pci_cfg_policy.h"

#define MSI_CONTROL	   2
#define MSI_ADDRESS	   4
#define MSI_ENABLE	   (1u << 0)
#define MSI_MME(control)   (((control) >> 4) & 7)
#define MSI_64BIT	   (1u << 7)
#define MSI_CAP_MAX	   24
#define MSI_ADDR_BASE_MASK 0xFFF00000u
#define MSI_ADDR_BASE	   0xFEE00000u
#define MSI_ADDR_DEST(a)   (((a) >> 12) & 0xFF)
#define MSI_ADDR_LOGICAL   (1u << 2)
#define MSI_DATA_VECTOR(d) ((d)&0xFF)
#define MSI_DATA_MODE(d)   (((d) >> 8) & 7)

/* The capability's bytes from `control` on, as they would be after the write. */
struct msi_image {
	uint8_t bytes[MSI_CAP_MAX];
};

static uint32_t image_get(const struct msi_image *im, uint32_t at, uint32_t size)
{
	uint32_t v = 0;

	for (uint32_t b = 0; b < size; b++)
		v |= (uint32_t)im->bytes[at + b] << (8 * b);
	return v;
}

static void image_put(struct msi_image *im, uint32_t at, uint32_t size, uint32_t v)
{
	for (uint32_t b = 0; b < size; b++)
		im->bytes[at + b] = (uint8_t)(v >> (8 * b));
}

/* NULL if the message (address, address high, data) and its 2^MME vectors stay inside vm. */
static const char *message_refusal(const struct vm *vm, const struct msi_image *im)
{
	uint32_t control = image_get(im, MSI_CONTROL, 2);
	bool wide = control & MSI_64BIT;
	uint32_t address = image_get(im, MSI_ADDRESS, 4);
	uint32_t high = wide ? image_get(im, MSI_ADDRESS + 4, 4) : 0;
	uint32_t data = image_get(im, wide ? 12 : 8, 2);
	uint32_t vectors = 1u << MSI_MME(control);

	if (high || (address & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE)
		return "message address is not the APICs' (a DMA write)";
	if (MSI_DATA_VECTOR(data) + vectors - 1 > 0xFF || (MSI_DATA_VECTOR(data) & (vectors - 1)))
		return "vector block out of range";
	struct irq_route r = {
		.dest = MSI_ADDR_DEST(address),
		.logical = (address & MSI_ADDR_LOGICAL) != 0,
		.mode = (uint8_t)MSI_DATA_MODE(data),
		.vector = (uint8_t)MSI_DATA_VECTOR(data),
	};
	return irq_route_refusal(vm, &r, 0);
}

static void note_refused(struct vm *vm, const struct pci_fn *fn, const struct msi_image *after,
			 const char *why)
{
	char what[96];
	bool wide = image_get(after, MSI_CONTROL, 2) & MSI_64BIT;

	format_snprintf(what, sizeof(what), "MSI of %02x:%02x.%x (address 0x%x data 0x%x)",
			PCI_BUS(fn->bdf), PCI_DEV(fn->bdf), PCI_FN(fn->bdf),
			image_get(after, MSI_ADDRESS, 4), image_get(after, wide ? 12 : 8, 2));
	irq_route_note_refused(vm, what, why, "MSI left disabled");
}

/*
 * With interrupt remapping (docs/interrupt-remapping.md) the device holds address 0xFEE00000,
 * data 0 (its remapping entry) while MSI is enabled, and the message the Service VM wrote is
 * kept by the IOMMU driver; while MSI is disabled the device holds the Service VM's message.
 */
static void msi_write_remapped(struct vm *vm, const struct pci_fn *fn,
			       const struct pci_cfg_write *w)
{
	uint16_t cap = fn->msi_cap;
	struct msi_image now, after, device;
	uint32_t address, data;

	for (uint32_t b = 0; b < MSI_CAP_MAX; b++)
		now.bytes[b] = (uint8_t)pci_host_read(fn->bdf, (uint16_t)(cap + b), 1);
	bool wide = image_get(&now, MSI_CONTROL, 2) & MSI_64BIT; /* read-only bit */
	uint32_t data_at = wide ? 12 : 8, data_end = data_at + 2;
	if (amd_iommu_remapped_msi(fn->bdf, 0, &address, &data)) {
		image_put(&now, MSI_ADDRESS, 4, address);
		if (wide)
			image_put(&now, MSI_ADDRESS + 4, 4, 0);
		image_put(&now, data_at, 2, data);
	}
	after = now;
	for (uint32_t b = 0; b < w->size; b++) {
		int32_t at = (int32_t)w->offset + (int32_t)b - cap;
		if (at >= 0 && at < MSI_CAP_MAX)
			after.bytes[at] = (uint8_t)(w->value >> (8 * b));
	}
	uint32_t control = image_get(&after, MSI_CONTROL, 2);
	const char *why = NULL;
	bool deliver = control & MSI_ENABLE;
	if (deliver) {
		why = MSI_MME(control) ? "multiple-message MSI is not remapped"
				       : message_refusal(vm, &after);
		if (!why)
			why = amd_iommu_remap_msi(fn->bdf, 0, image_get(&after, MSI_ADDRESS, 4),
						  image_get(&after, data_at, 2));
	}
	if (!deliver || why)
		amd_iommu_unmap_msi(fn->bdf, 0);
	device = after;
	if (why) {
		note_refused(vm, fn, &after, why);
		control &= ~MSI_ENABLE;
		image_put(&device, MSI_CONTROL, 2, control);
	} else if (deliver) {
		image_put(&device, MSI_ADDRESS, 4, AMD_IOMMU_REMAPPED_ADDRESS);
		if (wide)
			image_put(&device, MSI_ADDRESS + 4, 4, 0);
		image_put(&device, data_at, 2, 0); /* the remapping entry's index */
	}
	/* Disabled before its message changes; its message set before it is enabled. */
	if (!(control & MSI_ENABLE))
		pci_host_write(fn->bdf, cap + MSI_CONTROL, 2, control);
	pci_host_write(fn->bdf, cap + MSI_ADDRESS, 4, image_get(&device, MSI_ADDRESS, 4));
	if (wide)
		pci_host_write(fn->bdf, cap + MSI_ADDRESS + 4, 4,
			       image_get(&device, MSI_ADDRESS + 4, 4));
	pci_host_write(fn->bdf, (uint16_t)(cap + data_at), 2, image_get(&device, data_at, 2));
	if (control & MSI_ENABLE)
		pci_host_write(fn->bdf, cap + MSI_CONTROL, 2, control);
	for (uint32_t b = 0; b < w->size; b++) { /* mask and pending bits, as written */
		int32_t at = (int32_t)w->offset + (int32_t)b - cap;
		if (at >= (int32_t)data_end && at < MSI_CAP_MAX)
			pci_host_write(fn->bdf, (uint16_t)(w->offset + b), 1, device.bytes[at]);
	}
}

void pci_msi_write(struct vm *vm, const struct pci_fn *fn, const struct pci_cfg_write *w)
{
	uint16_t cap = fn->msi_cap;
	struct msi_image now, after;
	uint32_t control_now;

	if (amd_iommu_interrupts_remapped(fn->bdf)) {
		msi_write_remapped(vm, fn, w);
		return;
	}

	for (uint32_t b = 0; b < MSI_CAP_MAX; b++)
		now.bytes[b] = (uint8_t)pci_host_read(fn->bdf, (uint16_t)(cap + b), 1);
	after = now;
	for (uint32_t b = 0; b < w->size; b++) {
		int32_t at = (int32_t)w->offset + (int32_t)b - cap;
		if (at >= 0 && at < MSI_CAP_MAX)
			after.bytes[at] = (uint8_t)(w->value >> (8 * b));
	}
	control_now = image_get(&now, MSI_CONTROL, 2);
	if (!(image_get(&after, MSI_CONTROL, 2) & MSI_ENABLE)) {
		pci_host_write(w->bdf, w->offset, w->size, w->value); /* disabled: any message */
		return;
	}
	const char *why = message_refusal(vm, &after);
	if (!why) {
		pci_host_write(w->bdf, w->offset, w->size, w->value);
		return;
	}
	/* Enabled with a bad message: disable first, then store the write with enable clear. */
	note_refused(vm, fn, &after, why);
	if (control_now & MSI_ENABLE)
		pci_host_write(fn->bdf, cap + MSI_CONTROL, 2, control_now & ~MSI_ENABLE);
	uint32_t value = w->value;
	for (uint32_t b = 0; b < w->size; b++)
		if (w->offset + b == (uint32_t)cap + MSI_CONTROL)
			value &= ~(MSI_ENABLE << (8 * b));
	pci_host_write(w->bdf, w->offset, w->size, value);
}
