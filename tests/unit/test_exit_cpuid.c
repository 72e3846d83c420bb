/* SPDX-License-Identifier: BSD-3-Clause */
/* CPUID exits through the fake backend: Cairn's and KVM's leaves, SVM hidden, RIP advanced by 2. */
#include "cairn/cpuid.h"
#include "x86/tsc.h"
#include "fake_cpu.h"
#include "fake_virt.h"
#include "harness.h"

#define CPUID1_ECX_VMX	      (1u << 5)
#define CPUID1_ECX_OSXSAVE    (1u << 27)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID_EXT_ECX_SVM     (1u << 2)
#define CR4_OSXSAVE	      (1u << 18)
#define KVM_SIGNATURE_EBX     0x4B4D564Bu /* "KVMK" */

static const struct vm_exit cpuid_exit = { .reason = EXIT_CPUID };

static struct cpuid_regs run_cpuid(struct vcpu *vcpu, uint32_t leaf, uint32_t subleaf)
{
	vcpu->regs.rax = 0xDEAD000000000000ull | leaf;
	vcpu->regs.rcx = 0xDEAD000000000000ull | subleaf;
	EXPECT_EQ(fake_run_exit(vcpu, &cpuid_exit), 0);
	return (struct cpuid_regs){ (uint32_t)vcpu->regs.rax, (uint32_t)vcpu->regs.rbx,
				    (uint32_t)vcpu->regs.rcx, (uint32_t)vcpu->regs.rdx };
}

static struct vm *partition(uint32_t flags, uint32_t watchdog_ms)
{
	return fake_vm_create(&(struct fake_vm_spec){ .name = "p",
						      .kind = VM_KIND_PRE_LAUNCHED,
						      .flags = flags,
						      .watchdog_ms = watchdog_ms,
						      .nvcpus = 2 });
}

TEST(cairn_base_leaf_signature_and_rip_plus_2)
{
	struct vm *vm = partition(0, 0);
	struct vcpu *vcpu = &vm->vcpus[0];
	struct cpuid_regs r = run_cpuid(vcpu, CAIRN_CPUID_BASE, 0);

	EXPECT_EQ(r.eax, CAIRN_CPUID_FEATURES);
	EXPECT_EQ(r.ebx, CAIRN_CPUID_SIG_EBX);
	EXPECT_EQ(r.ecx, CAIRN_CPUID_SIG_ECX);
	EXPECT_EQ(r.edx, CAIRN_CPUID_SIG_EDX);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 2);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_SET_RIP), 1);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_EXCEPTION), 0);
	EXPECT_EQ(vcpu->exits[EXIT_CPUID], 1); /* counted by the run loop */
	/* 64-bit register writes zero the upper halves, as the instruction does. */
	EXPECT_EQ(vcpu->regs.rax >> 32, 0);
}

TEST(cairn_features_leaf_names_vm_vcpu_and_tsc_rate)
{
	struct vm *vm = partition(VM_FLAG_HYPERCALLS, 500);
	struct cpuid_regs r = run_cpuid(&vm->vcpus[1], CAIRN_CPUID_FEATURES, 0);

	EXPECT_EQ(r.eax, CAIRN_CPUID_FEAT_HYPERCALLS | CAIRN_CPUID_FEAT_WATCHDOG);
	EXPECT_EQ(r.ebx, vm->id);
	EXPECT_EQ(r.ecx, 1); /* vCPU index */
	EXPECT_EQ(r.edx, (uint32_t)tsc_khz);

	struct vm *plain = partition(0, 0);
	EXPECT_EQ(run_cpuid(&plain->vcpus[0], CAIRN_CPUID_FEATURES, 0).eax, 0);
}

TEST(service_vm_feature_bit)
{
	struct vm *vm = fake_vm_create(&(struct fake_vm_spec){ .kind = VM_KIND_SERVICE });

	EXPECT_EQ(run_cpuid(&vm->vcpus[0], CAIRN_CPUID_FEATURES, 0).eax,
		  CAIRN_CPUID_FEAT_SERVICE_VM);
}

