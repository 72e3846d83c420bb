/* SPDX-License-Identifier: BSD-3-Clause */
/* Booting a Linux bzImage through its 64-bit entry: setup-header checks and the boot_params page. */
#include "lib/errno.h"
#include "lib/string.h"
#include "x86/guest/linux_boot.h"

/* Offsets in the bzImage file and in boot_params (Documentation/x86/boot.rst, zero-page.rst). */
#define HDR_START	     0x1F1
#define HDR_SETUP_SECTS	     0x1F1
#define HDR_BOOT_FLAG	     0x1FE
#define HDR_JUMP_LEN	     0x201 /* header length = 0x202 + this byte - 0x1F1 */
#define HDR_MAGIC	     0x202
#define HDR_VERSION	     0x206
#define HDR_TYPE_OF_LOADER   0x210
#define HDR_LOADFLAGS	     0x211
#define HDR_RAMDISK_IMAGE    0x218
#define HDR_RAMDISK_SIZE     0x21C
#define HDR_CMD_LINE_PTR     0x228
#define HDR_INITRD_ADDR_MAX  0x22C
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE	     0x234
#define HDR_XLOADFLAGS	     0x236
#define HDR_CMDLINE_SIZE     0x238
#define HDR_PREF_ADDRESS     0x258
#define HDR_INIT_SIZE	     0x260
#define BP_ACPI_RSDP_ADDR    0x070
#define BP_EXT_RAMDISK_IMAGE 0x0C0
#define BP_EXT_RAMDISK_SIZE  0x0C4
#define BP_EXT_CMD_LINE_PTR  0x0C8
#define BP_E820_ENTRIES	     0x1E8
#define BP_E820_TABLE	     0x2D0

#define BOOT_FLAG      0xAA55
#define HDRS_MAGIC     0x53726448 /* "HdrS" */
#define XLF_KERNEL_64  (1u << 0)
#define LOADER_UNKNOWN 0xFF
#define MIN_PROTOCOL   0x020C

static uint32_t rd32(const uint8_t *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint16_t rd16(const uint8_t *p, size_t off)
{
	uint16_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void wr64(uint8_t *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static int reject(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

int linux_image_parse(const uint8_t *image, uint64_t size, struct linux_image_info *info,
		      const char **why)
{
	if (size < HDR_INIT_SIZE + 4)
		return reject(why, "too small for a bzImage");
	if (rd16(image, HDR_BOOT_FLAG) != BOOT_FLAG || rd32(image, HDR_MAGIC) != HDRS_MAGIC)
		return reject(why, "no Linux boot header (HdrS)");
	info->version = rd16(image, HDR_VERSION);
	if (info->version < MIN_PROTOCOL)
		return reject(why, "boot protocol older than 2.12");
	if (!(rd16(image, HDR_XLOADFLAGS) & XLF_KERNEL_64))
		return reject(why, "no 64-bit entry point (XLF_KERNEL_64)");
	uint32_t setup_sects = image[HDR_SETUP_SECTS] ? image[HDR_SETUP_SECTS] : 4;
	info->kernel_offset = (uint64_t)(setup_sects + 1) * 512;
	if (info->kernel_offset >= size)
		return reject(why, "setup sectors run past the end of the file");
	info->kernel_size = size - info->kernel_offset;
	info->pref_address = rd64(image, HDR_PREF_ADDRESS);
	info->init_size = rd32(image, HDR_INIT_SIZE);
	info->kernel_alignment = rd32(image, HDR_KERNEL_ALIGNMENT);
	info->relocatable = image[HDR_RELOCATABLE];
	info->cmdline_size = rd32(image, HDR_CMDLINE_SIZE);
	info->initrd_addr_max = rd32(image, HDR_INITRD_ADDR_MAX);
	if (info->init_size < info->kernel_size)
		return reject(why, "init_size smaller than the kernel");
	return 0;
}

void linux_e820_sort(struct linux_e820_entry *e820, size_t count)
{
	for (size_t i = 1; i < count; i++) {
		struct linux_e820_entry e = e820[i];
		size_t j = i;
		for (; j > 0 && e820[j - 1].addr > e.addr; j--)
			e820[j] = e820[j - 1];
		e820[j] = e;
	}
}

int linux_boot_params_build(uint8_t *zp, const uint8_t *image, uint64_t image_size,
			    const struct linux_boot_setup *s)
{
	if (s->e820_count > LINUX_E820_MAX)
		return -E2BIG;
	if (image_size <= HDR_JUMP_LEN)
		return -EINVAL;
	size_t hdr_end = 0x202 + image[HDR_JUMP_LEN];
	if (hdr_end > image_size || hdr_end > LINUX_BOOT_PARAMS_SIZE)
		return -EINVAL;
	memset(zp, 0, LINUX_BOOT_PARAMS_SIZE);
	/* Only the setup header: the rest of sector 0 (the sentinel at 0x1EF) must stay zero. */
	memcpy(zp + HDR_START, image + HDR_START, hdr_end - HDR_START);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNKNOWN;
	wr32(zp, HDR_CMD_LINE_PTR, (uint32_t)s->cmdline_pa);
	wr32(zp, BP_EXT_CMD_LINE_PTR, (uint32_t)(s->cmdline_pa >> 32));
	wr32(zp, HDR_RAMDISK_IMAGE, (uint32_t)s->initrd_pa);
	wr32(zp, BP_EXT_RAMDISK_IMAGE, (uint32_t)(s->initrd_pa >> 32));
	wr32(zp, HDR_RAMDISK_SIZE, (uint32_t)s->initrd_size);
	wr32(zp, BP_EXT_RAMDISK_SIZE, (uint32_t)(s->initrd_size >> 32));
	wr64(zp, BP_ACPI_RSDP_ADDR, s->acpi_rsdp_pa);
	zp[BP_E820_ENTRIES] = (uint8_t)s->e820_count;
	if (s->e820_count)
		memcpy(zp + BP_E820_TABLE, s->e820, s->e820_count * sizeof(*s->e820));
	return 0;
}
