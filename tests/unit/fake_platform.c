/* SPDX-License-Identifier: BSD-3-Clause */
/* Host stand-ins for the hypervisor services guest code calls beyond virt.h, all recorded. */
#include <stdio.h>
#include <stdlib.h>

#include "core/vcpu.h"
#include "core/vm_lifecycle.h"
#include "lib/errno.h"
#include "mm/phys_mem.h"
#include "x86/cpu.h"
#include "x86/guest/ioapic_pt.h"
#include "x86/lapic.h"
#include "x86/rtc.h"
#include "fake_cpu.h"
#include "fake_platform.h"

#define LAPIC_REGS 0x400

/* --- pCPUs and their mailboxes (core/pcpu.c) --- */

struct pcpu pcpus[MAX_PCPUS];
uint32_t pcpu_count;
static uint32_t posted[MAX_PCPUS];
static unsigned post_count;

void pcpu_post(struct pcpu *cpu, uint32_t requests)
{
	__atomic_fetch_or(&cpu->mailbox, requests, __ATOMIC_SEQ_CST);
	posted[cpu->id] |= requests;
	post_count++;
}

uint32_t pcpu_take_requests(struct pcpu *cpu)
{
	return __atomic_exchange_n(&cpu->mailbox, 0, __ATOMIC_SEQ_CST);
}

uint32_t fake_pcpu_posted(uint32_t pcpu_id)
{
	return pcpu_id < MAX_PCPUS ? posted[pcpu_id] : 0;
}

unsigned fake_pcpu_post_count(void)
{
	return post_count;
}

int allocate_pcpu(uint32_t id, struct vcpu *vcpu)
{
	if (id >= MAX_PCPUS || pcpus[id].state != PCPU_ONLINE)
		return -ENODEV;
	if (pcpus[id].vcpu)
		return -EBUSY;
	pcpus[id].vcpu = vcpu;
	return 0;
}

void free_pcpu(uint32_t id)
{
	if (id < MAX_PCPUS)
		pcpus[id].vcpu = NULL;
}

/* --- the LAPIC of the pCPU the test runs "on" (arch/x86/lapic.c) --- */

uint64_t lapic_base = FAKE_LAPIC_BASE;
static uint32_t lapic_regs[LAPIC_REGS / 4];
static unsigned lapic_writes[LAPIC_REGS / 4];
static struct fake_ipi ipis[FAKE_MAX_RECORDS];
static unsigned ipi_count;

static uint32_t *lapic_reg(uint32_t reg)
{
	if (reg >= LAPIC_REGS || (reg & 0xF)) {
		fprintf(stderr, "fake_platform: LAPIC register 0x%x\n", reg);
		abort();
	}
	return &lapic_regs[reg / 4];
}

uint32_t lapic_read(uint32_t reg)
{
	return *lapic_reg(reg);
}

void lapic_write(uint32_t reg, uint32_t value)
{
	*lapic_reg(reg) = value;
	lapic_writes[reg / 4]++;
}

void fake_lapic_set(uint32_t reg, uint32_t value)
{
	*lapic_reg(reg) = value;
}

uint32_t fake_lapic_get(uint32_t reg)
{
	return *lapic_reg(reg);
}

unsigned fake_lapic_write_count(uint32_t reg)
{
	return lapic_writes[lapic_reg(reg) - lapic_regs];
}

int lapic_send_ipi(uint32_t dest_apic_id, uint32_t icr_low)
{
	if (ipi_count < FAKE_MAX_RECORDS)
		ipis[ipi_count] = (struct fake_ipi){ dest_apic_id, icr_low };
	ipi_count++;
	return 0;
}

unsigned fake_lapic_ipi_count(void)
{
	return ipi_count;
}

struct fake_ipi fake_lapic_ipi(unsigned index)
{
	return index < ipi_count && index < FAKE_MAX_RECORDS ? ipis[index] : (struct fake_ipi){ 0 };
}

uint32_t lapic_id(void)
{
	return *lapic_reg(LAPIC_REG_ID) >> 24;
}

/* --- the boot date (arch/x86/rtc.c) --- */

static uint64_t rtc_tsc;

bool rtc_unix_time_at(uint64_t tsc, uint64_t *sec, uint32_t *nsec)
{
	rtc_tsc = tsc;
	*sec = FAKE_BOOT_UNIX;
	*nsec = 0;
	return true;
}

uint64_t fake_rtc_last_tsc(void)
{
	return rtc_tsc;
}

