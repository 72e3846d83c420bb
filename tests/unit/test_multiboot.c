/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for multiboot 1/2 parsing (arch/x86/multiboot.c) and boot_module_find (core/boot_info.c). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/boot_info.h"
#include "lib/errno.h"
#include "x86/boot_defs.h"
#include "harness.h"

/* Multiboot 1 structures, as the specification lays them out. */
struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table;
	uint32_t boot_loader_name;
} __packed;

struct mb1_module {
	uint32_t start, end, cmdline, reserved;
} __packed;

struct mb1_mmap_entry {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
} __packed;

_Static_assert(sizeof(struct mb1_info) == 68, "boot_loader_name is at offset 64");
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "multiboot 1 mmap entry");

#define MB1_CMDLINE (1u << 2)
#define MB1_MODS    (1u << 3)
#define MB1_MMAP    (1u << 6)
#define MB1_LOADER  (1u << 9)

#define MB2_CMDLINE  1
#define MB2_LOADER   2
#define MB2_MODULE   3
#define MB2_MMAP     6
#define MB2_ACPI_OLD 14
#define MB2_ACPI_NEW 15

static struct boot_info bi;
static size_t dropped;

/* Multiboot 1 passes 32-bit physical addresses: its structures live in memory below 4 GiB. */
#define ARENA_SIZE (64 * 1024)
static uint8_t *arena;
static size_t arena_used;

static uint32_t arena_put(const void *data, size_t len)
{
	if (!arena) {
		arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (arena == MAP_FAILED)
			abort();
	}
	if (arena_used + len > ARENA_SIZE)
		abort();
	uint8_t *p = arena + arena_used;
	memcpy(p, data, len);
	arena_used = ALIGN_UP(arena_used + len, 8);
	return (uint32_t)(uintptr_t)p;
}

static uint32_t arena_str(const char *s)
{
	return arena_put(s, strlen(s) + 1);
}

static struct mb1_info *mb1_info_at(uint32_t addr)
{
	return (struct mb1_info *)(uintptr_t)addr;
}

/* A multiboot 1 info with n memory map entries: entry i is [i GiB, +(i+1) MiB) of type 1 + i % 5. */
static uint32_t mb1_with_mmap(size_t n)
{
	struct mb1_info info = { .flags = MB1_MMAP };
	struct mb1_mmap_entry e;

	for (size_t i = 0; i < n; i++) {
		e = (struct mb1_mmap_entry){ 20, i * GiB, (i + 1) * MiB, 1 + i % 5 };
		uint32_t addr = arena_put(&e, sizeof(e));
		if (i == 0)
			info.mmap_addr = addr;
	}
	info.mmap_length = n * sizeof(e);
	return arena_put(&info, sizeof(info));
}

static void expect_region(size_t i, uint64_t base, uint64_t len, uint32_t type)
{
	EXPECT_EQ(bi.regions[i].base, base);
	EXPECT_EQ(bi.regions[i].len, len);
	EXPECT_EQ(bi.regions[i].type, type);
}

static void expect_module(size_t i, uint64_t start, uint64_t end, const char *cmdline)
{
	EXPECT_EQ(bi.modules[i].start, start);
	EXPECT_EQ(bi.modules[i].end, end);
	EXPECT_STREQ(bi.modules[i].cmdline, cmdline);
}

