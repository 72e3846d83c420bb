/* SPDX-License-Identifier: BSD-3-Clause */
/* A User VM's I/O requests: its request page, posting what no handler claims, waiting, finishing. */
#ifndef CAIRN_CORE_IOREQ_H
#define CAIRN_CORE_IOREQ_H

#include "cairn/acrn.h"
#include "core/io_emul.h"
#include "lib/spinlock.h"

struct vm;
struct vcpu;

/* Counted per User VM, shown by `stats` ("cairn: io requests of vm ..."). */
struct ioreq_stats {
	uint64_t pio, mmio;	   /* requests posted, by kind */
	uint64_t notified, polled; /* requests finished, by the VM's completion mode */
	uint64_t unserved;	   /* no request page yet: read all ones, write dropped */
	uint64_t broken;	   /* a slot in a state that cannot happen: the VM was stopped */
	uint64_t dropped;	   /* in flight when its vCPU was stopped or reset */
	uint64_t spurious;	   /* notifications that found nothing to finish */
	uint64_t upcalls_refused;  /* posted, but the service device could not signal */
	uint64_t upcalls_skipped;  /* posted exit-less: the device model polls, no signal */
};

/* The I/O request state of a VM (struct vm's `ioreq`; all zero: no request page). */
struct vm_ioreq {
	spinlock_t lock;		     /* `page` and its replacement against posting */
	struct acrn_io_request_buffer *page; /* the hypervisor's view of the Service VM's page */
	uint64_t page_gpa;		     /* where the Service VM has it */
	bool polling;			     /* GUEST_FLAG_IO_COMPLETION_POLLING or exit-less */
	bool exitless;			     /* CAIRN_GUEST_FLAG_IO_EXITLESS: no upcall */
	uint32_t in_flight;		     /* bit per vCPU: posted, not finished or dropped */
	uint32_t broken; /* bit per vCPU: its slot broke; it waits for the stop */
	struct io_access
		access[ACRN_IO_REQUEST_MAX]; /* each posted access: the hypervisor's copy */
	struct ioreq_stats stats;
};

/*
 * Makes vm (a User VM: vm->creator set) post what no handler claims to its creator, completing
 * by polling when vm_flag has GUEST_FLAG_IO_COMPLETION_POLLING, and with no upcall (its device
 * model polls the page) when it has CAIRN_GUEST_FLAG_IO_EXITLESS, and attaches the architecture's
 * User VM devices (x86: the virtual IOAPIC). Call once, at creation, before it runs. 0 or -errno.
 */
int ioreq_vm_init(struct vm *vm, uint64_t vm_flag);

/*
 * HC_SET_IOREQ_BUFFER's effect: `page` (mapped, checked by the caller) becomes vm's request page,
 * every slot FREE. -EBUSY while a request of vm is in flight (nothing changes).
 */
int ioreq_set_page(struct vm *vm, struct acrn_io_request_buffer *page, uint64_t gpa);

/*
 * vm->io.unclaimed of a User VM. With a page: the access goes into the vCPU's slot (PENDING,
 * release order), the Service VM is upcalled, and the result is IO_EMUL_POSTED (the run loop
 * then waits: ioreq_check). A slot that is not FREE faults the VM. Without a page: the empty
 * bus (a read returns all ones), counted as unserved.
 */
enum io_emul_result ioreq_post(struct vcpu *vcpu, struct io_access *access);

/* The vCPU has a request in flight: the run loop must not enter the guest. */
bool ioreq_in_flight(const struct vcpu *vcpu);

/*
 * On the vCPU's pCPU, while a request is in flight: looks at the slot when `notified`
 * (PCPU_REQ_IOREQ_DONE was taken) or the VM polls. COMPLETE: the access is finished (value into
 * the register, RIP advanced), the slot FREE. Still pending: waits on (a notification that
 * found nothing is counted). Impossible state: the VM is faulted (stopped) and the vCPU waits
 * for its stop.
 */
void ioreq_check(struct vcpu *vcpu, bool notified);

/*
 * Polling mode: spins (arch_cpu_relax) while the slot is pending and the mailbox empty; returns
 * true. False, at once, when the vCPU should wait for a signal instead (notification mode,
 * paused, broken slot, nothing in flight).
 */
bool ioreq_wait_polled(struct vcpu *vcpu);

/* A stop or reset reached the vCPU: a request in flight is dropped (logged), its slot FREE. */
void ioreq_drop(struct vcpu *vcpu, const char *why);

/*
 * HC_NOTIFY_REQUEST_FINISH's effect: the vCPU's pCPU is told to look at its slot. -EINVAL for
 * a vCPU vm does not have; a vCPU with nothing in flight: ignored and counted (0).
 */
/*
 * A User VM stopped by the hypervisor (a fault, the shell's `stop`), not destroyed: tells its
 * device model as the guest's own power-off would, a 16-bit write of S5 to PM1a_CNT
 * (abi/cairn/guest_boot.h) in vCPU 0's slot, with an upcall. No vCPU waits for the answer.
 */
void ioreq_post_power_off(struct vm *vm);
int ioreq_notify(struct vm *vm, uint64_t vcpu_id);

/* Prints "cairn: io requests of vm <name>: pio N mmio N notified N polled N ..." (User VMs). */
void ioreq_print_stats(const struct vm *vm);

#endif
