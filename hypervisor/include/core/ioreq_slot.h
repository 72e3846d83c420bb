/* SPDX-License-Identifier: BSD-3-Clause */
/* One vCPU's slot of the I/O request page: post an access, and read the Service VM's answer. */
#ifndef CAIRN_CORE_IOREQ_SLOT_H
#define CAIRN_CORE_IOREQ_SLOT_H

#include "cairn/acrn.h"
#include "core/io_emul.h"

/*
 * The slot lives in a page the Service VM can write at any time, so every read of it here is
 * a single load of one field (never a second look that could differ), and nothing in it but
 * `processed` and the read's value is ever taken back. The hypervisor is the only writer of
 * FREE and PENDING; the Service VM moves PENDING -> PROCESSING -> COMPLETE (docs/io-request.md).
 */

/* Where a PCI-config request goes (the caller decodes 0xCF8/0xCFC). */
struct ioreq_pci_target {
	uint8_t bus, dev, func;
	uint16_t reg;
};

/*
 * Fills `slot` with `access` as a port or MMIO request (by its bus), or as a PCI-config
 * request when `pci` is given, sets completion_polling, then makes it PENDING with release
 * ordering: the Service VM that sees PENDING sees the request. Returns 0, or -EBUSY when the
 * slot is not FREE (a request is still in flight: the caller must not post).
 */
int ioreq_slot_post(struct acrn_io_request *slot, const struct io_access *access,
		    const struct ioreq_pci_target *pci, bool polling);

enum ioreq_slot_status {
	IOREQ_SLOT_WAITING, /* PENDING or PROCESSING: the Service VM has it */
	IOREQ_SLOT_DONE,    /* was COMPLETE: a read's value is in access->value; the slot is FREE */
	IOREQ_SLOT_BROKEN,  /* FREE or an unknown state while a request is in flight */
};

/*
 * Looks at the slot of an access posted earlier (acquire ordering on `processed`, loaded once;
 * `seen`, when not NULL, receives that value for the caller's log line). On DONE a read's value
 * is taken (masked to the access's size) and the slot made FREE. BROKEN means the Service VM
 * wrote a state that cannot happen: the caller stops the User VM, never trusts the slot again,
 * and leaves it as it is.
 */
enum ioreq_slot_status ioreq_slot_check(struct acrn_io_request *slot, struct io_access *access,
					uint32_t *seen);

/*
 * The slot's state now (one acquire load), for waiting loops and log lines only: what the
 * hypervisor acts on comes from ioreq_slot_post() and ioreq_slot_check().
 */
uint32_t ioreq_slot_state(const struct acrn_io_request *slot);

/* The slot FREE, whatever it held (a request dropped when its vCPU stops or resets). */
void ioreq_slot_reset(struct acrn_io_request *slot);

/* Every slot FREE (HC_SET_IOREQ_BUFFER, a VM reset). */
void ioreq_page_reset(struct acrn_io_request_buffer *page);

#endif
