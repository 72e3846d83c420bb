/* SPDX-License-Identifier: BSD-3-Clause */
/* Start-up sequence on the boot pCPU: banner, memory, platform, virtualization, secondary pCPUs. */
#include "core/arch.h"
#include "core/console.h"
#include "core/housekeeping.h"
#include "core/hypervisor.h"
#include "core/partition.h"
#include "core/pcpu.h"
#include "core/service_vm.h"
#include "core/virt.h"
#include "mm/phys_mem.h"

static const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return "usable";
	case BOOT_MEM_RESERVED:
		return "reserved";
	case BOOT_MEM_ACPI_RECLAIMABLE:
		return "ACPI data";
	case BOOT_MEM_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MEM_BAD:
		return "bad";
	default:
		return "unknown";
	}
}

static void print_boot_info(const struct boot_info *bi)
{
	printf("cairn: loaded by %s (multiboot %d), command line \"%s\"\n",
	       bi->loader_name[0] ? bi->loader_name : "an unnamed loader", bi->protocol,
	       bi->cmdline);
	for (size_t i = 0; i < bi->nregions; i++)
		printf("cairn: memory %016lx-%016lx %s\n", bi->regions[i].base,
		       bi->regions[i].base + bi->regions[i].len - 1,
		       mem_type_name(bi->regions[i].type));
	printf("cairn: %zu boot modules\n", bi->nmodules);
	for (size_t i = 0; i < bi->nmodules; i++)
		printf("cairn: module %zu: %08lx-%08lx (%lu bytes) \"%s\"\n", i,
		       bi->modules[i].start, bi->modules[i].end,
		       bi->modules[i].end - bi->modules[i].start, bi->modules[i].cmdline);
}

static void memory_init(const struct boot_info *bi)
{
	struct phys_mem_stats stats;
	uint64_t image_start, image_end;

	arch_image_extent(&image_start, &image_end);
	if (phys_mem_init(bi, image_start, image_end))
		panic("no usable memory for the page allocator");
	phys_mem_get_stats(&stats);
	if (arch_map_memory(stats.highest_usable))
		panic("cannot map RAM up to 0x%lx", stats.highest_usable);
	phys_mem_get_stats(&stats);
	printf("cairn: memory: %lu MiB usable RAM, %lu MiB free for the hypervisor and its guests "
	       "(image %lx-%lx)\n",
	       stats.usable_bytes / MiB, stats.free_bytes / MiB, image_start, image_end - 1);
}

static void print_pcpu_summary(void)
{
	printf("cairn: pCPUs online: %u of %u (APIC IDs", pcpu_online_count(), pcpu_count);
	for (uint32_t i = 0; i < pcpu_count; i++)
		if (pcpus[i].state == PCPU_ONLINE)
			printf(" %u", pcpus[i].apic_id);
	printf(")\n");
}

void hypervisor_main(const struct boot_info *bi)
{
	char reason[160];

	printf("\ncairn: Cairn partitioning hypervisor %s (x86-64, %s)\n", CAIRN_VERSION,
	       virt_vendor_name());
	print_boot_info(bi);
	memory_init(bi);
	if (arch_platform_init(bi))
		panic("platform discovery failed");

	if (virt_check_support(reason, sizeof(reason))) {
		printf("cairn: %s\ncairn: Cairn needs hardware virtualization; halting.\n", reason);
		arch_cpu_halt_forever();
	}
	if (virt_cpu_enable(&pcpus[0]))
		panic("cannot enable %s on the boot pCPU", virt_vendor_name());
	pcpus[0].state = PCPU_ONLINE;

	arch_start_secondary_pcpus();
	print_pcpu_summary();
	pcpu_ownership_init();
	partitions_start(bi);
	service_vm_start(bi);
	housekeeping_init();
	printf("cairn: ready\n");
	pcpu_idle();
}
