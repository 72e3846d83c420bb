/* SPDX-License-Identifier: BSD-3-Clause */
/* Loading the Service VM's Linux: kernel and initrd placed in its RAM, boot_params, the 64-bit entry. */
#include "core/console.h"
#include "core/guest_ram.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/guest/boot_tables.h"
#include "x86/guest/entry_state.h"
#include "x86/guest/service_boot.h"

#define KERNEL_MIN_LOAD (16 * MiB)
#define LINUX_ENTRY_MAP (4 * GiB) /* what the entry page tables map: Linux builds its own */
#define LINUX_BOOT_CS	0x10	  /* Linux's __BOOT_CS; __BOOT_DS follows at 0x18 */

_Static_assert(AREA_PAGE_TABLES + BOOT_TABLES_PAGE_TABLES_SIZE(LINUX_ENTRY_MAP) < AREA_STACK_TOP,
	       "the boot area's page tables leave room for the stack");

/* Lowest kernel_alignment-aligned spot of init_size bytes in the VM's RAM, at 16 MiB or above. */
static int place_kernel(struct vm *vm, struct service_boot *sb)
{
	uint64_t align = MAX(sb->info.kernel_alignment, 2 * MiB);

	for (size_t i = 0; i < vm->nram; i++) {
		uint64_t start = ALIGN_UP(MAX(vm->ram[i].base, KERNEL_MIN_LOAD), align);
		uint64_t end = vm->ram[i].base + vm->ram[i].size;
		if (start + sb->info.init_size <= end && start + sb->info.init_size <= 4 * GiB) {
			sb->kernel_pa = start;
			return 0;
		}
	}
	printf("cairn: vm %s: no room for the kernel (%lu MiB from 16 MiB up)\n", vm->name,
	       sb->info.init_size / MiB);
	return -ENOMEM;
}

/*
 * The initrd's place in the VM's RAM: the top of the highest range that ends within both 4 GiB
 * and the kernel's initrd_addr_max, above the kernel's decompression area. The module itself
 * stays outside the VM's memory, so a restart can copy it in again.
 */
static int place_initrd(struct vm *vm, struct service_boot *sb)
{
	uint64_t size = sb->initrd->end - sb->initrd->start;
	uint64_t limit = MIN((uint64_t)sb->info.initrd_addr_max + 1, 4 * GiB);
	uint64_t kernel_end = sb->kernel_pa + sb->info.init_size;

	sb->initrd_pa = 0;
	for (size_t i = 0; i < vm->nram; i++) {
		uint64_t start = MAX(vm->ram[i].base, kernel_end);
		uint64_t end = MIN(vm->ram[i].base + vm->ram[i].size, limit);
		if (end > start && end - start >= size)
			sb->initrd_pa = MAX(sb->initrd_pa, ALIGN_DOWN(end - size, PAGE_SIZE));
	}
	if (sb->initrd_pa)
		return 0;
	printf("cairn: vm %s: no room for the initrd (%lu KiB below 0x%lx)\n", vm->name, size / KiB,
	       limit);
	return -ENOMEM;
}

/* Linux's 64-bit entry: identity map of 0-4 GiB, __BOOT_CS/__BOOT_DS, RSI = boot_params. */
static int set_linux_entry(struct vm *vm, const struct service_boot *sb)
{
	const struct boot_tables tables = {
		.gdt = sb->area + AREA_GDT,
		.code_sel = LINUX_BOOT_CS,
		.page_tables = sb->area + AREA_PAGE_TABLES,
		.map_size = LINUX_ENTRY_MAP,
		.user = false,
	};
	struct long_mode_entry e = {
		.rip = sb->kernel_pa + 0x200, /* the 64-bit entry point */
		.rsp = sb->area + AREA_STACK_TOP,
	};
	struct vcpu_arch_state st;

	boot_tables_write(vm, &tables, &e);
	entry_state_long_mode(&st, &e);
	st.regs.rsi = sb->area + AREA_ZERO_PAGE;
	return vcpu_enter_state(&vm->vcpus[0], &st);
}

int service_linux_load(struct vm *vm, struct service_boot *sb)
{
	const uint8_t *image = phys_to_virt(sb->kernel->start);
	uint64_t size = sb->kernel->end - sb->kernel->start;
	const char *why;

	if (linux_image_parse(image, size, &sb->info, &why)) {
		printf("cairn: vm %s: image '%s' is not a bootable bzImage: %s\n", vm->name,
		       vm->config->image, why);
		return -EINVAL;
	}
	int err = place_kernel(vm, sb);
	if (!err && sb->initrd)
		err = place_initrd(vm, sb);
	if (err)
		return err;
	memcpy(guest_ram_ptr(vm, sb->kernel_pa), image + sb->info.kernel_offset,
	       sb->info.kernel_size);
	if (sb->initrd)
		memcpy(guest_ram_ptr(vm, sb->initrd_pa), phys_to_virt(sb->initrd->start),
		       sb->initrd->end - sb->initrd->start);

	size_t args = strlen(vm->config->args);
	if (args > sb->info.cmdline_size || args >= PAGE_SIZE)
		return -E2BIG;
	memcpy(guest_ram_ptr(vm, sb->area + AREA_CMDLINE), vm->config->args, args + 1);
	struct linux_boot_setup setup = {
		.cmdline_pa = sb->area + AREA_CMDLINE,
		.initrd_pa = sb->initrd ? sb->initrd_pa : 0,
		.initrd_size = sb->initrd ? sb->initrd->end - sb->initrd->start : 0,
		.acpi_rsdp_pa = sb->rsdp_pa,
		.e820 = sb->e820,
		.e820_count = sb->ne820,
	};
	err = linux_boot_params_build(guest_ram_ptr(vm, sb->area + AREA_ZERO_PAGE), image, size,
				      &setup);
	if (!err)
		err = set_linux_entry(vm, sb);
	if (err)
		return err;

	printf("cairn: vm %s: Linux boot protocol %x.%02x, kernel at 0x%lx, initrd %lu KiB at "
	       "0x%lx, command line \"%s\"\n",
	       vm->name, sb->info.version >> 8, sb->info.version & 0xFF, sb->kernel_pa,
	       setup.initrd_size / KiB, setup.initrd_pa, vm->config->args);
	return 0;
}
