// SPDX-License-Identifier: GPL-2.0-only
/* /dev/acrn_hsm: open/release, the ioctl table, the remove_cpu attribute, module init and exit. */
#include <linux/cpu.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <asm/processor.h>

#include "cairn/cpuid.h"
#include "hsm_drv.h"
#include "hypercall.h"

/*
 * One VM per open file, as in Linux's HSM (drivers/virt/acrn/hsm.c): CREATE_VM makes it, every
 * other ioctl acts on it (-EINVAL before it exists), release destroys it. hsm/README.md lists
 * each ioctl and where Cairn differs.
 */

#define HSM_IOC_IN   0x1 /* copy _IOC_SIZE(cmd) bytes in before the handler runs */
#define HSM_IOC_NOVM 0x2 /* allowed before CREATE_VM */
#define HSM_IOC_LIFE \
	0x4 /* run under vm->life_lock (the VM cannot be created or destroyed meanwhile) */

typedef long (*hsm_ioctl_fn)(struct hsm_vm *vm, void *in, unsigned long arg);

struct hsm_ioctl {
	unsigned int cmd;
	unsigned int flags;
	hsm_ioctl_fn fn;
};

static long create_vm(struct hsm_vm *vm, void *in, unsigned long arg)
{
	long ret = hsm_vm_create(vm, in);

	if (ret)
		return ret;
	if (copy_to_user((void __user *)arg, in, sizeof(struct acrn_vm_creation))) {
		hsm_vm_destroy(vm);
		return -EFAULT;
	}
	return 0;
}

static long destroy_vm(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_vm_destroy(vm);
}

static long start_vm(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hcall_start_vm(vm->vmid);
}

static long pause_vm(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hcall_pause_vm(vm->vmid);
}

/* The hypervisor drops the requests in flight and frees every slot: so does the HSM. */
static long reset_vm(struct hsm_vm *vm, void *in, unsigned long arg)
{
	long ret = hcall_reset_vm(vm->vmid);

	if (ret >= 0) {
		mutex_lock(&vm->lock);
		hsm_ioreq_forget_locked(vm);
		mutex_unlock(&vm->lock);
	}
	return ret;
}

static long set_vcpu_regs(struct hsm_vm *vm, void *in, unsigned long arg)
{
	struct acrn_vcpu_regs *regs = in;
	struct acrn_regs *r = &regs->vcpu_regs;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs->reserved); i++)
		if (regs->reserved[i])
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->reserved_64); i++)
		if (r->reserved_64[i])
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->reserved_32); i++)
		if (r->reserved_32[i])
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->gdt.reserved); i++)
		if (r->gdt.reserved[i] || r->idt.reserved[i])
			return -EINVAL;
	if (regs->vcpu_id >= vm->vcpu_num)
		return -EINVAL;
	return hcall_set_vcpu_regs(vm->vmid, virt_to_phys(regs));
}

static long set_memseg(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_memseg_map(vm, in);
}

static long unset_memseg(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_memseg_unmap(vm, in);
}

static long inject_msi(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hcall_inject_msi(vm->vmid, virt_to_phys(in));
}

/* The argument is (op << 32) | gsi itself. */
static long set_irqline(struct hsm_vm *vm, void *in, unsigned long arg)
{
	if ((u64)arg >> 32 > ACRN_IRQLINE_OP_FALLING_PULSE)
		return -EINVAL;
	return hcall_set_irqline(vm->vmid, arg);
}

static long create_ioreq_client(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_default_client_create(vm);
}

static long attach_ioreq_client(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_default_client_attach(vm);
}

static long destroy_ioreq_client(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_default_client_destroy(vm);
}

static long notify_request_finish(struct hsm_vm *vm, void *in, unsigned long arg)
{
	struct acrn_ioreq_notify *n = in;

	if (n->reserved)
		return -EINVAL;
	return hsm_default_client_finish(vm, n->vcpu);
}

static long clear_vm_ioreq(struct hsm_vm *vm, void *in, unsigned long arg)
{
	hsm_ioreq_clear(vm);
	return 0;
}

