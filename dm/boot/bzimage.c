/* SPDX-License-Identifier: BSD-3-Clause */
/* Booting a Linux bzImage as a User VM: the x86 boot protocol, boot_params, e820, startup_32. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86/boot_defs.h"
#include "x86/guest/linux_boot.h"
#include "x86/vcpu_state.h"
#include "dm/acpi.h"
#include "dm/bzimage.h"
#include "dm/image_file.h"

/*
 * The header checks that every loader needs are the hypervisor's own (linux_boot.c, linked: it
 * boots the Service VM's kernel with them); this file adds what loading into a User VM's RAM at
 * pref_address through the 32-bit entry needs, then lays out memory as dm/bzimage.h says.
 * Every field of the file is the guest's and may be anything.
 */
#define HDR_JUMP_LEN	 0x201 /* the setup header ends at 0x202 + this byte */
#define HDR_LOADFLAGS	 0x211
#define HDR_CODE32_START 0x214
#define LOADED_HIGH	 (1u << 0)
#define PAGE		 4096ull
#define FOUR_GIB	 (1ull << 32)
#define GDT_DESC_CODE32	 0x00CF9A000000FFFFull /* flat 4 GiB, 32-bit, execute/read */
#define GDT_ENTRIES	 4		       /* null, null, __BOOT_CS, __BOOT_DS */
#define E820_ENTRIES	 3

