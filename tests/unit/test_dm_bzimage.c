/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's Linux loader (dm/boot/bzimage.c): layout, boot_params, e820, hostile headers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "x86/boot_defs.h"
#include "x86/guest/acrn_regs.h"
#include "x86/guest/linux_boot.h"
#include "x86/vcpu_state.h"
#include "dm/acpi.h"
#include "dm/bzimage.h"
#include "harness.h"

#define MEM		   (24ull << 20)
#define IMAGE_SIZE	   (64 * 1024)
#define SETUP_SECTS	   1
#define KERNEL_OFFSET	   ((SETUP_SECTS + 1) * 512)
#define PREF		   0x1000000ull
#define INIT_SIZE	   0x400000ull /* 4 MiB: the kernel ends at 20 MiB */
#define INITRD_SIZE	   (12 * 1024 + 5)
#define ZP(off)		   (mem.hva + DM_LINUX_ZERO_PAGE_GPA + (off))
#define BP_ACPI_RSDP_ADDR  0x070
#define BP_E820_ENTRIES	   0x1E8
#define BP_SENTINEL	   0x1EF
#define BP_E820_TABLE	   0x2D0
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_CODE32_START   0x214
#define HDR_RAMDISK_IMAGE  0x218
#define HDR_RAMDISK_SIZE   0x21C
#define HDR_CMD_LINE_PTR   0x228
#define POISON		   0xEE

static struct dm_mem mem;
static uint8_t image[IMAGE_SIZE], initrd[INITRD_SIZE];
static const uint32_t apic_ids[2] = { 1, 2 };
static struct acrn_vcpu_regs regs;
static struct dm_linux_placed placed;
static char err[256];
static uint8_t *ram;   /* MEM bytes, allocated once */
static bool ram_dirty; /* written since it was last poisoned */