TEST(mb1_full_info)
{
	/* A usable, a zero-length (skipped), a reserved entry with 4 extra bytes, a usable one. */
	uint8_t mmap[24 + 24 + 28 + 24] = { 0 };
	struct mb1_mmap_entry e[] = {
		{ 20, 0, 0x9fc00, BOOT_MEM_USABLE },
		{ 20, 0x9fc00, 0, BOOT_MEM_RESERVED },
		{ 24, 0xf0000, 0x10000, BOOT_MEM_RESERVED },
		{ 20, 1 * MiB, 2 * GiB - 1 * MiB, BOOT_MEM_USABLE },
	};
	memcpy(mmap, &e[0], 24);
	memcpy(mmap + 24, &e[1], 24);
	memcpy(mmap + 48, &e[2], 24);
	memset(mmap + 72, 0xff, 4);
	memcpy(mmap + 76, &e[3], 24);
	struct mb1_module mods[] = {
		{ 0x200000, 0x201000, arena_str("/boot/hello.elf x=1"), 0 },
		{ 0x300000, 0x380000, arena_str("heartbeat"), 0 },
	};
	struct mb1_info info = {
		.flags = MB1_CMDLINE | MB1_MODS | MB1_MMAP | MB1_LOADER,
		.cmdline = arena_str("cpus=all console=ttyS0"),
		.mods_count = 2,
		.mods_addr = arena_put(mods, sizeof(mods)),
		.mmap_length = sizeof(mmap),
		.mmap_addr = arena_put(mmap, sizeof(mmap)),
		.boot_loader_name = arena_str("GRUB 2.06"),
	};
	memset(&bi, 0xa5, sizeof(bi));
	dropped = 99;
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC,
				  mb1_info_at(arena_put(&info, sizeof(info))), &bi, &dropped),
		  0);
	EXPECT_EQ(dropped, 0);
	EXPECT_EQ(bi.protocol, 1);
	EXPECT_STREQ(bi.cmdline, "cpus=all console=ttyS0");
	EXPECT_STREQ(bi.loader_name, "GRUB 2.06");
	ASSERT_EQ(bi.nregions, 3);
	expect_region(0, 0, 0x9fc00, BOOT_MEM_USABLE);
	expect_region(1, 0xf0000, 0x10000, BOOT_MEM_RESERVED);
	expect_region(2, 1 * MiB, 2 * GiB - 1 * MiB, BOOT_MEM_USABLE);
	ASSERT_EQ(bi.nmodules, 2);
	expect_module(0, 0x200000, 0x201000, "/boot/hello.elf x=1");
	expect_module(1, 0x300000, 0x380000, "heartbeat");
	EXPECT_FALSE(bi.has_rsdp);
}

TEST(mb1_reads_only_what_the_flags_announce)
{
	struct mb1_module mod = { 0x200000, 0x201000, arena_str("mod"), 0 };
	struct mb1_info *info = mb1_info_at(mb1_with_mmap(1));

	info->cmdline = arena_str("ignored");
	info->boot_loader_name = info->cmdline;
	info->mods_count = 1;
	info->mods_addr = arena_put(&mod, sizeof(mod));
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), 0);
	EXPECT_STREQ(bi.cmdline, "");
	EXPECT_STREQ(bi.loader_name, "");
	EXPECT_EQ(bi.nmodules, 0);
	EXPECT_EQ(bi.nregions, 1);
	info->flags |= MB1_MODS;
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), 0);
	EXPECT_EQ(bi.nmodules, 1);
}

TEST(mb1_long_strings_are_truncated)
{
	char long_cmdline[300], long_mod[200];
	struct mb1_info *info = mb1_info_at(mb1_with_mmap(1));

	memset(long_cmdline, 'c', sizeof(long_cmdline) - 1);
	long_cmdline[sizeof(long_cmdline) - 1] = '\0';
	memset(long_mod, 'm', sizeof(long_mod) - 1);
	long_mod[sizeof(long_mod) - 1] = '\0';
	struct mb1_module mod = { 0, 0x1000, arena_str(long_mod), 0 };
	info->flags |= MB1_CMDLINE | MB1_MODS;
	info->cmdline = arena_str(long_cmdline);
	info->mods_count = 1;
	info->mods_addr = arena_put(&mod, sizeof(mod));
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), 0);
	EXPECT_EQ(strlen(bi.cmdline), BOOT_CMDLINE_LEN - 1);
	EXPECT_EQ(bi.cmdline[BOOT_CMDLINE_LEN - 2], 'c');
	EXPECT_EQ(strlen(bi.modules[0].cmdline), BOOT_MODULE_CMDLINE_LEN - 1);
}

