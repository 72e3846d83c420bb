/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the VMX support check (arch/x86/vmx/vmx_cpu.c) on scripted CPUID and MSRs. */
#include <string.h>

#include "lib/errno.h"
#include "fake_cpu.h"
#include "harness.h"
#include "vmx.h"
#include "vmx_impl.h"

/* vmx_cpu_enable's pages: not reached by these tests. */
int phys_alloc_pages(size_t count, size_t align_pages, uint64_t *pa)
{
	return -ENOMEM;
}

int phys_free_pages(uint64_t pa, size_t count)
{
	return 0;
}

/* The capability MSRs of Bochs's corei7_icelake_u (docs/bochs.md). */
static void icelake(void)
{
	fake_cpu_set_cpuid(1, 0, (struct cpuid_regs){ .ecx = 1u << 5 });
	fake_cpu_set_msr(MSR_IA32_FEATURE_CONTROL, 0x5);
	fake_cpu_set_msr(MSR_IA32_VMX_BASIC, 0x00d8100000000004ull);
	fake_cpu_set_msr(MSR_IA32_VMX_PINBASED_CTLS, 0x0000007f00000016ull);
	fake_cpu_set_msr(MSR_IA32_VMX_PROCBASED_CTLS, 0xfff9fffe0401e172ull);
	fake_cpu_set_msr(MSR_IA32_VMX_EXIT_CTLS, 0x007fffff00036dffull);
	fake_cpu_set_msr(MSR_IA32_VMX_ENTRY_CTLS, 0x0000ffff000011ffull);
	fake_cpu_set_msr(MSR_IA32_VMX_CR0_FIXED0, 0x80000021);
	fake_cpu_set_msr(MSR_IA32_VMX_CR0_FIXED1, 0xffffffff);
	fake_cpu_set_msr(MSR_IA32_VMX_CR4_FIXED0, 0x2000);
	fake_cpu_set_msr(MSR_IA32_VMX_CR4_FIXED1, 0x772fff);
	fake_cpu_set_msr(MSR_IA32_VMX_PROCBASED_CTLS2, 0x02977fff00000000ull);
	fake_cpu_set_msr(MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106334141ull);
	fake_cpu_set_msr(MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0x0000007f00000016ull);
	fake_cpu_set_msr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0xfff9fffe04006172ull);
	fake_cpu_set_msr(MSR_IA32_VMX_TRUE_EXIT_CTLS, 0x007fffff00036dfbull);
	fake_cpu_set_msr(MSR_IA32_VMX_TRUE_ENTRY_CTLS, 0x0000ffff000011fbull);
}

TEST(bochs_icelake_is_supported_with_the_controls_cairn_needs)
{
	char reason[160] = "";

	icelake();
	EXPECT_EQ(vmx_check_support(reason, sizeof(reason)), 0);
	EXPECT_STREQ(reason, "");
	EXPECT_EQ(vmx_caps.revision, 4);
	/* NMI exiting, virtual NMIs; the preemption timer only when armed; the forced bits 1, 2, 4. */
	EXPECT_EQ(vmx_caps.pin, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS | 0x16);
	/* The TRUE controls: CR3 load/store exiting (forced in the old MSR) are not set. */
	EXPECT_EQ(vmx_caps.proc & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING), 0);
	EXPECT_EQ(vmx_caps.proc &
			  (PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | PROC_ACTIVATE_SECONDARY),
		  PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | PROC_ACTIVATE_SECONDARY);
	EXPECT_EQ(vmx_caps.proc & PROC_HLT_EXITING, 0); /* per VM */
	uint32_t proc2 = PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST |
			 PROC2_WBINVD_EXITING | PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID |
			 PROC2_ENABLE_XSAVES;
	EXPECT_EQ(vmx_caps.proc2, proc2);
	EXPECT_EQ(vmx_caps.entry & ENTRY_CTL_IA32E_MODE_GUEST, 0); /* from EFER.LMA per state */
	EXPECT_EQ(vmx_caps.entry & (ENTRY_CTL_LOAD_IA32_EFER | ENTRY_CTL_LOAD_IA32_PAT),
		  ENTRY_CTL_LOAD_IA32_EFER | ENTRY_CTL_LOAD_IA32_PAT);
	EXPECT_TRUE(vmx_caps.ept_2m && vmx_caps.ept_1g);
	EXPECT_EQ(vmx_caps.cr4_fixed0, 0x2000);
}

TEST(no_vmx_bit)
{
	char reason[160];

	icelake();
	fake_cpu_set_cpuid(1, 0, (struct cpuid_regs){ .ecx = 0 });
	EXPECT_EQ(vmx_check_support(reason, sizeof(reason)), -ENODEV);
	EXPECT_STREQ(reason, "Intel VMX is not available: CPUID 1 ECX[5] (VMX) is clear");
}

TEST(locked_off_by_firmware)
{
	char reason[160];

	icelake();
	fake_cpu_set_msr(MSR_IA32_FEATURE_CONTROL, FEATURE_CONTROL_LOCKED);
	EXPECT_EQ(vmx_check_support(reason, sizeof(reason)), -ENODEV);
	EXPECT_STREQ(reason, "Intel VMX is disabled by firmware (IA32_FEATURE_CONTROL is locked "
			     "with VMXON outside SMX off)");
}

TEST(unlocked_feature_control_is_fine)
{
	char reason[160];

	icelake();
	fake_cpu_set_msr(MSR_IA32_FEATURE_CONTROL, 0);
	EXPECT_EQ(vmx_check_support(reason, sizeof(reason)), 0);
}

TEST(no_unrestricted_guest)
{
	char reason[160];

	icelake();
	fake_cpu_set_msr(MSR_IA32_VMX_PROCBASED_CTLS2,
			 0x02977fff00000000ull & ~((uint64_t)PROC2_UNRESTRICTED_GUEST << 32));
	EXPECT_EQ(vmx_check_support(reason, sizeof(reason)), -ENODEV);
	EXPECT_STREQ(reason, "Intel VMX lacks EPT, VPID, unrestricted guest or WBINVD exiting "
			     "(IA32_VMX_PROCBASED_CTLS2)");
}

TEST(no_single_context_invept)
{
	char reason[160];

	icelake();
	fake_cpu_set_msr(MSR_IA32_VMX_EPT_VPID_CAP,
			 0x00000f0106334141ull & ~EPT_CAP_INVEPT_SINGLE_CONTEXT);
	EXPECT_EQ(vmx_check_support(reason, sizeof(reason)), -ENODEV);
	EXPECT_STREQ(reason,
		     "Intel VMX EPT lacks 4-level walks, write-back or single-context INVEPT "
		     "(IA32_VMX_EPT_VPID_CAP)");
}

TEST(no_virtual_nmis)
{
	char reason[160];

	icelake();
	fake_cpu_set_msr(MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0x0000005f00000016ull);
	EXPECT_EQ(vmx_check_support(reason, sizeof(reason)), -ENODEV);
	EXPECT_STREQ(reason, "Intel VMX lacks NMI exiting, virtual NMIs or the preemption timer");
}
