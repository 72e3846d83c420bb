/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the bzImage checks and boot_params page in hypervisor/arch/x86/guest/linux_boot.c. */
#include <stdint.h>
#include <string.h>

#include "lib/errno.h"
#include "x86/guest/linux_boot.h"
#include "arena.h"
#include "bytes.h"
#include "harness.h"

/* Offsets in the bzImage and in boot_params (Documentation/arch/x86/boot.rst, zero-page.rst). */
#define SETUP_SECTS	    0x1F1
#define SENTINEL	    0x1EF
#define BOOT_FLAG	    0x1FE
#define JUMP_LEN	    0x201
#define HDRS		    0x202
#define VERSION		    0x206
#define TYPE_OF_LOADER	    0x210
#define RAMDISK_IMAGE	    0x218
#define RAMDISK_SIZE	    0x21C
#define CMD_LINE_PTR	    0x228
#define INITRD_ADDR_MAX	    0x22C
#define KERNEL_ALIGNMENT    0x230
#define RELOCATABLE	    0x234
#define XLOADFLAGS	    0x236
#define CMDLINE_SIZE	    0x238
#define PREF_ADDRESS	    0x258
#define INIT_SIZE	    0x260
#define ACPI_RSDP_ADDR	    0x070
#define EXT_RAMDISK_IMAGE   0x0C0
#define EXT_RAMDISK_SIZE    0x0C4
#define EXT_CMD_LINE_PTR    0x0C8
#define E820_ENTRIES	    0x1E8
#define E820_TABLE	    0x2D0
#define HEADER_MIN_SIZE	    0x264 /* the file must hold init_size */
#define IMAGE_JUMP	    0x6A  /* header ends at 0x26C, as in recent kernels */
#define IMAGE_HDR_END	    (0x202 + IMAGE_JUMP)
#define IMAGE_SETUP_SECTS   3
#define IMAGE_KERNEL_OFFSET ((IMAGE_SETUP_SECTS + 1) * 512)
#define IMAGE_SIZE	    (64 * 1024)
#define IMAGE_VERSION	    0x020F
#define IMAGE_PREF_ADDRESS  0x123400000ULL /* above 4 GiB: a 32-bit read would lose the top */
#define IMAGE_INIT_SIZE	    0x01000000
#define IMAGE_ALIGNMENT	    0x200000
#define IMAGE_CMDLINE_SIZE  0x1FFFF /* wider than 16 bits, to tell a short read */
#define IMAGE_INITRD_MAX    0x7FFFFFFF
#define IMAGE_XLOADFLAGS    0x0013 /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G | XLF_EFI_KEXEC */
#define WHY_TOO_SMALL	    "too small for a bzImage"
#define WHY_NO_HEADER	    "no Linux boot header (HdrS)"
#define WHY_OLD_PROTOCOL    "boot protocol older than 2.12"
#define WHY_NO_64BIT	    "no 64-bit entry point (XLF_KERNEL_64)"
#define WHY_SETUP_PAST_END  "setup sectors run past the end of the file"
#define WHY_INIT_SIZE	    "init_size smaller than the kernel"

/* A valid bzImage of `size` bytes: junk everywhere, then a good setup header over it. */
static uint8_t *image_new(size_t size)
{
	uint8_t *image = arena_alloc(size);

	for (size_t i = 0; i < size; i++)
		image[i] = (uint8_t)(i * 13 + 7) | 0x80; /* never zero */
	image[SETUP_SECTS] = IMAGE_SETUP_SECTS;
	put_le(image + BOOT_FLAG, 0xAA55, 2);
	image[JUMP_LEN] = IMAGE_JUMP;
	memcpy(image + HDRS, "HdrS", 4);
	put_le(image + VERSION, IMAGE_VERSION, 2);
	put_le(image + INITRD_ADDR_MAX, IMAGE_INITRD_MAX, 4);
	put_le(image + KERNEL_ALIGNMENT, IMAGE_ALIGNMENT, 4);
	image[RELOCATABLE] = 1;
	put_le(image + XLOADFLAGS, IMAGE_XLOADFLAGS, 2);
	put_le(image + CMDLINE_SIZE, IMAGE_CMDLINE_SIZE, 4);
	put_le(image + PREF_ADDRESS, IMAGE_PREF_ADDRESS, 8);
	put_le(image + INIT_SIZE, IMAGE_INIT_SIZE, 4);
	return image;
}

/* Every test runs in a fresh process, so these start out zeroed in each. */
static struct linux_image_info info;
static const char *why;

