/* The PC a Service VM sees: identity-mapped memory, the machine's devices, its own ACPI and Linux. */
#include "core/arch.h"
#include "acpi/acpi_vm_tables.h"
#include "cairn/guest_boot.h"
#include "core/console.h"
#include "core/guest_ram.h"
#include "core/virt.h"
#include "devices/vuart.h"
#include "drivers/amd_iommu.h"
#include "drivers/pci_host.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/guest/boot_tables.h"
#include "x86/guest/entry_state.h"
#include "x86/guest/hpet_guard.h"
#include "x86/guest/ioapic_pt.h"
#include "x86/lapic.h"
#include "x86/guest/lapic_pt.h"
#include "x86/guest/linux_boot.h"
#include "x86/guest/pci_cfg.h"
#include "x86/platform.h"
#include "x86/guest/port_guard.h"

#define HYPERVISOR_KEEP (64 * MiB) /* free RAM the hypervisor keeps for itself */
#define LOW_MEMORY_END	(1 * MiB)
#define MAPPED_MIN_TOP	(64 * GiB) /* MMIO of the machine lives below this (and 64-bit BARs) */
#define KERNEL_MIN_LOAD (16 * MiB)
#define UART_IRQ_PIN	4
#define LINUX_ENTRY_MAP (4 * GiB) /* what the entry page tables map: Linux builds its own */
#define LINUX_BOOT_CS	0x10	  /* Linux's __BOOT_CS; __BOOT_DS follows at 0x18 */

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

_Static_assert(AREA_PAGE_TABLES + BOOT_TABLES_PAGE_TABLES_SIZE(LINUX_ENTRY_MAP) < AREA_STACK_TOP,
	       "the boot area's page tables leave room for the stack");

static int give_ram(struct vm *vm)
{
	uint64_t bases[MAX_RAM_RANGES], sizes[MAX_RAM_RANGES];
	size_t n = phys_mem_take_free(HYPERVISOR_KEEP, vm->config->memory_size, bases, sizes,
				      MAX_RAM_RANGES);

	for (size_t i = 0; i < n; i++) {
		vm->ram[vm->nram++] = (struct ram_range){ bases[i], sizes[i] };
		vm->mem_size += sizes[i];
	}
	return n ? 0 : -ENOMEM;
}

/*
 * GPA = HPA for everything the machine has below max(64 GiB, top of RAM), except RAM that is not
 * the VM's (the hypervisor, its allocations, other partitions) and the trapped APIC pages.
 */
static int map_machine(struct vm *vm, const struct boot_info *bi, const struct service_boot *sb)
{
	struct phys_mem_stats stats;
	int err;

	phys_mem_get_stats(&stats);
	uint64_t top = ALIGN_UP(MAX(MAPPED_MIN_TOP, stats.highest_usable), GiB);
	err = virt_vm_map(vm, 0, 0, top, VIRT_MEM_RWX);
	for (size_t i = 0; !err && i < bi->nregions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		uint64_t start = ALIGN_DOWN(MAX(r->base, LOW_MEMORY_END), PAGE_SIZE);
		uint64_t end = ALIGN_UP(r->base + r->len, PAGE_SIZE);
		if (r->type == BOOT_MEM_USABLE && end > start)
			err = virt_vm_unmap(vm, start, end - start);
	}
	for (size_t i = 0; !err && i < vm->nram; i++)
		err = virt_vm_map(vm, vm->ram[i].base, vm->ram[i].base, vm->ram[i].size,
				  VIRT_MEM_RWX);
	if (!err)
		err = virt_vm_map(vm, sb->area, sb->area, AREA_SIZE, VIRT_MEM_RWX);
	return err;
}

/*
 * The IOMMU lets the VM's devices DMA into exactly the RAM it owns (its RAM ranges, the initrd,
 * the boot area: what map_machine() maps as RAM), and its registers leave the VM's view.
 */
static int confine_dma(struct vm *vm, const struct service_boot *sb)
{
	int err = 0;

	/* Its RAM (the initrd is copied into it) and its boot area: nothing else. */
	for (size_t i = 0; !err && i < vm->nram; i++)
		err = amd_iommu_service_map(vm->ram[i].base, vm->ram[i].size);
	if (!err)
		err = amd_iommu_service_map(sb->area, AREA_SIZE);
	if (!err)
		err = amd_iommu_service_attach();
	/* The IOMMUs are the hypervisor's: registers unmapped, PCI functions hidden. */
	for (size_t i = 0; !err && i < amd_iommu_count(); i++)
		err = virt_vm_unmap(vm, amd_iommu_mmio_base(i), AMD_IOMMU_MMIO_SIZE);
	for (size_t i = 0; !err && i < amd_iommu_count(); i++)
		err = pci_cfg_hide(vm, amd_iommu_pci_function(i));
	if (err)
		printf("cairn: vm %s: IOMMU set-up failed (error %d)\n", vm->name, err);
	return err;
}

