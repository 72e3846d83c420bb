/* SPDX-License-Identifier: BSD-3-Clause */
/* The x2APIC over the xAPIC (guest/x2apic.c), driven by trapped RDMSR/WRMSR: mode switch, registers, IPIs. */
#include "core/pcpu.h"
#include "x86/guest/entry_state.h"
#include "x86/guest/lapic_pt.h"
#include "x86/guest/x2apic.h"
#include "x86/lapic.h"
#include "fake_console.h"
#include "fake_cpu.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define APIC_BASE_VALUE 0xFEE00900ull /* enabled, BSP */
#define MSR_ID		0x802
#define MSR_TPR		0x808
#define MSR_EOI		0x80B
#define MSR_LDR		0x80D
#define MSR_DFR		0x80E
#define MSR_ICR		0x830
#define MSR_ICR2	0x831
#define MSR_LVT_LINT1	0x836
#define MSR_TMICT	0x838
#define MSR_SELF_IPI	0x83F
#define APIC_OF(i)	((i) + FAKE_DEFAULT_APIC)

static struct vm *vm;

/* A 3-vCPU VM (APIC IDs 2, 3, 4) with the flags given, its LAPIC attached. */
static void setup(uint32_t flags)
{
	vm = fake_vm_create(&(struct fake_vm_spec){
		.name = "svc", .kind = VM_KIND_SERVICE, .flags = flags, .nvcpus = 3 });
	ASSERT_EQ(lapic_pt_attach(vm), 0);
	fake_cpu_set_msr(MSR_APIC_BASE, APIC_BASE_VALUE);
	fake_events_clear(vm);
}

static bool read_msr(struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
	struct vm_exit exit = { .reason = EXIT_MSR_READ, .msr.index = msr };
	unsigned before = fake_vcpu(vcpu)->exceptions_injected;

	EXPECT_EQ(fake_run_exit(vcpu, &exit), 0);
	*value = (vcpu->regs.rdx << 32) | (uint32_t)vcpu->regs.rax;
	return fake_vcpu(vcpu)->exceptions_injected == before;
}

/* WRMSR: the handler's result (0, or -1 when the VM faults); *gp says whether it raised #GP. */
static int write_msr(struct vcpu *vcpu, uint32_t msr, uint64_t value, bool *gp)
{
	struct vm_exit exit = { .reason = EXIT_MSR_WRITE, .msr.index = msr };
	unsigned before = fake_vcpu(vcpu)->exceptions_injected;

	vcpu->regs.rax = (uint32_t)value;
	vcpu->regs.rdx = value >> 32;
	int r = fake_run_exit(vcpu, &exit);
	*gp = fake_vcpu(vcpu)->exceptions_injected != before;
	return r;
}

static bool wrmsr_ok(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
	bool gp;
	return write_msr(vcpu, msr, value, &gp) == 0 && !gp;
}

static void enter_x2apic(struct vcpu *vcpu)
{
	ASSERT_TRUE(wrmsr_ok(vcpu, MSR_APIC_BASE, APIC_BASE_VALUE | APIC_BASE_EXTD));
}

TEST(x2apic_mode_is_refused_unless_offered)
{
	setup(0);
	uint64_t v;
	EXPECT_FALSE(wrmsr_ok(&vm->vcpus[0], MSR_APIC_BASE, APIC_BASE_VALUE | APIC_BASE_EXTD));
	EXPECT_FALSE(vm->vcpus[0].arch.x2apic);
	EXPECT_FALSE(read_msr(&vm->vcpus[0], MSR_ID, &v)); /* xAPIC mode: #GP */
	EXPECT_FALSE(wrmsr_ok(&vm->vcpus[0], MSR_ICR, APIC_OF(1) * (1ull << 32) | 0x40));
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
}

