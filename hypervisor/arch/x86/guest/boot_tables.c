/* SPDX-License-Identifier: BSD-3-Clause */
/* The identity map and flat GDT a loaded 64-bit guest starts on (partitions, Service VM Linux). */
#include "core/guest_ram.h"
#include "lib/string.h"
#include "x86/guest/boot_tables.h"

#define PTE_PRESENT 0x1ull
#define PTE_WRITE   0x2ull
#define PTE_USER    0x4ull
#define PTE_LARGE   0x80ull /* a 2 MiB page in a PD entry */
#define MAX_GIB	    512	    /* one PDPT */
#define LARGE_PAGE  (2 * MiB)

static void write_gdt(struct vm *vm, const struct boot_tables *t)
{
	uint64_t *gdt = guest_ram_ptr(vm, t->gdt);
	size_t code = t->code_sel / 8;

	memset(gdt, 0, code * sizeof(*gdt));
	gdt[code] = GDT_DESC_CODE64;
	gdt[code + 1] = GDT_DESC_DATA;
}

static void write_page_tables(struct vm *vm, const struct boot_tables *t)
{
	uint64_t flags = PTE_PRESENT | PTE_WRITE | (t->user ? PTE_USER : 0);
	uint64_t pdpt = t->page_tables + PAGE_SIZE, pd = pdpt + PAGE_SIZE;
	uint64_t *pml4_t = guest_ram_ptr(vm, t->page_tables), *pdpt_t = guest_ram_ptr(vm, pdpt);
	uint64_t gib = MIN((t->map_size + GiB - 1) / GiB, (uint64_t)MAX_GIB);

	pml4_t[0] = pdpt | flags;
	for (uint64_t g = 0; g < gib; g++) {
		uint64_t *pd_t = guest_ram_ptr(vm, pd + g * PAGE_SIZE);
		pdpt_t[g] = (pd + g * PAGE_SIZE) | flags;
		for (uint64_t i = 0; i < 512 && g * GiB + i * LARGE_PAGE < t->map_size; i++)
			pd_t[i] = (g * GiB + i * LARGE_PAGE) | flags | PTE_LARGE;
	}
}

void boot_tables_write(struct vm *vm, const struct boot_tables *t, struct long_mode_entry *e)
{
	write_gdt(vm, t);
	write_page_tables(vm, t);
	e->cr3 = t->page_tables;
	e->gdtr = (struct vcpu_table_reg){ .base = t->gdt, .limit = (uint16_t)(t->code_sel + 15) };
	e->code_sel = t->code_sel;
	e->data_sel = (uint16_t)(t->code_sel + 8);
}
