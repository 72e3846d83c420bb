/* Periodic hypervisor chores: console input (shell or a VM's vUART) and partition watchdogs. */
#include "core/console.h"
#include "core/housekeeping.h"
#include "core/pcpu.h"
#include "core/shell.h"
#include "core/vm.h"
#include "core/vm_lifecycle.h"
#include "drivers/uart16550.h"
#include "lib/format.h"
#include "lib/spinlock.h"
#include "x86/lapic.h"
#include "x86/tsc.h"

#define POLL_PERIOD_US 10000

static spinlock_t chores_lock = SPINLOCK_INIT;
static volatile uint64_t next_poll_tsc;

void housekeeping_init(void)
{
	lapic_timer_calibrate();
	for (uint32_t i = 0; i < pcpu_count; i++) {
		if (pcpus[i].state == PCPU_ONLINE && !pcpus[i].vcpu) {
			pcpus[i].housekeeper = true;
			printf("cairn: housekeeping (console input, watchdogs) on pCPU %u\n", i);
			/* An AP already waits (interrupts off): wake it so it arms its timer. */
			pcpu_post(&pcpus[i], 0);
			return;
		}
	}
	printf("cairn: no free pCPU: console input and watchdogs are served on VM exits\n");
}

void housekeeping_adopt(struct pcpu *cpu)
{
	for (uint32_t i = 0; i < pcpu_count; i++)
		if (pcpus[i].housekeeper)
			return;
	cpu->housekeeper = true;
	printf("cairn: housekeeping (console input, watchdogs) moves to pCPU %u\n", cpu->id);
}

static void check_watchdogs(void)
{
	char what[96];

	for (size_t i = 0; i < MAX_VMS; i++) {
		struct vm *vm = &vms[i];
		uint64_t deadline = vm->watchdog_deadline;
		if (vm->state != VM_RUNNING || !deadline || !tsc_passed(deadline))
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
	next_poll_tsc = tsc_deadline_us(POLL_PERIOD_US);
	while ((c = uart16550_getc(COM1_PORT)) >= 0)
		shell_input(c);
	for (size_t i = 0; i < MAX_VMS; i++)
		if (vms[i].state == VM_RUNNING)
			vuart_flush_pending(&vms[i]);
	check_watchdogs();
	spin_unlock(&chores_lock);
}

void housekeeping_poll(void)
{
	if (tsc_passed(next_poll_tsc))
		housekeeping_run();
}

void housekeeping_arm_timer(void)
{
	lapic_timer_oneshot_us(POLL_PERIOD_US);
}
