/* What the arch-neutral start-up sequence asks of the architecture code (arch/x86 today). */
#ifndef CAIRN_CORE_ARCH_H
#define CAIRN_CORE_ARCH_H

#include "core/boot_info.h"

struct vm;

/* Physical extent of the hypervisor image, bss included. */
void arch_image_extent(uint64_t *start, uint64_t *end);

/* Maps all RAM up to `end` into the hypervisor's address space. */
int arch_map_memory(uint64_t end);

/*
 * Discovers the platform (firmware tables, interrupt controllers, timers), fills pcpus[] with the
 * CPUs to run on (the boot pCPU first) and calibrates the time base. Prints what it found.
 */
int arch_platform_init(const struct boot_info *bi);

/* Starts every pCPU but the boot one; each ends up idle with virtualization enabled, or FAILED. */
void arch_start_secondary_pcpus(void);

/*
 * Sets a pre-launched partition's vCPU 0 at `entry` as abi/cairn/guest_boot.h promises (x86: the
 * identity map and GDT written into its RAM, 64-bit mode, RSP = top of memory, RDI = start info).
 * Call it after the image and start info are in place; returns 0 or a negative errno.
 */
int arch_partition_set_entry(struct vm *vm, uint64_t entry);

#endif