TEST(rest_of_the_hypervisor_range_is_zero_not_the_hosts)
{
	struct vm *vm = partition(0, 0);
	struct cpuid_regs tcg = { 0x40000001, 0x54474354, 0x43544743, 0x47435447 };
	const uint32_t leaves[] = { 0x40000002, 0x400000FF, 0x40000100, 0x40000101, 0x4000FFFF };

	fake_cpu_set_cpuid(0x40000100, 0, tcg);
	for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
		struct cpuid_regs r = run_cpuid(&vm->vcpus[0], leaves[i], 0);
		EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
}

TEST(kvm_leaves_at_0x40000100_for_the_service_vm_and_user_vms_only)
{
	struct vm *svc = fake_vm_create(&(struct fake_vm_spec){ .kind = VM_KIND_SERVICE });
	struct cpuid_regs base = run_cpuid(&svc->vcpus[0], 0x40000100, 0);
	struct cpuid_regs features = run_cpuid(&svc->vcpus[0], 0x40000101, 0);

	EXPECT_EQ(base.eax, 0x40000101);
	EXPECT_EQ(base.ebx, KVM_SIGNATURE_EBX);
	EXPECT_EQ(base.ecx, 0x564B4D56);
	EXPECT_EQ(base.edx, 0x4D);
	EXPECT_EQ(features.eax, (1u << 3) | (1u << 1) | (1u << 11) | (1u << 24));
	EXPECT_EQ(features.edx, 1); /* KVM_HINTS_REALTIME: dedicated pCPUs */
	EXPECT_EQ(run_cpuid(&svc->vcpus[0], 0x40000102, 0).eax, 0);
	/* Cairn's own leaves stay where they are for the Service VM too. */
	EXPECT_EQ(run_cpuid(&svc->vcpus[0], CAIRN_CPUID_BASE, 0).ebx, CAIRN_CPUID_SIG_EBX);

	struct vm *part = partition(0, 0);
	EXPECT_NE(run_cpuid(&part->vcpus[0], 0x40000100, 0).ebx, KVM_SIGNATURE_EBX);

	/* A Linux User VM gets the same leaves (kvmclock, PV IPIs, the REALTIME hint). */
	struct vm *user = fake_vm_create(&(struct fake_vm_spec){ .kind = VM_KIND_USER });
	user->creator = svc;
	EXPECT_EQ(run_cpuid(&user->vcpus[0], 0x40000100, 0).ebx, KVM_SIGNATURE_EBX);
	EXPECT_EQ(run_cpuid(&user->vcpus[0], 0x40000101, 0).eax, features.eax);
	EXPECT_EQ(run_cpuid(&user->vcpus[0], 0x40000101, 0).edx, 1);
}

TEST(kvm_features_leaf_withholds_pv_send_ipi_with_no_pv_ipi)
{
	struct vm *svc = fake_vm_create(
		&(struct fake_vm_spec){ .kind = VM_KIND_SERVICE, .flags = VM_FLAG_NO_PV_IPI });
	struct cpuid_regs features = run_cpuid(&svc->vcpus[0], 0x40000101, 0);

	/* Only bit 11 goes: kvmclock, NOP_IO_DELAY, the stable bit and REALTIME stay. */
	EXPECT_EQ(features.eax, (1u << 3) | (1u << 1) | (1u << 24));
	EXPECT_EQ(features.edx, 1);
	EXPECT_EQ(run_cpuid(&svc->vcpus[0], 0x40000100, 0).ebx, KVM_SIGNATURE_EBX);

	struct vm *user = fake_vm_create(
		&(struct fake_vm_spec){ .kind = VM_KIND_USER, .flags = VM_FLAG_NO_PV_IPI });
	user->creator = svc;
	EXPECT_EQ(run_cpuid(&user->vcpus[0], 0x40000101, 0).eax & (1u << 11), 0);
}

#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