/* --- memory, VM lifecycle and release (mm/, core/vm_lifecycle.c, guest/ioapic_pt.c) --- */

static unsigned ioapic_releases;

void ioapic_pt_release(struct vm *vm)
{
	ioapic_releases++;
}

unsigned fake_ioapic_release_count(void)
{
	return ioapic_releases;
}

int phys_free_pages(uint64_t pa, size_t count)
{
	return 0;
}

static enum fake_lifecycle_call last_call;
static struct vm *last_call_vm;
static unsigned lifecycle_calls;

static int lifecycle(enum fake_lifecycle_call call, struct vm *vm)
{
	last_call = call;
	last_call_vm = vm;
	lifecycle_calls++;
	return 0;
}

enum fake_lifecycle_call fake_lifecycle_last(struct vm **vm)
{
	if (vm)
		*vm = last_call_vm;
	return last_call;
}

unsigned fake_lifecycle_count(void)
{
	return lifecycle_calls;
}

int vm_start(struct vm *vm)
{
	return lifecycle(FAKE_LC_START, vm);
}

int vm_pause(struct vm *vm)
{
	return lifecycle(FAKE_LC_PAUSE, vm);
}

int vm_resume(struct vm *vm)
{
	return lifecycle(FAKE_LC_RESUME, vm);
}

int vm_stop(struct vm *vm, const char *why)
{
	return lifecycle(FAKE_LC_STOP, vm);
}

/* --- what the run loop calls around the exit handlers (core/vcpu_run.c) --- */

static unsigned vm_faults;
static enum exit_reason vm_fault_reason;
static char vm_fault_text[sizeof(((struct vcpu *)0)->fault)];
static unsigned stops, resets;

void vm_fault(struct vcpu *vcpu, enum exit_reason reason)
{
	vm_faults++;
	vm_fault_reason = reason;
	snprintf(vm_fault_text, sizeof(vm_fault_text), "%s", vcpu->fault);
}

unsigned fake_vm_fault_count(void)
{
	return vm_faults;
}

const char *fake_vm_fault_text(enum exit_reason *reason)
{
	if (reason)
		*reason = vm_fault_reason;
	return vm_faults ? vm_fault_text : NULL;
}

void vcpu_retire(struct vcpu *vcpu)
{
	stops++; /* the vCPU stays as it was, so that the next fake_run_exit() runs it again */
}

void vcpu_reset(struct vcpu *vcpu)
{
	resets++;
}

unsigned fake_vcpu_reset_count(void)
{
	return resets;
}

unsigned fake_vcpu_retired_count(void)
{
	return stops;
}

void housekeeping_poll(void)
{
}

static fake_wait_fn wait_hook;
static void *wait_hook_arg;
static unsigned waits, relaxes;

void fake_set_wait_hook(fake_wait_fn hook, void *arg)
{
	wait_hook = hook;
	wait_hook_arg = arg;
}

/*
 * The vCPU has nothing to run (halted, waiting for SIPI, paused, waiting for an I/O answer): the
 * test's hook plays the rest of the machine; without one (or when it is done) the run ends.
 */
void pcpu_wait_signal(volatile uint32_t *mailbox, bool allow_irq)
{
	waits++;
	if (wait_hook && wait_hook(wait_hook_arg, false))
		return;
	__atomic_fetch_or(mailbox, PCPU_REQ_STOP, __ATOMIC_SEQ_CST);
}

unsigned fake_wait_count(void)
{
	return waits;
}

/* --- busy waits (arch_cpu_relax): the other pCPUs' turn, and time passing --- */

static void (*relax_hook)(void *ctx);
static void *relax_ctx;

void fake_set_relax_hook(void (*hook)(void *ctx), void *ctx)
{
	relax_hook = hook;
	relax_ctx = ctx;
}

unsigned fake_relax_count(void)
{
	return relaxes;
}

/*
 * A spin-wait turn: time passes, then the relax hook (the other pCPU) and the wait hook (the
 * Service VM answering a polled slot) run; a spin nothing can end is a failed test.
 */
void arch_cpu_relax(void)
{
	relaxes++;
	fake_cpu_set_tsc(rdtsc() + FAKE_RELAX_TICKS);
	if (relax_hook)
		relax_hook(relax_ctx);
	if (wait_hook && wait_hook(wait_hook_arg, true))
		return;
	if (relaxes > 100000) {
		fprintf(stderr, "fake_platform: spinning with nothing to end it\n");
		abort();
	}
}
