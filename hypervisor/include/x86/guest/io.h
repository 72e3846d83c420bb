/* SPDX-License-Identifier: BSD-3-Clause */
/* Trapped IN/OUT and MMIO MOVs in two halves: decode into vcpu->arch.pending_io, finish into the guest. */
#ifndef CAIRN_X86_GUEST_IO_H
#define CAIRN_X86_GUEST_IO_H

#include "core/io_emul.h"
#include "core/vcpu.h"
#include "core/vm_exit.h"

/*
 * Decode: an IN or OUT exit becomes vcpu->arch.pending_io (the port access, OUT's value from RAX,
 * the next RIP). Returns 0, or vcpu_fault() for string I/O or an impossible size.
 */
int guest_io_decode(struct vcpu *vcpu, const struct vm_exit *exit);

/*
 * Finish: an IN's value merges into RAX (8 and 16 bits keep the rest, 32 bits zero-extend),
 * then RIP moves past the instruction. `access` is the pending one, served (only its value
 * may differ). Returns 0, or vcpu_fault() when it is not the pending port access.
 */
int guest_io_finish(struct vcpu *vcpu, const struct io_access *access);

/*
 * Decode: the MOV behind an MMIO fault (fetched from guest memory) becomes vcpu->arch.pending_io: the
 * access at the faulting address, a write's value, the destination register of a read. Returns
 * 0, or vcpu_fault() for an instruction it cannot emulate or one that disagrees with the fault.
 */
int guest_mmio_decode(struct vcpu *vcpu, const struct vm_exit *exit);

/*
 * Finish: a read's value merges into the decoded register (mmio_merge_read), then RIP moves
 * past the MOV. Returns 0, or vcpu_fault() when `access` is not the pending MMIO access.
 */
int guest_mmio_finish(struct vcpu *vcpu, const struct io_access *access);

typedef int (*guest_io_finish_fn)(struct vcpu *vcpu, const struct io_access *access);

/*
 * The step between the halves, for ports and MMIO alike: io_emulate() the pending access, then
 * `finish` it now (handled, forwarded), leave it pending (posted: finished when the Service VM
 * answers), or drop it (fault). Returns 0, or VCPU_FAULT.
 */
int guest_io_serve(struct vcpu *vcpu, struct io_access *access, guest_io_finish_fn finish);

#endif
