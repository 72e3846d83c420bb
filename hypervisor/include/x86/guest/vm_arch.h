/* SPDX-License-Identifier: BSD-3-Clause */
/* The x86 parts of struct vm and struct vcpu (vm->arch, vcpu->arch): what only x86 guests have. */
#ifndef CAIRN_X86_GUEST_VM_ARCH_H
#define CAIRN_X86_GUEST_VM_ARCH_H

#include "core/vm_exit.h"
#include "x86/guest/io_pending.h"
#include "x86/guest/mmio_insn_cache.h"
#include "x86/guest/vioapic.h"

/* Key flag in vm->arch.msrs_refused: the refused access was a write. */
#define MSR_REFUSED_WRITE (1ull << 32)

struct vm_arch {
	bool owns_ports;	     /* a trapped port no device claims goes to the hardware */
	uint64_t ipis_dropped;	     /* IPIs aimed outside the VM (lapic_pt.c) */
	uint64_t hpet_fsb_refused;   /* HPET comparator writes asking for FSB delivery */
	uint64_t routes_refused;     /* IOAPIC entries and MSIs written masked (irq_route.c) */
	uint64_t cfg_writes_refused; /* PCI configuration writes dropped (pci_cfg.c) */
	struct exit_detail msrs_refused[16]; /* MSR accesses answered with #GP, by MSR (| WRITE) */
	struct vioapic vioapic;		     /* User VMs: the IOAPIC the hypervisor emulates */
};

struct vcpu_arch {
	bool wait_for_sipi; /* after INIT (or an AP at boot): only a STARTUP IPI starts it */
	volatile uint8_t sipi_vector;
	uint32_t icr_high;   /* the destination the guest last wrote to ICR[63:32] */
	bool x2apic;	     /* its LAPIC is in x2APIC mode (x2apic.c): the MSRs, not the page */
	uint64_t x2apic_icr; /* the last ICR value written in x2APIC mode (what a read returns) */
	/* A trapped port or MMIO access between its decode and its finish (x86/guest/io.h). */
	struct io_pending pending_io;
	struct mmio_insn_cache mmio_insn_cache; /* its last trapped MMIO instruction */
};

#endif
