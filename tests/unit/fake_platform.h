/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host stand-ins for the hypervisor services guest-facing code calls beyond core/virt.h: pCPU
 * mailboxes, the LAPIC, the boot date, VM lifecycle, the IOAPIC release, and what the run loop
 * calls around the exit handlers (vm_fault, vcpu_retire...), all recorded.
 */
#ifndef CAIRN_TESTS_UNIT_FAKE_PLATFORM_H
#define CAIRN_TESTS_UNIT_FAKE_PLATFORM_H

#include "core/pcpu.h"
#include "core/vm.h"

#define FAKE_MAX_RECORDS 256
#define FAKE_LAPIC_BASE	 0xFEE00000ull
#define FAKE_BOOT_UNIX	 1795457394ull /* the date rtc_unix_time_at() reports */

/* pcpu_post(): the requests each pCPU's mailbox received (OR'd) and how many posts there were. */
uint32_t fake_pcpu_posted(uint32_t pcpu_id);
unsigned fake_pcpu_post_count(void);

/* lapic_send_ipi() calls: physical destination and ICR low bits. */
struct fake_ipi {
	uint32_t dest;
	uint32_t icr_low;
};
unsigned fake_lapic_ipi_count(void);
struct fake_ipi fake_lapic_ipi(unsigned index);
/* The current pCPU's LAPIC: registers as last written (tests may preset them), writes counted. */
void fake_lapic_set(uint32_t reg, uint32_t value);
uint32_t fake_lapic_get(uint32_t reg);
unsigned fake_lapic_write_count(uint32_t reg);

/* VM lifecycle calls (vm_start, vm_pause, vm_resume, vm_stop): the last one and its VM. */
enum fake_lifecycle_call {
	FAKE_LC_NONE,
	FAKE_LC_START,
	FAKE_LC_PAUSE,
	FAKE_LC_RESUME,
	FAKE_LC_STOP
};
enum fake_lifecycle_call fake_lifecycle_last(struct vm **vm);
unsigned fake_lifecycle_count(void);

/* rtc_unix_time_at(): the TSC it was last asked about. */
uint64_t fake_rtc_last_tsc(void);

/* vm_fault() calls (the run loop's answer to a handler that returned vcpu_fault()). */
unsigned fake_vm_fault_count(void);
/* The last fault's vcpu->fault text and exit reason; NULL when none. */
const char *fake_vm_fault_text(enum exit_reason *reason);
/* vcpu_reset() and vcpu_retire() calls from the run loop's mailbox. */
unsigned fake_vcpu_reset_count(void);
unsigned fake_vcpu_retired_count(void);
/* ioapic_pt_release() calls (arch_vm_release). */
unsigned fake_ioapic_release_count(void);

/*
 * pcpu_wait_signal() and arch_cpu_relax() call the hook, if set, with `spinning` false or true:
 * it plays the Service VM (answers a slot, makes a hypercall, posts a stop) while a vCPU waits.
 * pcpu_wait_signal() then returns if the hook returned true, else it ends the run (STOP), as
 * without a hook; arch_cpu_relax() aborts the test after 100000 turns that nothing ended.
 */
typedef bool (*fake_wait_fn)(void *arg, bool spinning);
void fake_set_wait_hook(fake_wait_fn hook, void *arg);
unsigned fake_wait_count(void);

/*
 * arch_cpu_relax(), what a hypervisor busy wait calls: moves the fake TSC on by FAKE_RELAX_TICKS
 * (1 ms at FAKE_TSC_KHZ), then calls the relax hook, if set: where a test plays the other pCPU
 * (serves its mailbox) while the code under test waits for it; then the wait hook (above).
 */
#define FAKE_RELAX_TICKS 2000000ull
void fake_set_relax_hook(void (*hook)(void *ctx), void *ctx);
unsigned fake_relax_count(void);

#endif
