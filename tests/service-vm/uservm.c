/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cairn-uservm: User VMs made straight from the Service VM with ACRN's hypercalls (through
 * /dev/cairn_probe, before the HSM exists), for tests/integration/test_user_vm_lifecycle.py.
 *
 *   cairn-uservm offline APIC_ID   HC_SERVICE_VM_OFFLINE_CPU; prints the result
 *   cairn-uservm run PCPU          tiny guests on PCPU: 32-bit (a bzImage's startup_32 state),
 *                                  reset, then 64-bit; a triple fault; every bad argument
 *   cairn-uservm hold PCPU         a guest left running on PCPU; prints its vmid
 *   cairn-uservm destroy VMID      HC_DESTROY_VM
 *   cairn-uservm badargs           calls that name no User VM, each with its error code
 *
 * Structs and guest memory live in the probe's physically contiguous area: its first MiB holds
 * the structs, its second MiB is the guest's RAM at guest-physical 0. Each check prints
 * "cairn-uservm: <what>: <result> (want <w>) ok|FAIL"; the last line counts the failures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cairn/acrn.h"
#include "cairn/hypercall.h"
#include "cairn_probe.h"

#define PROBE_DEV "/dev/cairn_probe"
#define PROBE_KO  "/lib/cairn/cairn_probe.ko"

/* Offsets in the area. */
#define CREATION_OFF 0x0000
#define BATCH_OFF    0x0100
#define REGIONS_OFF  0x0200
#define REGS_OFF     0x1000
#define GUEST_OFF    0x100000 /* guest-physical 0 */
#define GUEST_SIZE   0x100000

/* In the guest. */
#define CODE_LOOP   0x1000 /* eax = 0x2000; [eax] = ebx; loop: inc [eax + 4] */
#define CODE_CRASH  0x1100 /* eax = 0x2000; [eax] = ebx; ud2 (no IDT: a triple fault) */
#define MARKER	    0x2000
#define PML4	    0x3000
#define PDPT	    0x4000
#define PD	    0x5000
#define ATTR_RWX_WB (ACRN_MEM_ACCESS_RIGHT_MASK | ACRN_MEM_TYPE_WB)

#define HYPERVISOR_PA 0x100000ull      /* the hypervisor's image: never the Service VM's */
#define IOAPIC_PA     0xFEC00000ull    /* a device */
#define BEYOND_RAM    0x10000000000ull /* 1 TiB */

static int fd = -1;
static unsigned char *area;
static unsigned long long area_pa;
static int failures;

static void open_probe(void)
{
	fd = open(PROBE_DEV, O_RDWR);
	if (fd < 0 && system("insmod " PROBE_KO " 2>/dev/null") >= 0)
		fd = open(PROBE_DEV, O_RDWR);
	if (fd < 0) {
		perror("cairn-uservm: " PROBE_DEV);
		exit(1);
	}
	if (ioctl(fd, CAIRN_PROBE_AREA_PA, &area_pa)) {
		perror("cairn-uservm: area");
		exit(1);
	}
	area = mmap(NULL, CAIRN_PROBE_AREA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (area == MAP_FAILED) {
		perror("cairn-uservm: mmap");
		exit(1);
	}
}

static long long hc(unsigned long long id, unsigned long long p1, unsigned long long p2)
{
	struct cairn_probe_hypercall h = { .id = id, .p1 = p1, .p2 = p2 };

	if (ioctl(fd, CAIRN_PROBE_HYPERCALL, &h)) {
		perror("cairn-uservm: hypercall");
		exit(1);
	}
	return h.result;
}

static void expect(const char *what, long long got, long long want)
{
	bool ok = got == want;

	printf("cairn-uservm: %s: %lld (want %lld) %s\n", what, got, want, ok ? "ok" : "FAIL");
	fflush(stdout);
	failures += !ok;
}

static void *at(unsigned off)
{
	return area + off;
}

/* HC_CREATE_VM from the struct at CREATION_OFF; the vmid written back (0xFFFF on failure). */
static long long create(const char *name, unsigned long long affinity, unsigned long long flags,
			unsigned *vmid)
{
	struct acrn_vm_creation *cv = at(CREATION_OFF);

	memset(cv, 0, sizeof(*cv));
	memcpy(cv->uuid, name, strnlen(name, sizeof(cv->uuid))); /* NUL-padded, as acrn-dm does */
	cv->cpu_affinity = affinity;
	cv->vm_flag = flags;
	long long r = hc(HC_CREATE_VM, area_pa + CREATION_OFF, 0);
	if (vmid)
		*vmid = cv->vmid;
	return r;
}

static long long map(unsigned vmid, unsigned long long gpa, unsigned long long svc_pa,
		     unsigned long long size, unsigned attr, unsigned type)
{
	struct vm_memory_region_batch *b = at(BATCH_OFF);
	struct vm_memory_region_op *op = at(REGIONS_OFF);

	memset(b, 0, sizeof(*b));
	b->vmid = (unsigned short)vmid;
	b->regions_num = 1;
	b->regions_gpa = area_pa + REGIONS_OFF;
	*op = (struct vm_memory_region_op){
		.type = type, .attr = attr, .user_vm_pa = gpa, .service_vm_pa = svc_pa, .size = size
	};
	return hc(HC_VM_SET_MEMORY_REGIONS, area_pa + BATCH_OFF, 0);
}

/* The guest's code and page tables (identity map of 2 MiB for the 64-bit run). */
static void write_guest(void)
{
	static const unsigned char loop[] = { 0xB8, 0x00, 0x20, 0x00, 0x00, 0x89,
					      0x18, 0xFF, 0x40, 0x04, 0xEB, 0xFB };
	static const unsigned char crash[] = {
		0xB8, 0x00, 0x20, 0x00, 0x00, 0x89, 0x18, 0x0F, 0x0B
	};
	unsigned char *g = at(GUEST_OFF);

	memset(g, 0, GUEST_SIZE);
	memcpy(g + CODE_LOOP, loop, sizeof(loop));
	memcpy(g + CODE_CRASH, crash, sizeof(crash));
	*(unsigned long long *)(g + PML4) = PDPT | 3;
	*(unsigned long long *)(g + PDPT) = PD | 3;
	*(unsigned long long *)(g + PD) = 0x83; /* 2 MiB page at 0, present, writable */
}

static struct acrn_vcpu_regs *regs32(unsigned long long rip, unsigned marker)
{
	struct acrn_vcpu_regs *r = at(REGS_OFF);

	memset(r, 0, sizeof(*r));
	r->vcpu_regs.rip = rip;
	r->vcpu_regs.gprs.rbx = marker;
	r->vcpu_regs.cr0 = 1; /* PE, paging off: startup_32's state */
	r->vcpu_regs.rflags = 2;
	r->vcpu_regs.cs_ar = 0xC09B;
	r->vcpu_regs.cs_limit = 0xFFFFFFFF;
	r->vcpu_regs.cs_sel = 0x10;
	r->vcpu_regs.ds_sel = r->vcpu_regs.ss_sel = r->vcpu_regs.es_sel = 0x18;
	return r;
}

static struct acrn_vcpu_regs *regs64(unsigned long long rip, unsigned marker)
{
	struct acrn_vcpu_regs *r = regs32(rip, marker);

	r->vcpu_regs.cr0 = 0x80000031; /* PE ET NE PG */
	r->vcpu_regs.cr4 = 0x20;       /* PAE */
	r->vcpu_regs.cr3 = PML4;
	r->vcpu_regs.ia32_efer = 0x100; /* LME */
	r->vcpu_regs.cs_ar = 0xA09B;	/* 64-bit code */
	return r;
}

static volatile unsigned *marker(void)
{
	return at(GUEST_OFF + MARKER);
}

/* Waits up to 20 s for the guest to write `value` and count up past `count` beside it. */
static bool guest_ran(unsigned value, unsigned count)
{
	for (int i = 0; i < 2000; i++) {
		if (marker()[0] == value && marker()[1] > count)
			return true;
		usleep(10000);
	}
	return false;
}

static void run(unsigned pcpu)
{
	unsigned long long mask = 1ull << pcpu, ram = area_pa + GUEST_OFF;
	unsigned vmid, other;

	write_guest();
	expect("create on the given-back pCPU", create("uvm-loop", mask, 0, &vmid), 0);
	expect("busy pCPU (already the User VM's)", create("uvm-two", mask, 0, &other), -EBUSY);
	expect("vmid 0xFFFF on failure", other, 0xFFFF);
	expect("start before any registers", hc(HC_START_VM, vmid, 0), -EINVAL);
	/* Memory: bad ones first, each refused, then the guest's 1 MiB. */
	expect("region at the hypervisor", map(vmid, 0, HYPERVISOR_PA, 0x1000, ATTR_RWX_WB, 0),
	       -EPERM);
	expect("region at a device", map(vmid, 0, IOAPIC_PA, 0x1000, ATTR_RWX_WB, 0), -EPERM);
	expect("region beyond RAM", map(vmid, 0, BEYOND_RAM, 0x1000, ATTR_RWX_WB, 0), -EPERM);
	expect("region unaligned", map(vmid, 0x800, ram, 0x1000, ATTR_RWX_WB, 0), -EINVAL);
	expect("region UC", map(vmid, 0, ram, 0x1000, 7 | ACRN_MEM_TYPE_UC, 0), -EINVAL);
	expect("region bad op", map(vmid, 0, ram, 0x1000, ATTR_RWX_WB, 1), -EINVAL);
	expect("region at the LAPIC", map(vmid, 0xFEE00000, ram, 0x1000, ATTR_RWX_WB, 0), -EEXIST);
	expect("regions pointer at the hypervisor", hc(HC_VM_SET_MEMORY_REGIONS, HYPERVISOR_PA, 0),
	       -EFAULT);
	expect("map the guest's RAM", map(vmid, 0, ram, GUEST_SIZE, ATTR_RWX_WB, 0), 0);
	expect("region overlapping", map(vmid, 0x80000, ram, 0x1000, ATTR_RWX_WB, 0), -EEXIST);
	/* Registers: bad ones refused, then startup_32's state. */
	struct acrn_vcpu_regs *r = regs32(CODE_LOOP, 0xC0FFEE32);
	r->vcpu_id = 1;
	expect("regs of vCPU 1 (there is one)", hc(HC_SET_VCPU_REGS, vmid, area_pa + REGS_OFF),
	       -EINVAL);
	r = regs32(CODE_LOOP, 0xC0FFEE32);
	r->vcpu_regs.cr0 = 0x80000000; /* PG without PE */
	expect("regs PG without PE", hc(HC_SET_VCPU_REGS, vmid, area_pa + REGS_OFF), -EINVAL);
	expect("regs pointer at a device", hc(HC_SET_VCPU_REGS, vmid, IOAPIC_PA), -EFAULT);
	regs32(CODE_LOOP, 0xC0FFEE32);
	expect("regs 32-bit", hc(HC_SET_VCPU_REGS, vmid, area_pa + REGS_OFF), 0);
	expect("start", hc(HC_START_VM, vmid, 0), 0);
	expect("32-bit guest writes its marker and counts", guest_ran(0xC0FFEE32, 1000), 1);
	expect("regs while running", hc(HC_SET_VCPU_REGS, vmid, area_pa + REGS_OFF), -EBUSY);
	expect("unmap while running", map(vmid, 0, ram, 0x1000, 0, ACRN_MEM_REGION_DEL), -EBUSY);
	expect("pause", hc(HC_PAUSE_VM, vmid, 0), 0);
	expect("reset", hc(HC_RESET_VM, vmid, 0), 0);
	expect("start after a reset, before registers", hc(HC_START_VM, vmid, 0), -EINVAL);
	regs64(CODE_LOOP, 0xC0FFEE64);
	expect("regs 64-bit", hc(HC_SET_VCPU_REGS, vmid, area_pa + REGS_OFF), 0);
	expect("start again", hc(HC_START_VM, vmid, 0), 0);
	expect("64-bit guest writes its marker and counts", guest_ran(0xC0FFEE64, 1000), 1);
	expect("destroy", hc(HC_DESTROY_VM, vmid, 0), 0);
	expect("destroyed vmid is gone", hc(HC_START_VM, vmid, 0), -EINVAL);
	unsigned stopped = marker()[1];
	usleep(200000);
	expect("the destroyed guest runs no more", marker()[1] == stopped, 1);
	/* A guest that triple-faults: stopped alone; then destroyed. */
	expect("create the crashing guest", create("uvm-crash", mask, 0, &vmid), 0);
	expect("map", map(vmid, 0, ram, GUEST_SIZE, ATTR_RWX_WB, 0), 0);
	regs32(CODE_CRASH, 0xDEAD0032);
	expect("regs", hc(HC_SET_VCPU_REGS, vmid, area_pa + REGS_OFF), 0);
	expect("start", hc(HC_START_VM, vmid, 0), 0);
	for (int i = 0; i < 2000 && marker()[0] != 0xDEAD0032; i++)
		usleep(10000);
	expect("it ran up to its fault", marker()[0] == 0xDEAD0032, 1);
	usleep(500000);
	expect("a stopped VM does not start", hc(HC_START_VM, vmid, 0), -EINVAL);
	expect("destroy the stopped VM", hc(HC_DESTROY_VM, vmid, 0), 0);
	printf("cairn-uservm: run done, %d failed\n", failures);
}

static void hold(unsigned pcpu)
{
	unsigned vmid;

	write_guest();
	expect("create", create("uvm-hold", 1ull << pcpu, GUEST_FLAG_IO_COMPLETION_POLLING, &vmid),
	       0);
	expect("map", map(vmid, 0, area_pa + GUEST_OFF, GUEST_SIZE, ATTR_RWX_WB, 0), 0);
	regs32(CODE_LOOP, 0xC0FFEE01);
	expect("regs", hc(HC_SET_VCPU_REGS, vmid, area_pa + REGS_OFF), 0);
	expect("start", hc(HC_START_VM, vmid, 0), 0);
	expect("it runs", guest_ran(0xC0FFEE01, 1000), 1);
	printf("cairn-uservm: holding vmid %u on pCPU %u, %d failed\n", vmid, pcpu, failures);
}

/* Calls that name no User VM of ours: partitions, the Service VM itself, free slots, bad pointers. */
static void badargs(unsigned partition_vmid, unsigned partition_pcpu)
{
	const struct {
		const char *name;
		unsigned long long id;
	} calls[] = {
		{ "destroy", HC_DESTROY_VM },
		{ "start", HC_START_VM },
		{ "pause", HC_PAUSE_VM },
		{ "reset", HC_RESET_VM },
		{ "regs", HC_SET_VCPU_REGS },
		{ "ioreq buffer", HC_SET_IOREQ_BUFFER },
		{ "notify", HC_NOTIFY_REQUEST_FINISH },
		{ "inject msi", HC_INJECT_MSI },
		{ "irqline", HC_SET_IRQLINE },
	};
	char what[96];

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		snprintf(what, sizeof(what), "%s of the partition", calls[i].name);
		expect(what, hc(calls[i].id, partition_vmid, area_pa + REGS_OFF), -EPERM);
		snprintf(what, sizeof(what), "%s of the Service VM", calls[i].name);
		expect(what, hc(calls[i].id, 0, area_pa + REGS_OFF), -EPERM);
		snprintf(what, sizeof(what), "%s of a free vmid", calls[i].name);
		expect(what, hc(calls[i].id, 9, area_pa + REGS_OFF), -EINVAL);
		snprintf(what, sizeof(what), "%s of vmid 2^32", calls[i].name);
		expect(what, hc(calls[i].id, 1ull << 32, area_pa + REGS_OFF), -EINVAL);
	}
	expect("create at the hypervisor", hc(HC_CREATE_VM, HYPERVISOR_PA, 0), -EFAULT);
	expect("create at a device", hc(HC_CREATE_VM, IOAPIC_PA, 0), -EFAULT);
	expect("create beyond RAM", hc(HC_CREATE_VM, BEYOND_RAM, 0), -EFAULT);
	expect("create with no pCPU", create("bad", 0, 0, NULL), -EINVAL);
	expect("create on the boot pCPU", create("bad", 1, 0, NULL), -EINVAL);
	expect("create on an online Service VM pCPU", create("bad", 2, 0, NULL), -EBUSY);
	expect("create on the partition's pCPU", create("bad", 1ull << partition_pcpu, 0, NULL),
	       -EBUSY);
	expect("create on 17 pCPUs", create("bad", 0x3FFFEull << 20, 0, NULL), -EINVAL);
	expect("create on pCPU 40", create("bad", 1ull << 40, 0, NULL), -EINVAL);
	expect("create with a secure world",
	       create("bad", 4, GUEST_FLAG_SECURE_WORLD_ENABLED, NULL), -EINVAL);
	expect("regions of the partition",
	       map(partition_vmid, 0, area_pa + GUEST_OFF, 0x1000, ATTR_RWX_WB, 0), -EPERM);
	expect("offline the boot CPU", hc(HC_SERVICE_VM_OFFLINE_CPU, 0, 0), -EINVAL);
	expect("offline an unknown APIC ID", hc(HC_SERVICE_VM_OFFLINE_CPU, 99, 0), -EINVAL);
	expect("offline an online CPU", hc(HC_SERVICE_VM_OFFLINE_CPU, 1, 0), -EBUSY);
	expect("an unknown hypercall", hc(HC_ID(0x77), 0, 0), -ENOTTY);
	printf("cairn-uservm: badargs done, %d failed\n", failures);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: cairn-uservm offline APIC|run PCPU|hold PCPU|destroy VMID|"
				"badargs PART_VMID PART_PCPU\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* On the boot CPU: the CPU asked about must not be the one making the call. */
	cpu_set_t cpu0;
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	open_probe();
	if (!strcmp(argv[1], "offline") && argc == 3)
		printf("cairn-uservm: offline %s: %lld\n", argv[2],
		       hc(HC_SERVICE_VM_OFFLINE_CPU, strtoull(argv[2], NULL, 0), 0));
	else if (!strcmp(argv[1], "run") && argc == 3)
		run((unsigned)strtoul(argv[2], NULL, 0));
	else if (!strcmp(argv[1], "hold") && argc == 3)
		hold((unsigned)strtoul(argv[2], NULL, 0));
	else if (!strcmp(argv[1], "destroy") && argc == 3)
		printf("cairn-uservm: destroy %s: %lld\n", argv[2],
		       hc(HC_DESTROY_VM, strtoull(argv[2], NULL, 0), 0));
	else if (!strcmp(argv[1], "badargs") && argc == 4)
		badargs((unsigned)strtoul(argv[2], NULL, 0), (unsigned)strtoul(argv[3], NULL, 0));
	else
		return 2;
	return failures ? 1 : 0;
}