/* Cairn has no Px/Cx data for a User VM: known commands -ENOTTY (as a hypervisor without it). */
static long pm_get_cpu_state(struct hsm_vm *vm, void *in, unsigned long arg)
{
	u64 cmd = *(u64 *)in;

	return (cmd & 0xFF) <= 3 ? -ENOTTY : -EINVAL;
}

static long ioeventfd(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_ioeventfd_config(vm, in);
}

static long irqfd(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_irqfd_config(vm, in);
}

static long create_range_client(struct hsm_vm *vm, void *in, unsigned long arg)
{
	struct cairn_ioreq_range_client *c = in;
	long ret = hsm_range_client_create(vm, c);

	if (ret)
		return ret;
	if (copy_to_user((void __user *)arg, c, sizeof(*c))) {
		hsm_range_client_destroy(vm, c->id);
		return -EFAULT;
	}
	return 0;
}

static long client_fetch(struct hsm_vm *vm, void *in, unsigned long arg)
{
	long ret = hsm_range_client_fetch(vm, in);

	/* the request stays held by the client: COMPLETE (or its destruction) answers it */
	if (!ret && copy_to_user((void __user *)arg, in, sizeof(struct cairn_ioreq_fetch)))
		return -EFAULT;
	return ret;
}

static long client_complete(struct hsm_vm *vm, void *in, unsigned long arg)
{
	return hsm_range_client_complete(vm, in);
}

static long destroy_range_client(struct hsm_vm *vm, void *in, unsigned long arg)
{
	if (arg > U32_MAX)
		return -EINVAL;
	return hsm_range_client_destroy(vm, (u32)arg);
}

static const struct hsm_ioctl ioctls[] = {
	{ ACRN_IOCTL_CREATE_VM, HSM_IOC_IN | HSM_IOC_NOVM | HSM_IOC_LIFE, create_vm },
	{ ACRN_IOCTL_DESTROY_VM, HSM_IOC_LIFE, destroy_vm },
	{ ACRN_IOCTL_START_VM, HSM_IOC_LIFE, start_vm },
	{ ACRN_IOCTL_PAUSE_VM, HSM_IOC_LIFE, pause_vm },
	{ ACRN_IOCTL_RESET_VM, HSM_IOC_LIFE, reset_vm },
	{ ACRN_IOCTL_SET_VCPU_REGS, HSM_IOC_IN | HSM_IOC_LIFE, set_vcpu_regs },
	{ ACRN_IOCTL_SET_MEMSEG, HSM_IOC_IN | HSM_IOC_LIFE, set_memseg },
	{ ACRN_IOCTL_UNSET_MEMSEG, HSM_IOC_IN | HSM_IOC_LIFE, unset_memseg },
	{ ACRN_IOCTL_INJECT_MSI, HSM_IOC_IN | HSM_IOC_LIFE, inject_msi },
	{ ACRN_IOCTL_SET_IRQLINE, HSM_IOC_LIFE, set_irqline },
	{ ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0, create_ioreq_client },
	{ ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0, attach_ioreq_client },
	{ ACRN_IOCTL_DESTROY_IOREQ_CLIENT, 0, destroy_ioreq_client },
	{ ACRN_IOCTL_NOTIFY_REQUEST_FINISH, HSM_IOC_IN, notify_request_finish },
	{ ACRN_IOCTL_CLEAR_VM_IOREQ, 0, clear_vm_ioreq },
	{ ACRN_IOCTL_PM_GET_CPU_STATE, HSM_IOC_IN, pm_get_cpu_state },
	{ ACRN_IOCTL_IOEVENTFD, HSM_IOC_IN, ioeventfd },
	{ ACRN_IOCTL_IRQFD, HSM_IOC_IN | HSM_IOC_LIFE, irqfd },
	{ CAIRN_IOCTL_CREATE_RANGE_CLIENT, HSM_IOC_IN, create_range_client },
	{ CAIRN_IOCTL_CLIENT_FETCH, HSM_IOC_IN, client_fetch },
	{ CAIRN_IOCTL_CLIENT_COMPLETE, HSM_IOC_IN, client_complete },
	{ CAIRN_IOCTL_DESTROY_RANGE_CLIENT, 0, destroy_range_client },
};

