/* SPDX-License-Identifier: BSD-3-Clause */
/* The PC a Service VM sees: identity-mapped memory, the machine's devices, its own ACPI and Linux. */
#include "cairn/guest_boot.h"
#include "core/arch.h"
#include "core/console.h"
#include "core/guest_ram.h"
#include "core/virt.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "acpi/acpi_vm_tables.h"
#include "devices/vuart.h"
#include "drivers/amd_iommu.h"
#include "drivers/pci_host.h"
#include "x86/guest/hpet_guard.h"
#include "x86/guest/ioapic_pt.h"
#include "x86/guest/lapic_pt.h"
#include "x86/guest/pci_cfg.h"
#include "x86/guest/port_guard.h"
#include "x86/guest/service_boot.h"
#include "x86/guest/service_dev.h"
#include "x86/lapic.h"
#include "x86/platform.h"

#define HYPERVISOR_KEEP (64 * MiB) /* free RAM the hypervisor keeps for itself */
#define LOW_MEMORY_END	(1 * MiB)
#define MAPPED_MIN_TOP	(64 * GiB) /* MMIO of the machine lives below this (and 64-bit BARs) */
#define UART_IRQ_PIN	4

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
		err = service_linux_load(vm, &sb);
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
	service_dev_reset(); /* MSI off until the new kernel's HSM enables it */
	printf("cairn: vm %s: restarting Linux; bus mastering turned off on %u PCI functions\n",
	       vm->name, pci_quiesce_bus_masters());
	int err = build_acpi(vm, &sb);
	if (!err)
		err = service_linux_load(vm, &sb);
	return err;
}
