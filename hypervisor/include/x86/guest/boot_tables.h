/* SPDX-License-Identifier: BSD-3-Clause */
/* The identity map and flat GDT a loaded 64-bit guest starts on (partitions, Service VM Linux). */
#ifndef CAIRN_X86_GUEST_BOOT_TABLES_H
#define CAIRN_X86_GUEST_BOOT_TABLES_H

#include "core/vm.h"
#include "x86/guest/entry_state.h"

/* Where the tables go in the VM's RAM and what they map. */
struct boot_tables {
	uint64_t gdt;	   /* GPA of the GDT */
	uint16_t code_sel; /* GDT_DESC_CODE64 there, GDT_DESC_DATA next; entries below are null */
	uint64_t page_tables; /* GPA of the PML4; the PDPT follows, then one PD per GiB */
	uint64_t map_size;    /* identity-mapped from GPA 0 with 2 MiB pages, at most 512 GiB */
	bool user;	      /* U/S at every level: ring 3 may run anywhere */
};

/* Bytes of page tables for map_size: PML4, PDPT and one PD per started GiB. */
#define BOOT_TABLES_PAGE_TABLES_SIZE(map_size) \
	((2 + ((uint64_t)(map_size) + GiB - 1) / GiB) * PAGE_SIZE)

/*
 * Writes the GDT and page tables into the VM's RAM (entries outside the map are left as they are:
 * the caller hands over zeroed memory) and fills e's cr3, gdtr and selectors; RIP and RSP are
 * the caller's.
 */
void boot_tables_write(struct vm *vm, const struct boot_tables *t, struct long_mode_entry *e);

#endif
