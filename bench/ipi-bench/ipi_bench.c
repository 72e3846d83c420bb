// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipi_bench: the IPI benchmark that KVM's PV send-IPI patch cites (dry run, self IPI, normal IPI,
 * broadcast IPI, broadcast with a contended lock), plus a real self IPI, a multicast to the
 * first N other CPUs and two exit references (a LAPIC register write that changes nothing, a
 * CPUID), timed with ktime and the TSC. Written for Cairn's bench/ipi.py; its figures
 * are printed to the kernel log at insmod, one line a case:
 *   ipi_bench: CASE: RUNS runs, DESTS dests, latency SUM ns, total NS ns, NS_EACH ns CYCLES cycles each
 * then "ipi_bench: done". Parameters: runs=N, cases=list (dry,self,self-apic,normal,multicast,
 * broadcast,lock,apic-write,cpuid; default all), dests=N (multicast's destinations; default every other CPU).
 */
#include <linux/cpumask.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timex.h>
#include <asm/apic.h>
#include <asm/processor.h>

static unsigned int runs = 1000;
module_param(runs, uint, 0444);
MODULE_PARM_DESC(runs, "iterations of each case");
static char *cases = "dry,self,self-apic,normal,multicast,broadcast,lock,apic-write,cpuid";
module_param(cases, charp, 0444);
MODULE_PARM_DESC(cases, "comma-separated cases to run");
static unsigned int dests;
module_param(dests, uint, 0444);
MODULE_PARM_DESC(dests, "multicast: how many other CPUs (0: all others)");

static DEFINE_SPINLOCK(shared_lock);
static u32 tpr; /* apic-write: the task priority, read once (a read exits under KVM's x2APIC) */

/* The handler of the timed cases: replaces the send time with the delivery latency. */
static void note_latency(void *info)
{
	ktime_t *sent = info;

	*sent = ktime_sub(ktime_get(), *sent);
}

static void do_nothing(void *info)
{
}

static void take_lock(void *info)
{
	spin_lock(&shared_lock);
	spin_unlock(&shared_lock);
}

static void self_work_fn(struct irq_work *work)
{
}

/* One iteration of a case; returns the delivery latency (0 where none is measured). */
static u64 run_once(const char *name, const struct cpumask *multi, struct irq_work *work)
{
	unsigned int cpu = smp_processor_id();
	ktime_t t = ktime_get();

	if (!strcmp(name, "dry")) {
		note_latency(&t);
	} else if (!strcmp(name, "self")) {
		/* As the original: Linux runs a call to its own CPU directly, with no IPI sent. */
		smp_call_function_single(cpu, note_latency, &t, 1);
	} else if (!strcmp(name, "self-apic")) {
		/* A real self IPI: irq_work raises IRQ_WORK_VECTOR through the APIC's self send. */
		irq_work_queue(work);
		while (irq_work_is_busy(work)) /* irq_work_sync() may sleep: spin */
			cpu_relax();
		t = 0;
	} else if (!strcmp(name, "normal")) {
		smp_call_function_single(cpumask_any_but(cpu_online_mask, cpu), note_latency, &t,
					 1);
	} else if (!strcmp(name, "multicast")) {
		smp_call_function_many(multi, do_nothing, NULL, 1);
		t = 0;
	} else if (!strcmp(name, "broadcast")) {
		smp_call_function_many(cpu_online_mask, do_nothing, NULL, 1);
		t = 0;
	} else if (!strcmp(name, "apic-write")) {
		/* The task priority written back as it is, interrupts off: one trapped LAPIC write. */
		unsigned long flags;

		local_irq_save(flags);
		apic_write(APIC_TASKPRI, tpr);
		local_irq_restore(flags);
		t = 0;
	} else if (!strcmp(name, "cpuid")) {
		unsigned int eax = 0, ebx, ecx = 0, edx;

		native_cpuid(&eax, &ebx, &ecx, &edx); /* the cheapest exit there is */
		t = 0;
	} else { /* lock */
		smp_call_function_many(cpu_online_mask, take_lock, NULL, 1);
		t = 0;
	}
	return ktime_to_ns(t);
}

static unsigned int dests_of(const char *name, const struct cpumask *multi)
{
	if (!strcmp(name, "dry") || !strcmp(name, "self") || !strcmp(name, "self-apic") ||
	    !strcmp(name, "apic-write") || !strcmp(name, "cpuid"))
		return 0;
	if (!strcmp(name, "normal"))
		return 1;
	if (!strcmp(name, "multicast"))
		return cpumask_weight(multi);
	return num_online_cpus() - 1;
}

static void run_case(const char *name, struct cpumask *multi)
{
	struct irq_work work;
	u64 latency = 0, ns;
	cycles_t c0, c1;
	ktime_t t0;
	unsigned int i, cpu, n = 0;

	init_irq_work(&work, self_work_fn);
	cpu = get_cpu(); /* the sender stays on one CPU */
	tpr = apic_read(APIC_TASKPRI);
	cpumask_clear(multi);
	if (!strcmp(name, "multicast")) {
		unsigned int other;

		for_each_online_cpu(other)
		{
			if (other == cpu || (dests && n == dests))
				continue;
			cpumask_set_cpu(other, multi);
			n++;
		}
	}
	t0 = ktime_get();
	c0 = get_cycles();
	for (i = 0; i < runs; i++)
		latency += run_once(name, multi, &work);
	c1 = get_cycles();
	ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	put_cpu();
	pr_info("ipi_bench: %s: %u runs, %u dests, latency %llu ns, total %llu ns, %llu ns %llu "
		"cycles each (cpu %u of %u)\n",
		name, runs, dests_of(name, multi), latency, ns, div_u64(ns, runs),
		div_u64((u64)(c1 - c0), runs), cpu, num_online_cpus());
}

static const char *const known[] = { "dry",	  "self", "self-apic",	"normal", "multicast",
				     "broadcast", "lock", "apic-write", "cpuid" };

static bool is_known(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(name, known[i]))
			return true;
	return false;
}

static int __init ipi_bench_init(void)
{
	char *list, *rest, *name;
	cpumask_var_t multi;

	if (!runs || num_online_cpus() < 2) {
		pr_err("ipi_bench: needs runs > 0 and 2 or more online CPUs\n");
		return -EINVAL;
	}
	list = kstrdup(cases, GFP_KERNEL);
	if (!list || !zalloc_cpumask_var(&multi, GFP_KERNEL)) {
		kfree(list);
		return -ENOMEM;
	}
	rest = list;
	while ((name = strsep(&rest, ","))) {
		if (!*name)
			continue;
		if (is_known(name))
			run_case(name, multi);
		else
			pr_err("ipi_bench: unknown case '%s'\n", name);
	}
	free_cpumask_var(multi);
	kfree(list);
	pr_info("ipi_bench: done\n");
	return 0;
}

static void __exit ipi_bench_exit(void)
{
}

module_init(ipi_bench_init);
module_exit(ipi_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IPI latency and cost benchmark for Cairn's bench/ipi.py");
