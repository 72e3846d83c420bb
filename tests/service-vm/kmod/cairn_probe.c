// SPDX-License-Identifier: GPL-2.0-only
/*
 * cairn_probe: a test module for the Service VM. /dev/cairn_probe lets the test programs in
 * tests/service-vm/ make hypercalls and touch MSRs at CPL 0, as a hostile Service VM kernel could.
 * It is a test tool, not the HSM: it checks nothing and trusts its (root) caller. It also hands
 * out one physically contiguous area (mmap and CAIRN_PROBE_AREA_PA) for structs passed by physical
 * address and for the memory of test User VMs (tests/service-vm/uservm.c).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <asm/io.h>
#include <asm/msr.h>

#include "cairn_probe.h"

static long probe_hypercall(void __user *arg)
{
	struct cairn_probe_hypercall hc;

	if (copy_from_user(&hc, arg, sizeof(hc)))
		return -EFAULT;
	{
		register unsigned long r8 asm("r8") = hc.id;
		unsigned long rax;

		asm volatile("vmcall" : "=a"(rax) : "r"(r8), "D"(hc.p1), "S"(hc.p2) : "memory");
		hc.result = (long)rax;
	}
	return copy_to_user(arg, &hc, sizeof(hc)) ? -EFAULT : 0;
}

static long probe_kvm_hypercall(void __user *arg)
{
	struct cairn_probe_kvm_hypercall hc;
	unsigned long rax;

	if (copy_from_user(&hc, arg, sizeof(hc)))
		return -EFAULT;
	asm volatile("vmmcall"
		     : "=a"(rax)
		     : "a"(hc.nr), "b"(hc.a[0]), "c"(hc.a[1]), "d"(hc.a[2]), "S"(hc.a[3])
		     : "memory");
	hc.result = (long)rax;
	return copy_to_user(arg, &hc, sizeof(hc)) ? -EFAULT : 0;
}

static long probe_msr(void __user *arg, bool write)
{
	struct cairn_probe_msr m;
	u64 value = 0;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	if (write)
		m.fault = wrmsrl_safe(m.index, m.value) ? 1 : 0;
	else
		m.fault = rdmsrl_safe(m.index, &value) ? 1 : 0;
	if (!write)
		m.value = value;
	return copy_to_user(arg, &m, sizeof(m)) ? -EFAULT : 0;
}

static struct page *area;
static DEFINE_MUTEX(area_lock);

static int area_get(void)
{
	mutex_lock(&area_lock);
	if (!area)
		area = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(CAIRN_PROBE_AREA_SIZE));
	mutex_unlock(&area_lock);
	return area ? 0 : -ENOMEM;
}

static long probe_area_pa(void __user *arg)
{
	int err = area_get();

	if (err)
		return err;
	return put_user((u64)page_to_phys(area), (u64 __user *)arg);
}

static int probe_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	int err = area_get();

	if (err)
		return err;
	if (vma->vm_pgoff || size > CAIRN_PROBE_AREA_SIZE)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(area), size, vma->vm_page_prot);
}

static long probe_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case CAIRN_PROBE_HYPERCALL:
		return probe_hypercall(uarg);
	case CAIRN_PROBE_KVM_HYPERCALL:
		return probe_kvm_hypercall(uarg);
	case CAIRN_PROBE_RDMSR:
		return probe_msr(uarg, false);
	case CAIRN_PROBE_WRMSR:
		return probe_msr(uarg, true);
	case CAIRN_PROBE_AREA_PA:
		return probe_area_pa(uarg);
	case CAIRN_PROBE_CACHE_INSN:
		if (arg == 1)
			asm volatile("invd" ::: "memory");
		else if (arg == 2)
			asm volatile("wbinvd" ::: "memory");
		else
			return -EINVAL;
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = probe_ioctl,
	.mmap = probe_mmap,
};

static struct miscdevice probe_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "cairn_probe",
	.fops = &probe_fops,
};

static int __init probe_init(void)
{
	return misc_register(&probe_dev);
}

static void __exit probe_exit(void)
{
	misc_deregister(&probe_dev);
	if (area)
		__free_pages(area, get_order(CAIRN_PROBE_AREA_SIZE));
}

module_init(probe_init);
module_exit(probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Cairn test probe: hypercalls and MSRs from the Service VM");
