/* SPDX-License-Identifier: BSD-3-Clause */
/* Booting a Linux bzImage as a User VM: the x86 boot protocol, boot_params, e820, startup_32. */
#ifndef CAIRN_DM_BZIMAGE_H
#define CAIRN_DM_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cairn/acrn.h"
#include "dm/mem.h"

/*
 * Guest-physical layout (docs/user-vms.md, "Linux User VMs"): below 640 KiB the GDT, the zero
 * page and the command line, inside the first 64 KiB that Linux reserves for itself; the ACPI
 * tables in the BIOS area (dm/acpi.h); the protected-mode kernel at its pref_address (16 MiB
 * for Debian's), with init_size bytes for its decompression; the initrd at the top of RAM.
 */
#define DM_LINUX_GDT_GPA       0x1000ull
#define DM_LINUX_ZERO_PAGE_GPA 0x2000ull
#define DM_LINUX_CMDLINE_GPA   0x3000ull
#define DM_LINUX_CMDLINE_MAX   4095 /* one page with its NUL; the image's cmdline_size may say less */
#define DM_LINUX_LOW_RAM_END   0xA0000ull
#define DM_LINUX_HIGH_RAM      0x100000ull
#define DM_LINUX_KERNEL_MAX    (64u << 20) /* a bzImage file */
#define DM_LINUX_BOOT_CS       0x10	   /* Linux's __BOOT_CS; __BOOT_DS is 0x18 */
#define DM_LINUX_BOOT_DS       0x18

struct dm_linux_boot {
	const uint8_t *kernel; /* the bzImage file */
	size_t kernel_size;
	const uint8_t *initrd; /* NULL: none */
	size_t initrd_size;
	const char *cmdline;	  /* NULL: empty */
	const uint32_t *apic_ids; /* of the VM's pCPUs, vCPU 0 first (its MADT) */
	size_t ncpus;
	bool com1; /* -l com1,stdio: the DSDT describes the 16550 */
};

/* Where things went, for the log and the tests. */
struct dm_linux_placed {
	uint64_t kernel_gpa, kernel_end; /* [pref_address, + init_size) */
	uint64_t initrd_gpa, initrd_size;
	uint64_t rsdp_gpa;
	uint16_t protocol;
};

/*
 * Checks the bzImage (the hypervisor's linux_image_parse(), linked, then: loaded high, a
 * power-of-two alignment that pref_address keeps when relocatable, pref_address at or above 1 MiB,
 * [pref_address, + init_size) inside RAM and below 4 GiB) and that the initrd and the command line
 * fit, then writes the kernel, the initrd, the command line, the ACPI tables, boot_params with its
 * e820 and a GDT into RAM, and fills regs for HC_SET_VCPU_REGS: startup_32 at pref_address, paging
 * off, flat __BOOT_CS/__BOOT_DS, ESI = boot_params. 0, or -EINVAL / -E2BIG / -ERANGE with a
 * one-line reason in err; no RAM is written unless the image, initrd and command line pass.
 */
int dm_linux_load(struct dm_mem *mem, const struct dm_linux_boot *boot, struct acrn_vcpu_regs *regs,
		  struct dm_linux_placed *placed, char *err, size_t err_size);

/* dm_linux_load() with the kernel and the initrd (NULL: none) read from files. */
int dm_linux_load_files(struct dm_mem *mem, const char *kernel_path, const char *initrd_path,
			const char *cmdline, const uint32_t *apic_ids, size_t ncpus, bool com1,
			struct acrn_vcpu_regs *regs, struct dm_linux_placed *placed, char *err,
			size_t err_size);

#endif
