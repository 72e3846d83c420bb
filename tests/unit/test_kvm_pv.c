/* SPDX-License-Identifier: BSD-3-Clause */
/* KVM's PV ABI for the Service VM (guest/kvm_pv.c): KVM_HC_SEND_IPI and kvmclock, through the fake. */
#include <string.h>

#include "cairn/acrn.h"
#include "x86/guest/kvm_pv.h"
#include "fake_cpu.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define VECTOR_GP		13
#define KVM_HC_SEND_IPI		10
#define KVM_EPERM		1
#define KVM_EINVAL		22
#define KVM_ENOSYS		1000
#define MSR_KVM_WALL_CLOCK_NEW	0x4B564D00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4B564D01
#define CLOCK_GPA		0x8000ull
#define BOOT_TSC		123456789ull

struct pvclock_vcpu_time_info {
	uint32_t version, pad0;
	uint64_t tsc_timestamp, system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags, pad[2];
} __packed;

struct pvclock_wall_clock {
	uint32_t version, sec, nsec;
} __packed;

static struct vm *vm;

/* The Service VM on pCPUs first..first+n-1 (APIC IDs first+2...). */
static struct vcpu *service_vm(uint32_t first_pcpu, uint32_t nvcpus)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "svc",
						    .kind = VM_KIND_SERVICE,
						    .first_pcpu = first_pcpu,
						    .nvcpus = nvcpus });
	return &vm->vcpus[0];
}

/* A VMMCALL with KVM's registers: RAX = number, RBX RCX RDX RSI = arguments. Returns RAX. */
static int64_t kvm_hypercall(struct vcpu *vcpu, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			     uint64_t a3)
{
	vcpu->regs = (struct vcpu_regs){ .rax = nr, .rbx = a0, .rcx = a1, .rdx = a2, .rsi = a3 };
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_HYPERCALL }), 0);
	return (int64_t)vcpu->regs.rax;
}

static bool write_msr(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
	unsigned before = fake_vcpu(vcpu)->exceptions_injected;

	vcpu->regs.rax = (uint32_t)value;
	vcpu->regs.rdx = value >> 32;
	EXPECT_EQ(fake_run_exit(vcpu,
				&(struct vm_exit){ .reason = EXIT_MSR_WRITE, .msr.index = msr }),
		  0);
	return fake_vcpu(vcpu)->exceptions_injected == before;
}

TEST(send_ipi_bitmap_from_min_apic_id_and_rip_plus_3)
{
	struct vcpu *vcpu = service_vm(0, 3); /* APIC IDs 2, 3, 4 */

	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 0x6, 0, 2, 0xEC), 2);
	ASSERT_EQ(fake_lapic_ipi_count(), 2);
	EXPECT_EQ(fake_lapic_ipi(0).dest, 3);
	EXPECT_EQ(fake_lapic_ipi(1).dest, 4);
	EXPECT_EQ(fake_lapic_ipi(1).icr_low, 0xEC);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 3);
	EXPECT_EQ(vm->arch.ipis_dropped, 0);
}

/*
 * Under VMX the native hypercall exit is VMCALL, which Linux's KVM calls and ACRN's (the HSM)
 * share: an ACRN ID in R8 at a VMCALL makes it ACRN's; at a VMMCALL (SVM's native one) it stays
 * KVM's, and so does a VMCALL with another R8.
 */
TEST(acrn_id_in_r8_at_a_vmcall_is_acrns_hypercall)
{
	static const uint8_t vmcall[3] = { 0x0F, 0x01, 0xC1 }, vmmcall[3] = { 0x0F, 0x01, 0xD9 };
	struct vcpu *vcpu = service_vm(0, 1);

	fake_guest_write(vm, FAKE_CODE_GPA, vmcall, sizeof(vmcall));
	vcpu->regs =
		(struct vcpu_regs){ .rax = KVM_HC_SEND_IPI, .r8 = 0x80000000 /* API version */ };
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_HYPERCALL }), 0);
	EXPECT_NE((int64_t)vcpu->regs.rax, -KVM_ENOSYS); /* ACRN's table answered (-EFAULT: p1 0) */
	EXPECT_EQ(fake_lapic_ipi_count(), 0);

	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(kvm_hypercall(vcpu, 99, 0, 0, 0, 0), -KVM_ENOSYS); /* R8 0: KVM's */

	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	fake_guest_write(vm, FAKE_CODE_GPA, vmmcall, sizeof(vmmcall));
	vcpu->regs = (struct vcpu_regs){ .rax = 99, .r8 = 0x80000000 };
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_HYPERCALL }), 0);
	EXPECT_EQ((int64_t)vcpu->regs.rax, -KVM_ENOSYS);
}

