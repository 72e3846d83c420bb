/* SPDX-License-Identifier: BSD-3-Clause */
/* User VMs by hypercall (core/user_vm.c, user_vm_mem.c) on the fake: every argument check, each call. */
#include <string.h>

#include "cairn/acrn.h"
#include "cairn/hypercall.h"
#include "core/pcpu.h"
#include "core/user_vm.h"
#include "lib/errno.h"
#include "x86/guest/kvm_pv.h"
#include "fake_console.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define VMCALL_EXIT  ((struct vm_exit){ .reason = EXIT_EXCEPTION, .exception.vector = 6 })
#define CREATION_GPA 0x9000ull
#define BATCH_GPA    0xA000ull
#define REGIONS_GPA  0xB000ull
#define REGS_GPA     0xC000ull
#define DEVICE_GPA   0x1F0000ull   /* a page of the Service VM's map that is a device, not RAM */
#define FREE_PCPUS   6		   /* pCPUs 2-7: online, given back */
#define SVC_RAM_BASE 0x10000000ull /* the Service VM's RAM map (its identity-mapped RAM) */
#define SVC_RAM_SIZE 0x01000000ull
#define RWX_WB	     (ACRN_MEM_ACCESS_RIGHT_MASK | ACRN_MEM_TYPE_WB)
#define PAGE	     0x1000ull

static const uint8_t vmcall[] = { 0x0F, 0x01, 0xC1 };
static struct vm *svc;

/* The Service VM on pCPUs 0-1, pCPUs 2-7 free; its RAM map one range; a device page mapped. */
static void setup(void)
{
	svc = fake_vm_create(
		&(struct fake_vm_spec){ .name = "service", .kind = VM_KIND_SERVICE, .nvcpus = 2 });
	for (uint32_t p = 2; p < 2 + FREE_PCPUS; p++)
		pcpus[p] = (struct pcpu){ .self = &pcpus[p],
					  .id = p,
					  .apic_id = p + FAKE_DEFAULT_APIC,
					  .state = PCPU_ONLINE };
	pcpu_count = 2 + FREE_PCPUS;
	svc->ram[0] = (struct ram_range){ SVC_RAM_BASE, SVC_RAM_SIZE };
	svc->nram = 1;
	ASSERT_EQ(virt_vm_map(svc, DEVICE_GPA, 0xFED00000ull, PAGE, VIRT_MEM_RWX), 0);
}

static int64_t hypercall(uint64_t id, uint64_t p1, uint64_t p2)
{
	struct vcpu *vcpu = &svc->vcpus[0];

	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	fake_vcpu_put_insn(vcpu, vmcall, sizeof(vmcall));
	vcpu->regs = (struct vcpu_regs){ .r8 = id, .rdi = p1, .rsi = p2 };
	EXPECT_EQ(fake_run_exit(vcpu, &VMCALL_EXIT), 0);
	return (int64_t)vcpu->regs.rax;
}

static struct acrn_vm_creation creation(const char *name, uint64_t affinity)
{
	struct acrn_vm_creation cv;

	memset(&cv, 0, sizeof(cv));
	cv.vmid = 0x1234;
	cv.cpu_affinity = affinity;
	strncpy((char *)cv.uuid, name, sizeof(cv.uuid));
	return cv;
}

/* HC_CREATE_VM on `cv` written at CREATION_GPA; *cv gets what was written back. */
static int64_t create(struct acrn_vm_creation *cv)
{
	fake_guest_write(svc, CREATION_GPA, cv, sizeof(*cv));
	int64_t err = hypercall(HC_CREATE_VM, CREATION_GPA, 0);
	memcpy(cv, fake_guest_ptr(svc, CREATION_GPA), sizeof(*cv));
	return err;
}

static struct vm *create_ok(const char *name, uint64_t affinity)
{
	struct acrn_vm_creation cv = creation(name, affinity);

	EXPECT_EQ(create(&cv), 0);
	EXPECT_TRUE(cv.vmid < MAX_VMS);
	return &vms[cv.vmid < MAX_VMS ? cv.vmid : 0];
}

TEST(create_builds_a_user_vm_on_the_pcpus_given_back)
{
	setup();
	struct acrn_vm_creation cv = creation("hello1", 0x30);
	cv.vm_flag = GUEST_FLAG_IO_COMPLETION_POLLING | (1ull << 40);
	ASSERT_EQ(create(&cv), 0);
	EXPECT_EQ(cv.vmid, 1);
	EXPECT_EQ(cv.vcpu_num, 2);
	struct vm *vm = &vms[1];
	EXPECT_EQ(vm->state, VM_CREATED);
	EXPECT_EQ(vm->config->kind, VM_KIND_USER);
	EXPECT_EQ(vm->creator, svc);
	EXPECT_STREQ(vm->name, "hello1");
	EXPECT_EQ(vm->guest_flags, GUEST_FLAG_IO_COMPLETION_POLLING); /* unknown bits dropped */
	EXPECT_EQ(vm->nvcpus, 2);
	EXPECT_EQ(pcpus[4].vcpu, &vm->vcpus[0]);
	EXPECT_EQ(pcpus[5].vcpu, &vm->vcpus[1]);
	EXPECT_FALSE(vm->trap_hlt);
	EXPECT_TRUE(vm->vcpus[1].arch.wait_for_sipi);
	/* Its LAPIC is passed through (read-only page, writes trap); nothing else is mapped. */
	const struct fake_map *m = fake_vm_map_at(vm, FAKE_LAPIC_BASE);
	ASSERT_NOT_NULL(m);
	EXPECT_EQ(m->rights, VIRT_MEM_READ);
	EXPECT_NULL(fake_vm_map_at(vm, 0));
	EXPECT_TRUE(fake_console_contains("created user VM 1 'hello1' on pCPU mask 0x30"));
}

