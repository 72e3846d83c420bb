/* SPDX-License-Identifier: BSD-3-Clause */
/* MSR exits through the fake backend: default-deny (#GP, counted), EFER, APIC_BASE, MTRRs, PATCH_LEVEL, MISC_ENABLE. */
#include "fake_cpu.h"
#include "fake_virt.h"
#include "harness.h"

#define VECTOR_GP	  13
#define MSR_TSC		  0x10
#define MSR_PATCH_LEVEL	  0x8B
#define MSR_MTRR_CAP	  0xFE
#define MSR_MTRR_PHYSBASE 0x200
#define MSR_MTRR_DEF_TYPE 0x2FF
#define MSR_EFER	  0xC0000080
#define MSR_SYSCFG	  0xC0010010
#define MSR_HWCR	  0xC0010015
#define MSR_UNKNOWN	  0x12345678
#define APIC_BASE_VALUE	  0xFEE00900ull /* enabled, BSP */

static struct vm *vm;
static struct vcpu *vcpu;

static void setup(void)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .kind = VM_KIND_PRE_LAUNCHED });
	vcpu = &vm->vcpus[0];
	fake_cpu_set_msr(MSR_APIC_BASE, APIC_BASE_VALUE);
}

/* RDMSR: the value in EDX:EAX; true when it completed (no #GP). */
static bool read_msr(uint32_t msr, uint64_t *value)
{
	struct vm_exit exit = { .reason = EXIT_MSR_READ, .msr.index = msr };
	unsigned before = fake_vcpu(vcpu)->exceptions_injected;

	vcpu->regs.rax = 0xAAAAAAAAAAAAAAAAull;
	vcpu->regs.rdx = 0xBBBBBBBBBBBBBBBBull;
	EXPECT_EQ(fake_run_exit(vcpu, &exit), 0);
	*value = (vcpu->regs.rdx << 32) | (uint32_t)vcpu->regs.rax;
	return fake_vcpu(vcpu)->exceptions_injected == before;
}

static bool write_msr(uint32_t msr, uint64_t value)
{
	struct vm_exit exit = { .reason = EXIT_MSR_WRITE, .msr.index = msr };
	unsigned before = fake_vcpu(vcpu)->exceptions_injected;

	vcpu->regs.rax =
		(uint32_t)value | 0xCCCCCCCC00000000ull; /* WRMSR ignores the upper halves */
	vcpu->regs.rdx = (value >> 32) | 0xDDDDDDDD00000000ull;
	EXPECT_EQ(fake_run_exit(vcpu, &exit), 0);
	return fake_vcpu(vcpu)->exceptions_injected == before;
}

static uint64_t refused_count(uint64_t key)
{
	for (size_t i = 0; i < ARRAY_SIZE(vm->arch.msrs_refused); i++)
		if (vm->arch.msrs_refused[i].count && vm->arch.msrs_refused[i].key == key)
			return vm->arch.msrs_refused[i].count;
	return 0;
}

TEST(host_only_and_unknown_msrs_get_gp_without_moving_rip)
{
	uint64_t v;

	setup();
	EXPECT_FALSE(read_msr(MSR_VM_HSAVE_PA, &v));
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_GP);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_error_code, 0);
	EXPECT_FALSE(write_msr(MSR_VM_CR, 0));
	EXPECT_FALSE(write_msr(MSR_HWCR, 0));
	EXPECT_FALSE(read_msr(MSR_UNKNOWN, &v));
	EXPECT_FALSE(write_msr(MSR_UNKNOWN, 1));
	EXPECT_FALSE(write_msr(MSR_SYSCFG, 0)); /* reads are answered, writes never */
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_SET_RIP), 0);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_EXCEPTION), 6);
	EXPECT_EQ(fake_cpu_wrmsr_count(), 0); /* nothing reached the hardware */
}

TEST(refused_msrs_are_counted_by_msr_and_direction)
{
	uint64_t v;

	setup();
	read_msr(MSR_UNKNOWN, &v);
	read_msr(MSR_UNKNOWN, &v);
	write_msr(MSR_UNKNOWN, 5);
	write_msr(MSR_VM_HSAVE_PA, 0x1000);
	EXPECT_EQ(refused_count(MSR_UNKNOWN), 2);
	EXPECT_EQ(refused_count(MSR_UNKNOWN | MSR_REFUSED_WRITE), 1);
	EXPECT_EQ(refused_count(MSR_VM_HSAVE_PA | MSR_REFUSED_WRITE), 1);
	EXPECT_EQ(refused_count(MSR_VM_HSAVE_PA), 0);
}

