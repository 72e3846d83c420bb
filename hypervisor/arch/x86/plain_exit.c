/* SPDX-License-Identifier: BSD-3-Clause */
/* The lookup of a vendor's plain exits (x86/plain_exit.h), shared by svm_vcpu.c and vmx_exit.c. */
#include "x86/plain_exit.h"

void plain_exit_decode(const struct plain_exit *table, size_t count, uint32_t code,
		       uint32_t invd_code, struct vm_exit *exit)
{
	const struct plain_exit *found = NULL;

	for (size_t i = 0; i < count && !found; i++)
		if (table[i].code == code)
			found = &table[i];
	exit->reason = found ? found->reason : EXIT_OTHER;
	if (exit->reason == EXIT_VIRT_INSN)
		exit->virt_insn.name = found->insn;
	if (exit->reason == EXIT_CACHE_FLUSH)
		exit->cache.discard = code == invd_code;
}