TEST(create_with_x2apic_offers_it_to_that_vm_only)
{
	setup();
	struct acrn_vm_creation cv = creation("x2", 0x4);
	cv.vm_flag = CAIRN_GUEST_FLAG_X2APIC | CAIRN_GUEST_FLAG_NO_PV_IPI;
	ASSERT_EQ(create(&cv), 0);
	EXPECT_EQ(vms[cv.vmid].config->flags, VM_FLAG_X2APIC | VM_FLAG_NO_PV_IPI);
	struct acrn_vm_creation plain = creation("plain", 0x8);
	ASSERT_EQ(create(&plain), 0);
	EXPECT_EQ(vms[plain.vmid].config->flags, 0);
}

TEST(create_with_no_pv_ipi_withholds_kvm_pv_send_ipi_from_that_vm_only)
{
	setup();
	struct acrn_vm_creation cv = creation("nopv", 0x4);
	cv.vm_flag = CAIRN_GUEST_FLAG_NO_PV_IPI;
	ASSERT_EQ(create(&cv), 0);
	struct vm *vm = &vms[cv.vmid];
	EXPECT_EQ(vm->guest_flags, CAIRN_GUEST_FLAG_NO_PV_IPI);
	EXPECT_EQ(vm->config->flags, VM_FLAG_NO_PV_IPI);
	EXPECT_TRUE(fake_console_contains("(1 vCPUs, flags 0x4000000000000000)"));
	/* Its KVM features leaf lacks bit 11; a VM created without the flag keeps it. */
	struct cpuid_regs leaf;
	EXPECT_TRUE(kvm_pv_cpuid(&vm->vcpus[0], 0x40000101, &leaf));
	EXPECT_EQ(leaf.eax & (1u << 11), 0);
	struct vm *other = create_ok("pv", 0x8);
	EXPECT_EQ(other->config->flags, 0);
	EXPECT_TRUE(kvm_pv_cpuid(&other->vcpus[0], 0x40000101, &leaf));
	EXPECT_EQ(leaf.eax & (1u << 11), 1u << 11);
}

TEST(create_names_from_the_uuid_bytes_only_when_they_are_a_padded_name)
{
	setup();
	struct acrn_vm_creation cv = creation("", 0x4);
	memcpy(cv.uuid, "\x12\x34\x56\x78\x9a\xbc\xde\xf0\x11\x22\x33\x44\x55\x66\x77\x88", 16);
	ASSERT_EQ(create(&cv), 0);
	EXPECT_STREQ(vms[cv.vmid].name, "user1");
	cv = creation("ab", 0x8);
	cv.uuid[3] = 'c'; /* "ab\0c": not NUL-padded */
	ASSERT_EQ(create(&cv), 0);
	EXPECT_STREQ(vms[cv.vmid].name, "user2");
	cv = creation("sixteen-chars-ok", 0x10);
	ASSERT_EQ(create(&cv), 0);
	EXPECT_STREQ(vms[cv.vmid].name, "sixteen-chars-ok");
	cv = creation("service", 0x20); /* a name a VM already has */
	EXPECT_EQ(create(&cv), -EEXIST);
	EXPECT_EQ(cv.vmid, 0xFFFF);
	EXPECT_NULL(pcpus[5].vcpu);
}

TEST(create_refuses_bad_affinities)
{
	setup();
	struct acrn_vm_creation cv;
	struct vm *held = create_ok("held", 0x80);

	cv = creation("a", 0);
	EXPECT_EQ(create(&cv), -EINVAL);
	EXPECT_EQ(cv.vmid, 0xFFFF);
	EXPECT_EQ(cv.vcpu_num, 0);
	cv = creation("a", 0x5); /* the boot pCPU */
	EXPECT_EQ(create(&cv), -EINVAL);
	cv = creation("a", 0xFFFF00); /* 16 bits: fine but for pCPUs that do not exist */
	EXPECT_EQ(create(&cv), -EINVAL);
	cv = creation("a", 0x3FFFEull << 20); /* 17 bits */
	EXPECT_EQ(create(&cv), -EINVAL);
	cv = creation("a", 1ull << 63); /* beyond pcpu_count */
	EXPECT_EQ(create(&cv), -EINVAL);
	pcpus[6].state = PCPU_FAILED;
	cv = creation("a", 0x40);
	EXPECT_EQ(create(&cv), -EINVAL);
	cv = creation("a", 0x6); /* pCPU 1 is the Service VM's */
	EXPECT_EQ(create(&cv), -EBUSY);
	cv = creation("a", 0x84); /* pCPU 7 is another User VM's */
	EXPECT_EQ(create(&cv), -EBUSY);
	EXPECT_EQ(pcpus[7].vcpu, &held->vcpus[0]);
	EXPECT_NULL(pcpus[2].vcpu);
	EXPECT_EQ(vms[2].state, VM_FREE);
}