static void put(size_t at, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		image[at + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* RAM full of poison and a good bzImage header (as Debian's 6.1 one), the payload a pattern. */
static void setup(uint64_t mem_size)
{
	if (!ram) {
		ram = aligned_alloc(4096, MEM);
		ram_dirty = true;
	}
	if (ram_dirty)
		memset(ram, POISON, MEM);
	ram_dirty = false;
	mem = (struct dm_mem){ .hva = ram, .size = mem_size, .fd = -1 };
	for (size_t i = 0; i < IMAGE_SIZE; i++)
		image[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < INITRD_SIZE; i++)
		initrd[i] = (uint8_t)(i * 13 + 1);
	memset(image, 0, KERNEL_OFFSET);
	image[0x1F1] = SETUP_SECTS;
	put(0x1FE, 0xAA55, 2);
	image[0x201] = 0x6A; /* the header ends at 0x26C */
	memcpy(image + 0x202, "HdrS", 4);
	put(0x206, 0x020F, 2);
	image[0x211] = 0x01; /* LOADED_HIGH */
	put(0x214, 0x100000, 4);
	put(0x22C, 0x7FFFFFFF, 4);
	put(0x230, 0x200000, 4);
	image[0x234] = 1;
	put(0x236, 0x7F, 2);
	put(0x238, 2047, 4);
	put(0x258, PREF, 8);
	put(0x260, INIT_SIZE, 4);
}

static int load(const char *cmdline, size_t image_size, bool with_initrd)
{
	const struct dm_linux_boot b = {
		.kernel = image,
		.kernel_size = image_size,
		.initrd = with_initrd ? initrd : NULL,
		.initrd_size = with_initrd ? INITRD_SIZE : 0,
		.cmdline = cmdline,
		.apic_ids = apic_ids,
		.ncpus = 2,
		.com1 = true,
	};

	err[0] = '\0';
	ram_dirty = true; /* a refusal that wrote anyway must not go unseen by the next test */
	return dm_linux_load(&mem, &b, &regs, &placed, err, sizeof(err));
}

/* Nothing of the VM's RAM was written: every byte still poison. */
static bool ram_untouched(void)
{
	for (uint64_t i = 0; i < mem.size; i += 4096)
		if (mem.hva[i] != POISON || mem.hva[i + 4095] != POISON)
			return false;
	return true;
}

TEST(kernel_initrd_and_command_line_placed)
{
	setup(MEM);
	ASSERT_EQ(load("console=ttyS0 loglevel=4", IMAGE_SIZE, true), 0);
	EXPECT_EQ(placed.kernel_gpa, PREF);
	EXPECT_EQ(placed.kernel_end, PREF + INIT_SIZE);
	EXPECT_EQ(placed.protocol, 0x020F);
	EXPECT_MEMEQ(mem.hva + PREF, image + KERNEL_OFFSET, IMAGE_SIZE - KERNEL_OFFSET);
	/* Highest page-aligned place below the top of RAM, above the kernel's decompression area. */
	EXPECT_EQ(placed.initrd_gpa, (MEM - INITRD_SIZE) & ~0xFFFull);
	EXPECT_EQ(placed.initrd_size, INITRD_SIZE);
	EXPECT_TRUE(placed.initrd_gpa >= placed.kernel_end);
	EXPECT_MEMEQ(mem.hva + placed.initrd_gpa, initrd, INITRD_SIZE);
	EXPECT_STREQ((char *)mem.hva + DM_LINUX_CMDLINE_GPA, "console=ttyS0 loglevel=4");
}

TEST(boot_params_hold_the_header_and_what_the_loader_adds)
{
	setup(MEM);
	ASSERT_EQ(load("x", IMAGE_SIZE, true), 0);
	EXPECT_MEMEQ(ZP(0x1F1), image + 0x1F1, HDR_TYPE_OF_LOADER - 0x1F1);
	EXPECT_MEMEQ(ZP(0x22C), image + 0x22C, 0x202 + 0x6A - 0x22C); /* to the header's end */
	EXPECT_EQ(*ZP(0x202 + 0x6A), 0); /* nothing of the file past it */
	EXPECT_EQ(get(ZP(0x1FE), 2), 0xAA55);
	EXPECT_EQ(*ZP(BP_SENTINEL), 0);
	EXPECT_EQ(*ZP(HDR_TYPE_OF_LOADER), 0xFF);
	EXPECT_EQ(get(ZP(HDR_CODE32_START), 4), PREF);
	EXPECT_EQ(get(ZP(HDR_CMD_LINE_PTR), 4), DM_LINUX_CMDLINE_GPA);
	EXPECT_EQ(get(ZP(HDR_RAMDISK_IMAGE), 4), placed.initrd_gpa);
	EXPECT_EQ(get(ZP(HDR_RAMDISK_SIZE), 4), INITRD_SIZE);
	EXPECT_EQ(get(ZP(BP_ACPI_RSDP_ADDR), 8), placed.rsdp_gpa);
	EXPECT_TRUE(placed.rsdp_gpa >= DM_ACPI_AREA_GPA &&
		    placed.rsdp_gpa < DM_ACPI_AREA_GPA + DM_ACPI_AREA_SIZE);
	EXPECT_MEMEQ(mem.hva + placed.rsdp_gpa, "RSD PTR ", 8);
}

TEST(no_initrd_leaves_the_ramdisk_fields_zero)
{
	setup(MEM);
	ASSERT_EQ(load(NULL, IMAGE_SIZE, false), 0);
	EXPECT_EQ(get(ZP(HDR_RAMDISK_IMAGE), 4), 0);
	EXPECT_EQ(get(ZP(HDR_RAMDISK_SIZE), 4), 0);
	EXPECT_EQ(placed.initrd_size, 0);
	EXPECT_STREQ((char *)mem.hva + DM_LINUX_CMDLINE_GPA, "");
}

TEST(e820_sorted_disjoint_inside_ram_with_acpi_reserved)
{
	const struct linux_e820_entry *e;
	uint64_t ram = 0;

	setup(MEM);
	e = (const void *)ZP(BP_E820_TABLE);
	ASSERT_EQ(load("x", IMAGE_SIZE, true), 0);
	unsigned int n = *ZP(BP_E820_ENTRIES);
	ASSERT_TRUE(n >= 2 && n <= LINUX_E820_MAX);
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_TRUE(e[i].size > 0);
		EXPECT_TRUE(e[i].addr + e[i].size <= MEM); /* nothing above RAM */
		if (i)
			EXPECT_TRUE(e[i - 1].addr + e[i - 1].size <= e[i].addr);
		if (e[i].type == E820_RAM) {
			ram += e[i].size;
			/* No RAM over the ACPI tables. */
			EXPECT_TRUE(e[i].addr + e[i].size <= DM_ACPI_AREA_GPA ||
				    e[i].addr >= DM_ACPI_AREA_GPA + DM_ACPI_AREA_SIZE);
		}
	}
	EXPECT_EQ(e[0].type, E820_RAM); /* RAM below 1 MiB: Linux's AP trampoline */
	EXPECT_EQ(e[0].addr, 0);
	EXPECT_EQ(e[1].addr, DM_ACPI_AREA_GPA);
	EXPECT_EQ(e[1].type, E820_RESERVED);
	EXPECT_EQ(e[n - 1].addr + e[n - 1].size, MEM);
	EXPECT_EQ(ram, MEM - (DM_LINUX_HIGH_RAM - DM_LINUX_LOW_RAM_END));
}

TEST(startup_32_state_the_hypervisor_accepts)
{
	const struct acrn_regs *r = &regs.vcpu_regs;
	struct vcpu_arch_state st;
	uint64_t gdt[4];

	setup(MEM);
	ASSERT_EQ(load("x", IMAGE_SIZE, true), 0);
	EXPECT_EQ(regs.vcpu_id, 0);
	EXPECT_EQ(r->rip, PREF);
	EXPECT_EQ(r->gprs.rsi, DM_LINUX_ZERO_PAGE_GPA);
	EXPECT_EQ(r->gprs.rbx | r->gprs.rbp | r->gprs.rdi, 0);
	EXPECT_EQ(r->cr0, CR0_PE);
	EXPECT_EQ(r->cr4 | r->ia32_efer | r->cr3, 0);
	EXPECT_EQ(r->rflags, 0x2);
	EXPECT_EQ(r->cs_sel, 0x10);
	EXPECT_EQ(r->ds_sel, 0x18);
	EXPECT_EQ(r->ss_sel, 0x18);
	EXPECT_EQ(r->es_sel, 0x18);
	EXPECT_EQ(r->gdt.base, DM_LINUX_GDT_GPA);
	EXPECT_EQ(r->gdt.limit, 31);
	memcpy(gdt, mem.hva + DM_LINUX_GDT_GPA, sizeof(gdt));
	EXPECT_EQ(gdt[0], 0);
	EXPECT_EQ(gdt[2], 0x00CF9A000000FFFFull);
	EXPECT_EQ(gdt[3], 0x00CF92000000FFFFull);
	/* The hypervisor's own check of HC_SET_VCPU_REGS (acrn_regs.c, linked) takes it as is. */
	ASSERT_EQ(acrn_regs_to_state(r, &st), 0);
	EXPECT_EQ(st.cs.access & SEG_AR_DB, SEG_AR_DB);
	EXPECT_EQ(st.cs.access & SEG_AR_L, 0);
	EXPECT_EQ(st.efer, 0);
	EXPECT_EQ(st.regs.rsi, DM_LINUX_ZERO_PAGE_GPA);
}

TEST(non_relocatable_kernel_runs_at_pref_address)
{
	setup(MEM);
	image[0x234] = 0;
	put(0x230, 0x3, 4); /* its alignment no longer matters */
	ASSERT_EQ(load("x", IMAGE_SIZE, false), 0);
	EXPECT_EQ(regs.vcpu_regs.rip, PREF);
}

/* One refusal: rc, the message, and nothing written to RAM. */
static void expect_refused(int rc, int want, const char *text)
{
	EXPECT_EQ(rc, want);
	if (!strstr(err, text))
		EXPECT_STREQ(err, text);
	EXPECT_TRUE(strchr(err, '\n') == NULL);
	EXPECT_TRUE(ram_untouched());
}

TEST(truncated_and_foreign_files_refused)
{
	setup(MEM);
	expect_refused(load("x", 0, true), -EINVAL, "too small");
	expect_refused(load("x", 0x263, true), -EINVAL, "too small");
	image[0x1FE] = 0;
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "HdrS");
	setup(MEM);
	memcpy(image + 0x202, "HdrT", 4);
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "HdrS");
	setup(MEM);
	image[0x1F1] = 200; /* the kernel would start past the end */
	expect_refused(load("x", 200 * 512, true), -EINVAL, "past the end");
	setup(MEM);
	image[0x201] = 0xFF; /* header to 0x301 */
	expect_refused(load("x", 0x280, true), -EINVAL, "past the end");
}

