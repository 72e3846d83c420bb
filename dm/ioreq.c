/* SPDX-License-Identifier: BSD-3-Clause */
/* Serving I/O requests: the default client's loop over the request page, and one request's decode. */
#include <errno.h>
#include <string.h>

#include "dm/ioreq.h"

static bool size_ok(uint64_t size, uint64_t max)
{
	return size == 1 || size == 2 || size == 4 || (max == 8 && size == 8);
}

/* Turns a request into an access; false if it is malformed. */
static bool decode(const struct acrn_io_request *req, struct dm_access *a)
{
	switch (req->type) {
	case ACRN_IOREQ_TYPE_PORTIO: {
		const struct acrn_pio_request *p = &req->reqs.pio_request;

		if (p->direction > ACRN_IOREQ_DIR_WRITE || !size_ok(p->size, 4) ||
		    p->address > 0xFFFF || p->address + p->size > 0x10000)
			return false;
		*a = (struct dm_access){ .space = DM_SPACE_PIO,
					 .addr = p->address,
					 .size = (unsigned int)p->size,
					 .write = p->direction == ACRN_IOREQ_DIR_WRITE,
					 .value = p->value };
		return true;
	}
	case ACRN_IOREQ_TYPE_MMIO: {
		const struct acrn_mmio_request *m = &req->reqs.mmio_request;

		if (m->direction > ACRN_IOREQ_DIR_WRITE || !size_ok(m->size, 8) ||
		    m->address + m->size < m->address)
			return false;
		*a = (struct dm_access){ .space = DM_SPACE_MMIO,
					 .addr = m->address,
					 .size = (unsigned int)m->size,
					 .write = m->direction == ACRN_IOREQ_DIR_WRITE,
					 .value = m->value };
		return true;
	}
	case ACRN_IOREQ_TYPE_PCICFG: {
		const struct acrn_pci_request *c = &req->reqs.pci_request;

		if (c->direction > ACRN_IOREQ_DIR_WRITE || !size_ok(c->size, 4) || c->bus > 255 ||
		    c->dev > 31 || c->func > 7 || c->reg >= DM_PCI_CFG_FUNC_SIZE ||
		    c->reg + c->size > DM_PCI_CFG_FUNC_SIZE)
			return false;
		*a = (struct dm_access){ .space = DM_SPACE_PCI_CFG,
					 .addr = DM_PCI_CFG_ADDR(c->bus, c->dev, c->func, c->reg),
					 .size = (unsigned int)c->size,
					 .write = c->direction == ACRN_IOREQ_DIR_WRITE,
					 .value = c->value };
		return true;
	}
	default:
		return false;
	}
}

enum dm_io_result dm_ioreq_handle(struct dm_bus *bus, const struct acrn_io_request *req,
				  uint64_t *value, bool *bad)
{
	struct dm_access a;
	enum dm_io_result result;

	*bad = !decode(req, &a);
	if (*bad) {
		*value = ~0ull;
		return DM_IO_DONE;
	}
	result = dm_bus_access(bus, &a);
	*value = a.write ? 0 : a.value;
	return result;
}

/* The answer goes where the request's type keeps it (a read only; the slot is not re-read). */
static void write_value(struct acrn_io_request *slot, uint32_t type, uint64_t value)
{
	if (type == ACRN_IOREQ_TYPE_MMIO)
		__atomic_store_n(&slot->reqs.mmio_request.value, value, __ATOMIC_RELAXED);
	else /* port and PCI config keep a 32-bit value at the same offset */
		__atomic_store_n(&slot->reqs.pio_request.value, (uint32_t)value, __ATOMIC_RELAXED);
}

int dm_ioreq_serve_page(struct acrn_io_request *slots, unsigned int nslots, struct dm_bus *bus,
			dm_ioreq_finish_fn finish, void *ctx, struct dm_ioreq_stats *stats)
{
	int served = 0;

	if (nslots > ACRN_IO_REQUEST_MAX)
		nslots = ACRN_IO_REQUEST_MAX;
	for (unsigned int i = 0; i < nslots; i++) {
		struct acrn_io_request req;
		uint64_t value;
		bool bad;

		if (__atomic_load_n(&slots[i].processed, __ATOMIC_ACQUIRE) !=
			    ACRN_IOREQ_STATE_PROCESSING ||
		    __atomic_load_n(&slots[i].kernel_handled, __ATOMIC_RELAXED))
			continue;
		memcpy(&req, &slots[i], sizeof(req)); /* one copy: later scribbles change nothing */
		if (dm_ioreq_handle(bus, &req, &value, &bad) == DM_IO_POWEROFF)
			return -1;
		if (bad)
			stats->bad++;
		else
			stats->served[req.type]++;
		if (bad || req.reqs.pio_request.direction == ACRN_IOREQ_DIR_READ)
			write_value(&slots[i], req.type, value);
		if (finish(ctx, i))
			stats->finish_errors++;
		served++;
	}
	return served;
}

static int notify_finish(void *ctx, uint32_t vcpu)
{
	return dm_vm_notify_request_finish(ctx, vcpu);
}

enum dm_ioreq_end dm_ioreq_run(struct dm_vm *vm, struct dm_bus *bus, struct dm_ioreq_stats *stats,
			       const bool *stop, int *err)
{
	for (;;) {
		int rc = dm_vm_ioreq_client_attach(vm);

		if (__atomic_load_n(stop, __ATOMIC_ACQUIRE))
			return DM_IOREQ_END_STOPPED;
		if (rc == -EINTR)
			continue;
		if (rc == -ENODEV)
			return DM_IOREQ_END_CLIENT_GONE;
		if (rc) {
			*err = rc;
			return DM_IOREQ_END_ERROR;
		}
		if (dm_ioreq_serve_page(vm->ioreq_page->req_slot, vm->vcpu_num, bus, notify_finish,
					vm, stats) < 0)
			return DM_IOREQ_END_POWEROFF;
	}
}
