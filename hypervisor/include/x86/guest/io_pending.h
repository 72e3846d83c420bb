/* SPDX-License-Identifier: BSD-3-Clause */
/* A vCPU's trapped IN, OUT or MOV between its decode and its finish (which may come on a later exit). */
#ifndef CAIRN_X86_GUEST_IO_PENDING_H
#define CAIRN_X86_GUEST_IO_PENDING_H

#include "core/io_emul.h"
#include "x86/guest/mmio_decode.h"

struct io_pending {
	bool active;		 /* decoded, not yet finished */
	struct io_access access; /* what the guest asked for; a read's value lands here */
	uint64_t next_rip;	 /* where the guest resumes once the access is finished */
	struct mmio_insn insn;	 /* MMIO: the decoded MOV (destination register, merge rules) */
};

/* `served` is the pending access of `bus`: same address, size and direction as decoded. */
static inline bool io_pending_matches(const struct io_pending *p, enum io_bus bus,
				      const struct io_access *served)
{
	const struct io_access *d = &p->access;

	return p->active && d->bus == bus && served->bus == bus && served->addr == d->addr &&
	       served->size == d->size && served->write == d->write;
}

#endif
