/* SPDX-License-Identifier: BSD-3-Clause */
/* One vCPU's slot of the I/O request page: post an access, and read the Service VM's answer. */
#include "core/ioreq_slot.h"
#include "lib/errno.h"
#include "lib/string.h"

static uint32_t load_state(const struct acrn_io_request *slot)
{
	return __atomic_load_n(&slot->processed, __ATOMIC_ACQUIRE);
}

static void store_state(struct acrn_io_request *slot, uint32_t state)
{
	__atomic_store_n(&slot->processed, state, __ATOMIC_RELEASE);
}

static uint32_t request_type(const struct io_access *access, const struct ioreq_pci_target *pci)
{
	if (pci)
		return ACRN_IOREQ_TYPE_PCICFG;
	return access->bus == IO_BUS_PORT ? ACRN_IOREQ_TYPE_PORTIO : ACRN_IOREQ_TYPE_MMIO;
}

static void fill_request(struct acrn_io_request *slot, const struct io_access *access,
			 const struct ioreq_pci_target *pci)
{
	uint32_t dir = access->write ? ACRN_IOREQ_DIR_WRITE : ACRN_IOREQ_DIR_READ;
	uint64_t value = access->write ? access->value & io_access_mask(access) : 0;

	memset(&slot->reqs, 0, sizeof(slot->reqs));
	if (pci) {
		struct acrn_pci_request *r = &slot->reqs.pci_request;
		*r = (struct acrn_pci_request){ .direction = dir,
						.size = access->size,
						.value = (uint32_t)value,
						.bus = pci->bus,
						.dev = pci->dev,
						.func = pci->func,
						.reg = pci->reg };
	} else if (access->bus == IO_BUS_PORT) {
		struct acrn_pio_request *r = &slot->reqs.pio_request;
		*r = (struct acrn_pio_request){ .direction = dir,
						.address = access->addr,
						.size = access->size,
						.value = (uint32_t)value };
	} else {
		struct acrn_mmio_request *r = &slot->reqs.mmio_request;
		*r = (struct acrn_mmio_request){ .direction = dir,
						 .address = access->addr,
						 .size = access->size,
						 .value = value };
	}
}

int ioreq_slot_post(struct acrn_io_request *slot, const struct io_access *access,
		    const struct ioreq_pci_target *pci, bool polling)
{
	if (load_state(slot) != ACRN_IOREQ_STATE_FREE)
		return -EBUSY;
	slot->type = request_type(access, pci);
	slot->completion_polling = polling;
	slot->kernel_handled = 0;
	fill_request(slot, access, pci);
	store_state(slot, ACRN_IOREQ_STATE_PENDING);
	return 0;
}

/* A read's answer, loaded once from where this request's kind keeps it. */
static uint64_t answered_value(const struct acrn_io_request *slot, const struct io_access *access)
{
	if (access->bus == IO_BUS_MMIO)
		return __atomic_load_n(&slot->reqs.mmio_request.value, __ATOMIC_RELAXED);
	/* Port and PCI-config requests keep their value at the same offset (abi/cairn/acrn.h). */
	return __atomic_load_n(&slot->reqs.pio_request.value, __ATOMIC_RELAXED);
}

enum ioreq_slot_status ioreq_slot_check(struct acrn_io_request *slot, struct io_access *access,
					uint32_t *seen)
{
	uint32_t state = load_state(slot);

	if (seen)
		*seen = state;
	switch (state) {
	case ACRN_IOREQ_STATE_PENDING:
	case ACRN_IOREQ_STATE_PROCESSING:
		return IOREQ_SLOT_WAITING;
	case ACRN_IOREQ_STATE_COMPLETE:
		if (!access->write)
			access->value = answered_value(slot, access) & io_access_mask(access);
		store_state(slot, ACRN_IOREQ_STATE_FREE);
		return IOREQ_SLOT_DONE;
	default:
		return IOREQ_SLOT_BROKEN;
	}
}

uint32_t ioreq_slot_state(const struct acrn_io_request *slot)
{
	return load_state(slot);
}

void ioreq_slot_reset(struct acrn_io_request *slot)
{
	store_state(slot, ACRN_IOREQ_STATE_FREE);
}

void ioreq_page_reset(struct acrn_io_request_buffer *page)
{
	for (size_t i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		store_state(&page->req_slot[i], ACRN_IOREQ_STATE_FREE);
}
