/* SPDX-License-Identifier: BSD-3-Clause */
/* The Service VM's HPET: passed through read-only, writes checked (no FSB/MSI delivery). */
#ifndef CAIRN_X86_HPET_GUARD_H
#define CAIRN_X86_HPET_GUARD_H

#include "core/vm.h"

/* Traps writes to the HPET page at base (0: no HPET, nothing to do). */
int hpet_guard_attach(struct vm *vm, uint64_t base);

#endif