TEST(apic_base_goes_to_x2apic_and_never_back_nor_off)
{
	setup(VM_FLAG_X2APIC);
	struct vcpu *v = &vm->vcpus[0];
	uint64_t value;
	EXPECT_TRUE(wrmsr_ok(v, MSR_APIC_BASE, APIC_BASE_VALUE)); /* no change: fine */
	enter_x2apic(v);
	EXPECT_TRUE(read_msr(v, MSR_APIC_BASE, &value));
	EXPECT_EQ(value, APIC_BASE_VALUE | APIC_BASE_EXTD);
	EXPECT_FALSE(wrmsr_ok(v, MSR_APIC_BASE, APIC_BASE_VALUE)); /* x2APIC to xAPIC: invalid */
	EXPECT_FALSE(wrmsr_ok(v, MSR_APIC_BASE, 0));		   /* LAPIC off */
	EXPECT_FALSE(wrmsr_ok(v, MSR_APIC_BASE, 0xFED00000ull | 0x900 | APIC_BASE_EXTD));
	EXPECT_TRUE(v->arch.x2apic);
	/* A start from reset (a STARTUP IPI, a new kernel) is in xAPIC mode again. */
	vcpu_start_at_sipi(v, 0x9A);
	EXPECT_FALSE(v->arch.x2apic);
}

TEST(registers_are_the_xapic_page_and_id_ldr_are_derived)
{
	setup(VM_FLAG_X2APIC);
	struct vcpu *v = &vm->vcpus[2]; /* APIC ID 4 */
	uint64_t value;
	enter_x2apic(v);
	EXPECT_TRUE(read_msr(v, MSR_ID, &value));
	EXPECT_EQ(value, APIC_OF(2));
	EXPECT_TRUE(read_msr(v, MSR_LDR, &value));
	EXPECT_EQ(value, 1u << 4); /* cluster 0, bit 4 */
	EXPECT_EQ(x2apic_logical_id(0x23), (2u << 16) | (1u << 3));
	EXPECT_TRUE(wrmsr_ok(v, MSR_TPR, 0x20));
	EXPECT_EQ(fake_lapic_get(LAPIC_REG_TPR), 0x20);
	EXPECT_TRUE(wrmsr_ok(v, MSR_TMICT, 12345));
	EXPECT_EQ(fake_lapic_get(LAPIC_REG_TIMER_INIT), 12345);
	EXPECT_TRUE(wrmsr_ok(v, MSR_EOI, 0));
	EXPECT_EQ(fake_lapic_write_count(LAPIC_REG_EOI), 1);
	/* What x2APIC mode makes read-only, reserved or write-only: #GP, nothing written. */
	EXPECT_FALSE(wrmsr_ok(v, MSR_ID, 7));
	EXPECT_FALSE(wrmsr_ok(v, MSR_LDR, 0xFF));
	EXPECT_FALSE(wrmsr_ok(v, MSR_DFR, 0));
	EXPECT_FALSE(wrmsr_ok(v, MSR_ICR2, 0));
	EXPECT_FALSE(wrmsr_ok(v, MSR_EOI, 1));
	EXPECT_FALSE(wrmsr_ok(v, MSR_TPR, 0x100));
	EXPECT_FALSE(wrmsr_ok(v, MSR_TMICT, 1ull << 32));
	EXPECT_FALSE(read_msr(v, MSR_EOI, &value));
	EXPECT_FALSE(read_msr(v, MSR_SELF_IPI, &value));
	EXPECT_FALSE(read_msr(v, 0x840, &value));
	EXPECT_EQ(fake_lapic_write_count(LAPIC_REG_ID), 0);
	EXPECT_EQ(fake_lapic_write_count(LAPIC_REG_LDR), 0);
}