static int parse(const uint8_t *image, uint64_t size)
{
	why = NULL;
	return linux_image_parse(image, size, &info, &why);
}

TEST(parse_good_image)
{
	uint8_t *image = image_new(IMAGE_SIZE);

	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
	EXPECT_EQ(info.kernel_offset, IMAGE_KERNEL_OFFSET);
	EXPECT_EQ(info.kernel_size, IMAGE_SIZE - IMAGE_KERNEL_OFFSET);
	EXPECT_EQ(info.pref_address, IMAGE_PREF_ADDRESS);
	EXPECT_EQ(info.init_size, IMAGE_INIT_SIZE);
	EXPECT_EQ(info.kernel_alignment, IMAGE_ALIGNMENT);
	EXPECT_EQ(info.cmdline_size, IMAGE_CMDLINE_SIZE);
	EXPECT_EQ(info.initrd_addr_max, IMAGE_INITRD_MAX);
	EXPECT_EQ(info.version, IMAGE_VERSION);
	EXPECT_TRUE(info.relocatable);

	image[RELOCATABLE] = 0;
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
	EXPECT_FALSE(info.relocatable);
}

TEST(parse_setup_sects)
{
	uint8_t *image = image_new(IMAGE_SIZE);

	/* 0 means 4, for old kernels that left the field empty. */
	image[SETUP_SECTS] = 0;
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
	EXPECT_EQ(info.kernel_offset, 5 * 512);
	EXPECT_EQ(info.kernel_size, IMAGE_SIZE - 5 * 512);
	image[SETUP_SECTS] = 1;
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
	EXPECT_EQ(info.kernel_offset, 2 * 512);
	image[SETUP_SECTS] = 4;
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
	EXPECT_EQ(info.kernel_offset, 5 * 512);
	image[SETUP_SECTS] = 255;
	ASSERT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_SETUP_PAST_END);
}

TEST(parse_rejects_a_file_too_small)
{
	uint8_t *full = image_new(IMAGE_SIZE);
	uint8_t *small = arena_alloc(HEADER_MIN_SIZE - 1);

	/* A header that would be fine, cut one byte before init_size ends: ASan catches a read. */
	memcpy(small, full, HEADER_MIN_SIZE - 1);
	EXPECT_EQ(parse(small, HEADER_MIN_SIZE - 1), -EINVAL);
	EXPECT_STREQ(why, WHY_TOO_SMALL);
	EXPECT_EQ(parse(full, 0), -EINVAL);
	EXPECT_STREQ(why, WHY_TOO_SMALL);
	/* One byte more holds the whole header; only the kernel is missing. */
	EXPECT_EQ(parse(full, HEADER_MIN_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_SETUP_PAST_END);
}

TEST(parse_rejects_a_missing_header)
{
	uint8_t *image = image_new(IMAGE_SIZE);

	image[HDRS + 3] = 's';
	EXPECT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_NO_HEADER);
	memset(image + HDRS, 0, 4);
	EXPECT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_NO_HEADER);
	memcpy(image + HDRS, "HdrS", 4);
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
}

TEST(parse_rejects_a_bad_boot_flag)
{
	uint8_t *image = image_new(IMAGE_SIZE);

	put_le(image + BOOT_FLAG, 0x55AA, 2);
	EXPECT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_NO_HEADER);
	put_le(image + BOOT_FLAG, 0xAA56, 2);
	EXPECT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_NO_HEADER);
	put_le(image + BOOT_FLAG, 0xAA55, 2);
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
}

TEST(parse_rejects_protocol_before_2_12)
{
	uint8_t *image = image_new(IMAGE_SIZE);

	put_le(image + VERSION, 0x020B, 2);
	EXPECT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_OLD_PROTOCOL);
	put_le(image + VERSION, 0x0100, 2);
	EXPECT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_OLD_PROTOCOL);
	put_le(image + VERSION, 0x020C, 2);
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
	EXPECT_EQ(info.version, 0x020C);
}

TEST(parse_rejects_an_image_without_64_bit_entry)
{
	uint8_t *image = image_new(IMAGE_SIZE);

	/* Every other xloadflags bit set, XLF_KERNEL_64 clear. */
	put_le(image + XLOADFLAGS, 0xFFFE, 2);
	EXPECT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_NO_64BIT);
	put_le(image + XLOADFLAGS, 0x0001, 2);
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
}

