/* SPDX-License-Identifier: BSD-3-Clause */
/* Booting a Linux bzImage through its 64-bit entry: setup-header checks and the boot_params page. */
#ifndef CAIRN_X86_LINUX_BOOT_H
#define CAIRN_X86_LINUX_BOOT_H

#include "lib/compiler.h"

#define LINUX_BOOT_PARAMS_SIZE 4096
#define LINUX_E820_MAX	       128

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4

struct linux_image_info {
	uint64_t kernel_offset; /* protected-mode kernel: file offset (setup_sects + 1) * 512 */
	uint64_t kernel_size;	/* its size in the file */
	uint64_t pref_address;	/* where it prefers to run */
	uint64_t init_size;	/* bytes it needs from its load address while decompressing */
	uint32_t kernel_alignment;
	uint32_t cmdline_size;	  /* longest command line, NUL excluded */
	uint32_t initrd_addr_max; /* last byte an initrd may occupy (below 4 GiB) */
	uint16_t version;	  /* boot protocol */
	bool relocatable;
};

struct linux_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __packed;

_Static_assert(sizeof(struct linux_e820_entry) == 20, "e820 entry layout");

/*
 * Checks a bzImage (boot flag, "HdrS", protocol >= 2.12, 64-bit entry present, sizes inside the
 * file) and fills *info. -EINVAL with *why set otherwise.
 */
int linux_image_parse(const uint8_t *image, uint64_t size, struct linux_image_info *info,
		      const char **why);

struct linux_boot_setup {
	uint64_t cmdline_pa;
	uint64_t initrd_pa, initrd_size; /* size 0: no initrd */
	uint64_t acpi_rsdp_pa;
	const struct linux_e820_entry *e820;
	size_t e820_count;
};

/*
 * Builds boot_params in zero_page (LINUX_BOOT_PARAMS_SIZE bytes): the image's setup header copied
 * from 0x1F1 (up to the length the header declares), type_of_loader, command line, initrd,
 * e820 table and RSDP address. -E2BIG if there are more than LINUX_E820_MAX e820 entries.
 */
int linux_boot_params_build(uint8_t *zero_page, const uint8_t *image, uint64_t image_size,
			    const struct linux_boot_setup *setup);

/* Sorts e820 entries by address (insertion sort; the table is small). */
void linux_e820_sort(struct linux_e820_entry *e820, size_t count);

#endif
