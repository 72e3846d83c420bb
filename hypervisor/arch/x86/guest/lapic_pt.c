/* SPDX-License-Identifier: BSD-3-Clause */
/* A partition's own LAPIC, passed through: writes trap and are checked, IPIs stay inside the VM. */
#include "core/console.h"
#include "core/pcpu.h"
#include "core/service_cpu.h"
#include "core/virt.h"
#include "core/vm_log.h"
#include "x86/guest/irq_route.h"
#include "x86/guest/lapic_pt.h"
#include "x86/lapic.h"

#define APIC_PAGE_SIZE 0x1000
#define LVT_FIRST      LAPIC_REG_LVT_TIMER
#define LVT_LAST       LAPIC_REG_LVT_ERROR

struct vcpu *vm_vcpu_by_apic_id(struct vm *vm, uint32_t apic_id)
{
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].pcpu->apic_id == apic_id)
			return &vm->vcpus[i];
	return NULL;
}

static void note_dropped(struct vm *vm, uint32_t apic_id, uint32_t icr_low)
{
	vm->arch.ipis_dropped++;
	vm_log(vm, "IPI 0x%x to APIC ID %u is outside the VM: dropped", icr_low, apic_id);
}

/*
 * A vCPU retired from its pCPU (given back by the Service VM, or stopped): an INIT takes the pCPU
 * back when it is free (core/service_cpu.c), anything else is dropped; so is the INIT while
 * another VM holds the pCPU (Linux then reports that the CPU did not come up).
 */
static bool reaches_retired(struct vcpu *target, uint32_t icr_low)
{
	if (ICR_DM(icr_low) == APIC_DM_INIT && (icr_low & ICR_LEVEL_ASSERT))
		return service_cpu_take_back(target) == 0;
	return false;
}

bool lapic_pt_send_ipi(struct vcpu *vcpu, uint32_t apic_id, uint32_t icr_low)
{
	struct vcpu *target = vm_vcpu_by_apic_id(vcpu->vm, apic_id);

	if (target && !vcpu_bound(target) && !reaches_retired(target, icr_low))
		target = NULL;
	if (!target) {
		note_dropped(vcpu->vm, apic_id, icr_low);
		return false;
	}
	switch (ICR_DM(icr_low)) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST: /* one chosen target: deliver it as fixed */
		lapic_send_ipi(apic_id,
			       (icr_low & (ICR_VECTOR | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL)) |
				       ICR_DM_FIXED);
		return true;
	case APIC_DM_NMI:
		/* A real NMI would be the hypervisor's own signal: the guest's goes by mailbox. */
		pcpu_post(target->pcpu, PCPU_REQ_NMI);
		return true;
	case APIC_DM_INIT:
		/* Never a real INIT (QEMU resets a CPU on INIT even with GIF clear). De-assert: no-op. */
		if (icr_low & ICR_LEVEL_ASSERT)
			pcpu_post(target->pcpu, PCPU_REQ_INIT);
		return true;
	case APIC_DM_STARTUP:
		target->arch.sipi_vector = icr_low & ICR_VECTOR;
		pcpu_post(target->pcpu, PCPU_REQ_SIPI);
		return true;
	default:
		note_dropped(vcpu->vm, apic_id, icr_low); /* SMI, ExtINT, reserved */
		return false;
	}
}

/* In x2APIC's cluster model: the cluster in bits 31:16, one bit per member in bits 15:0. */
static bool in_x2apic_logical_dest(uint32_t apic_id, uint32_t dest)
{
	return (dest >> 16) == (apic_id >> 4) && (dest & (1u << (apic_id & 0xF)));
}

