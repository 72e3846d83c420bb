/* SPDX-License-Identifier: BSD-3-Clause */
/* Loading a test guest's ELF64 image into guest RAM, with the hypervisor's own checked parser. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/guest_boot.h"
#include "lib/elf64.h"
#include "dm/boot.h"
#include "dm/image_file.h"

#define MAX_SEGMENTS   8
#define MAX_IMAGE_SIZE (64u << 20)

int dm_elf_load(struct dm_mem *mem, const void *image, size_t size, uint64_t *entry, char *err,
		size_t err_size)
{
	struct elf64_segment segs[MAX_SEGMENTS];
	const char *why = "?";
	bool entry_inside = false;
	size_t n;

	if (elf64_parse(image, size, entry, segs, MAX_SEGMENTS, &n, &why)) {
		snprintf(err, err_size, "not a loadable ELF64 image: %s", why);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct elf64_segment *s = &segs[i];

		if (s->paddr < CAIRN_GUEST_IMAGE_MIN || !dm_gpa_to_hva(mem, s->paddr, s->memsz)) {
			snprintf(err, err_size,
				 "segment 0x%" PRIx64 "+0x%" PRIx64 " is outside guest memory "
				 "[0x%x, 0x%" PRIx64 ")",
				 s->paddr, s->memsz, CAIRN_GUEST_IMAGE_MIN, mem->size);
			return -EINVAL;
		}
		if (*entry >= s->paddr && *entry - s->paddr < s->memsz)
			entry_inside = true;
	}
	if (!entry_inside) {
		snprintf(err, err_size, "entry 0x%" PRIx64 " is in no loaded segment", *entry);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *dst = dm_gpa_to_hva(mem, segs[i].paddr, segs[i].memsz);

		memcpy(dst, (const uint8_t *)image + segs[i].offset, segs[i].filesz);
		memset(dst + segs[i].filesz, 0, segs[i].memsz - segs[i].filesz);
	}
	return 0;
}

int dm_elf_load_file(struct dm_mem *mem, const char *path, uint64_t *entry, char *err,
		     size_t err_size)
{
	uint8_t *image;
	size_t size;
	int rc = dm_image_file_read(path, MAX_IMAGE_SIZE, &image, &size, err, err_size);

	if (rc)
		return rc;
	rc = dm_elf_load(mem, image, size, entry, err, err_size);
	free(image);
	return rc;
}
