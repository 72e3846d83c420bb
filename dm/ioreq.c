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

#define PCI_CONF_ADDR_PORT 0xCF8
#define PCI_CONF_DATA_PORT 0xCFC
#define PCI_CONF_ENABLE	   (1u << 31)

/*
 * The 0xCF8/0xCFC-0xCFF half of a request the HSM would have handled: true if it was one (the
 * latch read or written, or a data access with the latch off: reads all ones). A data access
 * with the latch on becomes the PCI-config request it stands for in *req.
 */
static bool conf1(struct acrn_io_request *req, uint32_t *conf_addr, uint64_t *value)
{
	struct acrn_pio_request *p = &req->reqs.pio_request;
	uint32_t latch = *conf_addr, offset;

	if (req->type != ACRN_IOREQ_TYPE_PORTIO || p->direction > ACRN_IOREQ_DIR_WRITE)
		return false;
	if (p->address == PCI_CONF_ADDR_PORT && p->size == 4) {
		if (p->direction == ACRN_IOREQ_DIR_WRITE)
			*conf_addr = p->value;
		*value = latch;
		return true;
	}
	if (p->address < PCI_CONF_DATA_PORT || p->address >= PCI_CONF_DATA_PORT + 4 ||
	    !size_ok(p->size, 4) || p->address + p->size > PCI_CONF_DATA_PORT + 4)
		return false;
	if (!(latch & PCI_CONF_ENABLE)) {
		*value = ~0ull;
		return true;
	}
	offset = (uint32_t)(p->address - PCI_CONF_DATA_PORT);
	*req = (struct acrn_io_request){
		.type = ACRN_IOREQ_TYPE_PCICFG,
		.reqs.pci_request = { .direction = p->direction,
				      .size = p->size,
				      .value = p->value,
				      .bus = (latch >> 16) & 0xFF,
				      .dev = (latch >> 11) & 0x1F,
				      .func = (latch >> 8) & 0x7,
				      /* bits 7:2, and 11:8 from the latch's bits 27:24 */
				      .reg = (uint32_t)(((latch & 0xFCu) |
							 ((latch >> 16) & 0xF00u)) +
							offset) },
	};
	return false;
}

int dm_ioreq_poll_page(struct acrn_io_request *slots, unsigned int nslots, struct dm_bus *bus,
		       uint32_t *conf_addr, struct dm_ioreq_stats *stats)
{
	int served = 0;

	if (nslots > ACRN_IO_REQUEST_MAX)
		nslots = ACRN_IO_REQUEST_MAX;
	for (unsigned int i = 0; i < nslots; i++) {
		uint32_t pending = ACRN_IOREQ_STATE_PENDING;
		struct acrn_io_request req;
		uint32_t type;
		uint64_t value = 0;
		bool bad = false, read;

		if (__atomic_load_n(&slots[i].processed, __ATOMIC_RELAXED) != pending ||
		    !__atomic_compare_exchange_n(&slots[i].processed, &pending,
						 ACRN_IOREQ_STATE_PROCESSING, false,
						 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		memcpy(&req, &slots[i], sizeof(req)); /* one copy: later scribbles change nothing */
		type = req.type;
		read = req.reqs.pio_request.direction == ACRN_IOREQ_DIR_READ;
		if (!conf1(&req, conf_addr, &value)) {
			if (dm_ioreq_handle(bus, &req, &value, &bad) == DM_IO_POWEROFF)
				return -1;
			if (bad)
				stats->bad++;
			else
				stats->served[req.type]++;
		} else {
			stats->served[ACRN_IOREQ_TYPE_PORTIO]++;
		}
		if (bad || read)
			write_value(&slots[i], type, value);
		__atomic_store_n(&slots[i].processed, ACRN_IOREQ_STATE_COMPLETE, __ATOMIC_RELEASE);
		served++;
	}
	return served;
}

enum dm_ioreq_end dm_ioreq_poll(struct dm_vm *vm, struct dm_bus *bus, struct dm_ioreq_stats *stats,
				const bool *stop)
{
	uint32_t conf_addr = 0;

	while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
		if (dm_ioreq_poll_page(vm->ioreq_page->req_slot, vm->vcpu_num, bus, &conf_addr,
				       stats) < 0)
			return DM_IOREQ_END_POWEROFF;
		__builtin_ia32_pause();
	}
	return DM_IOREQ_END_STOPPED;
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