static long hsm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct hsm_vm *vm = file->private_data;
	const struct hsm_ioctl *e = NULL;
	void *in = NULL;
	unsigned int i;
	long ret;

	for (i = 0; i < ARRAY_SIZE(ioctls) && !e; i++)
		if (ioctls[i].cmd == cmd)
			e = &ioctls[i];
	if (!e)
		return -ENOTTY;
	if (e->flags & HSM_IOC_IN) {
		in = memdup_user((void __user *)arg, _IOC_SIZE(cmd));
		if (IS_ERR(in))
			return PTR_ERR(in);
	}
	if (e->flags & HSM_IOC_LIFE)
		mutex_lock(&vm->life_lock);
	if (!(e->flags & HSM_IOC_NOVM) && !READ_ONCE(vm->live))
		ret = -EINVAL;
	else
		ret = e->fn(vm, in, arg);
	if (e->flags & HSM_IOC_LIFE)
		mutex_unlock(&vm->life_lock);
	kfree(in);
	return ret;
}

static int hsm_open(struct inode *inode, struct file *file)
{
	struct hsm_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL);

	if (!vm)
		return -ENOMEM;
	hsm_vm_init(vm);
	file->private_data = vm;
	return 0;
}

/*
 * CPUs to bring back online for device models that died. A device model offlines the CPUs of
 * its VM (cpu_affinity bit N is the Service VM's CPU N, as acrn-dm and cairn-dm use it) and
 * onlines them after DESTROY_VM; one killed before that cannot, so the release that destroys
 * its VM does it instead. add_cpu() waits for the CPU to boot, so it runs from a work item,
 * not from the dying process's release.
 */
static DEFINE_SPINLOCK(give_back_lock);
static u64 give_back_mask;
static DEFINE_MUTEX(remove_cpu_lock);

/* Whether a live VM runs on the Service VM's CPU `cpu` (it was given to another VM since). */
static bool cpu_claimed(unsigned int cpu)
{
	struct hsm_vm *vm;
	bool claimed = false;

	mutex_lock(&hsm_vms_lock);
	list_for_each_entry(vm, &hsm_vms, list) claimed |= !!(vm->cpu_affinity & BIT_ULL(cpu));
	mutex_unlock(&hsm_vms_lock);
	return claimed;
}

/*
 * Under remove_cpu_lock, so that a device model giving the CPU up again waits until it is online
 * (and then takes it offline itself); a CPU another VM already runs on is left alone: the
 * hypervisor would drop Linux's INIT and SIPI to it (the pCPU is not free), and Linux would wait
 * for a CPU that cannot come.
 */
static void give_back_fn(struct work_struct *work)
{
	unsigned int cpu;
	u64 mask;

	spin_lock(&give_back_lock);
	mask = give_back_mask;
	give_back_mask = 0;
	spin_unlock(&give_back_lock);
	for (cpu = 1; cpu < 64 && cpu < nr_cpu_ids; cpu++) {
		int ret;

		if (!(mask & BIT_ULL(cpu)) || !cpu_possible(cpu))
			continue;
		mutex_lock(&remove_cpu_lock);
		if (cpu_online(cpu) || cpu_claimed(cpu)) {
			mutex_unlock(&remove_cpu_lock);
			continue;
		}
		ret = add_cpu(cpu);
		mutex_unlock(&remove_cpu_lock);
		if (ret)
			pr_warn("cairn_hsm: cpu %u of a VM whose device model died stays offline "
				"(%d)\n",
				cpu, ret);
		else
			pr_info("cairn_hsm: cpu %u of a VM whose device model died is online "
				"again\n",
				cpu);
	}
}
static DECLARE_WORK(give_back_work, give_back_fn);

/* The last close (or the process's death): its VM goes, clients woken, memory freed; if the VM
 * was still there (its device model died), its CPUs come back online. */
static int hsm_release(struct inode *inode, struct file *file)
{
	struct hsm_vm *vm = file->private_data;
	u64 cpus = 0;

	mutex_lock(&vm->life_lock);
	if (vm->live && hsm_vm_destroy(vm) == 0)
		cpus = vm->cpu_affinity;
	mutex_unlock(&vm->life_lock);
	kfree(vm);
	if (cpus) {
		spin_lock(&give_back_lock);
		give_back_mask |= cpus;
		spin_unlock(&give_back_lock);
		schedule_work(&give_back_work);
	}
	return 0;
}