TEST(parse_rejects_setup_past_the_end)
{
	uint8_t *image = image_new(IMAGE_SIZE);

	/* The protected-mode kernel must start inside the file, with at least one byte. */
	EXPECT_EQ(parse(image, IMAGE_KERNEL_OFFSET), -EINVAL);
	EXPECT_STREQ(why, WHY_SETUP_PAST_END);
	ASSERT_EQ(parse(image, IMAGE_KERNEL_OFFSET + 1), 0);
	EXPECT_EQ(info.kernel_size, 1);
	image[SETUP_SECTS] = 0;
	EXPECT_EQ(parse(image, 5 * 512), -EINVAL);
	EXPECT_STREQ(why, WHY_SETUP_PAST_END);
}

TEST(parse_rejects_init_size_smaller_than_the_kernel)
{
	uint8_t *image = image_new(IMAGE_SIZE);

	put_le(image + INIT_SIZE, IMAGE_SIZE - IMAGE_KERNEL_OFFSET - 1, 4);
	EXPECT_EQ(parse(image, IMAGE_SIZE), -EINVAL);
	EXPECT_STREQ(why, WHY_INIT_SIZE);
	put_le(image + INIT_SIZE, IMAGE_SIZE - IMAGE_KERNEL_OFFSET, 4);
	ASSERT_EQ(parse(image, IMAGE_SIZE), 0);
	EXPECT_EQ(info.init_size, IMAGE_SIZE - IMAGE_KERNEL_OFFSET);
}

/* A zero page full of junk, so that anything the builder fails to clear shows. */
static uint8_t *zero_page_new(void)
{
	return memset(arena_alloc(LINUX_BOOT_PARAMS_SIZE), 0xCC, LINUX_BOOT_PARAMS_SIZE);
}

static bool all_zero(const uint8_t *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (p[i])
			return false;
	}
	return true;
}

static const struct linux_e820_entry sample_e820[] = {
	{ 0x0, 0x9FC00, E820_RAM },	     { 0x9FC00, 0x400, E820_RESERVED },
	{ 0xF0000, 0x10000, E820_RESERVED }, { 0x100000, 0x7FE00000, E820_RAM },
	{ 0x7FF00000, 0x100000, E820_ACPI }, { 0x100000000ULL, 0x180000000ULL, E820_RAM },
};

#define SAMPLE_CMDLINE_PA 0x123456000ULL
#define SAMPLE_INITRD_PA  0x230000000ULL
#define SAMPLE_INITRD_LEN 0x100001000ULL
#define SAMPLE_RSDP_PA	  0x12345678F0ULL

static struct linux_boot_setup sample_setup(void)
{
	return (struct linux_boot_setup){
		.cmdline_pa = SAMPLE_CMDLINE_PA,
		.initrd_pa = SAMPLE_INITRD_PA,
		.initrd_size = SAMPLE_INITRD_LEN,
		.acpi_rsdp_pa = SAMPLE_RSDP_PA,
		.e820 = sample_e820,
		.e820_count = ARRAY_SIZE(sample_e820),
	};
}

TEST(boot_params_copy_only_the_setup_header)
{
	uint8_t *image = image_new(IMAGE_SIZE);
	uint8_t *zp = zero_page_new();
	struct linux_boot_setup setup = sample_setup();

	ASSERT_EQ(linux_boot_params_build(zp, image, IMAGE_SIZE, &setup), 0);
	/* Nothing of sector 0 before the header: the sentinel stays 0 though the image has junk. */
	EXPECT_NE(image[SENTINEL], 0);
	EXPECT_EQ(zp[SENTINEL], 0);
	EXPECT_TRUE(all_zero(zp, 0, ACPI_RSDP_ADDR));
	EXPECT_TRUE(all_zero(zp, ACPI_RSDP_ADDR + 8, EXT_RAMDISK_IMAGE));
	EXPECT_TRUE(all_zero(zp, EXT_CMD_LINE_PTR + 4, E820_ENTRIES));
	EXPECT_TRUE(all_zero(zp, E820_ENTRIES + 1, SETUP_SECTS));
	/* The header, from 0x1F1 to where its jump says it ends, except the fields we fill in. */
	EXPECT_MEMEQ(zp + SETUP_SECTS, image + SETUP_SECTS, TYPE_OF_LOADER - SETUP_SECTS);
	EXPECT_MEMEQ(zp + TYPE_OF_LOADER + 1, image + TYPE_OF_LOADER + 1,
		     RAMDISK_IMAGE - TYPE_OF_LOADER - 1);
	EXPECT_MEMEQ(zp + RAMDISK_SIZE + 4, image + RAMDISK_SIZE + 4,
		     CMD_LINE_PTR - RAMDISK_SIZE - 4);
	EXPECT_MEMEQ(zp + CMD_LINE_PTR + 4, image + CMD_LINE_PTR + 4,
		     IMAGE_HDR_END - CMD_LINE_PTR - 4);
	/* Not a byte further, though the image has junk there too. */
	EXPECT_NE(image[IMAGE_HDR_END], 0);
	EXPECT_TRUE(all_zero(zp, IMAGE_HDR_END, E820_TABLE));
}