TEST(an_ipi_is_one_msr_write_and_stays_in_the_vm)
{
	setup(VM_FLAG_X2APIC);
	struct vcpu *v = &vm->vcpus[0];
	uint64_t value;
	enter_x2apic(v);
	EXPECT_TRUE(wrmsr_ok(v, MSR_ICR, (uint64_t)APIC_OF(1) << 32 | ICR_LEVEL_ASSERT | 0x40));
	ASSERT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(fake_lapic_ipi(0).dest, APIC_OF(1));
	EXPECT_EQ(fake_lapic_ipi(0).icr_low, ICR_LEVEL_ASSERT | ICR_DM_FIXED | 0x40);
	EXPECT_EQ(v->exits[EXIT_MSR_WRITE], 2); /* APIC_BASE, then the one ICR write */
	EXPECT_EQ(v->exits[EXIT_MEM_FAULT], 0);
	EXPECT_TRUE(read_msr(v, MSR_ICR, &value));
	EXPECT_EQ(value, (uint64_t)APIC_OF(1) << 32 | ICR_LEVEL_ASSERT | 0x40);
	/* A 32-bit destination outside the VM (or one whose low byte is inside): dropped. */
	EXPECT_TRUE(wrmsr_ok(v, MSR_ICR, (uint64_t)(0x100 + APIC_OF(1)) << 32 | 0x40));
	EXPECT_TRUE(wrmsr_ok(v, MSR_ICR, 40ull << 32 | ICR_DM_NMI));
	EXPECT_TRUE(wrmsr_ok(v, MSR_ICR, 9ull << 32 | ICR_DM_INIT | ICR_LEVEL_ASSERT));
	EXPECT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(fake_pcpu_post_count(), 0);
	EXPECT_EQ(vm->arch.ipis_dropped, 3);
	EXPECT_TRUE(fake_console_contains("IPI 0x40 to APIC ID 259 is outside the VM: dropped"));
}

TEST(broadcast_cluster_and_self_ipis_reach_only_the_vms_cpus)
{
	setup(VM_FLAG_X2APIC);
	struct vcpu *v = &vm->vcpus[0];
	enter_x2apic(v);
	EXPECT_TRUE(wrmsr_ok(v, MSR_ICR, (uint64_t)X2APIC_BROADCAST_ID << 32 | 0x50));
	EXPECT_EQ(fake_lapic_ipi_count(), 3); /* APIC IDs 2, 3, 4: one physical IPI each */
	EXPECT_EQ(fake_lapic_ipi(2).dest, APIC_OF(2));
	/* Cluster 0, members 3 and 4 (bits 3, 4), and bit 9 (APIC ID 9: not the VM's). */
	EXPECT_TRUE(wrmsr_ok(v, MSR_ICR,
			     (uint64_t)((1u << 3) | (1u << 4) | (1u << 9)) << 32 |
				     ICR_DEST_LOGICAL | 0x51));
	ASSERT_EQ(fake_lapic_ipi_count(), 5);
	EXPECT_EQ(fake_lapic_ipi(3).dest, APIC_OF(1));
	EXPECT_EQ(fake_lapic_ipi(4).dest, APIC_OF(2));
	EXPECT_EQ(fake_lapic_ipi(4).icr_low, ICR_DM_FIXED | 0x51);
	/* Cluster 1 (APIC IDs 16-31): none of the VM's. */
	EXPECT_TRUE(wrmsr_ok(v, MSR_ICR,
			     (uint64_t)((1u << 16) | 0xFFFF) << 32 | ICR_DEST_LOGICAL | 0x52));
	EXPECT_EQ(fake_lapic_ipi_count(), 5);
	/* SELF_IPI: the vector, fixed, to its own LAPIC; anything above the vector is reserved. */
	EXPECT_TRUE(wrmsr_ok(v, MSR_SELF_IPI, 0x60));
	EXPECT_EQ(fake_lapic_get(LAPIC_REG_ICR_LO), (ICR_SH_SELF << 18) | 0x60);
	EXPECT_FALSE(wrmsr_ok(v, MSR_SELF_IPI, 0x160));
}

TEST(an_lvt_with_init_mode_faults_the_vm_as_on_the_page)
{
	setup(VM_FLAG_X2APIC);
	struct vcpu *v = &vm->vcpus[0];
	bool gp;
	enter_x2apic(v);
	EXPECT_EQ(write_msr(v, MSR_LVT_LINT1, ICR_DM_INIT, &gp), -1);
	EXPECT_STREQ(fake_vm_fault_text(NULL), "LVT 0x360 write with delivery mode 5");
	EXPECT_EQ(fake_lapic_get(LAPIC_REG_LVT_LINT1), 0);
}
