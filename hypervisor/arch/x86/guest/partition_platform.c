/* SPDX-License-Identifier: BSD-3-Clause */
/* The PC a pre-launched partition sees on x86: its RAM, its vUART and its own LAPIC passed through. */
#include "core/arch.h"
#include "core/vm.h"
#include "x86/guest/lapic_pt.h"

/*
 * A partition owns its pCPUs, so it owns their LAPICs as a User VM does: the xAPIC page is
 * read-only in its NPT (reads, the timer's count among them, exit-free), and every write traps
 * to lapic_pt.c, which keeps IPIs inside the VM and refuses SMI, INIT and STARTUP in the LVTs.
 * Its timer is its own: an RTOS ticks, and idles in HLT until the tick (vm->trap_hlt is off).
 * The LAPIC is taken back, masked and drained, when the partition stops or resets
 * (arch_pcpu_reclaim).
 */
int arch_partition_build(struct vm *vm)
{
	return lapic_pt_attach(vm);
}