TEST(boot_params_header_length_follows_the_jump)
{
	uint8_t *image = image_new(IMAGE_SIZE);
	uint8_t *zp = zero_page_new();
	struct linux_boot_setup setup = sample_setup();

	/* A longer header (up to 0x2A0) is copied whole; the e820 table after it stays intact. */
	image[JUMP_LEN] = 0x9E;
	ASSERT_EQ(linux_boot_params_build(zp, image, IMAGE_SIZE, &setup), 0);
	EXPECT_MEMEQ(zp + CMD_LINE_PTR + 4, image + CMD_LINE_PTR + 4, 0x2A0 - CMD_LINE_PTR - 4);
	EXPECT_TRUE(all_zero(zp, 0x2A0, E820_TABLE));
	EXPECT_MEMEQ(zp + E820_TABLE, sample_e820, sizeof(sample_e820));
}

TEST(boot_params_fields)
{
	uint8_t *image = image_new(IMAGE_SIZE);
	uint8_t *zp = zero_page_new();
	struct linux_boot_setup setup = sample_setup();
	size_t table_end = E820_TABLE + sizeof(sample_e820);

	ASSERT_EQ(linux_boot_params_build(zp, image, IMAGE_SIZE, &setup), 0);
	EXPECT_EQ(zp[TYPE_OF_LOADER], 0xFF);
	/* Addresses and sizes above 4 GiB: low half in the header, high half in boot_params. */
	EXPECT_EQ(get_le(zp + CMD_LINE_PTR, 4), 0x23456000);
	EXPECT_EQ(get_le(zp + EXT_CMD_LINE_PTR, 4), 0x1);
	EXPECT_EQ(get_le(zp + RAMDISK_IMAGE, 4), 0x30000000);
	EXPECT_EQ(get_le(zp + EXT_RAMDISK_IMAGE, 4), 0x2);
	EXPECT_EQ(get_le(zp + RAMDISK_SIZE, 4), 0x00001000);
	EXPECT_EQ(get_le(zp + EXT_RAMDISK_SIZE, 4), 0x1);
	EXPECT_EQ(get_le(zp + ACPI_RSDP_ADDR, 8), SAMPLE_RSDP_PA);
	EXPECT_EQ(zp[E820_ENTRIES], ARRAY_SIZE(sample_e820));
	EXPECT_MEMEQ(zp + E820_TABLE, sample_e820, sizeof(sample_e820));
	EXPECT_TRUE(all_zero(zp, table_end, LINUX_BOOT_PARAMS_SIZE));
}

TEST(boot_params_addresses_below_4g)
{
	uint8_t *image = image_new(IMAGE_SIZE);
	uint8_t *zp = zero_page_new();
	struct linux_boot_setup setup = {
		.cmdline_pa = 0x20000,
		.initrd_pa = 0x7F000000,
		.initrd_size = 0x02345000,
		.acpi_rsdp_pa = 0xF5A10,
		.e820 = sample_e820,
		.e820_count = 1,
	};

	/* The high halves are written as zero, not left as they were. */
	ASSERT_EQ(linux_boot_params_build(zp, image, IMAGE_SIZE, &setup), 0);
	EXPECT_EQ(get_le(zp + CMD_LINE_PTR, 4), 0x20000);
	EXPECT_EQ(get_le(zp + EXT_CMD_LINE_PTR, 4), 0);
	EXPECT_EQ(get_le(zp + RAMDISK_IMAGE, 4), 0x7F000000);
	EXPECT_EQ(get_le(zp + EXT_RAMDISK_IMAGE, 4), 0);
	EXPECT_EQ(get_le(zp + RAMDISK_SIZE, 4), 0x02345000);
	EXPECT_EQ(get_le(zp + EXT_RAMDISK_SIZE, 4), 0);
	EXPECT_EQ(get_le(zp + ACPI_RSDP_ADDR, 8), 0xF5A10);
	EXPECT_EQ(zp[E820_ENTRIES], 1);
	EXPECT_MEMEQ(zp + E820_TABLE, sample_e820, sizeof(sample_e820[0]));
	EXPECT_TRUE(all_zero(zp, E820_TABLE + sizeof(sample_e820[0]), LINUX_BOOT_PARAMS_SIZE));
}

