/* SPDX-License-Identifier: BSD-3-Clause */
/* Who serves a guest's port or MMIO access: the access record, the one handler type, the registry. */
#ifndef CAIRN_CORE_IO_EMUL_H
#define CAIRN_CORE_IO_EMUL_H

#include "lib/compiler.h"

struct vm;
struct vcpu;

/* Enough for the Service VM's guards, conf1, COM1, LAPIC, IOAPICs, HPET, ECAM and MSI-X tables. */
#define MAX_IO_HANDLERS 48

enum io_bus {
	IO_BUS_PORT, /* x86 port space: addresses 0-0xFFFF, sizes 1, 2, 4 */
	IO_BUS_MMIO, /* guest-physical memory: sizes 1, 2, 4, 8 */
};

/*
 * One guest access. The architecture's decode half builds it from the exit; whoever serves it
 * fills `value` for a read; the finish half writes a read's value back into the guest.
 */
struct io_access {
	enum io_bus bus;
	uint64_t addr; /* port number or guest-physical address */
	uint8_t size;  /* bytes */
	bool write;
	uint64_t value; /* `size` bytes, the bits above zero: stored (write) or loaded (read) */
};

/* All ones in the access's `size` bytes. */
static inline uint64_t io_access_mask(const struct io_access *access)
{
	return access->size >= 8 ? ~0ull : (1ull << (8 * access->size)) - 1;
}

/*
 * A device on a range of one bus. access() serves the whole access (access->addr is absolute;
 * handlers subtract their base) and returns 0, or vcpu_fault() for an access it refuses. For a
 * read, access->value arrives as all ones (what an empty bus returns) and is masked to size after.
 */
typedef int (*io_access_fn)(struct vcpu *vcpu, void *opaque, struct io_access *access);

struct io_handler {
	enum io_bus bus;
	uint64_t base;
	uint64_t size; /* ports or bytes, at least 1 */
	/*
	 * Ports only: the handler also gets accesses that merely overlap its range (a dword at
	 * 0xCF8 covers the reset register 0xCF9), after every handler that contains the access.
	 */
	bool partial;
	io_access_fn access;
	void *opaque;
};

enum io_emul_result {
	IO_EMUL_HANDLED,   /* served in the hypervisor (a handler, or the empty port bus) */
	IO_EMUL_FORWARDED, /* done on the hardware: the VM's own port, trapped for a neighbour */
	IO_EMUL_POSTED,	   /* sent to the Service VM as an I/O request: finish when it answers */
	IO_EMUL_FAULT,	   /* refused: vcpu->fault says why; the VM stops (or resets) */
};

/*
 * What serves an access no handler claims, for a VM with a device model (a User VM: the I/O
 * request path, core/ioreq.c). It returns IO_EMUL_POSTED, or HANDLED with a read's value set.
 */
typedef enum io_emul_result (*io_unclaimed_fn)(struct vcpu *vcpu, struct io_access *access);

/* A VM's handlers, in registration order: when ranges overlap, the first registered serves. */
struct io_registry {
	size_t count;
	io_unclaimed_fn unclaimed; /* NULL: the empty bus (ports) or a fault (MMIO) */
	struct io_handler handlers[MAX_IO_HANDLERS];
};

/*
 * Adds a handler to vm->io; a port range is also made to exit (virt_vm_trap_io). Returns 0,
 * -EINVAL for an empty range, a range past the end of its bus or `partial` on MMIO, -ENOSPC
 * when MAX_IO_HANDLERS are registered.
 */
int io_emul_add(struct vm *vm, const struct io_handler *handler);

/*
 * For device pages the VM owns (identity-mapped): maps [base, base + size) read-only so reads
 * reach the hardware without an exit and writes trap to `handler` (an MMIO one). Returns 0, the
 * mapping's error, or io_emul_add()'s (checked before the mapping changes).
 */
int io_emul_trap_writes(struct vm *vm, const struct io_handler *handler);

/*
 * The handler that serves an access of `size` bytes at `addr`: a port handler whose range
 * contains it, else a partial one it overlaps; an MMIO handler whose range contains `addr` (its
 * first byte). NULL when none.
 */
const struct io_handler *io_emul_find(const struct vm *vm, enum io_bus bus, uint64_t addr,
				      uint8_t size);

/*
 * Serves `access` for vcpu: the first handler that claims it; else, on the hardware when the
 * architecture forwards it (arch_io_forward); else the VM's `unclaimed` function when it has one
 * (a User VM posts the access to the Service VM: IO_EMUL_POSTED, docs/io-request.md); else the
 * empty bus — a port read returns all ones, a port write is dropped — and an unclaimed MMIO
 * access is a fault. On HANDLED and FORWARDED a read's value is in access->value, ready to finish.
 */
enum io_emul_result io_emulate(struct vcpu *vcpu, struct io_access *access);

#endif