TEST(leaf_1_hides_vmx_sets_hypervisor_and_follows_guest_osxsave)
{
	struct vm *vm = partition(0, 0);
	struct vcpu *vcpu = &vm->vcpus[0];

	fake_cpu_set_cpuid(1, 0,
			   (struct cpuid_regs){ 0x00A00F11, 0x00020800,
						0x7EFA320B | CPUID1_ECX_VMX | CPUID1_ECX_OSXSAVE |
							CPUID1_ECX_TSC_DEADLINE,
						0x178BFBFF });
	struct cpuid_regs r = run_cpuid(vcpu, 1, 0);
	EXPECT_EQ(r.eax, 0x00A00F11);
	EXPECT_EQ(r.edx, 0x178BFBFF);
	EXPECT_EQ(r.ecx & CPUID1_ECX_VMX, 0);
	EXPECT_EQ(r.ecx & CPUID1_ECX_HYPERVISOR, CPUID1_ECX_HYPERVISOR);
	EXPECT_EQ(r.ecx & CPUID1_ECX_OSXSAVE, 0); /* the guest's CR4.OSXSAVE is clear */
	EXPECT_EQ(r.ecx & (CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE), 0); /* not offered */
	EXPECT_EQ(r.ecx & (1u << 3), 0); /* no MONITOR: an offline Linux CPU parks in HLT */
	EXPECT_EQ(r.ecx & ~(CPUID1_ECX_HYPERVISOR | CPUID1_ECX_OSXSAVE | CPUID1_ECX_VMX),
		  0x7EFA320B & ~(CPUID1_ECX_HYPERVISOR | CPUID1_ECX_OSXSAVE | CPUID1_ECX_X2APIC |
				 CPUID1_ECX_TSC_DEADLINE | (1u << 3)));

	fake_vcpu(vcpu)->mode.cr4 |= CR4_OSXSAVE;
	EXPECT_EQ(run_cpuid(vcpu, 1, 0).ecx & CPUID1_ECX_OSXSAVE, CPUID1_ECX_OSXSAVE);
}

TEST(svm_hidden_from_extended_leaves)
{
	struct vm *vm = partition(0, 0);

	fake_cpu_set_cpuid(0x80000001, 0, (struct cpuid_regs){ 1, 2, 0x000001F7, 4 });
	fake_cpu_set_cpuid(0x8000000A, 0, (struct cpuid_regs){ 1, 0x8000, 0, 0x1BFFFF });
	struct cpuid_regs ext = run_cpuid(&vm->vcpus[0], 0x80000001, 0);
	EXPECT_EQ(ext.ecx, 0x000001F7 & ~CPUID_EXT_ECX_SVM);
	EXPECT_EQ(ext.edx, 4);
	struct cpuid_regs svm = run_cpuid(&vm->vcpus[0], 0x8000000A, 0);
	EXPECT_EQ(svm.eax | svm.ebx | svm.ecx | svm.edx, 0);
}

TEST(other_leaves_pass_through_with_subleaf)
{
	struct vm *vm = partition(0, 0);

	fake_cpu_set_cpuid(7, 0, (struct cpuid_regs){ 0, 0x219C07AB, 0, 0 });
	fake_cpu_set_cpuid(7, 1, (struct cpuid_regs){ 0x11, 0, 0, 0 });
	EXPECT_EQ(run_cpuid(&vm->vcpus[0], 7, 0).ebx, 0x219C07AB);
	EXPECT_EQ(run_cpuid(&vm->vcpus[0], 7, 1).eax, 0x11);
	EXPECT_EQ(fake_vcpu(&vm->vcpus[0])->rip, FAKE_CODE_GPA + 4);
}

TEST(leaf_1_offers_x2apic_to_a_vm_with_the_x2apic_flag_only)
{
	struct vm *with = fake_vm_create(
		&(struct fake_vm_spec){ .kind = VM_KIND_SERVICE, .flags = VM_FLAG_X2APIC });
	struct vm *without = fake_vm_create(&(struct fake_vm_spec){ .kind = VM_KIND_SERVICE });

	fake_cpu_set_cpuid(1, 0, (struct cpuid_regs){ 0x00A00F11, 0, 0x00000001, 0 });
	EXPECT_EQ(run_cpuid(&with->vcpus[0], 1, 0).ecx & CPUID1_ECX_X2APIC, CPUID1_ECX_X2APIC);
	EXPECT_EQ(run_cpuid(&without->vcpus[0], 1, 0).ecx & CPUID1_ECX_X2APIC, 0);
}