TEST(boot_params_without_initrd_or_e820)
{
	uint8_t *image = image_new(IMAGE_SIZE);
	uint8_t *zp = zero_page_new();
	struct linux_boot_setup setup = { .cmdline_pa = 0x20000, .e820 = sample_e820 };

	ASSERT_EQ(linux_boot_params_build(zp, image, IMAGE_SIZE, &setup), 0);
	EXPECT_EQ(get_le(zp + RAMDISK_IMAGE, 8), 0);
	EXPECT_EQ(get_le(zp + EXT_RAMDISK_IMAGE, 8), 0);
	EXPECT_EQ(get_le(zp + ACPI_RSDP_ADDR, 8), 0);
	EXPECT_EQ(zp[E820_ENTRIES], 0);
	EXPECT_TRUE(all_zero(zp, E820_TABLE, LINUX_BOOT_PARAMS_SIZE));
}

/* n e820 entries with distinct contents, in a buffer of exactly that size. */
static struct linux_e820_entry *e820_many(size_t n)
{
	struct linux_e820_entry *e820 = arena_alloc(n * sizeof(*e820));

	for (size_t i = 0; i < n; i++)
		e820[i] = (struct linux_e820_entry){ (i + 1) * 0x100000000ULL, 0x1000 * (i + 1),
						     E820_RAM + (uint32_t)(i % 4) };
	return e820;
}

TEST(boot_params_e820_limit)
{
	uint8_t *image = image_new(IMAGE_SIZE);
	uint8_t *zp = zero_page_new();
	struct linux_boot_setup setup = sample_setup();
	size_t table_end = E820_TABLE + LINUX_E820_MAX * sizeof(struct linux_e820_entry);

	/* 128 entries fill the table to 0xCD0; the zero page is allocated exactly, for ASan. */
	setup.e820 = e820_many(LINUX_E820_MAX);
	setup.e820_count = LINUX_E820_MAX;
	ASSERT_EQ(linux_boot_params_build(zp, image, IMAGE_SIZE, &setup), 0);
	EXPECT_EQ(zp[E820_ENTRIES], LINUX_E820_MAX);
	EXPECT_MEMEQ(zp + E820_TABLE, setup.e820, LINUX_E820_MAX * sizeof(*setup.e820));
	EXPECT_EQ(get_le(zp + table_end - 20, 8), LINUX_E820_MAX * 0x100000000ULL);
	EXPECT_TRUE(all_zero(zp, table_end, LINUX_BOOT_PARAMS_SIZE));

	setup.e820 = e820_many(LINUX_E820_MAX + 1);
	setup.e820_count = LINUX_E820_MAX + 1;
	EXPECT_EQ(linux_boot_params_build(zero_page_new(), image, IMAGE_SIZE, &setup), -E2BIG);
}

TEST(boot_params_header_past_the_image)
{
	uint8_t *full = image_new(IMAGE_SIZE);
	uint8_t *cut = arena_alloc(IMAGE_HDR_END - 1);
	uint8_t *whole = arena_alloc(IMAGE_HDR_END);
	struct linux_boot_setup setup = sample_setup();

	/* Allocated exactly, so ASan catches a copy past the end of the image. */
	memcpy(cut, full, IMAGE_HDR_END - 1);
	memcpy(whole, full, IMAGE_HDR_END);
	EXPECT_EQ(linux_boot_params_build(zero_page_new(), cut, IMAGE_HDR_END - 1, &setup),
		  -EINVAL);
	EXPECT_EQ(linux_boot_params_build(zero_page_new(), whole, IMAGE_HDR_END, &setup), 0);
	/* The largest header a jump byte can declare, in an image one byte too short for it. */
	full[JUMP_LEN] = 0xFF;
	EXPECT_EQ(linux_boot_params_build(zero_page_new(), full, 0x202 + 0xFF - 1, &setup),
		  -EINVAL);
}

/*
 * BUG: linux_boot_params_build() reads the jump byte at 0x201 before it compares anything with
 * image_size, so an image shorter than 0x202 bytes is read past its end (ASan reports it) instead
 * of being answered with -EINVAL. Unreachable today: load_linux() runs linux_image_parse() first.
 */
