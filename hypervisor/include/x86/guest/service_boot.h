/* SPDX-License-Identifier: BSD-3-Clause */
/* How the Service VM's Linux is booted: the boot area's layout and what its build keeps for restarts. */
#ifndef CAIRN_X86_GUEST_SERVICE_BOOT_H
#define CAIRN_X86_GUEST_SERVICE_BOOT_H

#include "core/boot_info.h"
#include "core/vm.h"
#include "acpi/acpi_vm_tables.h"
#include "x86/guest/linux_boot.h"

/* The boot area: pages the hypervisor writes for Linux, identity-mapped, reserved in e820. */
enum {
	AREA_ZERO_PAGE = 0x0000,
	AREA_CMDLINE = 0x1000,
	AREA_GDT = 0x2000,
	AREA_PAGE_TABLES = 0x3000, /* PML4, PDPT, four PDs: 0-4 GiB (boot_tables.h) */
	AREA_STACK_TOP = 0xA000,
	AREA_ACPI = 0xA000,
	AREA_SIZE = AREA_ACPI + ACPI_VM_TABLES_SIZE,
};

struct service_boot {
	uint64_t area;
	const struct boot_module *kernel, *initrd; /* kept private: copied in at every (re)load */
	struct linux_image_info info;
	uint64_t kernel_pa, initrd_pa, rsdp_pa;
	struct linux_e820_entry e820[LINUX_E820_MAX];
	size_t ne820;
};

/*
 * Copies the kernel and initrd named in sb into vm's RAM (placed by the bzImage's rules), writes
 * the command line and boot_params into the boot area (sb->area, with sb->e820 and sb->rsdp_pa
 * already built) and puts vCPU 0 at Linux's 64-bit entry. Used at build and at every restart.
 */
int service_linux_load(struct vm *vm, struct service_boot *sb);

#endif