void lapic_pt_icr_write(struct vcpu *vcpu, uint32_t icr_low, uint32_t dest, bool x2apic)
{
	struct vm *vm = vcpu->vm;
	uint32_t shorthand = ICR_SHORTHAND(icr_low);
	uint32_t broadcast = x2apic ? X2APIC_BROADCAST_ID : APIC_BROADCAST_ID;
	uint32_t one_by_one = icr_low & ~(3u << 18);

	if (shorthand == ICR_SH_SELF) {
		if (ICR_DM(icr_low) == APIC_DM_FIXED)
			lapic_write(LAPIC_REG_ICR_LO, icr_low);
		return;
	}
	if (shorthand == ICR_SH_NONE && !(icr_low & ICR_DEST_LOGICAL) && dest != broadcast) {
		lapic_pt_send_ipi(vcpu, dest, icr_low);
		return;
	}
	bool logical = shorthand == ICR_SH_NONE && (icr_low & ICR_DEST_LOGICAL) &&
		       (!x2apic || dest != broadcast);
	if (logical && !x2apic) {
		/* xAPIC logical IDs are the guest's, not unique across VMs (the FADT asks for physical). */
		note_dropped(vm, dest, icr_low);
		return;
	}
	/*
	 * Each of the VM's own CPUs the ICR names, one physical IPI each: all, all-but-self, the
	 * broadcast ID, or the members of an x2APIC cluster (logical IDs derived from APIC IDs).
	 */
	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		uint32_t apic_id = vm->vcpus[i].pcpu->apic_id;
		bool named = logical ? in_x2apic_logical_dest(apic_id, dest)
				     : shorthand != ICR_SH_OTHERS || &vm->vcpus[i] != vcpu;
		if (named)
			lapic_pt_send_ipi(vcpu, apic_id, one_by_one & ~ICR_DEST_LOGICAL);
	}
}

static bool lvt_mode_allowed(uint32_t value)
{
	uint32_t mode = ICR_DM(value);
	return mode != APIC_DM_SMI && mode != APIC_DM_INIT && mode != APIC_DM_STARTUP;
}

int lapic_pt_write(struct vcpu *vcpu, uint32_t offset, uint32_t v)
{
	const struct vm *vm = vcpu->vm;

	switch (offset) {
	case LAPIC_REG_ICR_HI:
		vcpu->arch.icr_high = v;
		return 0;
	case LAPIC_REG_ICR_LO:
		lapic_pt_icr_write(vcpu, v, vcpu->arch.icr_high >> 24, false);
		return 0;
	case LAPIC_REG_ID:
		return 0; /* the APIC ID is the pCPU's */
	case LAPIC_REG_LDR:
	case LAPIC_REG_DFR:
		/*
		 * Logical routes (IOAPIC, MSI) are the Service VM's, checked against the IDs its
		 * CPUs hold. A partition or User VM keeps the reset LDR 0, which no logical
		 * destination reaches: otherwise it could join a route accepted before
		 * (docs/interrupt-routing.md). Its own logical IPIs are dropped anyway.
		 */
		if (vm->config->kind != VM_KIND_SERVICE)
			return 0;
		lapic_write(offset, v);
		irq_route_set_logical_id(vcpu->pcpu->id, lapic_read(LAPIC_REG_LDR),
					 lapic_read(LAPIC_REG_DFR));
		return 0;
	default:
		if (offset >= LVT_FIRST && offset <= LVT_LAST && !lvt_mode_allowed(v))
			return vcpu_fault(vcpu, "LVT 0x%x write with delivery mode %u", offset,
					  ICR_DM(v));
		lapic_write(offset, v);
		return 0;
	}
}

static int lapic_pt_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	uint64_t offset = access->addr - lapic_base;

	if (access->size != 4 || (offset & 0xF))
		return vcpu_fault(vcpu, "LAPIC access of %u bytes at offset 0x%lx", access->size,
				  offset);
	if (!access->write) {
		access->value = lapic_read((uint32_t)offset);
		return 0;
	}
	return lapic_pt_write(vcpu, (uint32_t)offset, (uint32_t)access->value);
}

int lapic_pt_attach(struct vm *vm)
{
	struct io_handler h = {
		.bus = IO_BUS_MMIO,
		.base = lapic_base,
		.size = APIC_PAGE_SIZE,
		.access = lapic_pt_access,
	};
	return io_emul_trap_writes(vm, &h);
}