TEST(send_ipi_high_word_reaches_bits_64_to_127)
{
	struct vcpu *vcpu = service_vm(62, 2); /* APIC IDs 64, 65 */

	/* bit 0 of a0 with min 64 is APIC 64; bit 1 of a1 with min 0 is bit 65: APIC 65. */
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 1, 0, 64, 0x30), 1);
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 0, 2, 0, 0x31), 1);
	ASSERT_EQ(fake_lapic_ipi_count(), 2);
	EXPECT_EQ(fake_lapic_ipi(0).dest, 64);
	EXPECT_EQ(fake_lapic_ipi(1).dest, 65);
}

TEST(send_ipi_to_all_128_destinations_delivers_only_inside_the_vm)
{
	struct vcpu *vcpu = service_vm(0, 2); /* APIC IDs 2, 3 */

	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, ~0ull, ~0ull, 0, 0x40), 2);
	EXPECT_EQ(fake_lapic_ipi_count(), 2);
	EXPECT_EQ(vm->arch.ipis_dropped, 126);
	/* A min APIC ID that wraps the 32-bit ID space finds nobody. */
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 1, 0, 0xFFFFFFFFull, 0x40), 0);
}

TEST(send_ipi_bad_arguments_and_unknown_calls_return_errors)
{
	struct vcpu *vcpu = service_vm(0, 2);

	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 2, 0, 2, (1u << 11) | 0x40), -KVM_EINVAL);
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 2, 0, 2, (2u << 18) | 0x40), -KVM_EINVAL);
	EXPECT_EQ(kvm_hypercall(vcpu, 5, 0, 0, 0, 0), -KVM_ENOSYS); /* KVM_HC_KICK_CPU */
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	fake_vcpu(vcpu)->cpl = 3;
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 2, 0, 2, 0x40), -KVM_EPERM);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 4 * 3);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_EXCEPTION), 0);
}

TEST(send_ipi_withheld_returns_enosys_and_sends_nothing)
{
	vm = fake_vm_create(&(struct fake_vm_spec){
		.name = "svc", .kind = VM_KIND_SERVICE, .flags = VM_FLAG_NO_PV_IPI, .nvcpus = 3 });
	struct vcpu *vcpu = &vm->vcpus[0];

	/* Valid arguments that would reach APIC IDs 3 and 4: refused as not offered. */
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 0x6, 0, 2, 0xEC), -KVM_ENOSYS);
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, ~0ull, ~0ull, 0, 0x2 | (4u << 8)),
		  -KVM_ENOSYS); /* an NMI to everyone */
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_NMI), 0);
	EXPECT_EQ(vm->arch.ipis_dropped, 0); /* nothing even looked at */
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 2 * 3);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_EXCEPTION), 0);
	EXPECT_EQ(vcpu->exits[EXIT_HYPERCALL], 2);
	/* CPL 3 is still -KVM_EPERM first, as KVM checks the CPL before the number. */
	fake_vcpu(vcpu)->cpl = 3;
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 0x6, 0, 2, 0xEC), -KVM_EPERM);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
}

