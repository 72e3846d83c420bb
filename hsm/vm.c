// SPDX-License-Identifier: GPL-2.0-only
/* User VMs: creation (HC_CREATE_VM, the request page) and destruction, and the list dispatch scans. */
#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hsm_drv.h"
#include "hypercall.h"

DEFINE_MUTEX(hsm_vms_lock);
LIST_HEAD(hsm_vms);

void hsm_vm_init(struct hsm_vm *vm)
{
	mutex_init(&vm->life_lock);
	mutex_init(&vm->lock);
	mutex_init(&vm->irqfds_lock);
	INIT_LIST_HEAD(&vm->list);
	INIT_LIST_HEAD(&vm->clients);
	INIT_LIST_HEAD(&vm->ioeventfds);
	INIT_LIST_HEAD(&vm->irqfds);
	INIT_LIST_HEAD(&vm->memsegs);
	vm->vmid = HSM_INVALID_VMID;
}

/* The 16 bytes Linux calls uuid carry ACRN's VM name: printable characters up to the first NUL. */
static void take_name(struct hsm_vm *vm, const u8 *uuid)
{
	unsigned int i;

	for (i = 0; i < 16 && uuid[i]; i++)
		vm->name[i] = uuid[i] >= 0x20 && uuid[i] < 0x7F ? uuid[i] : '?';
	vm->name[i] = '\0';
}

static void free_tables(struct hsm_vm *vm)
{
	free_page((unsigned long)vm->inflight);
	vm->inflight = NULL;
	kfree(vm->ranges);
	vm->ranges = NULL;
}

/* Called with vm->life_lock held. Writes vmid and vcpu_num back into *param. */
int hsm_vm_create(struct hsm_vm *vm, struct acrn_vm_creation *param)
{
	struct acrn_vm_creation *kparam;
	unsigned int vcpus = hweight64(param->cpu_affinity);
	long ret;

	if (vm->live)
		return -EEXIST;
	if (param->reserved0 || param->reserved1 || vcpus == 0 || vcpus > ACRN_IO_REQUEST_MAX)
		return -EINVAL;
	vm->inflight = (struct acrn_io_request *)get_zeroed_page(GFP_KERNEL);
	vm->ranges = kcalloc(HSM_MAX_RANGES, sizeof(*vm->ranges), GFP_KERNEL);
	kparam = kmemdup(param, sizeof(*param), GFP_KERNEL);
	if (!vm->inflight || !vm->ranges || !kparam) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = hsm_ioreq_page_pin(vm, param->ioreq_buf);
	if (ret)
		goto out_free;
	kparam->vmid = HSM_INVALID_VMID;
	ret = hcall_create_vm(virt_to_phys(kparam));
	if (ret < 0)
		goto out_unpin;
	if (kparam->vmid == HSM_INVALID_VMID || kparam->vcpu_num != vcpus) {
		pr_err("cairn_hsm: HC_CREATE_VM answered vmid %u, %u vCPUs for %u bits\n",
		       kparam->vmid, kparam->vcpu_num, vcpus);
		if (kparam->vmid != HSM_INVALID_VMID)
			hcall_destroy_vm(kparam->vmid);
		ret = -EIO;
		goto out_unpin;
	}
	vm->vmid = kparam->vmid;
	vm->vcpu_num = kparam->vcpu_num;
	vm->cpu_affinity = param->cpu_affinity;
	vm->exitless = !!(param->vm_flag & CAIRN_GUEST_FLAG_IO_EXITLESS);
	vm->polling = vm->exitless || (param->vm_flag & GUEST_FLAG_IO_COMPLETION_POLLING);
	ret = hsm_ioreq_page_register(vm);
	if (!ret)
		ret = hsm_irqfd_init(vm);
	if (ret) {
		hcall_destroy_vm(
			vm->vmid); /* the hypervisor drops the page before it is unpinned */
		vm->vmid = HSM_INVALID_VMID;
		goto out_unpin;
	}
	take_name(vm, param->uuid);
	vm->conf_addr = 0;
	vm->nranges = 0;
	vm->next_client_id = 0;
	memset(vm->holder, 0, sizeof(vm->holder));
	memset(&vm->stats, 0, sizeof(vm->stats));
	hsm_ioeventfd_init(vm);
	mutex_lock(&vm->lock);
	vm->live = true;
	mutex_unlock(&vm->lock);
	mutex_lock(&hsm_vms_lock);
	list_add_tail(&vm->list, &hsm_vms);
	mutex_unlock(&hsm_vms_lock);
	hsm_debugfs_add_vm(vm);
	param->vmid = vm->vmid;
	param->vcpu_num = vm->vcpu_num;
	kfree(kparam);
	pr_info("cairn_hsm: vm %u \"%s\" created: %u vCPUs, %s completion\n", vm->vmid, vm->name,
		vm->vcpu_num, hsm_vm_completion(vm));
	return 0;

out_unpin:
	hsm_ioreq_page_release(vm);
out_free:
	kfree(kparam);
	free_tables(vm);
	return ret;
}

/*
 * Called with vm->life_lock held. Clients are destroyed first (their waiters wake), then the
 * hypervisor destroys the VM, and only then are its pages unpinned: until HC_DESTROY_VM
 * returns, the hypervisor may still map them. If it fails, the pages stay pinned for good
 * (a leak, logged) rather than being handed back to Linux while a VM might still write them.
 */
int hsm_vm_destroy(struct hsm_vm *vm)
{
	long ret;

	if (!vm->live)
		return 0;
	mutex_lock(&hsm_vms_lock);
	list_del_init(&vm->list);
	mutex_unlock(&hsm_vms_lock);
	hsm_debugfs_remove_vm(vm);
	hsm_irqfd_release(vm);
	mutex_lock(&vm->lock);
	hsm_ioreq_destroy_clients_locked(vm);
	hsm_ioeventfd_release_locked(vm);
	vm->live = false;
	mutex_unlock(&vm->lock);
	ret = hcall_destroy_vm(vm->vmid);
	if (ret < 0) {
		pr_err("cairn_hsm: vm %u: HC_DESTROY_VM failed (%ld): its memory stays pinned\n",
		       vm->vmid, ret);
		vm->ioreq_page = NULL;
		vm->ioreq_buf = NULL;
	} else {
		hsm_ioreq_page_release(vm);
		pr_info("cairn_hsm: vm %u destroyed\n", vm->vmid);
	}
	hsm_mm_unmap_all(vm, ret >= 0);
	free_tables(vm);
	vm->vmid = HSM_INVALID_VMID;
	return ret < 0 ? ret : 0;
}
