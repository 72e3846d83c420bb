/* SPDX-License-Identifier: BSD-3-Clause */
/* The scenario compiled into this image: which VMs the hypervisor creates at boot (generated C tables). */
#ifndef CAIRN_CORE_SCENARIO_H
#define CAIRN_CORE_SCENARIO_H

#include "lib/compiler.h"

enum vm_kind {
	VM_KIND_PRE_LAUNCHED, /* started by the hypervisor at boot, independent of the Service VM */
	VM_KIND_SERVICE,      /* the privileged Service VM (stock Linux) */
	VM_KIND_USER, /* post-launched: created by the Service VM by hypercall (core/user_vm.c) */
};

#define VM_FLAG_HYPERCALLS     (1u << 0) /* may make hypercalls (else VMCALL/VMMCALL raise #UD) */
#define VM_FLAG_RESET_ON_FAULT (1u << 1) /* a fault resets the VM instead of stopping it */
/* KVM's PV IPIs withheld (the Service VM: scenario flag no-pv-ipi; User VMs: CAIRN_GUEST_FLAG_NO_PV_IPI) */
#define VM_FLAG_NO_PV_IPI (1u << 2)
/*
 * x2APIC offered (CPUID.1:ECX[21]) over the pCPU's xAPIC (x86/guest/x2apic.c): an IPI is one
 * trapped MSR write, not two page writes (scenario flag x2apic; User VMs: CAIRN_GUEST_FLAG_X2APIC)
 */
#define VM_FLAG_X2APIC (1u << 3)

struct vm_config {
	const char *name;
	enum vm_kind kind;
	uint64_t pcpu_mask;   /* pCPU indices (pcpus[] order: 0 = boot pCPU); 0 = service default */
	uint64_t memory_size; /* bytes; 0 = service default (all remaining RAM) */
	uint64_t memory_base; /* host-physical placement; 0 = anywhere */
	const char *image;  /* boot module name (basename of its first word, up to the first '.') */
	const char *initrd; /* module name of a Linux initrd, or NULL */
	const char *args;   /* guest command line ("" if none) */
	uint32_t flags;	    /* VM_FLAG_* */
	uint32_t watchdog_ms; /* 0: no watchdog */
	const char *source;   /* "configs/x.scn:12", for messages */
};

extern const char scenario_name[];
extern const uint32_t scenario_board_pcpus;
extern const struct vm_config scenario_vms[];
extern const size_t scenario_vm_count;

#endif