TEST(create_refuses_bad_flags_reserved_fields_and_pointers)
{
	setup();
	struct acrn_vm_creation cv = creation("a", 0x4);

	cv.vm_flag = GUEST_FLAG_SECURE_WORLD_ENABLED;
	EXPECT_EQ(create(&cv), -EINVAL);
	cv = creation("a", 0x4), cv.reserved0 = 1;
	EXPECT_EQ(create(&cv), -EINVAL);
	cv = creation("a", 0x4), cv.reserved1 = 1;
	EXPECT_EQ(create(&cv), -EINVAL);
	/* Beyond its RAM, across its end, at a device, unmapped (the hypervisor's memory). */
	EXPECT_EQ(hypercall(HC_CREATE_VM, FAKE_RAM_SIZE, 0), -EFAULT);
	EXPECT_EQ(hypercall(HC_CREATE_VM, FAKE_RAM_SIZE - 24, 0), -EFAULT);
	EXPECT_EQ(hypercall(HC_CREATE_VM, DEVICE_GPA, 0), -EFAULT);
	EXPECT_EQ(hypercall(HC_CREATE_VM, 0x100000000ull, 0), -EFAULT);
	EXPECT_EQ(hypercall(HC_CREATE_VM, ~0ull - 8, 0), -EFAULT);
	EXPECT_NULL(pcpus[2].vcpu);
}

TEST(create_without_a_free_slot_is_enospc)
{
	setup();
	static struct vm_config other = { .name = "x", .kind = VM_KIND_PRE_LAUNCHED };
	for (uint32_t i = 1; i < MAX_VMS; i++)
		vms[i] = (struct vm){ .id = i, .config = &other, .name = "x", .state = VM_STOPPED };
	struct acrn_vm_creation cv = creation("a", 0x4);
	EXPECT_EQ(create(&cv), -ENOSPC);
	EXPECT_NULL(pcpus[2].vcpu);
}

TEST(only_the_service_vm_creates)
{
	struct vm *p =
		fake_vm_create(&(struct fake_vm_spec){ .name = "p", .flags = VM_FLAG_HYPERCALLS });
	struct acrn_vm_creation cv = creation("a", 0x4);
	struct vcpu *vcpu = &p->vcpus[0];

	fake_guest_write(p, CREATION_GPA, &cv, sizeof(cv));
	fake_vcpu_put_insn(vcpu, vmcall, sizeof(vmcall));
	vcpu->regs = (struct vcpu_regs){ .r8 = HC_CREATE_VM, .rdi = CREATION_GPA };
	EXPECT_EQ(fake_run_exit(vcpu, &VMCALL_EXIT), 0);
	EXPECT_EQ((int64_t)vcpu->regs.rax, -EPERM);
	EXPECT_EQ(vms[1].state, VM_FREE);
}

/* --- targets: every vmid-taking call --- */

TEST(calls_on_vms_the_caller_did_not_create_are_refused)
{
	setup();
	struct vm *part = fake_vm_create(&(struct fake_vm_spec){ .name = "part", .first_pcpu = 9 });
	struct vm_memory_region_batch b = { .vmid = (uint16_t)part->id };
	const uint64_t calls[] = { HC_DESTROY_VM, HC_START_VM, HC_PAUSE_VM, HC_RESET_VM,
				   HC_SET_VCPU_REGS };

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		EXPECT_EQ(hypercall(calls[i], part->id, REGS_GPA), -EPERM);
		EXPECT_EQ(hypercall(calls[i], svc->id, REGS_GPA), -EPERM);
		EXPECT_EQ(hypercall(calls[i], 3, REGS_GPA), -EINVAL); /* a free slot */
		EXPECT_EQ(hypercall(calls[i], MAX_VMS, REGS_GPA), -EINVAL);
		EXPECT_EQ(hypercall(calls[i], 1ull << 32, REGS_GPA), -EINVAL);
	}
	fake_guest_write(svc, BATCH_GPA, &b, sizeof(b));
	EXPECT_EQ(hypercall(HC_VM_SET_MEMORY_REGIONS, BATCH_GPA, 0), -EPERM);
	b.vmid = 0xFFFF;
	fake_guest_write(svc, BATCH_GPA, &b, sizeof(b));
	EXPECT_EQ(hypercall(HC_VM_SET_MEMORY_REGIONS, BATCH_GPA, 0), -EINVAL);
	EXPECT_EQ(part->state, VM_RUNNING);
	EXPECT_EQ(fake_pcpu_posted(9), 0);
	EXPECT_EQ(fake_lifecycle_count(), 0);
}

