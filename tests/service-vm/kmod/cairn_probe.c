// SPDX-License-Identifier: GPL-2.0-only
/*
 * cairn_probe: a test module for the Service VM. /dev/cairn_probe lets the test programs in
 * tests/service-vm/ make hypercalls and touch MSRs at CPL 0, as a hostile Service VM kernel could.
 * It is a test tool, not the HSM: it checks nothing and trusts its (root) caller.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
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
};

static struct miscdevice probe_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "cairn_probe",
	.fops = &probe_fops,
};

module_misc_device(probe_dev);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Cairn test probe: hypercalls and MSRs from the Service VM");
