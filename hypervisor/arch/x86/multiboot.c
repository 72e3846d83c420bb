/* SPDX-License-Identifier: BSD-3-Clause */
/* Reads multiboot 1 and 2 boot information into struct boot_info (memory map, modules, ACPI RSDP). */
#include "core/boot_info.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "x86/boot_defs.h"

/* Multiboot 1 information structure, up to the fields Cairn reads. */
struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __packed;

struct mb1_module {
	uint32_t start, end, cmdline, reserved;
} __packed;

struct mb1_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t base, len;
	uint32_t type;
} __packed;

#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS	 (1u << 3)
#define MB1_INFO_MMAP	 (1u << 6)
#define MB1_INFO_LOADER	 (1u << 9)

struct mb2_tag {
	uint32_t type, size;
} __packed;

#define MB2_TAG_END	 0
#define MB2_TAG_CMDLINE	 1
#define MB2_TAG_LOADER	 2
#define MB2_TAG_MODULE	 3
#define MB2_TAG_MMAP	 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

static const void *phys_ptr(uint64_t pa)
{
	return (const void *)(uintptr_t)pa;
}

static void copy_string(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static void add_region(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type,
		       size_t *dropped)
{
	if (len == 0)
		return;
	if (bi->nregions == BOOT_MAX_MEM_REGIONS) {
		(*dropped)++;
		return;
	}
	bi->regions[bi->nregions++] = (struct boot_mem_region){ base, len, type };
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, const char *cmdline,
		       size_t cmdline_max, size_t *dropped)
{
	if (bi->nmodules == BOOT_MAX_MODULES) {
		(*dropped)++;
		return;
	}
	struct boot_module *m = &bi->modules[bi->nmodules++];
	m->start = start;
	m->end = end;
	copy_string(m->cmdline, MIN(sizeof(m->cmdline), cmdline_max + 1), cmdline);
}

static int multiboot1_parse(const struct mb1_info *mb, struct boot_info *bi, size_t *dropped)
{
	if (!(mb->flags & MB1_INFO_MMAP))
		return -EINVAL;
	bi->protocol = 1;
	if (mb->flags & MB1_INFO_CMDLINE)
		copy_string(bi->cmdline, sizeof(bi->cmdline), phys_ptr(mb->cmdline));
	if (mb->flags & MB1_INFO_LOADER)
		copy_string(bi->loader_name, sizeof(bi->loader_name),
			    phys_ptr(mb->boot_loader_name));

	uint64_t pos = mb->mmap_addr, end = (uint64_t)mb->mmap_addr + mb->mmap_length;
	while (pos + sizeof(struct mb1_mmap_entry) <= end) {
		const struct mb1_mmap_entry *e = phys_ptr(pos);
		if (e->size < sizeof(*e) - sizeof(e->size))
			return -EINVAL;
		add_region(bi, e->base, e->len, e->type, dropped);
		pos += e->size + sizeof(e->size);
	}

	if (mb->flags & MB1_INFO_MODS) {
		const struct mb1_module *mods = phys_ptr(mb->mods_addr);
		for (uint32_t i = 0; i < mb->mods_count; i++)
			add_module(bi, mods[i].start, mods[i].end, phys_ptr(mods[i].cmdline),
				   BOOT_MODULE_CMDLINE_LEN, dropped);
	}
	return 0;
}

static int multiboot2_mmap(const struct mb2_tag *tag, struct boot_info *bi, size_t *dropped)
{
	const uint8_t *p = (const uint8_t *)tag;

	if (tag->size < 16)
		return -EINVAL;
	uint32_t entry_size = *(const uint32_t *)(p + 8);
	if (entry_size < 24)
		return -EINVAL;
	for (uint32_t off = 16; off + entry_size <= tag->size; off += entry_size) {
		const uint64_t *e = (const uint64_t *)(p + off);
		add_region(bi, e[0], e[1], *(const uint32_t *)(p + off + 16), dropped);
	}
	return 0;
}

static int multiboot2_tag(const struct mb2_tag *tag, struct boot_info *bi, size_t *dropped)
{
	const char *body = (const char *)(tag + 1);
	size_t body_len = tag->size - sizeof(*tag);

	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		copy_string(bi->cmdline, MIN(sizeof(bi->cmdline), body_len + 1), body);
		return 0;
	case MB2_TAG_LOADER:
		copy_string(bi->loader_name, MIN(sizeof(bi->loader_name), body_len + 1), body);
		return 0;
	case MB2_TAG_MODULE:
		if (body_len < 8)
			return -EINVAL;
		/* The string is bounded by its tag, terminated or not. */
		add_module(bi, ((const uint32_t *)body)[0], ((const uint32_t *)body)[1], body + 8,
			   body_len - 8, dropped);
		return 0;
	case MB2_TAG_MMAP:
		return multiboot2_mmap(tag, bi, dropped);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* Prefer the ACPI 2.0 copy when both are present. */
		if (bi->has_rsdp && tag->type == MB2_TAG_ACPI_OLD)
			return 0;
		memset(bi->rsdp, 0, sizeof(bi->rsdp));
		memcpy(bi->rsdp, body, MIN(body_len, sizeof(bi->rsdp)));
		bi->has_rsdp = true;
		return 0;
	default:
		return 0;
	}
}

static int multiboot2_parse(const uint8_t *info, struct boot_info *bi, size_t *dropped)
{
	uint32_t total = *(const uint32_t *)info;
	bool have_mmap = false;

	bi->protocol = 2;
	for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
		const struct mb2_tag *tag = (const struct mb2_tag *)(info + off);
		if (tag->type == MB2_TAG_END)
			break;
		if (tag->size < sizeof(*tag) || (uint64_t)off + tag->size > total)
			return -EINVAL;
		int err = multiboot2_tag(tag, bi, dropped);
		if (err)
			return err;
		have_mmap |= tag->type == MB2_TAG_MMAP;
		off += ALIGN_UP(tag->size, 8);
	}
	return have_mmap ? 0 : -EINVAL;
}

int multiboot_parse(uint32_t magic, const void *info, struct boot_info *out, size_t *dropped)
{
	memset(out, 0, sizeof(*out));
	*dropped = 0;
	if (magic == MULTIBOOT1_BOOT_MAGIC)
		return multiboot1_parse(info, out, dropped);
	if (magic == MULTIBOOT2_BOOT_MAGIC)
		return multiboot2_parse(info, out, dropped);
	return -EINVAL;
}