/* --- HC_VM_SET_MEMORY_REGIONS --- */

static struct vm_memory_region_op add(uint64_t gpa, uint64_t svc_pa, uint64_t size, uint32_t attr)
{
	return (struct vm_memory_region_op){ .type = ACRN_MEM_REGION_ADD,
					     .attr = attr,
					     .user_vm_pa = gpa,
					     .service_vm_pa = svc_pa,
					     .size = size };
}

static struct vm_memory_region_op del(uint64_t gpa, uint64_t size)
{
	return (struct vm_memory_region_op){ .type = ACRN_MEM_REGION_DEL,
					     .user_vm_pa = gpa,
					     .size = size };
}

static int64_t set_regions(struct vm *vm, const struct vm_memory_region_op *ops, uint32_t n)
{
	struct vm_memory_region_batch b = { .vmid = (uint16_t)vm->id,
					    .regions_num = n,
					    .regions_gpa = REGIONS_GPA };

	fake_guest_write(svc, BATCH_GPA, &b, sizeof(b));
	fake_guest_write(svc, REGIONS_GPA, ops, n * sizeof(*ops));
	return hypercall(HC_VM_SET_MEMORY_REGIONS, BATCH_GPA, 0);
}

static int64_t set_one(struct vm *vm, struct vm_memory_region_op op)
{
	return set_regions(vm, &op, 1);
}

TEST(memory_regions_map_service_vm_ram_with_the_rights_asked)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);
	const struct vm_memory_region_op ops[] = {
		add(0, SVC_RAM_BASE, 0x10000, RWX_WB),
		add(0x10000, SVC_RAM_BASE + 0x20000, 0x1000, ACRN_MEM_ACCESS_READ),
		add(0x100000, SVC_RAM_BASE + SVC_RAM_SIZE - 0x2000, 0x2000,
		    ACRN_MEM_ACCESS_READ | ACRN_MEM_ACCESS_EXEC), /* no type: WB */
	};

	fake_events_clear(vm);
	ASSERT_EQ(set_regions(vm, ops, 3), 0);
	const struct fake_map *m = fake_vm_map_at(vm, 0x8000);
	ASSERT_NOT_NULL(m);
	EXPECT_EQ(m->hpa, SVC_RAM_BASE);
	EXPECT_EQ(m->rights, VIRT_MEM_RWX);
	m = fake_vm_map_at(vm, 0x10000);
	ASSERT_NOT_NULL(m);
	EXPECT_EQ(m->hpa, SVC_RAM_BASE + 0x20000);
	EXPECT_EQ(m->rights, VIRT_MEM_READ);
	EXPECT_EQ(fake_vm_map_at(vm, 0x101000)->rights, VIRT_MEM_READ | VIRT_MEM_EXEC);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_MAP), 3);
	EXPECT_EQ(vm->mem_size, 0x13000);
	/* Zero regions: nothing to do. */
	EXPECT_EQ(set_regions(vm, ops, 0), 0);
}

TEST(memory_regions_refuse_unaligned_empty_and_out_of_range_ones)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);

	fake_events_clear(vm);
	EXPECT_EQ(set_one(vm, add(0x800, SVC_RAM_BASE, PAGE, RWX_WB)), -EINVAL);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE + 0x800, PAGE, RWX_WB)), -EINVAL);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE, 0x1800, RWX_WB)), -EINVAL);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE, 0, RWX_WB)), -EINVAL);
	EXPECT_EQ(set_one(vm, add(1ull << 40, SVC_RAM_BASE, PAGE, RWX_WB)), -EINVAL);
	EXPECT_EQ(set_one(vm, add(~0ull & ~(PAGE - 1), SVC_RAM_BASE, 2 * PAGE, RWX_WB)), -EINVAL);
	EXPECT_EQ(set_one(vm, add(0, ~0ull & ~(PAGE - 1), 2 * PAGE, RWX_WB)), -EINVAL);
	EXPECT_EQ(set_one(vm, del(0x800, PAGE)), -EINVAL);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_MAP) + fake_event_count(vm, FAKE_EV_UNMAP), 0);
}

TEST(memory_regions_refuse_bad_rights_types_and_ops)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);
	struct vm_memory_region_op op;

	fake_events_clear(vm);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE, PAGE, ACRN_MEM_TYPE_WB)),
		  -EINVAL); /* no right */
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE, PAGE, 0x7 | ACRN_MEM_TYPE_UC)), -EINVAL);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE, PAGE, 0x7 | ACRN_MEM_TYPE_WC)), -EINVAL);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE, PAGE, 0x7 | 0x8)), -EINVAL);
	op = add(0, SVC_RAM_BASE, PAGE, RWX_WB), op.type = 1; /* neither ADD nor DEL */
	EXPECT_EQ(set_one(vm, op), -EINVAL);
	op.type = 3; /* ACRN's MR_MODIFY: not served */
	EXPECT_EQ(set_one(vm, op), -EINVAL);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_MAP), 0);
}

