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

#endif