static int attach_devices(struct vm *vm, const struct boot_info *bi)
{
	int err = lapic_pt_attach(vm);

	for (size_t i = 0; !err && i < platform.madt.nioapics; i++)
		err = ioapic_pt_attach(vm, platform.madt.ioapics[i].address);
	virt_vm_trap_io(vm, 0, 0x10000, false); /* the machine's ports are the Service VM's ... */
	if (!err)
		err = vuart_attach(vm, CAIRN_VUART_PORT, true, UART_IRQ_PIN); /* ... but COM1 */
	if (!err)
		err = port_guard_attach(vm);
	if (!err)
		err = hpet_guard_attach(vm, platform.hpet_base);
	char hide[128];
	if (!err && cmdline_get(bi->cmdline, "pci_hide", hide, sizeof(hide)))
		err = pci_cfg_hide_list(vm, hide); /* functions the Service VM must not see */
	if (!err)
		err = pci_cfg_attach(vm, bi); /* after the guard: 0xCF9 is the reset register */
	return err;
}

static void e820_add(struct service_boot *sb, uint64_t addr, uint64_t size, uint32_t type)
{
	if (size && sb->ne820 < LINUX_E820_MAX)
		sb->e820[sb->ne820++] = (struct linux_e820_entry){ addr, size, type };
}

/* The firmware's map below 1 MiB and its non-RAM ranges, then the VM's own RAM and boot area. */
static void build_e820(struct vm *vm, const struct boot_info *bi, struct service_boot *sb)
{
	for (size_t i = 0; i < bi->nregions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		if (r->base < LOW_MEMORY_END)
			e820_add(sb, r->base, MIN(r->base + r->len, LOW_MEMORY_END) - r->base,
				 r->type);
		else if (r->type != BOOT_MEM_USABLE)
			e820_add(sb, r->base, r->len, r->type);
	}
	for (size_t i = 0; i < vm->nram; i++)
		e820_add(sb, vm->ram[i].base, vm->ram[i].size, E820_RAM);
	e820_add(sb, sb->area, AREA_ACPI, E820_RESERVED);
	e820_add(sb, sb->area + AREA_ACPI, ACPI_VM_TABLES_SIZE, E820_ACPI);
	linux_e820_sort(sb->e820, sb->ne820);
}

static int build_acpi(struct vm *vm, struct service_boot *sb)
{
	uint32_t apic_ids[MAX_VCPUS_PER_VM];
	struct acpi_vm_cpus cpus = { apic_ids, vm->nvcpus };

	for (uint32_t i = 0; i < vm->nvcpus; i++)
		apic_ids[i] = vm->vcpus[i].pcpu->apic_id;
	return acpi_build_vm_tables(guest_ram_ptr(vm, sb->area + AREA_ACPI), sb->area + AREA_ACPI,
				    platform.rsdp, &cpus, &sb->rsdp_pa);
}

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
	return virt_vcpu_set_state(&vm->vcpus[0], &st);
}

static int load_linux(struct vm *vm, struct service_boot *sb)
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

static int find_modules(struct vm *vm, const struct boot_info *bi, struct service_boot *sb)
{
	sb->kernel = boot_module_find(bi, vm->config->image);
	sb->initrd = vm->config->initrd ? boot_module_find(bi, vm->config->initrd) : NULL;
	if (!sb->kernel || (vm->config->initrd && !sb->initrd)) {
		printf("cairn: vm %s: image check failed: no boot module named '%s'\n", vm->name,
		       sb->kernel ? vm->config->initrd : vm->config->image);
		return -ENOENT;
	}
	return 0;
}

/* What the Service VM was built from, kept for restarts (there is one Service VM). */
static struct service_boot sb;

/* Linux starts its APs with INIT and STARTUP IPIs; until then they wait. */
static void aps_wait_for_startup(struct vm *vm)
{
	for (uint32_t i = 1; i < vm->nvcpus; i++)
		vm->vcpus[i].arch.wait_for_sipi = true;
}

int arch_service_vm_build(struct vm *vm, const struct boot_info *bi)
{
	int err;

	vm->arch.owns_ports = true; /* a trapped port no device claims goes to the hardware */
	aps_wait_for_startup(vm);
	memset(&sb, 0, sizeof(sb));
	err = find_modules(vm, bi, &sb);
	if (!err)
		err = phys_alloc_pages(AREA_SIZE / PAGE_SIZE, 1, &sb.area);
	if (!err)
		err = give_ram(vm);
	if (!err)
		err = map_machine(vm, bi, &sb);
	if (!err)
		err = confine_dma(vm, &sb);
	if (!err)
		err = attach_devices(vm, bi);
	if (!err)
		err = build_acpi(vm, &sb);
	if (!err) {
		build_e820(vm, bi, &sb);
		err = load_linux(vm, &sb);
	}
	return err;
}

int arch_service_vm_reload(struct vm *vm)
{
	if (!sb.kernel)
		return -ENOENT;
	aps_wait_for_startup(vm);
	ioapic_pt_mask_all(vm);
	port_guard_restart(vm);
	printf("cairn: vm %s: restarting Linux; bus mastering turned off on %u PCI functions\n",
	       vm->name, pci_quiesce_bus_masters());
	int err = build_acpi(vm, &sb);
	if (!err)
		err = load_linux(vm, &sb);
	return err;
}
