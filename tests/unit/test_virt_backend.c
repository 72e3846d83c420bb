/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the backend choice (arch/x86/virt_backend.c): vendor and feature bits from CPUID. */
#include <string.h>

#include "lib/errno.h"
#include "x86/virt_backend.h"
#include "fake_cpu.h"
#include "harness.h"

/* Stand-in tables: the choice and the forwarding are under test, not the backends. */
static int fake_check(char *reason, size_t len)
{
	return 0;
}

static unsigned runs;

static void fake_run(struct vcpu *vcpu, struct vm_exit *exit)
{
	runs++;
}

const struct virt_backend svm_backend = { .name = "AMD SVM",
					  .has_gif = true,
					  .check_support = fake_check };
const struct virt_backend vmx_backend = { .name = "Intel VMX",
					  .check_support = fake_check,
					  .vcpu_run = fake_run };

/* CPUID leaf 0's vendor string in EBX, EDX, ECX; leaf 1 ECX; leaf 8000_0001h ECX. */
static void cpu(const char *vendor, uint32_t leaf1_ecx, uint32_t ext_ecx)
{
	uint32_t w[3];

	memcpy(w, vendor, 12);
	fake_cpu_set_cpuid(
		0, 0, (struct cpuid_regs){ .eax = 0xD, .ebx = w[0], .edx = w[1], .ecx = w[2] });
	fake_cpu_set_cpuid(1, 0, (struct cpuid_regs){ .ecx = leaf1_ecx });
	fake_cpu_set_cpuid(0x80000000, 0, (struct cpuid_regs){ .eax = 0x8000000A });
	fake_cpu_set_cpuid(0x80000001, 0, (struct cpuid_regs){ .ecx = ext_ecx });
}

TEST(intel_gets_vmx_and_no_gif)
{
	char reason[160];

	cpu("GenuineIntel", 1u << 5, 0);
	EXPECT_STREQ(virt_vendor_name(), "Intel VMX");
	EXPECT_EQ(virt_check_support(reason, sizeof(reason)), 0);
	EXPECT_EQ(virt_backend_has_gif, 0);
	virt_vcpu_run(NULL, NULL);
	EXPECT_EQ(runs, 1);
}

TEST(intel_without_the_vmx_bit_still_gets_vmx_whose_check_says_why)
{
	cpu("GenuineIntel", 0, 1u << 2);
	EXPECT_STREQ(virt_vendor_name(), "Intel VMX");
}

TEST(amd_gets_svm_and_its_gif)
{
	cpu("AuthenticAMD", 1u << 5, 0); /* the vendor decides, not a stray bit */
	EXPECT_STREQ(virt_vendor_name(), "AMD SVM");
	EXPECT_EQ(virt_backend_has_gif, 1);
}

TEST(another_vendor_by_feature_bit)
{
	cpu("TCGTCGTCGTCG", 0, 1u << 2);
	EXPECT_STREQ(virt_vendor_name(), "AMD SVM");
}

TEST(neither_gives_a_reason_naming_the_vendor)
{
	char reason[160];

	cpu("TCGTCGTCGTCG", 0, 0);
	EXPECT_EQ(virt_check_support(reason, sizeof(reason)), -ENODEV);
	EXPECT_STREQ(reason, "this CPU (vendor \"TCGTCGTCGTCG\") has neither Intel VMX (CPUID 1 "
			     "ECX[5]) nor AMD SVM (CPUID 8000_0001h ECX[2])");
	virt_backend_host_nmi(); /* no hook: nothing happens */
}