static int refuse(char *err, size_t err_size, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int refuse(char *err, size_t err_size, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return rc;
}

static bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* What a User VM at pref_address needs beyond linux_image_parse(): fills placed->kernel_*. */
static int check_kernel(const struct dm_mem *mem, const uint8_t *image, size_t size,
			const struct linux_image_info *info, struct dm_linux_placed *placed,
			char *err, size_t err_size)
{
	uint64_t pref = info->pref_address, ram_top = mem->size < FOUR_GIB ? mem->size : FOUR_GIB;

	if (0x202u + image[HDR_JUMP_LEN] > size)
		return refuse(err, err_size, -EINVAL,
			      "the setup header runs past the end of the file");
	if (!(image[HDR_LOADFLAGS] & LOADED_HIGH))
		return refuse(err, err_size, -EINVAL,
			      "not a bzImage: loadflags has no LOADED_HIGH (a zImage?)");
	if (info->relocatable && (!power_of_two(info->kernel_alignment) ||
				  info->kernel_alignment < PAGE || pref % info->kernel_alignment))
		return refuse(err, err_size, -EINVAL,
			      "kernel_alignment 0x%x is not a power of two of 4 KiB or more that "
			      "pref_address 0x%" PRIx64 " keeps",
			      info->kernel_alignment, pref);
	if (pref < DM_LINUX_HIGH_RAM || pref % PAGE)
		return refuse(err, err_size, -EINVAL,
			      "pref_address 0x%" PRIx64 " is below 1 MiB or not page aligned",
			      pref);
	if (info->init_size == 0 || pref > ram_top || info->init_size > ram_top - pref)
		return refuse(err, err_size, -E2BIG,
			      "the kernel needs [0x%" PRIx64 ", +0x%" PRIx64
			      ") (pref_address, init_size): more than the VM's %" PRIu64
			      " MiB of RAM below 4 GiB",
			      pref, info->init_size, mem->size >> 20);
	placed->kernel_gpa = pref;
	placed->kernel_end = pref + info->init_size;
	placed->protocol = info->version;
	return 0;
}

/* The initrd at the top of RAM below initrd_addr_max, above the kernel's decompression area. */
static int place_initrd(const struct dm_mem *mem, const struct linux_image_info *info, size_t size,
			struct dm_linux_placed *placed, char *err, size_t err_size)
{
	uint64_t limit = (uint64_t)info->initrd_addr_max + 1;

	if (limit > mem->size)
		limit = mem->size;
	if (limit > FOUR_GIB)
		limit = FOUR_GIB;
	placed->initrd_gpa = 0;
	placed->initrd_size = size;
	if (!size)
		return 0;
	if (size > limit || ((limit - size) & ~(PAGE - 1)) < placed->kernel_end)
		return refuse(
			err, err_size, -E2BIG,
			"the initrd (%zu KiB) does not fit between the kernel's end 0x%" PRIx64
			" and 0x%" PRIx64 " (RAM top or initrd_addr_max)",
			size >> 10, placed->kernel_end, limit);
	placed->initrd_gpa = (limit - size) & ~(PAGE - 1);
	return 0;
}

static void write_gdt(struct dm_mem *mem)
{
	uint64_t gdt[GDT_ENTRIES] = { 0, 0, GDT_DESC_CODE32, GDT_DESC_DATA };

	memcpy(dm_gpa_to_hva(mem, DM_LINUX_GDT_GPA, sizeof(gdt)), gdt, sizeof(gdt));
}

/* Low RAM, the BIOS area (ACPI) reserved, RAM from 1 MiB up to the end: sorted, disjoint. */
static size_t build_e820(const struct dm_mem *mem, struct linux_e820_entry *e820)
{
	e820[0] = (struct linux_e820_entry){ 0, DM_LINUX_LOW_RAM_END, E820_RAM };
	e820[1] = (struct linux_e820_entry){ DM_ACPI_AREA_GPA, DM_ACPI_AREA_SIZE, E820_RESERVED };
	e820[2] = (struct linux_e820_entry){ DM_LINUX_HIGH_RAM, mem->size - DM_LINUX_HIGH_RAM,
					     E820_RAM };
	return E820_ENTRIES;
}

/* startup_32 (Documentation/arch/x86/boot.rst, 32-bit boot protocol) as ACRN's vCPU registers. */
static void startup_32_regs(const struct dm_linux_placed *placed, struct acrn_vcpu_regs *regs)
{
	struct acrn_regs *r = &regs->vcpu_regs;

	memset(regs, 0, sizeof(*regs));
	regs->vcpu_id = 0;
	r->gprs.rsi = DM_LINUX_ZERO_PAGE_GPA; /* EBP, EDI, EBX must be 0: they are */
	r->gdt.base = DM_LINUX_GDT_GPA;
	r->gdt.limit = GDT_ENTRIES * 8 - 1;
	r->rip = placed->kernel_gpa;
	r->cr0 = CR0_PE;
	r->rflags = 0x2; /* IF clear */
	r->cs_ar = seg_access_from_descriptor(GDT_DESC_CODE32);
	r->cs_limit = 0xFFFFFFFF;
	r->cs_sel = DM_LINUX_BOOT_CS;
	r->ss_sel = r->ds_sel = r->es_sel = r->fs_sel = r->gs_sel = DM_LINUX_BOOT_DS;
}

/* Everything in RAM once the checks passed; -errno from the ACPI builder or boot_params. */
static int write_ram(struct dm_mem *mem, const struct dm_linux_boot *b,
		     const struct linux_image_info *info, struct dm_linux_placed *placed,
		     const char *cmdline, char *err, size_t err_size)
{
	struct linux_e820_entry e820[E820_ENTRIES];
	struct linux_boot_setup setup = {
		.cmdline_pa = DM_LINUX_CMDLINE_GPA,
		.initrd_pa = placed->initrd_gpa,
		.initrd_size = placed->initrd_size,
		.e820 = e820,
	};
	uint32_t code32 = (uint32_t)placed->kernel_gpa;
	uint8_t *zero_page = dm_gpa_to_hva(mem, DM_LINUX_ZERO_PAGE_GPA, LINUX_BOOT_PARAMS_SIZE);
	int rc = dm_acpi_build(mem, b->apic_ids, b->ncpus, b->com1, &placed->rsdp_gpa);

	if (rc)
		return refuse(err, err_size, rc, "cannot build the ACPI tables: %s", strerror(-rc));
	setup.acpi_rsdp_pa = placed->rsdp_gpa;
	setup.e820_count = build_e820(mem, e820);
	rc = linux_boot_params_build(zero_page, b->kernel, b->kernel_size, &setup);
	if (rc) /* not after check_kernel(): a bug here, not the image */
		return refuse(err, err_size, rc, "cannot build boot_params: %s", strerror(-rc));
	memcpy(zero_page + HDR_CODE32_START, &code32, sizeof(code32));
	memcpy(dm_gpa_to_hva(mem, placed->kernel_gpa, info->kernel_size),
	       b->kernel + info->kernel_offset, info->kernel_size);
	if (placed->initrd_size)
		memcpy(dm_gpa_to_hva(mem, placed->initrd_gpa, placed->initrd_size), b->initrd,
		       placed->initrd_size);
	memcpy(dm_gpa_to_hva(mem, DM_LINUX_CMDLINE_GPA, strlen(cmdline) + 1), cmdline,
	       strlen(cmdline) + 1);
	write_gdt(mem);
	return 0;
}

int dm_linux_load(struct dm_mem *mem, const struct dm_linux_boot *b, struct acrn_vcpu_regs *regs,
		  struct dm_linux_placed *placed, char *err, size_t err_size)
{
	const char *cmdline = b->cmdline ? b->cmdline : "", *why = "?";
	struct linux_image_info info;
	size_t len = strlen(cmdline);
	int rc;

	memset(placed, 0, sizeof(*placed));
	if (!dm_gpa_to_hva(mem, 0, DM_LINUX_HIGH_RAM))
		return refuse(err, err_size, -E2BIG, "a Linux VM needs more than 1 MiB of RAM");
	if (linux_image_parse(b->kernel, b->kernel_size, &info, &why))
		return refuse(err, err_size, -EINVAL, "not a bootable bzImage: %s", why);
	rc = check_kernel(mem, b->kernel, b->kernel_size, &info, placed, err, err_size);
	if (!rc)
		rc = place_initrd(mem, &info, b->initrd ? b->initrd_size : 0, placed, err,
				  err_size);
	if (rc)
		return rc;
	if (len > info.cmdline_size || len > DM_LINUX_CMDLINE_MAX)
		return refuse(err, err_size, -E2BIG,
			      "the command line has %zu bytes; this kernel takes at most %u", len,
			      info.cmdline_size < DM_LINUX_CMDLINE_MAX ? info.cmdline_size
								       : DM_LINUX_CMDLINE_MAX);
	rc = write_ram(mem, b, &info, placed, cmdline, err, err_size);
	if (rc)
		return rc;
	startup_32_regs(placed, regs);
	return 0;
}

int dm_linux_load_files(struct dm_mem *mem, const char *kernel_path, const char *initrd_path,
			const char *cmdline, const uint32_t *apic_ids, size_t ncpus, bool com1,
			struct acrn_vcpu_regs *regs, struct dm_linux_placed *placed, char *err,
			size_t err_size)
{
	struct dm_linux_boot b = {
		.cmdline = cmdline, .apic_ids = apic_ids, .ncpus = ncpus, .com1 = com1
	};
	uint8_t *kernel = NULL, *initrd = NULL;
	int rc = dm_image_file_read(kernel_path, DM_LINUX_KERNEL_MAX, &kernel, &b.kernel_size, err,
				    err_size);

	if (!rc && initrd_path)
		rc = dm_image_file_read(initrd_path, mem->size, &initrd, &b.initrd_size, err,
					err_size);
	if (!rc) {
		b.kernel = kernel;
		b.initrd = initrd;
		rc = dm_linux_load(mem, &b, regs, placed, err, err_size);
	}
	free(kernel);
	free(initrd);
	return rc;
}
