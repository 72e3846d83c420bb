/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's loader (dm/boot/): ELF segment bounds, and the 64-bit entry it builds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/guest_boot.h"
#include "dm/boot.h"
#include "harness.h"

#define MEM		(4ull << 20)
#define ELF_HEADER_SIZE 64
#define PHDR_SIZE	56

static struct dm_mem mem;
static uint8_t image[0x4000];
static char err[256];

static void setup(void)
{
	mem = (struct dm_mem){ .hva = aligned_alloc(4096, MEM), .size = MEM, .fd = -1 };
	memset(mem.hva, 0xEE, MEM); /* so zeroing is visible */
	memset(image, 0, sizeof(image));
}

static void put(size_t at, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		image[at + i] = (uint8_t)(v >> (8 * i));
}

/* An ELF64 x86-64 executable with n segments whose headers the test fills with segment(). */
static void elf(uint64_t entry, unsigned int n)
{
	memcpy(image,
	       "\x7f"
	       "ELF",
	       4);
	image[4] = 2; /* 64-bit */
	image[5] = 1; /* little-endian */
	image[6] = 1;
	put(16, 2, 2);	/* ET_EXEC */
	put(18, 62, 2); /* EM_X86_64 */
	put(20, 1, 4);
	put(24, entry, 8);
	put(32, ELF_HEADER_SIZE, 8); /* phoff */
	put(52, ELF_HEADER_SIZE, 2);
	put(54, PHDR_SIZE, 2);
	put(56, n, 2);
}

static void segment(unsigned int i, uint64_t offset, uint64_t paddr, uint64_t filesz,
		    uint64_t memsz)
{
	size_t ph = ELF_HEADER_SIZE + i * PHDR_SIZE;

	put(ph, 1, 4); /* PT_LOAD */
	put(ph + 4, 7, 4);
	put(ph + 8, offset, 8);
	put(ph + 16, paddr, 8);
	put(ph + 24, paddr, 8);
	put(ph + 32, filesz, 8);
	put(ph + 40, memsz, 8);
}

static bool untouched(void)
{
	for (uint64_t i = 0; i < MEM; i++)
		if (mem.hva[i] != 0xEE)
			return false;
	return true;
}

TEST(segments_are_copied_to_their_physical_addresses_and_tails_zeroed)
{
	uint64_t entry = 0;

	setup();
	elf(0x100010, 2);
	segment(0, 0x1000, 0x100000, 0x20, 0x20);
	segment(1, 0x2000, 0x200000, 0x10, 0x1000);
	memset(image + 0x1000, 0xAB, 0x20);
	memset(image + 0x2000, 0xCD, 0x10);
	ASSERT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), 0);
	EXPECT_EQ(entry, 0x100010);
	EXPECT_EQ(mem.hva[0x100000], 0xAB);
	EXPECT_EQ(mem.hva[0x10001F], 0xAB);
	EXPECT_EQ(mem.hva[0x100020], 0xEE); /* past the first segment: not ours */
	EXPECT_EQ(mem.hva[0x20000F], 0xCD);
	EXPECT_EQ(mem.hva[0x200010], 0); /* bss */
	EXPECT_EQ(mem.hva[0x200FFF], 0);
	EXPECT_EQ(mem.hva[0x201000], 0xEE);
}

TEST(a_segment_below_the_image_minimum_is_refused)
{
	uint64_t entry;

	setup();
	elf(0xFF000, 1);
	segment(0, 0x1000, CAIRN_GUEST_IMAGE_MIN - 0x1000, 0x10, 0x10); /* over the start info */
	EXPECT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "outside guest memory") != NULL);
	EXPECT_TRUE(untouched());
}