static const struct file_operations hsm_fops = {
	.owner = THIS_MODULE,
	.open = hsm_open,
	.release = hsm_release,
	.unlocked_ioctl = hsm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/*
 * `echo N > remove_cpu`: offline CPU N if it is still online, then give it to the hypervisor
 * by APIC ID. If the hypervisor refuses, a CPU this write offlined comes back online.
 */
static ssize_t remove_cpu_store(struct device *dev, struct device_attribute *attr, const char *buf,
				size_t count)
{
	bool was_online;
	unsigned int cpu;
	u32 apicid;
	long ret;

	if (kstrtouint(buf, 0, &cpu) || cpu == 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu) ||
	    !cpu_is_hotpluggable(cpu))
		return -EINVAL;
	mutex_lock(&remove_cpu_lock);
	was_online = cpu_online(cpu);
	ret = was_online ? remove_cpu(cpu) : 0;
	if (!ret) {
		apicid = cpu_data(cpu).apicid;
		ret = hcall_service_vm_offline_cpu(apicid);
		if (ret < 0) {
			dev_warn(dev, "cpu %u (APIC ID %u): HC_SERVICE_VM_OFFLINE_CPU: %ld\n", cpu,
				 apicid, ret);
			if (was_online)
				add_cpu(cpu);
		} else {
			dev_info(dev, "cpu %u (APIC ID %u) given to the hypervisor\n", cpu, apicid);
			/* Given away again on purpose: no dead VM's give-back may online it. */
			spin_lock(&give_back_lock);
			give_back_mask &= ~BIT_ULL(cpu);
			spin_unlock(&give_back_lock);
		}
	}
	mutex_unlock(&remove_cpu_lock);
	return ret < 0 ? ret : count;
}
static DEVICE_ATTR_WO(remove_cpu);

static struct attribute *hsm_attrs[] = {
	&dev_attr_remove_cpu.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hsm);

struct miscdevice hsm_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "acrn_hsm",
	.fops = &hsm_fops,
	.groups = hsm_groups,
};

/* Cairn's leaves: the signature, and this VM being the Service VM (which may always make hypercalls). */
static int check_cairn(void)
{
	u32 eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return -ENODEV;
	cpuid(CAIRN_CPUID_BASE, &eax, &ebx, &ecx, &edx);
	if (ebx != CAIRN_CPUID_SIG_EBX || ecx != CAIRN_CPUID_SIG_ECX ||
	    edx != CAIRN_CPUID_SIG_EDX || eax < CAIRN_CPUID_FEATURES)
		return -ENODEV;
	eax = cpuid_eax(CAIRN_CPUID_FEATURES);
	if (!(eax & CAIRN_CPUID_FEAT_SERVICE_VM))
		return -EPERM;
	return 0;
}

static int __init hsm_init(void)
{
	int ret = check_cairn();

	if (ret) {
		pr_err("cairn_hsm: %s\n", ret == -ENODEV ? "not running on Cairn"
							 : "this VM is not Cairn's Service VM");
		return ret;
	}
	ret = hsm_ioreq_init();
	if (ret)
		return ret;
	ret = misc_register(&hsm_miscdev);
	if (ret)
		goto out_ioreq;
	ret = hsm_service_dev_register();
	if (ret)
		goto out_misc;
	hsm_debugfs_init();
	pr_info("cairn_hsm: /dev/acrn_hsm ready; service device %s\n",
		hsm_service_dev_bound() ? "bound"
					: "absent (requests dispatched on attach/fetch only)");
	return 0;

out_misc:
	misc_deregister(&hsm_miscdev);
out_ioreq:
	hsm_ioreq_exit();
	return ret;
}

/* Every VM belongs to an open file, which holds the module: none is left here. */
static void __exit hsm_exit(void)
{
	flush_work(&give_back_work);
	hsm_debugfs_exit();
	hsm_service_dev_unregister();
	misc_deregister(&hsm_miscdev);
	hsm_ioreq_exit();
}

module_init(hsm_init);
module_exit(hsm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Cairn HSM: ACRN's /dev/acrn_hsm on a stock kernel, for Cairn's Service VM");
