/* SPDX-License-Identifier: BSD-3-Clause */
/* Exits that carry nothing but their reason: one table per vendor, one lookup for both. */
#ifndef CAIRN_X86_PLAIN_EXIT_H
#define CAIRN_X86_PLAIN_EXIT_H

#include "core/vm_exit.h"
#include "lib/compiler.h"

struct plain_exit {
	uint32_t code; /* the vendor's exit code (SVM EXITCODE, VMX basic exit reason) */
	enum exit_reason reason;
	const char *insn; /* EXIT_VIRT_INSN: the instruction's name */
};

/*
 * exit->reason from `table` (EXIT_OTHER when `code` is not in it), the instruction's name for
 * EXIT_VIRT_INSN, and for EXIT_CACHE_FLUSH whether it discards (`code` == `invd_code`: INVD).
 */
void plain_exit_decode(const struct plain_exit *table, size_t count, uint32_t code,
		       uint32_t invd_code, struct vm_exit *exit);

#endif