TEST(efer_reads_hide_svme_and_writes_keep_it_hidden)
{
	uint64_t v;

	setup();
	EXPECT_TRUE(read_msr(MSR_EFER, &v));
	EXPECT_EQ(v, EFER_LME | EFER_LMA);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 2);
	EXPECT_TRUE(write_msr(MSR_EFER, EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE | EFER_SVME));
	EXPECT_EQ(fake_event_last(vm, FAKE_EV_SET_EFER)->a,
		  EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE | EFER_SVME);
	EXPECT_TRUE(read_msr(MSR_EFER, &v));
	EXPECT_EQ(v & EFER_SVME, 0);
	EXPECT_EQ(v, EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE);
	/* A reserved bit: the backend refuses, the guest gets #GP. */
	EXPECT_FALSE(write_msr(MSR_EFER, EFER_LME | (1ull << 20)));
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_GP);
}

TEST(apic_base_reads_the_pcpus_and_refuses_relocation)
{
	uint64_t v;

	setup();
	EXPECT_TRUE(read_msr(MSR_APIC_BASE, &v));
	EXPECT_EQ(v, APIC_BASE_VALUE);
	EXPECT_TRUE(write_msr(MSR_APIC_BASE, APIC_BASE_VALUE));
	EXPECT_FALSE(write_msr(MSR_APIC_BASE, 0xFED00900ull));
	EXPECT_FALSE(write_msr(MSR_APIC_BASE, APIC_BASE_VALUE & ~(1ull << 11))); /* disable */
	EXPECT_EQ(fake_cpu_wrmsr_count(), 0);
}

TEST(mtrrs_read_the_firmwares_and_writes_are_ignored)
{
	uint64_t v;

	setup();
	fake_cpu_set_msr(MSR_MTRR_DEF_TYPE, 0xC06);
	fake_cpu_set_msr(MSR_MTRR_CAP, 0x508);
	EXPECT_TRUE(read_msr(MSR_MTRR_DEF_TYPE, &v));
	EXPECT_EQ(v, 0xC06);
	EXPECT_TRUE(read_msr(MSR_MTRR_CAP, &v));
	EXPECT_EQ(v, 0x508);
	EXPECT_TRUE(write_msr(MSR_MTRR_DEF_TYPE, 0));
	EXPECT_TRUE(write_msr(MSR_MTRR_PHYSBASE, 0x6));
	EXPECT_EQ(fake_cpu_wrmsr_count(), 0);
	EXPECT_TRUE(read_msr(MSR_MTRR_DEF_TYPE, &v));
	EXPECT_EQ(v, 0xC06);
	EXPECT_FALSE(write_msr(MSR_MTRR_CAP, 0)); /* read-only even on hardware */
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 5 * 2);
}

TEST(patch_level_syscfg_reads_zero_tsc_writes_ignored)
{
	uint64_t v;

	setup();
	fake_cpu_set_msr(MSR_PATCH_LEVEL, 0x0A0011D1);
	fake_cpu_set_msr(MSR_SYSCFG, 0x740000);
	EXPECT_TRUE(read_msr(MSR_PATCH_LEVEL, &v));
	EXPECT_EQ(v, 0);
	EXPECT_TRUE(write_msr(MSR_PATCH_LEVEL, 0));
	EXPECT_TRUE(read_msr(MSR_SYSCFG, &v));
	EXPECT_EQ(v, 0);
	EXPECT_TRUE(write_msr(MSR_TSC, 0));
	EXPECT_EQ(fake_cpu_wrmsr_count(), 0);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_SET_RIP), 4);
	EXPECT_EQ(fake_event_last(vm, FAKE_EV_SET_RIP)->b, FAKE_CODE_GPA + 8);
}

TEST(misc_enable_reads_fast_strings_and_refuses_changes)
{
	uint64_t v;

	setup();
	fake_cpu_set_msr(0x1A0, 0x850089); /* the host's value is not what the guest sees */
	EXPECT_TRUE(read_msr(0x1A0, &v));
	EXPECT_EQ(v, 0x1801); /* fast strings, no BTS, no PEBS; XD disable (bit 34) clear */
	EXPECT_TRUE(write_msr(0x1A0, 0x1801));
	EXPECT_FALSE(write_msr(0x1A0, 0x1800));
	EXPECT_EQ(fake_cpu_wrmsr_count(), 0);
}

TEST(kvm_msrs_are_refused_outside_the_service_vm)
{
	uint64_t v;

	setup();
	EXPECT_FALSE(read_msr(0x4B564D01, &v));
	EXPECT_FALSE(write_msr(0x4B564D01, 0x10001));
	EXPECT_EQ(refused_count(0x4B564D01 | MSR_REFUSED_WRITE), 1);
}