TEST(system_time_msr_writes_the_pvclock_structure)
{
	struct vcpu *vcpu = service_vm(0, 1);
	struct pvclock_vcpu_time_info t;

	fake_cpu_set_tsc(BOOT_TSC);
	memset(fake_guest_ptr(vm, CLOCK_GPA), 0xA5, sizeof(t));
	EXPECT_TRUE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, CLOCK_GPA | 1));
	memcpy(&t, fake_guest_ptr(vm, CLOCK_GPA), sizeof(t));
	EXPECT_EQ(t.version, 2);
	EXPECT_EQ(t.tsc_timestamp, BOOT_TSC);
	EXPECT_EQ(t.system_time, 0);
	EXPECT_EQ(t.tsc_to_system_mul, 0x80000000u); /* 2 GHz: half a nanosecond per tick */
	EXPECT_EQ(t.tsc_shift, 0);
	EXPECT_EQ(t.flags, 1); /* PVCLOCK_TSC_STABLE_BIT */
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 2);

	/* The origin is the VM's, fixed at the first write: a later write keeps it. */
	fake_cpu_set_tsc(BOOT_TSC * 5);
	EXPECT_TRUE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, (CLOCK_GPA + 64) | 1));
	memcpy(&t, fake_guest_ptr(vm, CLOCK_GPA + 64), sizeof(t));
	EXPECT_EQ(t.tsc_timestamp, BOOT_TSC);
}

TEST(system_time_msr_disabled_writes_nothing)
{
	struct vcpu *vcpu = service_vm(0, 1);
	uint8_t before[32], after[32];

	memset(fake_guest_ptr(vm, CLOCK_GPA), 0xA5, sizeof(before));
	memcpy(before, fake_guest_ptr(vm, CLOCK_GPA), sizeof(before));
	EXPECT_TRUE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, CLOCK_GPA));
	memcpy(after, fake_guest_ptr(vm, CLOCK_GPA), sizeof(after));
	EXPECT_MEMEQ(after, before, sizeof(after));
}

TEST(wall_clock_msr_writes_the_boot_date_at_the_clock_origin)
{
	struct vcpu *vcpu = service_vm(0, 1);
	struct pvclock_wall_clock w;

	fake_cpu_set_tsc(BOOT_TSC);
	EXPECT_TRUE(write_msr(vcpu, MSR_KVM_WALL_CLOCK_NEW, CLOCK_GPA));
	memcpy(&w, fake_guest_ptr(vm, CLOCK_GPA), sizeof(w));
	EXPECT_EQ(w.version, 2);
	EXPECT_EQ(w.sec, (uint32_t)FAKE_BOOT_UNIX);
	EXPECT_EQ(w.nsec, 0);
	EXPECT_EQ(fake_rtc_last_tsc(), BOOT_TSC);
}

TEST(clock_pointers_outside_writable_ram_are_refused_with_gp)
{
	struct vcpu *vcpu = service_vm(0, 1);

	/* Unmapped, at a device (mapped, but not RAM), across the end of RAM, read-only. */
	EXPECT_FALSE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, 0x40000000ull | 1));
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_GP);
	ASSERT_EQ(virt_vm_map(vm, FAKE_LAPIC_BASE, FAKE_LAPIC_BASE, 0x1000, VIRT_MEM_RWX), 0);
	EXPECT_FALSE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, FAKE_LAPIC_BASE | 1));
	EXPECT_FALSE(write_msr(vcpu, MSR_KVM_WALL_CLOCK_NEW, FAKE_RAM_SIZE - 8));
	ASSERT_EQ(virt_vm_map(vm, 0x10000, vm->mem_hpa + 0x10000, 0x1000, VIRT_MEM_READ), 0);
	EXPECT_FALSE(write_msr(vcpu, MSR_KVM_WALL_CLOCK_NEW, 0x10000));
	EXPECT_EQ(fake_vcpu(vcpu)->exceptions_injected, 4);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
	/* A 64-bit pointer that wraps around is refused too. */
	EXPECT_FALSE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, 0xFFFFFFFFFFFFFFF1ull));
}

TEST(kvm_msrs_read_as_zero)
{
	struct vcpu *vcpu = service_vm(0, 1);

	vcpu->regs.rax = vcpu->regs.rdx = 0x1234;
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_MSR_READ,
							 .msr.index = MSR_KVM_SYSTEM_TIME_NEW }),
		  0);
	EXPECT_EQ(vcpu->regs.rax | vcpu->regs.rdx, 0);
	EXPECT_EQ(fake_vcpu(vcpu)->exceptions_injected, 0);
}