TEST(mb1_counts_what_does_not_fit)
{
	struct mb1_module mods[BOOT_MAX_MODULES + 2];
	struct mb1_info *info = mb1_info_at(mb1_with_mmap(BOOT_MAX_MEM_REGIONS + 2));

	for (size_t i = 0; i < ARRAY_SIZE(mods); i++)
		mods[i] = (struct mb1_module){ i * MiB, i * MiB + 0x1000, arena_str("m"), 0 };
	info->flags |= MB1_MODS;
	info->mods_count = ARRAY_SIZE(mods);
	info->mods_addr = arena_put(mods, sizeof(mods));
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), 0);
	EXPECT_EQ(dropped, 4);
	EXPECT_EQ(bi.nregions, BOOT_MAX_MEM_REGIONS);
	EXPECT_EQ(bi.nmodules, BOOT_MAX_MODULES);
	/* The first ones are kept. */
	expect_region(BOOT_MAX_MEM_REGIONS - 1, (BOOT_MAX_MEM_REGIONS - 1) * GiB,
		      BOOT_MAX_MEM_REGIONS * MiB, 1 + (BOOT_MAX_MEM_REGIONS - 1) % 5);
	expect_module(BOOT_MAX_MODULES - 1, (BOOT_MAX_MODULES - 1) * MiB,
		      (BOOT_MAX_MODULES - 1) * MiB + 0x1000, "m");
}

TEST(mb1_without_mmap_or_with_a_short_entry_is_einval)
{
	struct mb1_info *info = mb1_info_at(mb1_with_mmap(2));

	info->flags = MB1_CMDLINE | MB1_MODS | MB1_LOADER;
	info->cmdline = info->boot_loader_name = arena_str("x");
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), -EINVAL);
	info->flags = MB1_MMAP;
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), 0);
	((struct mb1_mmap_entry *)(uintptr_t)info->mmap_addr)[1].size = 19;
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), -EINVAL);
}

TEST(unknown_magic_is_einval)
{
	struct mb1_info *info = mb1_info_at(mb1_with_mmap(1));

	EXPECT_EQ(multiboot_parse(MULTIBOOT1_MAGIC, info, &bi, &dropped), -EINVAL);
	EXPECT_EQ(multiboot_parse(MULTIBOOT2_MAGIC, info, &bi, &dropped), -EINVAL);
	EXPECT_EQ(multiboot_parse(0, info, &bi, &dropped), -EINVAL);
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), 0);
}

/* Multiboot 2 information is built tag by tag, then copied to a buffer of exactly its size. */
struct mb2 {
	uint8_t buf[16384];
	size_t len;
};

static void mb2_begin(struct mb2 *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->len = 8;
}

/* Appends a tag; returns its offset, for tests that then spoil it. */
static size_t mb2_tag(struct mb2 *b, uint32_t type, const void *body, size_t body_len)
{
	size_t off = b->len;
	uint32_t hdr[2] = { type, (uint32_t)(8 + body_len) };

	if (off + 8 + body_len + 8 > sizeof(b->buf))
		abort();
	memcpy(b->buf + off, hdr, 8);
	if (body_len)
		memcpy(b->buf + off + 8, body, body_len);
	b->len = ALIGN_UP(off + 8 + body_len, 8);
	return off;
}

static size_t mb2_str(struct mb2 *b, uint32_t type, const char *s)
{
	return mb2_tag(b, type, s, strlen(s) + 1);
}

static void mb2_module(struct mb2 *b, uint32_t start, uint32_t end, const char *cmdline)
{
	uint8_t body[8 + 128];

	memcpy(body, &start, 4);
	memcpy(body + 4, &end, 4);
	memcpy(body + 8, cmdline, strlen(cmdline) + 1);
	mb2_tag(b, MB2_MODULE, body, 8 + strlen(cmdline) + 1);
}

/* A memory map tag of n entries, entry i as in mb1_with_mmap(), entry_size bytes apart. */
static size_t mb2_mmap(struct mb2 *b, size_t n, uint32_t entry_size)
{
	static uint8_t body[8 + 256 * 32];
	uint32_t hdr[2] = { entry_size, 0 };

	memset(body, 0xee, sizeof(body));
	memcpy(body, hdr, 8);
	for (size_t i = 0; i < n; i++) {
		uint64_t range[2] = { i * GiB, (i + 1) * MiB };
		uint32_t type[2] = { 1 + i % 5, 0 };
		memcpy(body + 8 + i * entry_size, range, 16);
		memcpy(body + 8 + i * entry_size + 16, type, 8);
	}
	return mb2_tag(b, MB2_MMAP, body, 8 + n * entry_size);
}

/* The info so far, ended by an end tag unless told not, in a heap block of exactly its size. */
static uint8_t *mb2_finish(const struct mb2 *b, bool end_tag)
{
	static const uint32_t end[2] = { 0, 8 };
	uint32_t total = (uint32_t)b->len + (end_tag ? 8 : 0);
	uint8_t *info = malloc(total);

	if (!info)
		abort();
	memcpy(info, b->buf, b->len);
	if (end_tag)
		memcpy(info + b->len, end, 8);
	memcpy(info, &total, 4);
	return info;
}