TEST(memory_regions_only_give_the_service_vms_own_ram)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);

	fake_events_clear(vm);
	/* The hypervisor's or a partition's memory, a device: never in the Service VM's RAM map. */
	EXPECT_EQ(set_one(vm, add(0, 0x100000, PAGE, RWX_WB)), -EPERM);
	EXPECT_EQ(set_one(vm, add(0, 0xFED00000ull, PAGE, RWX_WB)), -EPERM);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE - PAGE, 2 * PAGE, RWX_WB)), -EPERM);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE + SVC_RAM_SIZE - PAGE, 2 * PAGE, RWX_WB)),
		  -EPERM);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE + SVC_RAM_SIZE, PAGE, RWX_WB)), -EPERM);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_MAP), 0);
	/* Two adjacent ranges of its map count as one. */
	svc->ram[1] = (struct ram_range){ SVC_RAM_BASE + SVC_RAM_SIZE, SVC_RAM_SIZE };
	svc->nram = 2;
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE + SVC_RAM_SIZE - PAGE, 2 * PAGE, RWX_WB)), 0);
}

TEST(memory_regions_refuse_overlaps_with_mappings_the_batch_and_the_lapic)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);
	const struct vm_memory_region_op overlapping[] = {
		add(0x100000, SVC_RAM_BASE, 0x4000, RWX_WB),
		add(0x103000, SVC_RAM_BASE + 0x8000, PAGE, RWX_WB),
	};

	ASSERT_EQ(set_one(vm, add(0x10000, SVC_RAM_BASE, 0x4000, RWX_WB)), 0);
	fake_events_clear(vm);
	EXPECT_EQ(set_one(vm, add(0x13000, SVC_RAM_BASE, 0x2000, RWX_WB)), -EEXIST);
	EXPECT_EQ(set_one(vm, add(0xF000, SVC_RAM_BASE, 0x2000, RWX_WB)), -EEXIST);
	EXPECT_EQ(set_one(vm, add(0, SVC_RAM_BASE, 0x100000, RWX_WB)), -EEXIST);
	EXPECT_EQ(set_regions(vm, overlapping, 2), -EEXIST); /* within the batch */
	EXPECT_EQ(set_one(vm, add(FAKE_LAPIC_BASE - PAGE, SVC_RAM_BASE, 2 * PAGE, RWX_WB)),
		  -EEXIST);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_MAP), 0); /* all checked before any map */
	/* Adjacent is fine, on both sides; the same Service VM page twice is fine too. */
	EXPECT_EQ(set_one(vm, add(0x14000, SVC_RAM_BASE, PAGE, RWX_WB)), 0);
	EXPECT_EQ(set_one(vm, add(0xF000, SVC_RAM_BASE, PAGE, RWX_WB)), 0);
	EXPECT_EQ(vm->mem_size, 0x6000);
}

TEST(memory_regions_batch_with_a_bad_entry_changes_nothing)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);
	const struct vm_memory_region_op ops[] = {
		add(0, SVC_RAM_BASE, 0x4000, RWX_WB), add(0x4000, SVC_RAM_BASE, 0x4000, RWX_WB),
		add(0x8000, 0x100000, 0x4000, RWX_WB), /* not the Service VM's */
	};

	fake_events_clear(vm);
	EXPECT_EQ(set_regions(vm, ops, 3), -EPERM);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_MAP), 0);
	EXPECT_NULL(fake_vm_map_at(vm, 0));
	EXPECT_EQ(vm->mem_size, 0);
	EXPECT_EQ(set_regions(vm, ops, 2), 0); /* the same first two, alone, are fine */
}

TEST(memory_regions_del_only_when_no_vcpu_runs_and_it_splits)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);
	const struct vm_memory_region_op del_then_add[] = {
		del(0x2000, PAGE),
		add(0x2000, SVC_RAM_BASE + 0x100000, PAGE, RWX_WB),
	};

	ASSERT_EQ(set_one(vm, add(0, SVC_RAM_BASE, 0x4000, RWX_WB)), 0);
	vm->state = VM_RUNNING;
	EXPECT_EQ(set_one(vm, del(0, PAGE)), -EBUSY);
	vm->state = VM_PAUSED;
	EXPECT_EQ(set_one(vm, del(0, PAGE)), -EBUSY);
	EXPECT_NOT_NULL(fake_vm_map_at(vm, 0));
	/* Running: adding is fine. */
	EXPECT_EQ(set_one(vm, add(0x8000, SVC_RAM_BASE, PAGE, RWX_WB)), 0);
	vm->state = VM_CREATED;
	EXPECT_EQ(set_one(vm, del(0x1000, PAGE)), 0); /* the middle of a range */
	EXPECT_NULL(fake_vm_map_at(vm, 0x1000));
	EXPECT_NOT_NULL(fake_vm_map_at(vm, 0));
	EXPECT_NOT_NULL(fake_vm_map_at(vm, 0x2000));
	EXPECT_EQ(vm->mem_size, 0x4000);
	EXPECT_EQ(set_one(vm, add(0x1000, SVC_RAM_BASE, PAGE, RWX_WB)), 0); /* the hole again */
	EXPECT_EQ(set_regions(vm, del_then_add, 2), 0); /* in order: the DEL frees the ADD's room */
	EXPECT_EQ(fake_vm_map_at(vm, 0x2000)->hpa, SVC_RAM_BASE + 0x100000);
	EXPECT_EQ(set_one(vm, del(0x40000, PAGE)), 0); /* nothing there: nothing to do */
	EXPECT_EQ(vm->mem_size, 0x5000);
}

