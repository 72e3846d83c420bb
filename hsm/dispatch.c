// SPDX-License-Identifier: GPL-2.0-only
/* I/O request dispatch without the kernel: slot checks, 0xCF8/0xCFC, range lookup, slot states. */
#include "dispatch.h"

#define PCI_BUS_MAX  0xFFu
#define PCI_DEV_MAX  0x1Fu
#define PCI_FUNC_MAX 0x7u
#define PCI_CFG_SIZE 0x1000u

__u64 hsm_size_mask(__u64 size)
{
	if (size == 0 || size > 8)
		return 0;
	return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static bool size_is(__u64 size, bool eight)
{
	return size == 1 || size == 2 || size == 4 || (eight && size == 8);
}

bool hsm_request_valid(const struct acrn_io_request *req)
{
	const struct acrn_pio_request *pio = &req->reqs.pio_request;
	const struct acrn_mmio_request *mmio = &req->reqs.mmio_request;
	const struct acrn_pci_request *pci = &req->reqs.pci_request;

	/* direction sits at offset 0 of every form */
	if (pio->direction != ACRN_IOREQ_DIR_READ && pio->direction != ACRN_IOREQ_DIR_WRITE)
		return false;
	switch (req->type) {
	case ACRN_IOREQ_TYPE_PORTIO:
		return size_is(pio->size, false) && pio->address <= HSM_PORT_SPACE_END &&
		       pio->address + pio->size - 1 <= HSM_PORT_SPACE_END;
	case ACRN_IOREQ_TYPE_MMIO:
		return size_is(mmio->size, true) && mmio->address + mmio->size - 1 >= mmio->address;
	case ACRN_IOREQ_TYPE_PCICFG:
		return size_is(pci->size, false) && pci->bus <= PCI_BUS_MAX &&
		       pci->dev <= PCI_DEV_MAX && pci->func <= PCI_FUNC_MAX &&
		       pci->reg < PCI_CFG_SIZE && pci->reg + pci->size <= PCI_CFG_SIZE;
	default:
		return false;
	}
}

int hsm_range_check(__u32 type, __u64 start, __u64 end)
{
	if (type != ACRN_IOREQ_TYPE_PORTIO && type != ACRN_IOREQ_TYPE_MMIO)
		return -EINVAL;
	if (end < start)
		return -EINVAL;
	if (type == ACRN_IOREQ_TYPE_PORTIO && end > HSM_PORT_SPACE_END)
		return -EINVAL;
	return 0;
}

/* Port and MMIO requests keep address and size at the same offsets (8 and 16). */
bool hsm_range_holds(const struct hsm_range *range, const struct acrn_io_request *req)
{
	__u64 first = req->reqs.mmio_request.address;
	__u64 size = req->reqs.mmio_request.size;

	if (req->type != range->type || size == 0 || first + size - 1 < first)
		return false;
	return first >= range->start && first + size - 1 <= range->end;
}

int hsm_range_find(const struct hsm_range *ranges, unsigned int n,
		   const struct acrn_io_request *req)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (hsm_range_holds(&ranges[i], req))
			return (int)i;
	return -1;
}

int hsm_ranges_insert(struct hsm_range *ranges, unsigned int *n, unsigned int max,
		      const struct hsm_range *range)
{
	unsigned int at;
	int err = hsm_range_check(range->type, range->start, range->end);

	if (err)
		return err;
	if (*n >= max)
		return -ENOSPC;
	/* after every range of a client created no later than this one's */
	for (at = *n; at > 0 && ranges[at - 1].seq > range->seq; at--)
		;
	memmove(&ranges[at + 1], &ranges[at], (*n - at) * sizeof(*ranges));
	ranges[at] = *range;
	(*n)++;
	return 0;
}

static void remove_at(struct hsm_range *ranges, unsigned int *n, unsigned int at)
{
	memmove(&ranges[at], &ranges[at + 1], (*n - at - 1) * sizeof(*ranges));
	(*n)--;
}

unsigned int hsm_ranges_remove_owner(struct hsm_range *ranges, unsigned int *n, const void *owner)
{
	unsigned int i = 0, removed = 0;

	while (i < *n) {
		if (ranges[i].owner == owner) {
			remove_at(ranges, n, i);
			removed++;
		} else {
			i++;
		}
	}
	return removed;
}

int hsm_ranges_remove(struct hsm_range *ranges, unsigned int *n, const void *owner, __u32 type,
		      __u64 start, __u64 end)
{
	unsigned int i;

	for (i = 0; i < *n; i++) {
		if (ranges[i].owner == owner && ranges[i].type == type &&
		    ranges[i].start == start && ranges[i].end == end) {
			remove_at(ranges, n, i);
			return 0;
		}
	}
	return -ENOENT;
}

