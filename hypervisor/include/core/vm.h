/* SPDX-License-Identifier: BSD-3-Clause */
/* A VM: its configuration, memory, vCPUs, lifecycle state, trapped I/O and exit statistics. */
#ifndef CAIRN_CORE_VM_H
#define CAIRN_CORE_VM_H

#include "core/boot_info.h"
#include "core/io_emul.h"
#include "core/ioreq.h"
#include "core/pcpu.h"
#include "core/scenario.h"
#include "core/vcpu.h"
#include "core/vm_log.h"
#include "lib/spinlock.h"
#include "devices/vuart.h"

#define MAX_VMS		 16
#define MAX_VCPUS_PER_VM 16u

enum vm_state {
	VM_FREE = 0, /* slot unused */
	VM_CREATED,
	VM_RUNNING,
	VM_PAUSED,
	VM_STOPPED,
};

struct virt_vm;
struct vm;

#define MAX_RAM_RANGES 32

struct ram_range {
	uint64_t base, size;
};

struct vm {
	uint32_t id;
	const struct vm_config *config;
	struct vm
		*creator; /* the VM that created it by hypercall (User VMs); NULL: the hypervisor */
	const char *name;
	uint64_t
		guest_flags; /* User VMs: ACRN's GUEST_FLAG_* kept from HC_CREATE_VM (cairn/acrn.h) */
	volatile enum vm_state state;
	spinlock_t lock;
	uint32_t nvcpus;
	struct vcpu vcpus[MAX_VCPUS_PER_VM];
	struct virt_vm *virt; /* vendor private (SVM: NPT, IOPM, MSRPM) */
	/* Bumped after every change to the nested mapping (vm_mem_changed): caches of guest
	 * translations (x86/guest/mmio_insn_cache.c) are valid only while it stays the same. */
	volatile uint64_t mem_generation;
	uint64_t mem_hpa; /* guest RAM [0, mem_size) lives at [mem_hpa, mem_hpa + mem_size) */
	uint64_t mem_size;
	const struct boot_module *image; /* the boot module the guest is loaded from */
	bool loaded; /* the image has been loaded once (later loads are resets) */
	/* Its emulated port and MMIO ranges (core/io_emul.c). */
	struct io_registry io;
	struct vm_ioreq ioreq; /* User VMs: the I/O request path (core/ioreq.c) */
	size_t nram; /* Service VM: identity-mapped RAM ranges (guest-physical = host-physical) */
	struct ram_range ram[MAX_RAM_RANGES];
	struct exit_detail io_ports[24];   /* port I/O exits by port, the first 24 ports seen */
	struct exit_detail mmio_pages[24]; /* trapped MMIO by address (LAPIC, IOAPIC registers) */
	struct vuart vuart;
	bool trap_hlt; /* HLT exits (set by no VM kind today: each waits in the guest) */
	uint64_t watchdog_deadline; /* TSC; 0 when the watchdog is not armed */
	uint32_t resets;
	const char *fault;		 /* why the VM is being stopped or reset */
	struct vm_log_bucket log_bucket; /* rate limit of the lines it causes (vm_log) */
	struct vm_arch arch;		 /* x86 only (x86/guest/vm_arch.h) */
};

extern struct vm vms[MAX_VMS];

/* A User VM: created by another VM (the Service VM) by hypercall, served by its device model. */
static inline bool vm_is_user(const struct vm *vm)
{
	return vm->creator != NULL;
}

/*
 * Creates one vCPU per pCPU in pcpu_mask, in ascending pCPU order (vCPU 0 on the lowest), each
 * bound to its pCPU for life with allocate_pcpu(). Prints which check failed on error.
 */
int vm_create_vcpus(struct vm *vm, uint64_t pcpu_mask);

/* Undoes a VM that could not be built: vCPUs, pCPUs, vendor state and memory go back. */
void vm_discard(struct vm *vm);

/* The vCPU still owns its pCPU (false once it was retired: stopped, or given back). */
static inline bool vcpu_bound(const struct vcpu *vcpu)
{
	return vcpu->pcpu && vcpu->pcpu->vcpu == vcpu;
}

struct vm *vm_find_by_name(const char *name);
struct vm *vm_find_by_id(uint32_t id);

/* Counts one exit for `key` in a small table (keys beyond its size are not itemised). */
void vm_count_detail(struct exit_detail *table, size_t size, uint64_t key);

/* Sum of the per-vCPU exit counters of one reason. */
uint64_t vm_exit_count(const struct vm *vm, enum exit_reason reason);
/* Prints "cairn: exits of vm <name>: total <n> <reason> <n> ..." (nonzero reasons only). */
void vm_print_exit_stats(const struct vm *vm);

/* The backend calls this after every change to vm's nested mapping (map, unmap, rights). */
static inline void vm_mem_changed(struct vm *vm)
{
	__atomic_fetch_add(&vm->mem_generation, 1, __ATOMIC_RELEASE);
}

static inline uint64_t vm_mem_generation(const struct vm *vm)
{
	return __atomic_load_n(&vm->mem_generation, __ATOMIC_ACQUIRE);
}

#endif
