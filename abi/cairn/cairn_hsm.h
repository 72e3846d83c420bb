/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* Cairn's additions to /dev/acrn_hsm: I/O clients with address ranges, served from userspace. */
#ifndef CAIRN_ABI_CAIRN_HSM_H
#define CAIRN_ABI_CAIRN_HSM_H

#include "cairn/acrn.h"
#include "cairn/acrn_hsm.h"
#include "cairn/types.h"

/*
 * Linux's HSM gives userspace one I/O client per VM, the default one (ACRN_IOCTL_CREATE_IOREQ_CLIENT
 * ... ATTACH), and keeps clients with address ranges for its own ioeventfds. Cairn adds range
 * clients that a userspace thread serves, on ioctl numbers ACRN does not use (0xE0-0xE3). They
 * are issued on the file that created the VM (any thread of that process, or a process that
 * inherited the file). A client never sees the request page: it receives a copy of the request
 * and answers with a value, so a buggy client cannot corrupt another vCPU's slot.
 *
 * Dispatch (docs/user-vms.md): a PENDING request goes to the first range client, in creation
 * order, whose range holds the whole access [addr, addr + size); else to the default client.
 */
struct cairn_ioreq_range_client {
	__u32 type;    /* in: ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO */
	__u32 id;      /* out: the client's id (>= 1; the default client has none) */
	__u64 start;   /* in: first address of the range */
	__u64 end;     /* in: last address of the range (inclusive, >= start) */
	char name[16]; /* in: for debugfs, NUL-padded */
};

/* A request dispatched to a range client, as CAIRN_IOCTL_CLIENT_FETCH returns it. */
struct cairn_ioreq_fetch {
	__u32 id;			/* in: the client */
	__u32 vcpu;			/* out: the vCPU (slot) whose request this is */
	struct acrn_io_request request; /* out: a copy; `processed` reads PROCESSING */
};

/* The answer: for a read, `value` is what the guest reads (masked to the access size). */
struct cairn_ioreq_complete {
	__u32 id;
	__u32 vcpu;
	__u64 value;
};

CAIRN_ABI_ASSERT(sizeof(struct cairn_ioreq_range_client) == 40, "cairn_ioreq_range_client");
CAIRN_ABI_OFFSET_IS(struct cairn_ioreq_range_client, start, 8);
CAIRN_ABI_OFFSET_IS(struct cairn_ioreq_range_client, name, 24);
CAIRN_ABI_ASSERT(sizeof(struct cairn_ioreq_fetch) == 512, "cairn_ioreq_fetch (aligned request)");
CAIRN_ABI_OFFSET_IS(struct cairn_ioreq_fetch, request, 256);
CAIRN_ABI_ASSERT(sizeof(struct cairn_ioreq_complete) == 16, "cairn_ioreq_complete");

/* Creates a range client: 0, or -EINVAL (bad type, end < start), -ENOSPC (too many clients). */
#define CAIRN_IOCTL_CREATE_RANGE_CLIENT CAIRN_IOWR(0xE0, struct cairn_ioreq_range_client)
/* Blocks until a request is dispatched to the client; -ENODEV once it or its VM is destroyed. */
#define CAIRN_IOCTL_CLIENT_FETCH CAIRN_IOWR(0xE1, struct cairn_ioreq_fetch)
/* Completes a fetched request: -EINVAL when that vCPU has no request of this client in flight. */
#define CAIRN_IOCTL_CLIENT_COMPLETE CAIRN_IOW(0xE2, struct cairn_ioreq_complete)
/* Destroys a range client (argument: its id, by value); a blocked FETCH returns -ENODEV. */
#define CAIRN_IOCTL_DESTROY_RANGE_CLIENT CAIRN_IO(0xE3)

#endif