TEST(old_protocols_and_missing_features_refused)
{
	setup(MEM);
	put(0x206, 0x020B, 2);
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "2.12");
	setup(MEM);
	put(0x236, 0, 2);
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "64-bit");
	setup(MEM);
	image[0x211] = 0;
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "LOADED_HIGH");
	setup(MEM);
	put(0x260, 0x100, 4); /* smaller than the kernel itself */
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "init_size");
}

TEST(bad_alignment_and_addresses_refused)
{
	static const uint32_t alignments[] = { 0, 3, 0x800, 0x300000 };

	for (size_t i = 0; i < sizeof(alignments) / sizeof(alignments[0]); i++) {
		setup(MEM);
		put(0x230, alignments[i], 4);
		expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "kernel_alignment");
	}
	setup(MEM);
	put(0x258, PREF + 0x1000, 8); /* not 2 MiB aligned */
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "kernel_alignment");
	setup(MEM);
	image[0x234] = 0;
	put(0x258, 0x80000, 8); /* over low RAM and the BIOS area */
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "below 1 MiB");
	setup(MEM);
	image[0x234] = 0;
	put(0x258, PREF + 0x10, 8);
	expect_refused(load("x", IMAGE_SIZE, true), -EINVAL, "not page aligned");
}

TEST(kernels_larger_than_ram_refused)
{
	setup(MEM);
	put(0x260, 0xFFFFFFFF, 4);
	expect_refused(load("x", IMAGE_SIZE, true), -E2BIG, "RAM");
	setup(MEM);
	put(0x258, 0xFFFFFFFFFFE00000ull, 8); /* pref + init_size wraps */
	expect_refused(load("x", IMAGE_SIZE, true), -E2BIG, "RAM");
	setup(MEM);
	put(0x258, 0x100000000ull, 8); /* above 4 GiB: no 32-bit entry there */
	expect_refused(load("x", IMAGE_SIZE, true), -E2BIG, "RAM");
	setup(PREF + INIT_SIZE); /* exactly the kernel: no room for the initrd */
	expect_refused(load("x", IMAGE_SIZE, true), -E2BIG, "initrd");
	setup(1ull << 19);
	expect_refused(load("x", IMAGE_SIZE, true), -E2BIG, "1 MiB");
}