bool hsm_slot_pending(const struct acrn_io_request *slot)
{
	return hsm_load_acquire(&slot->processed) == ACRN_IOREQ_STATE_PENDING;
}

void hsm_slot_answer(struct acrn_io_request *slot, const struct acrn_io_request *req, __u64 value)
{
	if (req->reqs.pio_request.direction != ACRN_IOREQ_DIR_READ)
		return;
	if (req->type == ACRN_IOREQ_TYPE_MMIO)
		slot->reqs.mmio_request.value = value & hsm_size_mask(req->reqs.mmio_request.size);
	else /* port and PCI config: 32 bits at the same offset */
		slot->reqs.pio_request.value =
			(__u32)(value & hsm_size_mask(req->reqs.pio_request.size));
}

/* A malformed request: whatever its form, a read finds all-ones in both value widths. */
static void answer_bad(struct acrn_io_request *slot, const struct acrn_io_request *req)
{
	if (req->reqs.pio_request.direction == ACRN_IOREQ_DIR_READ)
		slot->reqs.data[3] = ~0ull; /* reqs + 24: the port/PCI value and the MMIO value */
}

static bool is_conf_addr(const struct acrn_io_request *req)
{
	return req->type == ACRN_IOREQ_TYPE_PORTIO &&
	       req->reqs.pio_request.address == HSM_PCI_CONF_ADDR &&
	       req->reqs.pio_request.size == 4;
}

static bool is_conf_data(const struct acrn_io_request *req)
{
	__u64 port = req->reqs.pio_request.address;

	return req->type == ACRN_IOREQ_TYPE_PORTIO && port >= HSM_PCI_CONF_DATA &&
	       port + req->reqs.pio_request.size <= HSM_PCI_CONF_DATA + 4;
}

/* The 0xCFC-0xCFF access under an enabled latch, as the PCI-config request it is. */
static void to_pci_request(struct acrn_io_request *req, __u32 conf_addr)
{
	struct acrn_pci_request *pci = &req->reqs.pci_request;
	__u32 offset = (__u32)(req->reqs.pio_request.address - HSM_PCI_CONF_DATA);

	req->type = ACRN_IOREQ_TYPE_PCICFG;
	pci->bus = (conf_addr >> 16) & PCI_BUS_MAX;
	pci->dev = (conf_addr >> 11) & PCI_DEV_MAX;
	pci->func = (conf_addr >> 8) & PCI_FUNC_MAX;
	/* register bits 7:2 from the address, 11:8 from its bits 27:24 (extended config space) */
	pci->reg = ((conf_addr & 0xFCu) | ((conf_addr >> 16) & 0xF00u)) + offset;
}

enum hsm_verdict hsm_dispatch_slot(struct acrn_io_request *slot, __u32 *conf_addr,
				   const struct hsm_range *ranges, unsigned int n, int *range,
				   struct acrn_io_request *req)
{
	memcpy(req, slot, sizeof(*req));
	*range = -1;
	if (!hsm_request_valid(req)) {
		answer_bad(slot, req);
		return HSM_BAD;
	}
	if (is_conf_addr(req)) {
		if (req->reqs.pio_request.direction == ACRN_IOREQ_DIR_WRITE)
			*conf_addr = req->reqs.pio_request.value;
		else
			hsm_slot_answer(slot, req, *conf_addr);
		return HSM_DONE;
	}
	if (is_conf_data(req)) {
		if (!(*conf_addr & HSM_CONF1_ENABLE)) {
			hsm_slot_answer(slot, req, ~0ull);
			return HSM_DONE;
		}
		to_pci_request(req, *conf_addr);
		slot->type = req->type;
		slot->reqs.pci_request.bus = req->reqs.pci_request.bus;
		slot->reqs.pci_request.dev = req->reqs.pci_request.dev;
		slot->reqs.pci_request.func = req->reqs.pci_request.func;
		slot->reqs.pci_request.reg = req->reqs.pci_request.reg;
		return HSM_ROUTE; /* PCI config: the default client's */
	}
	if (req->type != ACRN_IOREQ_TYPE_PCICFG)
		*range = hsm_range_find(ranges, n, req);
	return HSM_ROUTE;
}

void hsm_slot_take(struct acrn_io_request *slot, bool kernel_handled)
{
	slot->kernel_handled = kernel_handled ? 1 : 0;
	hsm_store_release(&slot->processed, ACRN_IOREQ_STATE_PROCESSING);
}

int hsm_slot_finish(struct acrn_io_request *slot)
{
	__u32 old = hsm_cmpxchg(&slot->processed, ACRN_IOREQ_STATE_PROCESSING,
				ACRN_IOREQ_STATE_COMPLETE);

	return old == ACRN_IOREQ_STATE_PROCESSING || old == ACRN_IOREQ_STATE_COMPLETE ? 0 : -EINVAL;
}