static int mb2_parse(const struct mb2 *b)
{
	uint8_t *info = mb2_finish(b, true);
	int err = multiboot_parse(MULTIBOOT2_BOOT_MAGIC, info, &bi, &dropped);

	free(info);
	return err;
}

static uint8_t rsdp_v1[20] = "RSD PTR \x42OEMID\x01\x00\x10\x00\x00";
static uint8_t rsdp_v2[36] = "RSD PTR \x43OEMID\x02\x00\x10\x00\x00\x24\x00\x00\x00\x00\x20\x00\x00"
			     "\x00\x00\x00\x00\x99\x00\x00";

static struct mb2 mb;

TEST(mb2_full_info)
{
	mb2_begin(&mb);
	mb2_str(&mb, MB2_CMDLINE, "cpus=all");
	mb2_str(&mb, MB2_LOADER, "GRUB 2.12");
	mb2_module(&mb, 0x200000, 0x201000, "/boot/hello.elf x=1");
	mb2_tag(&mb, 0x77, "unknown tags are skipped", 24);
	mb2_module(&mb, 0x300000, 0x380000, "heartbeat");
	mb2_mmap(&mb, 3, 24);
	mb2_tag(&mb, MB2_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	mb2_tag(&mb, MB2_ACPI_NEW, rsdp_v2, sizeof(rsdp_v2));
	memset(&bi, 0xa5, sizeof(bi));
	dropped = 99;
	EXPECT_EQ(mb2_parse(&mb), 0);
	EXPECT_EQ(dropped, 0);
	EXPECT_EQ(bi.protocol, 2);
	EXPECT_STREQ(bi.cmdline, "cpus=all");
	EXPECT_STREQ(bi.loader_name, "GRUB 2.12");
	ASSERT_EQ(bi.nmodules, 2);
	expect_module(0, 0x200000, 0x201000, "/boot/hello.elf x=1");
	expect_module(1, 0x300000, 0x380000, "heartbeat");
	ASSERT_EQ(bi.nregions, 3);
	expect_region(0, 0, 1 * MiB, 1);
	expect_region(1, 1 * GiB, 2 * MiB, 2);
	expect_region(2, 2 * GiB, 3 * MiB, 3);
	EXPECT_TRUE(bi.has_rsdp);
	EXPECT_MEMEQ(bi.rsdp, rsdp_v2, sizeof(rsdp_v2));
}

TEST(mb2_acpi_new_rsdp_wins_in_either_order)
{
	static const uint8_t zeros[16];

	mb2_begin(&mb);
	mb2_tag(&mb, MB2_ACPI_NEW, rsdp_v2, sizeof(rsdp_v2));
	mb2_tag(&mb, MB2_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	mb2_mmap(&mb, 1, 24);
	EXPECT_EQ(mb2_parse(&mb), 0);
	EXPECT_TRUE(bi.has_rsdp);
	EXPECT_MEMEQ(bi.rsdp, rsdp_v2, sizeof(rsdp_v2));

	/* The old one alone fills 20 bytes; the rest stays zero. */
	mb2_begin(&mb);
	mb2_mmap(&mb, 1, 24);
	mb2_tag(&mb, MB2_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	memset(&bi, 0xa5, sizeof(bi));
	EXPECT_EQ(mb2_parse(&mb), 0);
	EXPECT_TRUE(bi.has_rsdp);
	EXPECT_MEMEQ(bi.rsdp, rsdp_v1, sizeof(rsdp_v1));
	EXPECT_MEMEQ(bi.rsdp + 20, zeros, 16);
}

TEST(mb2_mmap_entries_follow_entry_size)
{
	mb2_begin(&mb);
	mb2_mmap(&mb, 4, 32);
	EXPECT_EQ(mb2_parse(&mb), 0);
	ASSERT_EQ(bi.nregions, 4);
	expect_region(1, 1 * GiB, 2 * MiB, 2);
	expect_region(3, 3 * GiB, 4 * MiB, 4);
	EXPECT_FALSE(bi.has_rsdp);
	EXPECT_STREQ(bi.cmdline, "");
}

TEST(mb2_counts_what_does_not_fit)
{
	mb2_begin(&mb);
	mb2_mmap(&mb, BOOT_MAX_MEM_REGIONS + 3, 24);
	for (uint32_t i = 0; i < BOOT_MAX_MODULES + 1; i++)
		mb2_module(&mb, i * 0x1000, i * 0x1000 + 0x800, "m");
	EXPECT_EQ(mb2_parse(&mb), 0);
	EXPECT_EQ(dropped, 4);
	EXPECT_EQ(bi.nregions, BOOT_MAX_MEM_REGIONS);
	EXPECT_EQ(bi.nmodules, BOOT_MAX_MODULES);
	expect_module(BOOT_MAX_MODULES - 1, (BOOT_MAX_MODULES - 1) * 0x1000,
		      (BOOT_MAX_MODULES - 1) * 0x1000 + 0x800, "m");
}

TEST(mb2_malformed_is_einval)
{
	/* No memory map. */
	mb2_begin(&mb);
	mb2_str(&mb, MB2_CMDLINE, "x");
	EXPECT_EQ(mb2_parse(&mb), -EINVAL);
	/* Memory map entries smaller than 24 bytes. */
	mb2_begin(&mb);
	mb2_mmap(&mb, 2, 20);
	EXPECT_EQ(mb2_parse(&mb), -EINVAL);
	/* A last tag running past total_size: its 16 bytes, the end tag's 8, and 8 more. */
	mb2_begin(&mb);
	size_t off = mb2_mmap(&mb, 1, 24);
	size_t cmd = mb.len;
	mb2_str(&mb, MB2_CMDLINE, "x");
	*(uint32_t *)(mb.buf + cmd + 4) = 16 + 8 + 8;
	EXPECT_EQ(mb2_parse(&mb), -EINVAL);
	/* Swallowing the end tag but no more is fine. */
	*(uint32_t *)(mb.buf + cmd + 4) = 16 + 8;
	EXPECT_EQ(mb2_parse(&mb), 0);
	/* A tag smaller than its own header (taking its 8 zero bytes as the next tag would end). */
	mb2_begin(&mb);
	mb2_mmap(&mb, 1, 24);
	off = mb2_tag(&mb, 0x77, "\0\0\0\0\0\0\0\0", 8);
	*(uint32_t *)(mb.buf + off + 4) = 4;
	EXPECT_EQ(mb2_parse(&mb), -EINVAL);
	/* A module tag too short for its start and end. */
	mb2_begin(&mb);
	mb2_mmap(&mb, 1, 24);
	mb2_tag(&mb, MB2_MODULE, "\0\0\0\0\0\0\0", 7);
	EXPECT_EQ(mb2_parse(&mb), -EINVAL);
}

TEST(mb2_nothing_after_the_end_tag_is_read)
{
	mb2_begin(&mb);
	mb2_mmap(&mb, 1, 24);
	mb2_tag(&mb, 0, "", 0);
	size_t off = mb2_str(&mb, MB2_CMDLINE, "after the end");
	*(uint32_t *)(mb.buf + off + 4) = 4;
	EXPECT_EQ(mb2_parse(&mb), 0);
	EXPECT_STREQ(bi.cmdline, "");
}

TEST(mb2_cmdline_is_bounded_by_its_tag)
{
	mb2_begin(&mb);
	mb2_mmap(&mb, 1, 24);
	size_t off = mb2_tag(&mb, MB2_CMDLINE, "abc", 3);
	memset(mb.buf + off + 11, 'Z', 5); /* the padding, where a NUL was expected */
	EXPECT_EQ(mb2_parse(&mb), 0);
	EXPECT_STREQ(bi.cmdline, "abc");
}

/* Regression (fixed): module strings are read up to a NUL, past the end of their tag. */
TEST(mb2_module_string_is_bounded_by_its_tag)
{
	mb2_begin(&mb);
	mb2_mmap(&mb, 1, 24);
	size_t off = mb.len;
	mb2_module(&mb, 0x1000, 0x2000, "hello");
	*(uint32_t *)(mb.buf + off + 4) = 8 + 8 + 5; /* the NUL now lies outside the tag */
	memset(mb.buf + off + 21, 'Z', 3);
	EXPECT_EQ(mb2_parse(&mb), 0);
	ASSERT_EQ(bi.nmodules, 1);
	EXPECT_STREQ(bi.modules[0].cmdline, "hello");
}

/*
 * Regression (fixed): multiboot2_mmap() reads entry_size before checking that the tag has
 * room for it; an 8-byte mmap tag at the very end of the information is read 4 bytes past it.
 */
TEST(mb2_short_mmap_tag_is_rejected_without_overread)
{
	mb2_begin(&mb);
	mb2_tag(&mb, MB2_MMAP, "", 0);
	uint8_t *info = mb2_finish(&mb, false);
	EXPECT_EQ(multiboot_parse(MULTIBOOT2_BOOT_MAGIC, info, &bi, &dropped), -EINVAL);
	free(info);
}

static void hung(int sig)
{
	static const char msg[] = "multiboot_parse() loops for ever on a tag of size 0xfffffffc\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

/*
 * Regression (fixed): off + tag->size is computed in 32 bits, so a huge tag size wraps past
 * the total_size check; ALIGN_UP(size, 8) then wraps to 0 and the parser never moves on.
 */
TEST(mb2_huge_tag_size_is_rejected)
{
	mb2_begin(&mb);
	mb2_mmap(&mb, 1, 24);
	size_t off = mb2_tag(&mb, 0x77, "12345678", 8);
	*(uint32_t *)(mb.buf + off + 4) = 0xfffffffc;
	signal(SIGALRM, hung);
	alarm(2);
	EXPECT_EQ(mb2_parse(&mb), -EINVAL);
	alarm(0);
}

static const struct boot_module *find_in(const char *const *cmdlines, size_t n, const char *name)
{
	bi.nmodules = n;
	for (size_t i = 0; i < n; i++)
		strcpy(bi.modules[i].cmdline, cmdlines[i]);
	return boot_module_find(&bi, name);
}

TEST(module_find_by_basename_before_the_dot)
{
	const char *mods[] = { "/boot/heartbeat.elf", "/boot/hello.elf x=1", "/boot.d/rtos" };

	memset(&bi, 0, sizeof(bi));
	EXPECT_EQ(find_in(mods, 3, "hello"), &bi.modules[1]);
	EXPECT_EQ(find_in(mods, 3, "heartbeat"), &bi.modules[0]);
	EXPECT_EQ(find_in(mods, 3, "rtos"), &bi.modules[2]);
	/* Only the first word counts, and only modules up to nmodules. */
	const char *args[] = { "/boot/a.elf name=/x/hello", "b", "hello" };
	EXPECT_EQ(find_in(args, 3, "hello"), &bi.modules[2]);
	EXPECT_NULL(find_in(args, 2, "hello"));
	EXPECT_EQ(find_in(args, 2, "a"), &bi.modules[0]);
	EXPECT_EQ(find_in(args, 2, "b"), &bi.modules[1]);
}

TEST(module_find_needs_the_whole_name)
{
	const char *mods[] = { "/boot/heartbeat.elf", "hello.elf", "" };

	memset(&bi, 0, sizeof(bi));
	EXPECT_NULL(find_in(mods, 3, "heart"));
	EXPECT_NULL(find_in(mods, 3, "heartbeats"));
	EXPECT_NULL(find_in(mods, 3, "hell"));
	EXPECT_NULL(find_in(mods, 3, "boot"));
	EXPECT_NULL(find_in(mods, 3, "elf"));
	EXPECT_NULL(find_in(mods, 3, "nothing"));
	EXPECT_NULL(find_in(mods, 0, "heartbeat"));
}

/*
 * Regression (fixed): copy_string() takes a NULL string as empty but still hands NULL to
 * memcpy() (with length 0), which is undefined behaviour; UBSan stops the test there.
 */
TEST(mb1_module_without_cmdline_is_empty)
{
	struct mb1_module mod = { 0x1000, 0x2000, 0, 0 };
	struct mb1_info *info = mb1_info_at(mb1_with_mmap(1));

	info->flags |= MB1_MODS;
	info->mods_count = 1;
	info->mods_addr = arena_put(&mod, sizeof(mod));
	EXPECT_EQ(multiboot_parse(MULTIBOOT1_BOOT_MAGIC, info, &bi, &dropped), 0);
	ASSERT_EQ(bi.nmodules, 1);
	EXPECT_STREQ(bi.modules[0].cmdline, "");
}
