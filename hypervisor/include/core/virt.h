/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vendor interface for hardware virtualization (AMD SVM today, Intel VMX later). Core code
 * speaks of VMs, vCPUs, registers, events and exit reasons through these functions only.
 */
#ifndef CAIRN_CORE_VIRT_H
#define CAIRN_CORE_VIRT_H

#include "core/pcpu.h"
#include "core/vcpu.h"
#include "core/vcpu_mode.h"
#include "core/vm_exit.h"
#include "x86/vcpu_state.h"

struct vm;

/* "AMD SVM", for messages. */
const char *virt_vendor_name(void);

/*
 * Checks that this CPU can run Cairn's guests (extension present, not disabled by firmware, nested
 * paging). Returns 0, or -ENODEV with a one-line reason written to `reason`.
 */
int virt_check_support(char *reason, size_t len);

/* Turns virtualization on for the calling pCPU (SVM: EFER.SVME and the host save area). */
int virt_cpu_enable(struct pcpu *cpu);

/* --- VMs: guest-physical memory and trapped I/O ports --- */

#define VIRT_MEM_READ  (1u << 0)
#define VIRT_MEM_WRITE (1u << 1)
#define VIRT_MEM_EXEC  (1u << 2)
#define VIRT_MEM_RWX   (VIRT_MEM_READ | VIRT_MEM_WRITE | VIRT_MEM_EXEC)

int virt_vm_init(struct vm *vm);
void virt_vm_destroy(struct vm *vm);
/*
 * Maps [gpa, gpa+size) to [hpa, hpa+size) with VIRT_MEM_* rights; page aligned; largest pages fit.
 * Map and unmap call vm_mem_changed(vm) once the tables hold the change (core/vm.h).
 */
int virt_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights);
int virt_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size);
/* Host-physical address and rights behind gpa; -ENOENT when unmapped. */
int virt_vm_translate(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights);
/* Port accesses in [port, port+count) exit (true) or go straight to the hardware (false). */
void virt_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap);

/* --- vCPUs --- */

int virt_vcpu_init(struct vcpu *vcpu);
void virt_vcpu_destroy(struct vcpu *vcpu);
/*
 * Loads a whole architectural state (x86/vcpu_state.h) into the vCPU, as for a fresh start: no
 * event stays queued, the vCPU's TLB is flushed, state the struct does not name (CR2, the syscall
 * MSRs, ...) is 0. Returns -EINVAL, changing nothing, when EFER has a bit the vendor does not
 * support.
 */
int virt_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *state);

/* Enters the guest on the calling pCPU (which must be vcpu->pcpu) until one exit; fills *exit. */
void virt_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit);

uint64_t virt_vcpu_rip(struct vcpu *vcpu);
void virt_vcpu_set_rip(struct vcpu *vcpu, uint64_t rip);
uint64_t virt_vcpu_rflags(struct vcpu *vcpu);
unsigned virt_vcpu_cpl(struct vcpu *vcpu);

void virt_vcpu_mode(struct vcpu *vcpu, struct vcpu_mode *mode);

/* Queues an exception for the next entry (error code pushed for vectors that have one). */
void virt_vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, uint32_t error_code);

/* Queues an NMI for the next entry. */
void virt_vcpu_inject_nmi(struct vcpu *vcpu);

/* Guest EFER as the guest believes it to be (the vendor may force bits it needs, like SVME). */
uint64_t virt_vcpu_efer(struct vcpu *vcpu);
int virt_vcpu_set_efer(struct vcpu *vcpu, uint64_t efer);

/* Lets an NMI held since the exit be taken by the hypervisor's handler (SVM: stgi; clgi). */
void virt_take_pending_nmi(void);

#endif