TEST(boot_params_short_image_is_rejected)
{
	uint8_t *full = image_new(IMAGE_SIZE);
	uint8_t *zp = zero_page_new();
	struct linux_boot_setup setup = sample_setup();
	/* Allocated last: nothing but poisoned memory follows it. */
	uint8_t *tiny = arena_alloc(0x100);

	memcpy(tiny, full, 0x100);
	EXPECT_EQ(linux_boot_params_build(zp, tiny, 0x100, &setup), -EINVAL);
}

static void expect_sorted(const struct linux_e820_entry *e820, size_t count)
{
	for (size_t i = 1; i < count; i++)
		EXPECT_TRUE(e820[i - 1].addr <= e820[i].addr);
}

TEST(e820_sort_unsorted)
{
	/* 0x100000000 must sort after 0xFFFFF000: addresses compare as 64 bits. */
	struct linux_e820_entry e820[] = {
		{ 0x100000000ULL, 0x80000000, E820_RAM }, { 0x100000, 0x7FF00000, E820_RAM },
		{ 0xFFFFF000, 0x1000, E820_RESERVED },	  { 0x0, 0x9FC00, E820_RAM },
		{ 0xF0000, 0x10000, E820_NVS },		  { 0x9FC00, 0x400, E820_ACPI },
	};
	const struct linux_e820_entry want[] = {
		{ 0x0, 0x9FC00, E820_RAM },
		{ 0x9FC00, 0x400, E820_ACPI },
		{ 0xF0000, 0x10000, E820_NVS },
		{ 0x100000, 0x7FF00000, E820_RAM },
		{ 0xFFFFF000, 0x1000, E820_RESERVED },
		{ 0x100000000ULL, 0x80000000, E820_RAM },
	};

	linux_e820_sort(e820, ARRAY_SIZE(e820));
	EXPECT_MEMEQ(e820, want, sizeof(want));
}

TEST(e820_sort_duplicates)
{
	struct linux_e820_entry e820[] = {
		{ 0x5000, 0x1000, E820_RAM },  { 0x1000, 0x1000, E820_RESERVED },
		{ 0x5000, 0x2000, E820_ACPI }, { 0x1000, 0x1000, E820_RESERVED },
		{ 0x3000, 0x1000, E820_NVS },  { 0x5000, 0x3000, E820_RESERVED },
	};
	size_t n = ARRAY_SIZE(e820);
	unsigned int sizes_seen = 0;

	linux_e820_sort(e820, n);
	expect_sorted(e820, n);
	EXPECT_EQ(e820[0].addr, 0x1000);
	EXPECT_EQ(e820[1].addr, 0x1000);
	EXPECT_EQ(e820[2].addr, 0x3000);
	EXPECT_EQ(e820[2].type, E820_NVS);
	/* All three entries at 0x5000 survive, none copied over another. */
	for (size_t i = 3; i < n; i++) {
		EXPECT_EQ(e820[i].addr, 0x5000);
		sizes_seen |= 1u << (e820[i].size / 0x1000);
	}
	EXPECT_EQ(sizes_seen, (1u << 1) | (1u << 2) | (1u << 3));
}

TEST(e820_sort_single_and_empty)
{
	struct linux_e820_entry one[] = { { 0x1234000, 0x1000, E820_NVS } };
	const struct linux_e820_entry one_copy = one[0];
	struct linux_e820_entry two[] = { { 0x2000, 0x1000, E820_RAM },
					  { 0x1000, 0x1000, E820_ACPI } };
	const struct linux_e820_entry two_copy[] = { two[0], two[1] };

	linux_e820_sort(one, 1);
	EXPECT_MEMEQ(one, &one_copy, sizeof(one_copy));
	/* A count of 0 touches nothing, even when the array holds more. */
	linux_e820_sort(two, 0);
	EXPECT_MEMEQ(two, two_copy, sizeof(two_copy));
	linux_e820_sort(NULL, 0);
	/* A count of 1 looks at the first entry only. */
	linux_e820_sort(two, 1);
	EXPECT_MEMEQ(two, two_copy, sizeof(two_copy));
	linux_e820_sort(two, 2);
	EXPECT_EQ(two[0].addr, 0x1000);
	EXPECT_EQ(two[0].type, E820_ACPI);
	EXPECT_EQ(two[1].addr, 0x2000);
	EXPECT_EQ(two[1].type, E820_RAM);
}