TEST(initrd_and_command_line_limits_refused)
{
	char args[DM_LINUX_CMDLINE_MAX + 2];

	setup(MEM);
	put(0x22C, PREF + INIT_SIZE - 1, 4); /* initrd_addr_max inside the kernel */
	expect_refused(load("x", IMAGE_SIZE, true), -E2BIG, "initrd");
	setup(MEM);
	put(0x238, 10, 4);
	expect_refused(load("0123456789a", IMAGE_SIZE, true), -E2BIG, "at most 10");
	ASSERT_EQ(load("0123456789", IMAGE_SIZE, true), 0);
	setup(MEM);
	put(0x238, 0xFFFFFFFF, 4);
	memset(args, 'a', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	expect_refused(load(args, IMAGE_SIZE, true), -E2BIG, "at most 4095");
}

TEST(initrd_kept_below_initrd_addr_max)
{
	setup(MEM);
	put(0x22C, (22u << 20) - 1, 4);
	ASSERT_EQ(load("x", IMAGE_SIZE, true), 0);
	EXPECT_TRUE(placed.initrd_gpa + INITRD_SIZE <= (22u << 20));
	EXPECT_TRUE(placed.initrd_gpa >= PREF + INIT_SIZE);
}

/* Random setup headers: each is refused with a reason or placed inside RAM, never a crash. */
TEST(random_headers_never_escape_ram)
{
	unsigned int seed = 12345, loaded = 0;

	for (int round = 0; round < 3000; round++) {
		setup(MEM);
		for (unsigned int i = 0; i < 12; i++) {
			seed = seed * 1103515245u + 12345u;
			image[0x1F1 + (seed >> 8) % 0x80] = (uint8_t)(seed >> 20);
		}
		int rc = load("x", IMAGE_SIZE, round & 1);

		ram_dirty = rc == 0;
		if (rc == 0) {
			loaded++;
			EXPECT_TRUE(placed.kernel_gpa >= DM_LINUX_HIGH_RAM);
			EXPECT_TRUE(placed.kernel_end <= MEM);
			EXPECT_TRUE(!placed.initrd_size ||
				    placed.initrd_gpa + placed.initrd_size <= MEM);
		} else {
			EXPECT_TRUE(rc < 0 && err[0] != '\0');
			EXPECT_TRUE(ram_untouched());
		}
	}
	EXPECT_TRUE(loaded > 0); /* some mutations miss every checked field */
}
