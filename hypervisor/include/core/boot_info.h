/* SPDX-License-Identifier: BSD-3-Clause */
/* What the boot loader handed over, copied into hypervisor memory in one loader-neutral form. */
#ifndef CAIRN_CORE_BOOT_INFO_H
#define CAIRN_CORE_BOOT_INFO_H

#include "lib/compiler.h"

#define BOOT_MAX_MEM_REGIONS	128
#define BOOT_MAX_MODULES	16
#define BOOT_CMDLINE_LEN	256
#define BOOT_MODULE_CMDLINE_LEN 128

/* Memory types as in the E820/multiboot maps. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIMABLE = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_region {
	uint64_t base;
	uint64_t len;
	uint32_t type;
};

struct boot_module {
	uint64_t start; /* physical, inclusive */
	uint64_t end;	/* physical, exclusive */
	char cmdline[BOOT_MODULE_CMDLINE_LEN];
};

struct boot_info {
	int protocol; /* 1 or 2: multiboot version */
	char loader_name[64];
	char cmdline[BOOT_CMDLINE_LEN];
	size_t nregions;
	struct boot_mem_region regions[BOOT_MAX_MEM_REGIONS];
	size_t nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
	bool has_rsdp; /* the loader gave a copy of the ACPI RSDP (multiboot 2) */
	uint8_t rsdp[36];
};

/*
 * Fill *out from a multiboot 1 or 2 information structure (magic selects which). Structures and
 * strings are read through plain pointers (identity mapped). -EINVAL for an unknown magic, a
 * malformed structure or a missing memory map; entries beyond the table sizes are dropped and
 * counted in *dropped.
 */
int multiboot_parse(uint32_t magic, const void *info, struct boot_info *out, size_t *dropped);

/*
 * The module whose name is `name`: the basename of the first word of its command line, up to the
 * first '.' ("/boot/hello.elf x=1" is "hello"). NULL when there is none.
 */
const struct boot_module *boot_module_find(const struct boot_info *bi, const char *name);

#endif
