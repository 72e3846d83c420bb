/* SPDX-License-Identifier: BSD-3-Clause */
/* Brings the application processors online: trampoline, INIT-SIPI-SIPI, per-pCPU setup, timeouts. */
#include "core/console.h"
#include "core/pcpu.h"
#include "core/virt.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/boot_defs.h"
#include "x86/cpu.h"
#include "x86/cpu_caches.h"
#include "x86/lapic.h"
#include "x86/smp.h"
#include "x86/traps.h"
#include "x86/tsc.h"

#define AP_START_TIMEOUT_MS    1000u
#define INIT_DEASSERT_DELAY_US 10000
#define SIPI_RETRY_DELAY_US    200

extern const uint8_t trampoline_start[], trampoline_end[];
extern uint64_t trampoline_cr3, trampoline_stack, trampoline_pcpu;

static uint64_t *trampoline_slot(uint64_t *label)
{
	uintptr_t offset = (uintptr_t)label - (uintptr_t)trampoline_start;
	return phys_to_virt(TRAMPOLINE_BASE + offset);
}

static void trampoline_install(void)
{
	/* Two linker symbols bracket the blob: subtract addresses, not pointers to two objects. */
	size_t size = (uintptr_t)trampoline_end - (uintptr_t)trampoline_start;

	memcpy(phys_to_virt(TRAMPOLINE_BASE), trampoline_start, size);
	*trampoline_slot(&trampoline_cr3) = read_cr3();
}

static bool wait_until_started(struct pcpu *cpu, uint64_t timeout_us)
{
	uint64_t deadline = tsc_deadline_us(timeout_us);

	while (cpu->state == PCPU_STARTING) {
		if (tsc_passed(deadline))
			return false;
		cpu_relax();
	}
	return true;
}

static void smp_start_one(struct pcpu *cpu)
{
	uint64_t stack;

	if (phys_alloc_pages(PCPU_STACK_SIZE / PAGE_SIZE, 1, &stack)) {
		printf("cairn: pCPU %u (APIC ID %u): no memory for its stack\n", cpu->id,
		       cpu->apic_id);
		cpu->state = PCPU_FAILED;
		return;
	}
	cpu->stack_top = stack + PCPU_STACK_SIZE;
	cpu->state = PCPU_STARTING;
	*trampoline_slot(&trampoline_stack) = cpu->stack_top;
	*trampoline_slot(&trampoline_pcpu) = (uint64_t)(uintptr_t)cpu;

	uint32_t sipi = ICR_DM_STARTUP | (TRAMPOLINE_BASE >> 12);
	lapic_send_ipi(cpu->apic_id, ICR_DM_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL);
	lapic_send_ipi(cpu->apic_id, ICR_DM_INIT | ICR_TRIGGER_LEVEL);
	tsc_delay_us(INIT_DEASSERT_DELAY_US);
	lapic_send_ipi(cpu->apic_id, sipi);
	if (!wait_until_started(cpu, SIPI_RETRY_DELAY_US))
		lapic_send_ipi(cpu->apic_id, sipi);
	if (!wait_until_started(cpu, AP_START_TIMEOUT_MS * 1000ull)) {
		cpu->state = PCPU_FAILED;
		printf("cairn: pCPU %u (APIC ID %u) did not start: no answer to INIT-SIPI-SIPI "
		       "within %u ms\n",
		       cpu->id, cpu->apic_id, AP_START_TIMEOUT_MS);
		/* The stack is left allocated: a late AP could still be running on it. */
	}
}

void smp_start_aps(void)
{
	trampoline_install();
	for (uint32_t i = 1; i < pcpu_count; i++)
		smp_start_one(&pcpus[i]);
}

void smp_ap_entry(struct pcpu *cpu)
{
	pcpu_set_current(cpu);
	cpu_caches_check(cpu->id);
	traps_init_cpu();
	lapic_init_cpu();
	if (lapic_id() != cpu->apic_id) {
		printf("cairn: pCPU %u woke with APIC ID %u, expected %u\n", cpu->id, lapic_id(),
		       cpu->apic_id);
		cpu->state = PCPU_FAILED;
		cpu_halt_forever();
	}
	int err = virt_cpu_enable(cpu);
	if (err) {
		printf("cairn: pCPU %u (APIC ID %u): cannot enable %s (error %d)\n", cpu->id,
		       cpu->apic_id, virt_vendor_name(), err);
		cpu->state = PCPU_FAILED;
		cpu_halt_forever();
	}
	__atomic_store_n(&cpu->state, PCPU_ONLINE, __ATOMIC_RELEASE);
	pcpu_idle();
}