TEST(time_scale_maps_ticks_to_nanoseconds)
{
	uint32_t mul;
	int8_t shift;

	kvm_pv_time_scale(1000000000ull, &mul, &shift); /* 1 GHz: 1 ns per tick */
	EXPECT_EQ(shift, 1);
	EXPECT_EQ(mul, 0x80000000u);
	kvm_pv_time_scale(3000000000ull, &mul, &shift);
	EXPECT_EQ(shift, -1);
	/* 3e9 ticks are one second within a nanosecond per second. */
	uint64_t ns = ((3000000000ull >> 1) * mul) >> 32;
	EXPECT_TRUE(ns >= 999999999ull && ns <= 1000000000ull);
}

/* A User VM on pCPUs 1-2 (APIC IDs 3, 4) that the Service VM on pCPU 0 (APIC ID 2) created. */
static struct vcpu *user_vm(void)
{
	struct vm *svc = fake_vm_create(
		&(struct fake_vm_spec){ .name = "svc", .kind = VM_KIND_SERVICE, .first_pcpu = 0 });

	vm = fake_vm_create(&(struct fake_vm_spec){
		.name = "u", .kind = VM_KIND_USER, .nvcpus = 2, .first_pcpu = 1 });
	vm->creator = svc;
	return &vm->vcpus[0];
}

TEST(user_vm_pv_ipis_reach_its_own_cpus_only)
{
	struct vcpu *vcpu = user_vm();

	/* APIC IDs 2 (the Service VM's), 3 and 4 (its own): two delivered, one dropped. */
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 0x7, 0, 2, 0xEC), 2);
	ASSERT_EQ(fake_lapic_ipi_count(), 2);
	EXPECT_EQ(fake_lapic_ipi(0).dest, 3);
	EXPECT_EQ(fake_lapic_ipi(1).dest, 4);
	EXPECT_EQ(vm->arch.ipis_dropped, 1);
	fake_vcpu(vcpu)->cpl = 3;
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 0x2, 0, 2, 0xEC), -KVM_EPERM);
	EXPECT_EQ(fake_lapic_ipi_count(), 2);
}

TEST(user_vm_with_pv_ipis_withheld_sends_nothing)
{
	struct vcpu *vcpu = user_vm();

	vm->guest_flags = CAIRN_GUEST_FLAG_NO_PV_IPI;
	((struct vm_config *)vm->config)->flags |= VM_FLAG_NO_PV_IPI;
	EXPECT_EQ(kvm_hypercall(vcpu, KVM_HC_SEND_IPI, 0x6, 0, 2, 0xEC), -KVM_ENOSYS);
	EXPECT_EQ(kvm_hypercall(&vm->vcpus[1], KVM_HC_SEND_IPI, 0x2, 0, 2, 0xEC), -KVM_ENOSYS);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(vm->arch.ipis_dropped, 0);
	/* kvmclock is not affected. */
	EXPECT_TRUE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, CLOCK_GPA | 1));
}

TEST(user_vm_kvmclock_starts_again_for_a_new_vm)
{
	struct vcpu *vcpu = user_vm();
	struct pvclock_vcpu_time_info t;

	fake_cpu_set_tsc(BOOT_TSC);
	EXPECT_TRUE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, CLOCK_GPA | 1));
	memcpy(&t, fake_guest_ptr(vm, CLOCK_GPA), sizeof(t));
	EXPECT_EQ(t.tsc_timestamp, BOOT_TSC);
	EXPECT_EQ(t.flags, 1);
	/* The slot's next VM (its build resets the clock) gets its own origin, not the old one. */
	kvm_pv_clock_reset(vm);
	fake_cpu_set_tsc(BOOT_TSC * 3);
	EXPECT_TRUE(write_msr(&vm->vcpus[1], MSR_KVM_SYSTEM_TIME_NEW, (CLOCK_GPA + 64) | 1));
	memcpy(&t, fake_guest_ptr(vm, CLOCK_GPA + 64), sizeof(t));
	EXPECT_EQ(t.tsc_timestamp, BOOT_TSC * 3);
	/* Pointers outside its RAM are refused as for the Service VM. */
	EXPECT_FALSE(write_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW, 0x40000000ull | 1));
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_GP);
}
