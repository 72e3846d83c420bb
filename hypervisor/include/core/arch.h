/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seam between core and the architecture (arch/x86 today): every call core makes into
 * architecture code is declared here, by name, and nothing in core/ .c files includes an x86 header.
 * The vendor half of the architecture (SVM, VMX) is core/virt.h; time is core/time.h.
 */
#ifndef CAIRN_CORE_ARCH_H
#define CAIRN_CORE_ARCH_H

#include "core/boot_info.h"
#include "core/vm_exit.h"

struct acrn_regs;
struct io_access;
struct pcpu;
struct vcpu;
struct vm;

/* --- start-up --- */

/* Physical extent of the hypervisor image, bss included. */
void arch_image_extent(uint64_t *start, uint64_t *end);

/* Maps all RAM up to `end` into the hypervisor's address space. */
int arch_map_memory(uint64_t end);

/*
 * Discovers the platform (firmware tables, interrupt controllers, timers), fills pcpus[] with the
 * CPUs to run on (the boot pCPU first) and calibrates the time base. Prints what it found.
 */
int arch_platform_init(const struct boot_info *bi);

/* Starts every pCPU but the boot one; each ends up idle with virtualization enabled, or FAILED. */
void arch_start_secondary_pcpus(void);

/* --- pCPUs --- */

/* Stops the calling CPU for good (interrupts off; an NMI wakes it and it halts again). */
__noreturn void arch_cpu_halt_forever(void);

/* A spin-wait hint for busy loops. */
void arch_cpu_relax(void);

/* Makes pcpu_current() return cpu on the calling CPU. */
void arch_pcpu_set_current(struct pcpu *cpu);

/* Signals cpu (x86: an NMI) so that it looks at its mailbox, even from guest mode. */
void arch_pcpu_signal(const struct pcpu *cpu);

/* Arms the calling pCPU's housekeeping timer to fire once, `us` from now. */
void arch_timer_oneshot_us(uint64_t us);

/*
 * The calling pCPU is back from a guest that owned its interrupt controller (x86: LAPIC
 * passthrough): take it back before the pCPU idles, is reused or keeps housekeeping. With
 * `report`, prints what the guest left behind, naming the VM.
 */
void arch_pcpu_reclaim(const struct vcpu *from, bool report);

/* --- VMs and vCPUs --- */

/* Handles one exit of vcpu (decoded by the vendor). Returns 0 to resume, or VCPU_FAULT. */
int arch_handle_exit(struct vcpu *vcpu, const struct vm_exit *exit);

/*
 * Implemented by the architecture: performs `access` on the hardware and returns true when the
 * VM owns that resource although it traps (x86: a Service VM port trapped only because an
 * access covers a trapped neighbour); false leaves it to the empty bus.
 */
bool arch_io_forward(struct vcpu *vcpu, struct io_access *access);

/*
 * The I/O request path (core/ioreq.c). arch_io_finish finishes the vCPU's pending access with
 * the served value (x86: guest_io_finish or guest_mmio_finish by bus: register, RIP); 0 or
 * VCPU_FAULT. arch_io_abandon forgets it (a request dropped: the instruction runs again).
 */
int arch_io_finish(struct vcpu *vcpu, const struct io_access *access);
void arch_io_abandon(struct vcpu *vcpu);

/*
 * Signals the Service VM that a request is pending (x86: the Cairn service device's MSI, sent
 * as a fixed IPI). False when it cannot: MSI disabled, or its vector or destination refused.
 */
bool arch_ioreq_upcall(struct vm *service_vm);

/* Attaches the devices the hypervisor emulates for a User VM (x86: its virtual IOAPIC). */
int arch_user_vm_io_init(struct vm *vm);

/*
 * HC_INJECT_MSI and HC_SET_IRQLINE for User VM vm (x86: a fixed IPI to the vCPU the MSI or the
 * IOAPIC entry names). 0, or -EINVAL for a message or a line the call cannot deliver.
 */
int arch_inject_msi(struct vm *vm, uint64_t address, uint64_t data);
int arch_set_irqline(struct vm *vm, uint32_t gsi, uint32_t op);

/* Serves the architecture's mailbox requests for vcpu (x86: emulated INIT and STARTUP IPIs). */
void arch_vcpu_requests(struct vcpu *vcpu, uint32_t requests);

/*
 * Sets a pre-launched partition's vCPU 0 at `entry` as abi/cairn/guest_boot.h promises (x86: the
 * identity map and GDT written into its RAM, 64-bit mode, RSP = top of memory, RDI = start info).
 * Call it after the image and start info are in place; returns 0 or a negative errno.
 */
int arch_partition_set_entry(struct vm *vm, uint64_t entry);

/* Lays out a new partition once (x86: its own LAPIC passed through, writes checked). */
int arch_partition_build(struct vm *vm);

/* Lays out a new User VM (x86: its own LAPIC passed through, its APs waiting for a STARTUP IPI). */
int arch_user_vm_build(struct vm *vm);

/*
 * HC_SET_VCPU_REGS: converts ACRN's start state (abi/cairn/acrn.h; x86: arch/x86/guest/acrn_regs.c),
 * checks it is one the CPU can enter, and loads it. -EINVAL, changing nothing, when it is not.
 */
int arch_vcpu_set_acrn_regs(struct vcpu *vcpu, const struct acrn_regs *regs);

/*
 * On the vCPU's own pCPU, out of guest mode: is the vCPU in its OS's offline state (x86: halted by
 * HLT with interrupts off, or waiting for a STARTUP IPI)?
 */
bool arch_vcpu_offline_state(struct vcpu *vcpu);

/* Gives back what the architecture attached to a stopped VM (x86: its IOAPIC pins). */
void arch_vm_release(struct vm *vm);

/* Appends the architecture's counters of a VM to its exit statistics line; returns the length. */
int arch_vm_stats_counters(const struct vm *vm, char *line, size_t size, int len);

/* Prints the architecture's itemised statistics of a VM (x86: refused MSRs). */
void arch_vm_stats_details(const struct vm *vm);

/*
 * The Service VM's platform (x86: arch/x86/guest/service_platform.c): gives vm (whose vCPUs
 * exist) its memory and devices, its firmware tables and its kernel, vCPU 0 at the kernel's
 * entry and the others waiting for the kernel to start them.
 */
int arch_service_vm_build(struct vm *vm, const struct boot_info *bi);

/* The same for a reset: the platform quiesced and reloaded from the boot modules. */
int arch_service_vm_reload(struct vm *vm);

#endif