TEST(a_segment_past_the_end_of_memory_is_refused)
{
	uint64_t entry;

	setup();
	elf(0x100000, 2);
	segment(0, 0x1000, 0x100000, 0x10, 0x10);
	segment(1, 0x1000, MEM - 0x10, 0x10, 0x11); /* one byte too many */
	EXPECT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(untouched());		    /* not even the first, good segment */
	segment(1, 0x1000, MEM - 0x10, 0x10, 0x10); /* exactly to the end: fine */
	EXPECT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), 0);
}

TEST(a_segment_whose_size_wraps_is_refused)
{
	uint64_t entry;

	setup();
	elf(0x100000, 1);
	segment(0, 0x1000, 0x100000, 0x10, ~0ull - 0xFFFF);
	EXPECT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(untouched());
}

TEST(file_bytes_outside_the_image_are_refused_by_the_parser)
{
	uint64_t entry;

	setup();
	elf(0x100000, 1);
	segment(0, sizeof(image) - 8, 0x100000, 0x10, 0x10);
	EXPECT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "not a loadable ELF64 image") != NULL);
	EXPECT_TRUE(untouched());
	memcpy(image,
	       "\x7f"
	       "ELG",
	       4);
	EXPECT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(dm_elf_load(&mem, image, 10, &entry, err, sizeof(err)), -EINVAL);
}

TEST(the_entry_must_be_inside_a_segment)
{
	uint64_t entry;

	setup();
	elf(0x300000, 1);
	segment(0, 0x1000, 0x100000, 0x10, 0x10);
	EXPECT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "entry") != NULL);
	EXPECT_TRUE(untouched());
	elf(0x100010, 1); /* one past the last byte */
	EXPECT_EQ(dm_elf_load(&mem, image, sizeof(image), &entry, err, sizeof(err)), -EINVAL);
}

TEST(a_missing_file_is_an_error_not_a_crash)
{
	uint64_t entry;

	setup();
	EXPECT_EQ(dm_elf_load_file(&mem, "/nonexistent/cairn.elf", &entry, err, sizeof(err)),
		  -ENOENT);
	EXPECT_TRUE(strstr(err, "/nonexistent/cairn.elf") != NULL);
	EXPECT_EQ(dm_elf_load_file(&mem, "/", &entry, err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "not a regular file") != NULL);
}

TEST(gpa_to_hva_checks_the_whole_range)
{
	setup();
	EXPECT_TRUE(dm_gpa_to_hva(&mem, 0, MEM) == mem.hva);
	EXPECT_TRUE(dm_gpa_to_hva(&mem, MEM - 1, 1) == mem.hva + MEM - 1);
	EXPECT_TRUE(dm_gpa_to_hva(&mem, MEM, 0) == mem.hva + MEM);
	EXPECT_NULL(dm_gpa_to_hva(&mem, MEM, 1));
	EXPECT_NULL(dm_gpa_to_hva(&mem, MEM - 1, 2));
	EXPECT_NULL(dm_gpa_to_hva(&mem, 8, ~0ull - 4)); /* wraps */
	EXPECT_NULL(dm_gpa_to_hva(&mem, ~0ull, 1));
}

#define AT(gpa) (*(uint64_t *)(mem.hva + (gpa)))

