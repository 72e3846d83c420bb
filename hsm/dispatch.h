/* SPDX-License-Identifier: GPL-2.0-only */
/* I/O request dispatch without the kernel: slot checks, 0xCF8/0xCFC, range lookup, slot states. */
#ifndef CAIRN_HSM_DISPATCH_H
#define CAIRN_HSM_DISPATCH_H

#include "cairn/acrn.h"
#include "dispatch_shim.h"

/*
 * Everything here works on plain memory and takes no locks: the HSM (ioreq.c) holds the VM's
 * lock around it, and tests/unit/test_hsm_dispatch.c runs it on the host. The request page is
 * mapped by the Service VM's userspace too, so a slot is read once into a local copy and only
 * that copy is trusted; what is written back is written whole, `processed` last with release.
 */

#define HSM_PCI_CONF_ADDR  0xCF8u
#define HSM_PCI_CONF_DATA  0xCFCu
#define HSM_CONF1_ENABLE   0x80000000u
#define HSM_PORT_SPACE_END 0xFFFFu

/* One address range of an I/O client; `seq` is its client's creation number (lookup order). */
struct hsm_range {
	__u32 type; /* ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO */
	__u32 seq;
	__u64 start;
	__u64 end; /* inclusive */
	void *owner;
};

enum hsm_verdict {
	HSM_ROUTE, /* goes to a client: the range index, or -1 for the default client */
	HSM_DONE,  /* answered here: a 0xCF8 access, or 0xCFC-0xCFF with the address disabled */
	HSM_BAD,   /* malformed (type, size, direction, address): all-ones read, write dropped */
};

/* All-ones for an access of `size` bytes (1..8); 0 for any other size. */
__u64 hsm_size_mask(__u64 size);

/* The request names an access a User VM can make: known type, direction, size and address. */
bool hsm_request_valid(const struct acrn_io_request *req);

/* 0, or -EINVAL: a type other than port or MMIO, end < start, a port range above 0xFFFF. */
int hsm_range_check(__u32 type, __u64 start, __u64 end);

/* The range holds the whole access [address, address + size) of a valid port or MMIO request. */
bool hsm_range_holds(const struct hsm_range *range, const struct acrn_io_request *req);

/* The first of `n` ranges (in table order) that holds the request, or -1. */
int hsm_range_find(const struct hsm_range *ranges, unsigned int n,
		   const struct acrn_io_request *req);

/*
 * Inserts a range into a table kept in client creation order (then insertion order):
 * 0, -EINVAL (hsm_range_check), -ENOSPC (`max` entries already).
 */
int hsm_ranges_insert(struct hsm_range *ranges, unsigned int *n, unsigned int max,
		      const struct hsm_range *range);

/* Removes every range of `owner`, keeping the order of the rest; returns how many went. */
unsigned int hsm_ranges_remove_owner(struct hsm_range *ranges, unsigned int *n, const void *owner);

/* Removes `owner`'s first range equal to [start, end] of `type`; 0 or -ENOENT. */
int hsm_ranges_remove(struct hsm_range *ranges, unsigned int *n, const void *owner, __u32 type,
		      __u64 start, __u64 end);

/* processed == PENDING, loaded with acquire ordering (the hypervisor stored it with release). */
bool hsm_slot_pending(const struct acrn_io_request *slot);

/*
 * Decides what happens to one PENDING slot. `conf_addr` is the VM's 0xCF8 latch. The slot is
 * copied into `*req` first and only the copy is examined. A 0xCF8 dword access is answered
 * from or into the latch; a 0xCFC-0xCFF access with the latch enabled becomes a PCI-config
 * request (bus/dev/func/reg, written back into the slot); with it disabled a read gets
 * all-ones. For HSM_ROUTE, `*range` is the index into `ranges` or -1 (the default client);
 * PCI-config requests always go to the default client. The caller then completes the slot
 * (HSM_DONE, HSM_BAD) or hands it over (hsm_slot_take). `processed` is not touched here.
 */
enum hsm_verdict hsm_dispatch_slot(struct acrn_io_request *slot, __u32 *conf_addr,
				   const struct hsm_range *ranges, unsigned int n, int *range,
				   struct acrn_io_request *req);

/* Writes a read's answer (masked to the access's size) into the slot; a write is left alone. */
void hsm_slot_answer(struct acrn_io_request *slot, const struct acrn_io_request *req, __u64 value);

/* Hands the slot to a client: kernel_handled (an in-kernel client), then PROCESSING (release). */
void hsm_slot_take(struct acrn_io_request *slot, bool kernel_handled);

/*
 * The answer is in place: PROCESSING -> COMPLETE (one atomic exchange, release ordering).
 * 0 when the slot is COMPLETE now (also when the client had already written COMPLETE through
 * its mapping, as ACRN's userspace does): the hypervisor may be told. -EINVAL when it was in
 * another state (FREE, PENDING, garbage: the request is gone or the page was scribbled on):
 * the slot is left alone, since writing COMPLETE into a slot the hypervisor owns would
 * complete a request nobody answered.
 */
int hsm_slot_finish(struct acrn_io_request *slot);

#endif
