/* SPDX-License-Identifier: BSD-3-Clause */
/* Loading a test guest: its ELF64 image into guest RAM, and the 64-bit entry state it starts in. */
#ifndef CAIRN_DM_BOOT_H
#define CAIRN_DM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "cairn/acrn.h"
#include "dm/mem.h"

/*
 * Copies the PT_LOAD segments of the ELF64 x86-64 executable [image, image + size) to their
 * physical addresses and zeroes each segment's tail (filesz..memsz). Every segment must lie in
 * [CAIRN_GUEST_IMAGE_MIN, memory size) and the entry inside one of them. 0 with *entry set, or
 * -EINVAL with a one-line reason in err; nothing is written to RAM unless all checks pass.
 */
int dm_elf_load(struct dm_mem *mem, const void *image, size_t size, uint64_t *entry, char *err,
		size_t err_size);

/* Reads the file (at most 64 MiB) and loads it as dm_elf_load does; -errno for the file. */
int dm_elf_load_file(struct dm_mem *mem, const char *path, uint64_t *entry, char *err,
		     size_t err_size);

/* What the start info carries besides the memory size (abi/cairn/guest_boot.h). */
struct dm_start_params {
	uint64_t entry;
	uint32_t vm_id;
	uint32_t pcpu_apic_id; /* of vCPU 0's pCPU */
	uint64_t tsc_khz;      /* 0 when unknown */
	const char *vm_name;
	const char *cmdline; /* NULL: empty */
};

/*
 * Writes guest_boot.h's entry layout into RAM (the GDT at CAIRN_GUEST_GDT, the start info at
 * CAIRN_GUEST_START_INFO, the identity map at CAIRN_GUEST_PAGE_TABLES, with the hypervisor's own
 * boot_tables.c) and fills the boot vCPU's registers for HC_SET_VCPU_REGS: 64-bit mode at the
 * entry, RSP = top of RAM, RDI = the start info. -EINVAL if RAM is too small for the tables.
 */
int dm_boot_entry_64(struct dm_mem *mem, const struct dm_start_params *p,
		     struct acrn_vcpu_regs *regs);

#endif
