/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypercalls of a User VM's I/O: its request page, completions, MSIs and IRQ lines. */
#include "cairn/acrn.h"
#include "core/arch.h"
#include "core/guest_mem.h"
#include "core/hypercall.h"
#include "core/hypercall_io.h"
#include "core/ioreq.h"
#include "core/user_vm.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "mm/phys_mem.h"

/* [gpa, gpa + len) inside one of the Service VM's RAM ranges (never the hypervisor's). */
static bool in_caller_ram(const struct vm *caller, uint64_t gpa, uint64_t len)
{
	for (size_t i = 0; i < caller->nram; i++) {
		const struct ram_range *r = &caller->ram[i];
		if (gpa >= r->base && len <= r->size && gpa - r->base <= r->size - len)
			return true;
	}
	return false;
}

/* The hypervisor's pointer to the caller's page at gpa: RAM it owns and may read and write. */
static struct acrn_io_request_buffer *caller_page(struct vm *caller, uint64_t gpa)
{
	uint64_t hpa;
	uint32_t rights;

	if ((gpa & (PAGE_SIZE - 1)) || !in_caller_ram(caller, gpa, PAGE_SIZE))
		return NULL;
	if (virt_vm_translate(caller, gpa, &hpa, &rights) ||
	    (rights & (VIRT_MEM_READ | VIRT_MEM_WRITE)) != (VIRT_MEM_READ | VIRT_MEM_WRITE) ||
	    (hpa & (PAGE_SIZE - 1)) || !phys_mem_is_ram(hpa, PAGE_SIZE))
		return NULL;
	return phys_to_virt(hpa);
}

int64_t hc_set_ioreq_buffer(struct vcpu *vcpu, uint64_t vmid, uint64_t gpa)
{
	int64_t err;
	struct vm *vm = user_vm_target(vcpu, vmid, &err);
	uint64_t page_gpa;

	if (!vm)
		return err;
	if (guest_phys_read(vcpu->vm, gpa, &page_gpa, sizeof(page_gpa)))
		return -EFAULT;
	struct acrn_io_request_buffer *page = caller_page(vcpu->vm, page_gpa);
	if (!page)
		return -EINVAL;
	return ioreq_set_page(vm, page, page_gpa);
}

int64_t hc_notify_request_finish(struct vcpu *vcpu, uint64_t vmid, uint64_t vcpu_id)
{
	int64_t err;
	struct vm *vm = user_vm_target(vcpu, vmid, &err);

	return vm ? ioreq_notify(vm, vcpu_id) : err;
}

/* MSIs and IRQ lines reach only a VM whose vCPUs hold their pCPUs. */
static bool delivering(const struct vm *vm)
{
	return vm->state == VM_RUNNING || vm->state == VM_PAUSED;
}

int64_t hc_inject_msi(struct vcpu *vcpu, uint64_t vmid, uint64_t gpa)
{
	int64_t err;
	struct vm *vm = user_vm_target(vcpu, vmid, &err);
	struct acrn_msi_entry msi;

	if (!vm)
		return err;
	if (guest_phys_read(vcpu->vm, gpa, &msi, sizeof(msi)))
		return -EFAULT;
	if (!delivering(vm))
		return -EINVAL;
	return arch_inject_msi(vm, msi.msi_addr, msi.msi_data);
}

int64_t hc_set_irqline(struct vcpu *vcpu, uint64_t vmid, uint64_t op_gsi)
{
	int64_t err;
	struct vm *vm = user_vm_target(vcpu, vmid, &err);

	if (!vm)
		return err;
	return arch_set_irqline(vm, (uint32_t)op_gsi, (uint32_t)(op_gsi >> 32));
}
