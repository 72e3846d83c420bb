/* SPDX-License-Identifier: BSD-3-Clause */
/* Periodic hypervisor chores: console input (shell or a VM's vUART), partition watchdogs, IOMMU events. */
#include "core/arch.h"
#include "core/console.h"
#include "core/housekeeping.h"
#include "core/pcpu.h"
#include "core/shell.h"
#include "core/time.h"
#include "core/vm.h"
#include "core/vm_lifecycle.h"
#include "lib/format.h"
#include "lib/spinlock.h"
#include "drivers/amd_iommu.h"
#include "drivers/uart16550.h"

#define POLL_PERIOD_US 10000

static spinlock_t chores_lock = SPINLOCK_INIT;
static volatile uint64_t next_poll;

static spinlock_t housekeeper_lock = SPINLOCK_INIT;
static struct pcpu *housekeeper;

/* Makes cpu the housekeeper unless there is one; true if it became it. */
static bool housekeeper_claim(struct pcpu *cpu)
{
	bool claimed = false;

	spin_lock(&housekeeper_lock);
	if (!housekeeper) {
		housekeeper = cpu;
		cpu->housekeeper = true;
		claimed = true;
	}
	spin_unlock(&housekeeper_lock);
	return claimed;
}

void housekeeping_init(void)
{
	for (uint32_t i = 0; i < pcpu_count; i++) {
		struct pcpu *cpu = &pcpus[i];
		if (cpu->state != PCPU_ONLINE || cpu->vcpu)
			continue;
		if (housekeeper_claim(cpu)) {
			printf("cairn: housekeeping (console input, watchdogs) on pCPU %u\n", i);
			/* An AP already waits in pcpu_idle() with interrupts off: wake it to start. */
			pcpu_post(cpu, PCPU_REQ_WAKE);
		}
		return;
	}
	if (!housekeeper)
		printf("cairn: no free pCPU: console input and watchdogs are served on VM exits\n");
}

void housekeeping_adopt(struct pcpu *cpu)
{
	if (housekeeper_claim(cpu))
		printf("cairn: housekeeping (console input, watchdogs) moves to pCPU %u\n",
		       cpu->id);
}

void housekeeping_leave(struct pcpu *cpu)
{
	bool left = false;

	spin_lock(&housekeeper_lock);
	if (housekeeper == cpu) {
		housekeeper = NULL;
		cpu->housekeeper = false;
		left = true;
	}
	spin_unlock(&housekeeper_lock);
	if (!left)
		return;
	arch_pcpu_reclaim(NULL, false); /* stops the timer, takes an expiry left pending */
	printf("cairn: pCPU %u runs a vCPU again: housekeeping is served on VM exits until a pCPU "
	       "is free\n",
	       cpu->id);
}

static void check_watchdogs(void)
{
	char what[96];

	for (size_t i = 0; i < MAX_VMS; i++) {
		struct vm *vm = &vms[i];
		uint64_t deadline = vm->watchdog_deadline;
		if (vm->state != VM_RUNNING || !deadline || !time_passed(deadline))
			continue;
		vm->watchdog_deadline = 0;
		format_snprintf(what, sizeof(what), "watchdog expired (no kick for %u ms)",
				vm->config->watchdog_ms);
		vm_fault_external(vm, what);
	}
}

static bool try_lock(spinlock_t *lock)
{
	return !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
}

void housekeeping_run(void)
{
	int c;

	if (!try_lock(&chores_lock))
		return;
	next_poll = time_deadline_us(POLL_PERIOD_US);
	/* Input waits in COM1 (and the sender) while the VM it goes to has no room. */
	while (shell_input_ready() && (c = uart16550_getc(COM1_PORT)) >= 0)
		shell_input(c);
	for (size_t i = 0; i < MAX_VMS; i++)
		if (vms[i].state == VM_RUNNING)
			vuart_flush_pending(&vms[i]);
	check_watchdogs();
	amd_iommu_poll_events();
	spin_unlock(&chores_lock);
}

void housekeeping_poll(void)
{
	if (time_passed(next_poll))
		housekeeping_run();
}

void housekeeping_arm_timer(void)
{
	arch_timer_oneshot_us(POLL_PERIOD_US);
}