TEST(memory_regions_ranges_are_bounded)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);
	static struct vm_memory_region_op ops[USER_VM_REGIONS_MAX + 1];

	/* 64 disjoint ranges fit; a 65th, or a DEL that would split one more, does not. */
	for (uint32_t i = 0; i < 64; i++)
		ops[i] = add(i * 2 * PAGE, SVC_RAM_BASE, PAGE, RWX_WB);
	EXPECT_EQ(set_regions(vm, ops, 64), 0);
	EXPECT_EQ(set_one(vm, add(200 * PAGE, SVC_RAM_BASE, PAGE, RWX_WB)), -ENOSPC);
	EXPECT_EQ(set_one(vm, add(PAGE, SVC_RAM_BASE, PAGE, RWX_WB)), 0); /* merges two */
	EXPECT_EQ(set_one(vm, del(PAGE, PAGE)), 0);			  /* splits again */
	ASSERT_EQ(set_one(vm, add(200 * PAGE, SVC_RAM_BASE, 4 * PAGE, RWX_WB)), -ENOSPC);
	/* Batches up to USER_VM_REGIONS_MAX entries, each checked; not one more. */
	struct vm *big = create_ok("big", 0x8);
	for (uint32_t i = 0; i < USER_VM_REGIONS_MAX; i++)
		ops[i] = add(i * PAGE, SVC_RAM_BASE + i * PAGE, PAGE, RWX_WB);
	EXPECT_EQ(set_regions(big, ops, USER_VM_REGIONS_MAX + 1), -EINVAL);
	EXPECT_EQ(set_regions(big, ops, USER_VM_REGIONS_MAX), 0);
	EXPECT_EQ(big->mem_size, USER_VM_REGIONS_MAX * PAGE);
}

TEST(memory_regions_bad_pointers_and_reserved_fields)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);
	struct vm_memory_region_batch b = { .vmid = (uint16_t)vm->id,
					    .regions_num = 2,
					    .regions_gpa = FAKE_RAM_SIZE - 32 };

	EXPECT_EQ(hypercall(HC_VM_SET_MEMORY_REGIONS, FAKE_RAM_SIZE - 8, 0), -EFAULT);
	EXPECT_EQ(hypercall(HC_VM_SET_MEMORY_REGIONS, DEVICE_GPA, 0), -EFAULT);
	fake_guest_write(svc, BATCH_GPA, &b, sizeof(b));
	EXPECT_EQ(hypercall(HC_VM_SET_MEMORY_REGIONS, BATCH_GPA, 0), -EFAULT); /* array ends out */
	b.regions_gpa = DEVICE_GPA;
	fake_guest_write(svc, BATCH_GPA, &b, sizeof(b));
	EXPECT_EQ(hypercall(HC_VM_SET_MEMORY_REGIONS, BATCH_GPA, 0), -EFAULT);
	b.regions_gpa = REGIONS_GPA, b.reserved1 = 1;
	fake_guest_write(svc, BATCH_GPA, &b, sizeof(b));
	EXPECT_EQ(hypercall(HC_VM_SET_MEMORY_REGIONS, BATCH_GPA, 0), -EINVAL);
}

/* --- HC_SET_VCPU_REGS, HC_START_VM --- */

static struct acrn_vcpu_regs startup_32(uint16_t vcpu_id)
{
	struct acrn_vcpu_regs r;

	memset(&r, 0, sizeof(r));
	r.vcpu_id = vcpu_id;
	r.vcpu_regs.rip = 0x100000;
	r.vcpu_regs.cr0 = 1; /* PE */
	r.vcpu_regs.rflags = 2;
	r.vcpu_regs.cs_ar = 0xC09B;
	r.vcpu_regs.cs_limit = 0xFFFFFFFF;
	r.vcpu_regs.gprs.rsi = 0x7000;
	return r;
}

static int64_t set_vcpu_regs(struct vm *vm, const struct acrn_vcpu_regs *r)
{
	fake_guest_write(svc, REGS_GPA, r, sizeof(*r));
	return hypercall(HC_SET_VCPU_REGS, vm->id, REGS_GPA);
}

