/* SPDX-License-Identifier: BSD-3-Clause */
/* Serving I/O requests: the default client's loop over the request page, and one request's decode. */
#ifndef CAIRN_DM_IOREQ_H
#define CAIRN_DM_IOREQ_H

#include <stdbool.h>
#include <stdint.h>

#include "cairn/acrn.h"
#include "dm/bus.h"
#include "dm/vm.h"

struct dm_ioreq_stats {
	uint64_t served[3];	/* by ACRN_IOREQ_TYPE_*: port, MMIO, PCI config */
	uint64_t bad;		/* malformed requests, answered with all ones */
	uint64_t finish_errors; /* NOTIFY_REQUEST_FINISH / CLIENT_COMPLETE refused */
};

/*
 * Serves one request from a private copy: checks it (type, direction, size, address bounds),
 * dispatches it to the bus, and sets *value to what a read answers (masked to its size). A
 * malformed request is not dispatched: *bad is set and a read answers all ones.
 */
enum dm_io_result dm_ioreq_handle(struct dm_bus *bus, const struct acrn_io_request *req,
				  uint64_t *value, bool *bad);

/* Completes vCPU vcpu's request once its value is in the slot (in cairn-dm: the HSM's ioctl). */
typedef int (*dm_ioreq_finish_fn)(void *ctx, uint32_t vcpu);

/*
 * One pass over slots [0, nslots) of the request page: every slot in PROCESSING that no in-kernel
 * client took (kernel_handled 0) is copied, served, its read value written back, and finished.
 * The page is the Service VM's to scribble on: state and request are loaded once, and only the
 * value field is written. Returns the number served, or -1 when a request powered the VM off (it
 * is left unfinished and the pass stops).
 */
int dm_ioreq_serve_page(struct acrn_io_request *slots, unsigned int nslots, struct dm_bus *bus,
			dm_ioreq_finish_fn finish, void *ctx, struct dm_ioreq_stats *stats);

/* Why dm_ioreq_run returned. */
enum dm_ioreq_end {
	DM_IOREQ_END_POWEROFF,	  /* the guest powered off */
	DM_IOREQ_END_CLIENT_GONE, /* ATTACH said -ENODEV: the client or the VM was destroyed */
	DM_IOREQ_END_STOPPED,	  /* *stop was set */
	DM_IOREQ_END_ERROR,	  /* ATTACH failed otherwise */
};

/*
 * The default client's loop (call dm_vm_ioreq_client_create first): ATTACH (blocks until the HSM
 * hands it requests), serve the page, NOTIFY_REQUEST_FINISH each one, again. Completion mode
 * does not change it: in polling mode the HSM skips the hypercall. An ATTACH interrupted by a
 * signal (EINTR) returns when *stop is set. *err is ATTACH's error for DM_IOREQ_END_ERROR.
 */
enum dm_ioreq_end dm_ioreq_run(struct dm_vm *vm, struct dm_bus *bus, struct dm_ioreq_stats *stats,
			       const bool *stop, int *err);

/*
 * Exit-less serving (--ioreq_exitless; the VM was created with CAIRN_GUEST_FLAG_IO_EXITLESS):
 * cairn-dm does the HSM's part itself. One pass claims every PENDING slot (PENDING ->
 * PROCESSING, atomically: a slot someone else took is left alone), applies the PCI type-1 latch
 * at 0xCF8 (`conf_addr`, the VM's one latch) and turns 0xCFC-0xCFF under an enabled latch into
 * the PCI-config access it is, serves it on the bus, writes a read's value and marks the slot
 * COMPLETE; the User VM's pCPU, polling its slot, goes on. Malformed requests read all ones.
 * Returns the number served, or -1 when a request powered the VM off (left PROCESSING).
 */
int dm_ioreq_poll_page(struct acrn_io_request *slots, unsigned int nslots, struct dm_bus *bus,
		       uint32_t *conf_addr, struct dm_ioreq_stats *stats);

/* The exit-less loop: dm_ioreq_poll_page again and again, spinning, until *stop is set. */
enum dm_ioreq_end dm_ioreq_poll(struct dm_vm *vm, struct dm_bus *bus, struct dm_ioreq_stats *stats,
				const bool *stop);

#endif
