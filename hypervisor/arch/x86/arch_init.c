/* SPDX-License-Identifier: BSD-3-Clause */
/* x86 side of start-up: image extent, memory map, ACPI CPU discovery, LAPIC, TSC, AP start. */
#include "core/arch.h"
#include "core/console.h"
#include "core/pcpu.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "drivers/amd_iommu.h"
#include "x86/chipset_lock.h"
#include "x86/cpu.h"
#include "x86/cpu_caches.h"
#include "x86/lapic.h"
#include "x86/paging.h"
#include "x86/platform.h"
#include "x86/rtc.h"
#include "x86/smp.h"
#include "x86/tsc.h"

extern const uint8_t __image_start[], __image_end[];

void arch_image_extent(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)(uintptr_t)__image_start;
	*end = (uint64_t)(uintptr_t)__image_end;
}

int arch_map_memory(uint64_t end)
{
	int err = paging_map_ram_above_4g(end);

	write_cr3(read_cr3());
	return err;
}

static void pcpu_add(uint32_t apic_id)
{
	struct pcpu *cpu = &pcpus[pcpu_count];

	cpu->id = pcpu_count++;
	cpu->apic_id = apic_id;
}

/*
 * pcpus[] = the boot pCPU, then every enabled MADT CPU in table order. With `cpus=madt-all` on the
 * command line, CPUs the MADT marks disabled are tried too (a diagnostic: they usually do not exist).
 */
static void pcpus_from_madt(const struct boot_info *bi, uint32_t bsp_apic_id)
{
	char value[16];
	bool try_all = cmdline_get(bi->cmdline, "cpus", value, sizeof(value)) &&
		       strcmp(value, "madt-all") == 0;
	bool bsp_listed = false;

	pcpu_add(bsp_apic_id);
	for (size_t i = 0; i < platform.madt.ncpus; i++) {
		const struct acpi_cpu *c = &platform.madt.cpus[i];
		if (c->apic_id == bsp_apic_id) {
			bsp_listed = true;
			continue;
		}
		if (!c->enabled && !try_all)
			continue;
		if (pcpu_count == MAX_PCPUS) {
			printf("cairn: more than %u CPUs; APIC ID %u and later are not used\n",
			       MAX_PCPUS, c->apic_id);
			break;
		}
		pcpu_add(c->apic_id);
	}
	if (!bsp_listed)
		printf("cairn: warning: the boot CPU (APIC ID %u) is not in the MADT\n",
		       bsp_apic_id);
}

static void print_platform(void)
{
	printf("cairn: ACPI: %zu CPUs in the MADT, LAPIC at 0x%lx", platform.madt.ncpus,
	       platform.madt.lapic_address);
	for (size_t i = 0; i < platform.madt.nioapics; i++)
		printf(", IOAPIC %u at 0x%lx (GSI %u)", platform.madt.ioapics[i].id,
		       platform.madt.ioapics[i].address, platform.madt.ioapics[i].gsi_base);
	printf("\n");
	if (platform.has_fadt && platform.fadt.pm_timer_port)
		printf("cairn: ACPI PM timer at port 0x%x (%s-bit)\n", platform.fadt.pm_timer_port,
		       platform.fadt.pm_timer_32bit ? "32" : "24");
	if (platform.hpet_base)
		printf("cairn: HPET at 0x%lx\n", platform.hpet_base);
}

int arch_platform_init(const struct boot_info *bi)
{
	const char *source = "";
	int err = platform_discover(bi);

	if (err)
		return err;
	print_platform();
	/* The 8259s stay masked: the firmware's timer on LINT0 would otherwise reach an idle pCPU. */
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	lapic_init_cpu();
	pcpus_from_madt(bi, lapic_id());
	cpu_caches_check(0);

	err = tsc_calibrate(platform.has_fadt ? platform.fadt.pm_timer_port : 0,
			    platform.fadt.pm_timer_32bit, platform.hpet_base, &source);
	if (err) {
		printf("cairn: cannot calibrate the TSC: no ACPI PM timer and no HPET\n");
		return err;
	}
	printf("cairn: TSC frequency: %lu kHz (calibrated against the %s)\n", tsc_khz, source);
	/* Before any VM starts: a pCPU that adopts housekeeping early needs the timer's rate. */
	lapic_timer_calibrate();
	rtc_boot_time_init();	       /* before any guest owns the CMOS ports */
	amd_iommu_init(platform.rsdp); /* before any VM exists: every device starts blocked */
	chipset_lock_boot();	       /* before any guest owns the chipset */
	return 0;
}

void arch_start_secondary_pcpus(void)
{
	smp_start_aps();
	cpu_caches_report();
}