TEST(set_vcpu_regs_loads_the_state_then_start_runs_vcpu_0)
{
	setup();
	struct vm *vm = create_ok("u", 0xC);
	struct acrn_vcpu_regs r = startup_32(0);
	struct vm *target;

	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), -EINVAL); /* no start state yet */
	EXPECT_EQ(fake_lifecycle_count(), 0);
	ASSERT_EQ(set_vcpu_regs(vm, &r), 0);
	const struct virt_vcpu *v = fake_vcpu(&vm->vcpus[0]);
	EXPECT_EQ(v->rip, 0x100000);
	EXPECT_EQ(v->state.cs.access, 0xC09B);
	EXPECT_EQ(v->state.regs.rsi, 0x7000);
	EXPECT_EQ(v->mode.cr0 & 1, 1);
	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), 0);
	EXPECT_EQ(fake_lifecycle_last(&target), FAKE_LC_START);
	EXPECT_EQ(target, vm);
}

TEST(set_vcpu_regs_refuses_bad_vcpus_states_pointers_and_running_vms)
{
	setup();
	struct vm *vm = create_ok("u", 0xC);
	struct acrn_vcpu_regs r;

	fake_events_clear(vm);
	r = startup_32(2); /* two vCPUs: 0 and 1 */
	EXPECT_EQ(set_vcpu_regs(vm, &r), -EINVAL);
	r = startup_32(0), r.reserved[1] = 1;
	EXPECT_EQ(set_vcpu_regs(vm, &r), -EINVAL);
	r = startup_32(0), r.vcpu_regs.cr0 = 1ull << 31; /* paging without protected mode */
	EXPECT_EQ(set_vcpu_regs(vm, &r), -EINVAL);
	EXPECT_EQ(hypercall(HC_SET_VCPU_REGS, vm->id, FAKE_RAM_SIZE - 100), -EFAULT);
	EXPECT_EQ(hypercall(HC_SET_VCPU_REGS, vm->id, DEVICE_GPA), -EFAULT);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_SET_STATE), 0);
	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), -EINVAL); /* none of it counted */
	r = startup_32(1); /* an AP's state is kept, but vCPU 0 starts the VM */
	EXPECT_EQ(set_vcpu_regs(vm, &r), 0);
	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), -EINVAL);
	vm->state = VM_RUNNING;
	r = startup_32(0);
	EXPECT_EQ(set_vcpu_regs(vm, &r), -EBUSY);
	vm->state = VM_PAUSED;
	EXPECT_EQ(set_vcpu_regs(vm, &r), -EBUSY);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_SET_STATE), 1);
}

TEST(start_resumes_a_paused_vm_and_pause_pauses)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);

	vm->state = VM_PAUSED;
	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), 0);
	EXPECT_EQ(fake_lifecycle_last(NULL), FAKE_LC_RESUME);
	EXPECT_EQ(hypercall(HC_PAUSE_VM, vm->id, 0), 0);
	EXPECT_EQ(fake_lifecycle_last(NULL), FAKE_LC_PAUSE);
}

/* --- HC_RESET_VM --- */

/* The User VM's pCPUs, while the caller waits: each serves a reset as vcpu_reset() does. */
static void serve_resets(void *ctx)
{
	struct vm *vm = ctx;

	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		if (!(pcpu_take_requests(vcpu->pcpu) & PCPU_REQ_RESET))
			continue;
		vcpu->state = VCPU_OFFLINE;
		user_vm_vcpu_reset_done(vcpu);
	}
}

TEST(reset_parks_every_vcpu_and_the_vm_needs_a_start_state_again)
{
	setup();
	struct vm *vm = create_ok("u", 0xC);
	struct acrn_vcpu_regs r = startup_32(0);

	EXPECT_EQ(hypercall(HC_RESET_VM, vm->id, 0), -EINVAL); /* created: nothing to reset */
	ASSERT_EQ(set_vcpu_regs(vm, &r), 0);
	vm->state = VM_RUNNING; /* as vm_start() leaves it (the fake's records only) */
	fake_set_relax_hook(serve_resets, vm);
	EXPECT_EQ(hypercall(HC_RESET_VM, vm->id, 0), 0);
	EXPECT_EQ(vm->state, VM_CREATED);
	EXPECT_EQ(vm->resets, 1);
	EXPECT_EQ(vm->vcpus[0].state, VCPU_OFFLINE);
	EXPECT_EQ(vm->vcpus[1].state, VCPU_OFFLINE);
	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), -EINVAL);
	ASSERT_EQ(set_vcpu_regs(vm, &r), 0);
	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), 0);
	EXPECT_EQ(fake_lifecycle_last(NULL), FAKE_LC_START);
}

TEST(reset_that_a_vcpu_never_answers_times_out_and_changes_nothing)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);

	vm->state = VM_PAUSED;
	EXPECT_EQ(hypercall(HC_RESET_VM, vm->id, 0), -ETIMEDOUT);
	EXPECT_EQ(vm->state, VM_PAUSED);
	EXPECT_EQ(fake_pcpu_posted(2), PCPU_REQ_RESET | PCPU_REQ_RESUME);
}

