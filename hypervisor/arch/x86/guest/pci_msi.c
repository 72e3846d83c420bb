/* SPDX-License-Identifier: BSD-3-Clause */
/* MSI capability writes: a function never has MSI enabled with a message aimed outside the VM. */
#include "lib/format.h"
#include "x86/irq_route.h"
#include "x86/pci_cfg.h"
#include "x86/pci_cfg_policy.h"

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

void pci_msi_write(struct vm *vm, const struct pci_fn *fn, const struct pci_cfg_write *w)
{
	uint16_t cap = fn->msi_cap;
	struct msi_image now, after;
	uint32_t control_now;

	for (uint32_t b = 0; b < MSI_CAP_MAX; b++)
		now.bytes[b] = (uint8_t)pci_cfg_hw_read(fn->bdf, (uint16_t)(cap + b), 1);
	after = now;
	for (uint32_t b = 0; b < w->size; b++) {
		int32_t at = (int32_t)w->offset + (int32_t)b - cap;
		if (at >= 0 && at < MSI_CAP_MAX)
			after.bytes[at] = (uint8_t)(w->value >> (8 * b));
	}
	control_now = image_get(&now, MSI_CONTROL, 2);
	if (!(image_get(&after, MSI_CONTROL, 2) & MSI_ENABLE)) {
		pci_cfg_hw_write(w->bdf, w->offset, w->size, w->value); /* disabled: any message */
		return;
	}
	const char *why = message_refusal(vm, &after);
	if (!why) {
		pci_cfg_hw_write(w->bdf, w->offset, w->size, w->value);
		return;
	}
	/* Enabled with a bad message: disable first, then store the write with enable clear. */
	char what[96];
	format_snprintf(
		what, sizeof(what), "MSI of %02x:%02x.%x (address 0x%x data 0x%x)",
		PCI_BUS(fn->bdf), PCI_DEV(fn->bdf), PCI_FN(fn->bdf),
		image_get(&after, MSI_ADDRESS, 4),
		image_get(&after, (image_get(&after, MSI_CONTROL, 2) & MSI_64BIT) ? 12 : 8, 2));
	irq_route_note_refused(vm, what, why, "MSI left disabled");
	if (control_now & MSI_ENABLE)
		pci_cfg_hw_write(fn->bdf, cap + MSI_CONTROL, 2, control_now & ~MSI_ENABLE);
	uint32_t value = w->value;
	for (uint32_t b = 0; b < w->size; b++)
		if (w->offset + b == (uint32_t)cap + MSI_CONTROL)
			value &= ~(MSI_ENABLE << (8 * b));
	pci_cfg_hw_write(w->bdf, w->offset, w->size, value);
}
