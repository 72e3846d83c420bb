/* SPDX-License-Identifier: BSD-3-Clause */
/* A fake vendor backend (core/virt.h on the host): vCPU state, a call log and fake guest memory. */
#ifndef CAIRN_TESTS_UNIT_FAKE_VIRT_H
#define CAIRN_TESTS_UNIT_FAKE_VIRT_H

#include "core/scenario.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/vcpu_state.h"

#define FAKE_MAX_VMS	  4
#define FAKE_RAM_SIZE	  (2 * MiB) /* guest RAM of each fake VM, at guest-physical 0 */
#define FAKE_MAX_MAPS	  1024
#define FAKE_MAX_EVENTS	  2048
#define FAKE_PAGE_TABLES  (FAKE_RAM_SIZE - 2 * PAGE_SIZE) /* the vCPUs' identity map lives here */
#define FAKE_CODE_GPA	  0x1000ull  /* where vCPUs start (RIP) and tests put instructions */
#define FAKE_DEFAULT_APIC 2	     /* vCPU i runs on pCPU (first_pcpu + i), APIC ID = pCPU + 2 */
#define FAKE_TSC_KHZ	  2000000ull /* the calibrated TSC rate (tsc_khz) once a VM exists */

/* What the backend was asked to do, in order (per VM). */
enum fake_event_kind {
	FAKE_EV_SET_RIP,	  /* a = old RIP, b = new RIP */
	FAKE_EV_EXCEPTION,	  /* a = vector, b = error code */
	FAKE_EV_NMI,		  /* an NMI queued for the guest */
	FAKE_EV_MAP,		  /* a = gpa, b = hpa, c = size, d = rights */
	FAKE_EV_UNMAP,		  /* a = gpa, c = size */
	FAKE_EV_TRAP_IO,	  /* a = port, c = count, d = trap (1) or pass through (0) */
	FAKE_EV_SET_EFER,	  /* a = value asked for, b = result */
	FAKE_EV_SET_STATE,	  /* a = RIP, b = CS base, c = CR0, d = EFER (all of it: ->state) */
	FAKE_EV_TAKE_PENDING_NMI, /* the hypervisor let a held NMI in */
};

struct fake_event {
	enum fake_event_kind kind;
	uint32_t vcpu; /* vCPU index, or UINT32_MAX for a VM-wide call */
	uint64_t a, b, c, d;
};

/* The vendor-private vCPU state (struct vcpu's `virt`): tests read and set it directly. */
struct virt_vcpu {
	struct vcpu *vcpu;
	uint64_t rip, rsp, rflags;
	unsigned cpl;
	struct vcpu_mode mode;	      /* CR0/CR3/CR4, CS base/L/D (mode.efer: see efer) */
	struct vcpu_arch_state state; /* as last loaded by virt_vcpu_set_state() */
	uint64_t efer;		      /* as the guest sees it (never SVME) */
	bool exception_pending;	      /* the last queued exception, until the test clears it */
	uint8_t exception_vector;
	uint32_t exception_error_code;
	unsigned exceptions_injected;
	bool nmi_pending;
	unsigned nmis_injected;
	bool exit_queued; /* virt_vcpu_run() returns queued_exit once */
	struct vm_exit queued_exit;
};

struct fake_map {
	uint64_t gpa, hpa, size;
	uint32_t rights;
};

/* The vendor-private VM state (struct vm's `virt`). */
struct virt_vm {
	struct vm *vm;
	struct fake_map maps[FAKE_MAX_MAPS];
	size_t nmaps;
	uint8_t trapped_ports[65536 / 8];
	struct fake_event events[FAKE_MAX_EVENTS];
	size_t nevents;
};

struct fake_vm_spec {
	const char *name;
	enum vm_kind kind;
	uint32_t flags; /* VM_FLAG_* */
	uint32_t watchdog_ms;
	uint32_t nvcpus;     /* 0: one */
	uint32_t first_pcpu; /* pcpus[] index of vCPU 0 */
};

/*
 * A running VM in the next free slot of vms[] (its id is the slot), with FAKE_RAM_SIZE bytes of
 * RAM at guest-physical 0 and every vCPU in 64-bit mode at CPL 0, RIP FAKE_CODE_GPA, paging on
 * through an identity map of the first GiB (at FAKE_PAGE_TABLES), RFLAGS.IF set, pCPUs online
 * and bound, tsc_khz = FAKE_TSC_KHZ. The call log starts empty after the setup, and the console is captured from then on
 * (fake_console.h). Each test runs in a fresh process, so nothing needs tearing down.
 */
struct vm *fake_vm_create(const struct fake_vm_spec *spec);

static inline struct virt_vcpu *fake_vcpu(struct vcpu *vcpu)
{
	return vcpu->virt;
}

/* Host pointer to guest-physical gpa of vm's RAM (NULL outside it), and copies into it. */
void *fake_guest_ptr(struct vm *vm, uint64_t gpa);
void fake_guest_write(struct vm *vm, uint64_t gpa, const void *bytes, size_t len);

/* Writes an instruction at the vCPU's RIP (through the identity map: gpa = RIP). */
void fake_vcpu_put_insn(struct vcpu *vcpu, const void *bytes, size_t len);

/*
 * The next virt_vcpu_run() returns *exit. With nothing queued it returns the stop a real VM
 * stop causes: PCPU_REQ_STOP in the vCPU's mailbox and an EXIT_NMI (vendor_code FAKE_STOP_EXIT).
 */
#define FAKE_STOP_EXIT 0xFA4Eull
void fake_vcpu_queue_exit(struct vcpu *vcpu, const struct vm_exit *exit);

/*
 * Runs one exit through the hypervisor's own run loop (vcpu_run_loop: mailbox, exit counters,
 * the exit switch, vm_fault), which then stops at the queued-nothing NMI. Returns 0, or -1 when
 * the handler faulted the VM (fake_vm_fault_text() says why). The vCPU must be runnable.
 */
int fake_run_exit(struct vcpu *vcpu, const struct vm_exit *exit);
/* The run loop with no exit queued: serves the mailbox, and enters the guest if it may (once). */
void fake_run(struct vcpu *vcpu);

/* The call log: how many events of a kind, and the last one (NULL when none). */
size_t fake_event_count(struct vm *vm, enum fake_event_kind kind);
const struct fake_event *fake_event_last(struct vm *vm, enum fake_event_kind kind);
void fake_events_clear(struct vm *vm);

bool fake_vm_port_trapped(struct vm *vm, uint16_t port);
/* The mapping over gpa now (NULL when unmapped). */
const struct fake_map *fake_vm_map_at(struct vm *vm, uint64_t gpa);

#endif