/* --- HC_DESTROY_VM --- */

/* The User VM's pCPUs: each retires its vCPU on a stop, as vcpu_retire() does; the last calls
 * user_vm_stopped(). */
static void serve_stops(void *ctx)
{
	struct vm *vm = ctx;
	bool all = true;

	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		if (vcpu_bound(vcpu) && (pcpu_take_requests(vcpu->pcpu) & PCPU_REQ_STOP)) {
			vcpu->state = VCPU_STOPPED;
			free_pcpu(vcpu->pcpu->id);
		}
		all &= vcpu->state == VCPU_STOPPED;
	}
	if (all && vm->state != VM_STOPPED && vm->state != VM_FREE) {
		vm->state = VM_STOPPED;
		user_vm_stopped(vm);
	}
}

TEST(destroy_stops_the_vcpus_frees_pcpus_and_slot_and_the_slot_is_reused)
{
	setup();
	struct vm *vm = create_ok("u", 0xC);

	ASSERT_EQ(set_one(vm, add(0, SVC_RAM_BASE, PAGE, RWX_WB)), 0);
	fake_set_relax_hook(serve_stops, vm);
	EXPECT_EQ(hypercall(HC_DESTROY_VM, vm->id, 0), 0);
	EXPECT_EQ(vm->state, VM_FREE);
	EXPECT_NULL(vm->virt); /* NPT and vCPUs gone */
	EXPECT_NULL(pcpus[2].vcpu);
	EXPECT_NULL(pcpus[3].vcpu);
	EXPECT_EQ(vm->nvcpus, 0);
	EXPECT_TRUE(fake_console_contains("user VM 1 'u' destroyed"));
	EXPECT_EQ(hypercall(HC_DESTROY_VM, 1, 0), -EINVAL);
	/* The same pCPUs and slot again, nothing of the old VM left (no memory mapped). */
	struct vm *again = create_ok("u", 0xC);
	EXPECT_EQ(again, vm);
	EXPECT_NULL(fake_vm_map_at(again, 0));
	EXPECT_EQ(again->mem_size, 0);
	EXPECT_EQ(set_one(again, add(0, SVC_RAM_BASE, PAGE, RWX_WB)), 0);
}

TEST(destroy_of_a_stopped_vm_releases_it_at_once)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);

	vm->vcpus[0].state = VCPU_STOPPED; /* a triple fault stopped it: its pCPU is free */
	free_pcpu(2);
	vm->state = VM_STOPPED;
	user_vm_stopped(vm);
	EXPECT_EQ(vm->state, VM_STOPPED); /* not being destroyed: it stays, for `vms` */
	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), -EINVAL);
	EXPECT_EQ(hypercall(HC_DESTROY_VM, vm->id, 0), 0);
	EXPECT_EQ(vm->state, VM_FREE);
	EXPECT_EQ(fake_pcpu_post_count(), 0);
	EXPECT_EQ(fake_relax_count(), 0);
}

TEST(destroy_while_the_vcpus_have_not_stopped_returns_and_they_release_it_later)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);

	EXPECT_EQ(hypercall(HC_DESTROY_VM, vm->id, 0), 0); /* waited 1 s, then gave up */
	EXPECT_EQ(fake_pcpu_posted(2), PCPU_REQ_STOP);
	EXPECT_EQ(vm->state, VM_CREATED);
	EXPECT_EQ(hypercall(HC_START_VM, vm->id, 0), -EINVAL); /* going away */
	serve_stops(vm);
	EXPECT_EQ(vm->state, VM_FREE);
}

static void serve_a_now_b_later(void *ctx)
{
	struct vm **both = ctx;

	serve_stops(both[0]);
	if (fake_relax_count() >= 3000)
		serve_stops(both[1]);
}

TEST(the_creators_restart_destroys_its_user_vms)
{
	setup();
	struct vm *a = create_ok("a", 0x4), *b = create_ok("b", 0x8);

	/* It waits for both, however long they take: b's pCPU answers only after 3 s. */
	fake_set_relax_hook(serve_a_now_b_later, (struct vm *[]){ a, b });
	user_vms_destroy_all(svc, true);
	EXPECT_EQ(a->state, VM_FREE);
	EXPECT_EQ(b->state, VM_FREE);
	EXPECT_TRUE(fake_relax_count() >= 3000);
	EXPECT_TRUE(fake_console_contains("cairn: vm service: user VM 2 still stopping"));
}

TEST(vms_line_shows_the_creator)
{
	setup();
	struct vm *vm = create_ok("u", 0x4);
	char line[200] = "x";

	ASSERT_EQ(set_one(vm, add(0, SVC_RAM_BASE, 0x4000, RWX_WB)), 0);
	user_vm_describe(vm, line, sizeof(line), 1);
	EXPECT_STREQ(line, "x, user VM of service, 16 KiB in 1 ranges, flags 0x0");
}
