/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the ELF64 loader's parser in hypervisor/lib/elf64.c. */
#include <stdlib.h>
#include <string.h>

#include "lib/elf64.h"
#include "lib/errno.h"
#include "harness.h"

struct test_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} __packed;

struct test_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
} __packed;

_Static_assert(sizeof(struct test_ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(struct test_phdr) == 56, "ELF64 program header is 56 bytes");

#define PT_LOAD	   1
#define PT_NOTE	   4
#define IMAGE_SIZE 0x1400
#define ENTRY	   0x401000
#define MAX_SEGS   4

#define NOT_ELF	     "not an ELF file"
#define NOT_EXEC     "not an x86-64 ELF64 executable"
#define PHDRS_OUT    "program headers outside the file"
#define SEGMENT_OUT  "a segment lies outside the file"
#define FILESZ_BIG   "a segment has more file bytes than memory bytes"
#define TOO_MANY     "too many segments"
#define NOTHING_LOAD "no loadable segment"

struct parsed {
	int err;
	uint64_t entry;
	struct elf64_segment segs[MAX_SEGS];
	size_t nsegs;
	const char *why;
};

static struct test_ehdr *ehdr(uint8_t *img)
{
	return (struct test_ehdr *)img;
}

static struct test_phdr *phdr(uint8_t *img, size_t i)
{
	return (struct test_phdr *)(img + sizeof(struct test_ehdr)) + i;
}

/*
 * A good image (heap-allocated at its exact size, so ASan sees any read past it): two PT_LOAD
 * segments, with a PT_NOTE and a PT_LOAD of memsz 0 between them, both pointing outside the file.
 */
static uint8_t *good_image(void)
{
	uint8_t *img = calloc(1, IMAGE_SIZE);

	if (!img)
		abort();
	memcpy(ehdr(img)->ident, "\177ELF\2\1\1", 7);
	ehdr(img)->type = 2;
	ehdr(img)->machine = 62;
	ehdr(img)->version = 1;
	ehdr(img)->entry = ENTRY;
	ehdr(img)->phoff = sizeof(struct test_ehdr);
	ehdr(img)->ehsize = sizeof(struct test_ehdr);
	ehdr(img)->phentsize = sizeof(struct test_phdr);
	ehdr(img)->phnum = 4;
	*phdr(img, 0) = (struct test_phdr){ .type = PT_LOAD,
					    .offset = 0x1000,
					    .vaddr = 0x400000,
					    .paddr = 0x200000,
					    .filesz = 0x200,
					    .memsz = 0x300 };
	*phdr(img, 1) = (struct test_phdr){
		.type = PT_NOTE, .offset = 0x100000, .filesz = 0x10, .memsz = 0x10
	};
	*phdr(img, 2) = (struct test_phdr){ .type = PT_LOAD, .offset = 0x100000, .filesz = 0x10 };
	*phdr(img, 3) = (struct test_phdr){ .type = PT_LOAD,
					    .offset = 0x1200,
					    .vaddr = 0x600000,
					    .paddr = 0x300000,
					    .filesz = 0x100,
					    .memsz = 0x2000 };
	return img;
}

static struct parsed parse(const uint8_t *img, uint64_t size, size_t max)
{
	struct parsed p = { .err = 1, .entry = 0xdead, .nsegs = 99, .why = NULL };

	p.err = elf64_parse(img, size, &p.entry, p.segs, max, &p.nsegs, &p.why);
	return p;
}

/* Parses img and expects -EINVAL with this reason. */
static void expect_rejected(const uint8_t *img, uint64_t size, const char *why)
{
	struct parsed p = parse(img, size, MAX_SEGS);

	EXPECT_EQ(p.err, -EINVAL);
	EXPECT_STREQ(p.why, why);
}

static void expect_segment(const struct elf64_segment *s, uint64_t paddr, uint64_t offset,
			   uint64_t filesz, uint64_t memsz)
{
	EXPECT_EQ(s->paddr, paddr);
	EXPECT_EQ(s->offset, offset);
	EXPECT_EQ(s->filesz, filesz);
	EXPECT_EQ(s->memsz, memsz);
}

TEST(good_image_gives_entry_and_the_two_load_segments)
{
	uint8_t *img = good_image();
	struct parsed p = parse(img, IMAGE_SIZE, MAX_SEGS);

	EXPECT_EQ(p.err, 0);
	EXPECT_EQ(p.entry, ENTRY);
	ASSERT_EQ(p.nsegs, 2);
	expect_segment(&p.segs[0], 0x200000, 0x1000, 0x200, 0x300);
	expect_segment(&p.segs[1], 0x300000, 0x1200, 0x100, 0x2000);
	free(img);
}

TEST(exactly_max_segments_is_fine_one_more_is_not)
{
	uint8_t *img = good_image();
	struct parsed p = parse(img, IMAGE_SIZE, 2);

	EXPECT_EQ(p.err, 0);
	EXPECT_EQ(p.nsegs, 2);
	p = parse(img, IMAGE_SIZE, 1);
	EXPECT_EQ(p.err, -EINVAL);
	EXPECT_STREQ(p.why, TOO_MANY);
	p = parse(img, IMAGE_SIZE, 0);
	EXPECT_EQ(p.err, -EINVAL);
	EXPECT_STREQ(p.why, TOO_MANY);
	free(img);
}

TEST(segment_ending_at_the_end_of_the_file_is_fine)
{
	uint8_t *img = good_image();

	phdr(img, 3)->filesz = IMAGE_SIZE - 0x1200;
	phdr(img, 3)->memsz = IMAGE_SIZE - 0x1200;
	struct parsed p = parse(img, IMAGE_SIZE, MAX_SEGS);
	EXPECT_EQ(p.err, 0);
	ASSERT_EQ(p.nsegs, 2);
	expect_segment(&p.segs[1], 0x300000, 0x1200, 0x200, 0x200);
	/* So is an empty file part right at the end (a bss-only segment). */
	phdr(img, 3)->offset = IMAGE_SIZE;
	phdr(img, 3)->filesz = 0;
	p = parse(img, IMAGE_SIZE, MAX_SEGS);
	EXPECT_EQ(p.err, 0);
	ASSERT_EQ(p.nsegs, 2);
	expect_segment(&p.segs[1], 0x300000, IMAGE_SIZE, 0, 0x200);
	free(img);
}

TEST(not_elf)
{
	uint8_t *img = good_image();

	img[0] = 0x7e;
	expect_rejected(img, IMAGE_SIZE, NOT_ELF);
	img[0] = 0x7f;
	img[3] = 'G';
	expect_rejected(img, IMAGE_SIZE, NOT_ELF);
	free(img);
}

TEST(truncated_header)
{
	uint8_t *img = good_image();
	uint8_t *short_img = malloc(sizeof(struct test_ehdr) - 1);

	ASSERT_NOT_NULL(short_img);
	memcpy(short_img, img, sizeof(struct test_ehdr) - 1);
	expect_rejected(short_img, sizeof(struct test_ehdr) - 1, NOT_ELF);
	expect_rejected(img, 4, NOT_ELF);
	expect_rejected(img, 0, NOT_ELF);
	free(short_img);
	free(img);
}

TEST(not_x86_64_elf64_executable)
{
	uint8_t *img = good_image();

	img[4] = 1; /* ELFCLASS32 */
	expect_rejected(img, IMAGE_SIZE, NOT_EXEC);
	img[4] = 2;
	ehdr(img)->machine = 3; /* EM_386 */
	expect_rejected(img, IMAGE_SIZE, NOT_EXEC);
	ehdr(img)->machine = 183; /* EM_AARCH64 */
	expect_rejected(img, IMAGE_SIZE, NOT_EXEC);
	ehdr(img)->machine = 62;
	ehdr(img)->type = 3; /* ET_DYN */
	expect_rejected(img, IMAGE_SIZE, NOT_EXEC);
	ehdr(img)->type = 1; /* ET_REL */
	expect_rejected(img, IMAGE_SIZE, NOT_EXEC);
	ehdr(img)->type = 2;
	EXPECT_EQ(parse(img, IMAGE_SIZE, MAX_SEGS).err, 0);
	free(img);
}

TEST(program_headers_outside_the_file)
{
	uint8_t *img = good_image();
	uint64_t table_end = sizeof(struct test_ehdr) + 4 * sizeof(struct test_phdr);

	/* The table needs table_end bytes: one fewer is too few. */
	expect_rejected(img, table_end - 1, PHDRS_OUT);
	/* With exactly table_end bytes the table is read, and the first segment is what is out. */
	expect_rejected(img, table_end, SEGMENT_OUT);
	ehdr(img)->phoff = IMAGE_SIZE - 4 * sizeof(struct test_phdr) + 1;
	expect_rejected(img, IMAGE_SIZE, PHDRS_OUT);
	ehdr(img)->phoff = IMAGE_SIZE + 1;
	ehdr(img)->phnum = 0;
	expect_rejected(img, IMAGE_SIZE, PHDRS_OUT);
	/* A phoff near 2^64, where phoff + table size would wrap. */
	ehdr(img)->phoff = UINT64_MAX - 8;
	ehdr(img)->phnum = 1;
	expect_rejected(img, IMAGE_SIZE, PHDRS_OUT);
	/* An entry size other than the one the parser reads. */
	ehdr(img)->phoff = sizeof(struct test_ehdr);
	ehdr(img)->phnum = 4;
	ehdr(img)->phentsize = 64;
	expect_rejected(img, IMAGE_SIZE, PHDRS_OUT);
	ehdr(img)->phentsize = 56;
	EXPECT_EQ(parse(img, IMAGE_SIZE, MAX_SEGS).err, 0);
	free(img);
}

TEST(segment_outside_the_file)
{
	uint8_t *img = good_image();

	phdr(img, 3)->filesz = IMAGE_SIZE - 0x1200 + 1;
	expect_rejected(img, IMAGE_SIZE, SEGMENT_OUT);
	phdr(img, 3)->filesz = 0;
	phdr(img, 3)->offset = IMAGE_SIZE + 1;
	expect_rejected(img, IMAGE_SIZE, SEGMENT_OUT);
	/* offset + filesz wraps to a small number. */
	phdr(img, 3)->offset = UINT64_MAX - 0xF;
	phdr(img, 3)->filesz = 0x100;
	expect_rejected(img, IMAGE_SIZE, SEGMENT_OUT);
	phdr(img, 3)->offset = 0x100;
	phdr(img, 3)->filesz = UINT64_MAX - 0x80;
	phdr(img, 3)->memsz = UINT64_MAX;
	expect_rejected(img, IMAGE_SIZE, SEGMENT_OUT);
	free(img);
}

TEST(filesz_above_memsz)
{
	uint8_t *img = good_image();

	phdr(img, 0)->memsz = phdr(img, 0)->filesz - 1;
	expect_rejected(img, IMAGE_SIZE, FILESZ_BIG);
	phdr(img, 0)->memsz = phdr(img, 0)->filesz;
	EXPECT_EQ(parse(img, IMAGE_SIZE, MAX_SEGS).err, 0);
	free(img);
}

TEST(no_loadable_segment)
{
	uint8_t *img = good_image();

	ehdr(img)->phnum = 0;
	expect_rejected(img, IMAGE_SIZE, NOTHING_LOAD);
	/* Only the PT_NOTE and the empty PT_LOAD. */
	ehdr(img)->phoff = sizeof(struct test_ehdr) + sizeof(struct test_phdr);
	ehdr(img)->phnum = 2;
	expect_rejected(img, IMAGE_SIZE, NOTHING_LOAD);
	ehdr(img)->phnum = 3;
	EXPECT_EQ(parse(img, IMAGE_SIZE, MAX_SEGS).err, 0);
	free(img);
}