TEST(the_entry_state_is_the_guest_boot_contract)
{
	struct acrn_vcpu_regs regs;
	const struct dm_start_params p = { .entry = 0x100040,
					   .vm_id = 3,
					   .pcpu_apic_id = 2,
					   .tsc_khz = 2500000,
					   .vm_name = "hello1",
					   .cmdline = "n=7" };
	const struct cairn_start_info *si;
	const struct acrn_regs *r = &regs.vcpu_regs;

	setup();
	memset(mem.hva, 0, MEM); /* dm_mem_alloc hands over zeroed RAM */
	memset(&regs, 0x55, sizeof(regs));
	ASSERT_EQ(dm_boot_entry_64(&mem, &p, &regs), 0);
	EXPECT_EQ(regs.vcpu_id, 0);
	EXPECT_EQ(regs.reserved[0] | regs.reserved[1] | regs.reserved[2], 0);
	EXPECT_EQ(r->rip, 0x100040);
	EXPECT_EQ(r->gprs.rsp, MEM);
	EXPECT_EQ(r->gprs.rdi, CAIRN_GUEST_START_INFO);
	EXPECT_EQ(r->gprs.rax | r->gprs.rbx | r->gprs.rcx | r->gprs.rdx | r->gprs.rsi |
			  r->gprs.rbp | r->gprs.r8 | r->gprs.r15,
		  0);
	EXPECT_EQ(r->cr0, 0x80010033);	/* PE MP ET NE WP PG */
	EXPECT_EQ(r->cr4, 0x20);	/* PAE */
	EXPECT_EQ(r->ia32_efer, 0x500); /* LME LMA */
	EXPECT_EQ(r->cr3, CAIRN_GUEST_PAGE_TABLES);
	EXPECT_EQ(r->rflags, 2);
	EXPECT_EQ(r->cs_ar, 0xA09B); /* present, code, L, G, accessed */
	EXPECT_EQ(r->cs_limit, 0xFFFFFFFF);
	EXPECT_EQ(r->cs_base, 0);
	EXPECT_EQ(r->cs_sel, 0x08);
	EXPECT_EQ(r->ds_sel, 0x10);
	EXPECT_EQ(r->ss_sel, 0x10);
	EXPECT_EQ(r->gs_sel, 0x10);
	EXPECT_EQ(r->tr_sel, 0);
	EXPECT_EQ(r->gdt.base, CAIRN_GUEST_GDT);
	EXPECT_EQ(r->gdt.limit, 23);
	EXPECT_EQ(r->idt.limit, 0);
	/* The GDT and the identity map in RAM. */
	EXPECT_EQ(AT(CAIRN_GUEST_GDT), 0);
	EXPECT_EQ(AT(CAIRN_GUEST_GDT + 8), 0x00AF9A000000FFFFull);
	EXPECT_EQ(AT(CAIRN_GUEST_GDT + 16), 0x00CF92000000FFFFull);
	EXPECT_EQ(AT(0x3000), 0x4000 | 0x7);
	EXPECT_EQ(AT(0x4000), 0x5000 | 0x7);
	EXPECT_EQ(AT(0x4008), 0); /* 4 MiB: one GiB of tables */
	EXPECT_EQ(AT(0x5000), 0x87);
	EXPECT_EQ(AT(0x5008), (2ull << 20) | 0x87);
	EXPECT_EQ(AT(0x5010), 0); /* RAM ends at 4 MiB */
	/* The start info. */
	si = (const struct cairn_start_info *)(mem.hva + CAIRN_GUEST_START_INFO);
	EXPECT_EQ(si->magic, CAIRN_START_INFO_MAGIC);
	EXPECT_EQ(si->vm_id, 3);
	EXPECT_EQ(si->vcpu_id, 0);
	EXPECT_EQ(si->pcpu_apic_id, 2);
	EXPECT_EQ(si->memory_size, MEM);
	EXPECT_EQ(si->tsc_khz, 2500000);
	EXPECT_STREQ(si->vm_name, "hello1");
	EXPECT_STREQ(si->cmdline, "n=7");
}

TEST(the_entry_needs_room_below_the_image)
{
	struct acrn_vcpu_regs regs;
	const struct dm_start_params p = { .entry = 0x100000, .vm_name = "v" };

	setup();
	mem.size = 1ull << 19; /* smaller than the image minimum */
	EXPECT_EQ(dm_boot_entry_64(&mem, &p, &regs), -EINVAL);
	mem.size = MEM;
	memset(mem.hva, 0, MEM);
	EXPECT_EQ(dm_boot_entry_64(&mem, &p, &regs), 0);
	EXPECT_EQ(((const struct cairn_start_info *)(mem.hva + CAIRN_GUEST_START_INFO))->cmdline[0],
		  '\0');
}
