/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the identity map + GDT builder (hypervisor/arch/x86/guest/boot_tables.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "x86/guest/boot_tables.h"
#include "harness.h"

#define MEM_SIZE   (64ull * 4096) /* guest RAM backing the tables; what they map is far larger */
#define ENTRY(gpa) (*(uint64_t *)(ram + (gpa)))

static uint8_t *ram;
static struct vm vm;

static void setup(void)
{
	ram = aligned_alloc(4096, MEM_SIZE);
	memset(ram, 0, MEM_SIZE);
	memset(&vm, 0, sizeof(vm));
	vm.mem_hpa = (uint64_t)(uintptr_t)ram; /* guest_ram_ptr() = mem_hpa + gpa */
	vm.mem_size = MEM_SIZE;
}

/* A partition's layout (abi/cairn/guest_boot.h): GDT at 0x1000, tables at 0x3000, 1.5 GiB. */
TEST(partition_layout)
{
	const struct boot_tables t = {
		.gdt = 0x1000,
		.code_sel = 0x08,
		.page_tables = 0x3000,
		.map_size = 0x60000000,
		.user = true,
	};
	struct long_mode_entry e = { .rip = 1, .rsp = 2 };

	setup();
	boot_tables_write(&vm, &t, &e);
	EXPECT_EQ(ENTRY(0x1000), 0);
	EXPECT_EQ(ENTRY(0x1008), 0x00AF9A000000FFFFull);
	EXPECT_EQ(ENTRY(0x1010), 0x00CF92000000FFFFull);
	EXPECT_EQ(ENTRY(0x3000), 0x4000 | 0x7); /* PML4[0] → PDPT, P|RW|US */
	EXPECT_EQ(ENTRY(0x3008), 0);
	EXPECT_EQ(ENTRY(0x4000), 0x5000 | 0x7); /* PDPT[0] → PD for 0-1 GiB */
	EXPECT_EQ(ENTRY(0x4008), 0x6000 | 0x7); /* PDPT[1] → PD for 1-2 GiB */
	EXPECT_EQ(ENTRY(0x4010), 0);
	EXPECT_EQ(ENTRY(0x5000), 0x87); /* 2 MiB page at 0, P|RW|US|PS */
	EXPECT_EQ(ENTRY(0x5000 + 511 * 8), (511ull << 21) | 0x87);
	EXPECT_EQ(ENTRY(0x6000 + 255 * 8), (1ull << 30) + (255ull << 21) + 0x87);
	EXPECT_EQ(ENTRY(0x6000 + 256 * 8), 0); /* 1.5 GiB: the map ends here */
	EXPECT_EQ(e.cr3, 0x3000);
	EXPECT_EQ(e.gdtr.base, 0x1000);
	EXPECT_EQ(e.gdtr.limit, 23);
	EXPECT_EQ(e.code_sel, 0x08);
	EXPECT_EQ(e.data_sel, 0x10);
	EXPECT_EQ(e.rip, 1); /* the caller's */
	EXPECT_EQ(e.rsp, 2);
	free(ram);
}

/* The Service VM's Linux entry: __BOOT_CS at 0x10, 0-4 GiB, no U/S. */
TEST(linux_layout)
{
	const struct boot_tables t = {
		.gdt = 0x2000,
		.code_sel = 0x10,
		.page_tables = 0x3000,
		.map_size = 4ull << 30,
		.user = false,
	};
	struct long_mode_entry e;

	setup();
	memset(ram + 0x2000, 0xFF, 16); /* stale entries below the code selector are cleared */
	boot_tables_write(&vm, &t, &e);
	EXPECT_EQ(ENTRY(0x2000), 0);
	EXPECT_EQ(ENTRY(0x2008), 0);
	EXPECT_EQ(ENTRY(0x2010), 0x00AF9A000000FFFFull);
	EXPECT_EQ(ENTRY(0x2018), 0x00CF92000000FFFFull);
	EXPECT_EQ(ENTRY(0x3000), 0x4000 | 0x3);
	for (uint64_t g = 0; g < 4; g++)
		EXPECT_EQ(ENTRY(0x4000 + g * 8), (0x5000 + g * 0x1000) | 0x3);
	EXPECT_EQ(ENTRY(0x4020), 0);
	EXPECT_EQ(ENTRY(0x8000 + 511 * 8), (3ull << 30) + (511ull << 21) + 0x83);
	EXPECT_EQ(e.gdtr.limit, 31);
	EXPECT_EQ(e.code_sel, 0x10);
	EXPECT_EQ(e.data_sel, 0x18);
	EXPECT_EQ(BOOT_TABLES_PAGE_TABLES_SIZE(4ull << 30), 6 * 4096);
	EXPECT_EQ(BOOT_TABLES_PAGE_TABLES_SIZE(1), 3 * 4096);
	free(ram);
}
