/* SPDX-License-Identifier: BSD-3-Clause */
/* The reviewed MSR lists: what guests reach without an exit, and what only the host may touch. */
#include "x86/guest/msr_policy.h"

/*
 * Per-pCPU state a guest owns outright: VMLOAD/VMSAVE switch the segment and syscall MSRs; TSC_AUX,
 * PAT and the speculation controls only affect the pCPU that runs this guest alone. Reads of the
 * TSC are the pCPU's own TSC (writes exit: they would move the hypervisor's clock).
 */
const struct msr_pass msr_passthrough[] = {
	{ 0x00000010, true, false, "TSC" },	    { 0x00000048, true, true, "SPEC_CTRL" },
	{ 0x00000049, false, true, "PRED_CMD" },    { 0x00000174, true, true, "SYSENTER_CS" },
	{ 0x00000175, true, true, "SYSENTER_ESP" }, { 0x00000176, true, true, "SYSENTER_EIP" },
	{ 0x00000277, true, true, "PAT" },	    { 0xC0000081, true, true, "STAR" },
	{ 0xC0000082, true, true, "LSTAR" },	    { 0xC0000083, true, true, "CSTAR" },
	{ 0xC0000084, true, true, "SFMASK" },	    { 0xC0000100, true, true, "FS_BASE" },
	{ 0xC0000101, true, true, "GS_BASE" },	    { 0xC0000102, true, true, "KERNEL_GS_BASE" },
	{ 0xC0000103, true, true, "TSC_AUX" },
};
const size_t msr_passthrough_count = ARRAY_SIZE(msr_passthrough);

/*
 * The host's: SVM itself (VM_CR, VM_HSAVE_PA, IGNNE, SMM control), the memory map and memory types
 * (SYSCFG, TOP_MEM, TOP_MEM2, the MTRR-extension and TSEG/SMM base registers), HWCR, the microcode
 * patch loader and DEBUGCTL (branch tracing would reach into the hypervisor). A guest access gets
 * #GP, whatever other code says (the MSR exit handler checks this list first).
 */
const uint32_t msr_host_only[] = {
	0x000001D9, /* DEBUGCTL */
	0xC0010010, /* SYSCFG */
	0xC0010015, /* HWCR */
	0xC001001A, /* TOP_MEM */
	0xC001001D, /* TOP_MEM2 */
	0xC0010020, /* PATCH_LOADER */
	0xC0010111, /* SMM_BASE */
	0xC0010112, /* SMM_ADDR (TSEG base) */
	0xC0010113, /* SMM_MASK (TSEG mask) */
	0xC0010114, /* VM_CR */
	0xC0010115, /* IGNNE */
	0xC0010116, /* SMM_CTL */
	0xC0010117, /* VM_HSAVE_PA */
	0xC0010118, /* SVM_KEY */
	0xC0010119, /* SMM_KEY */
	0xC001011A, /* LOCAL_SMI_STATUS */
};
const size_t msr_host_only_count = ARRAY_SIZE(msr_host_only);

bool msr_is_host_only(uint32_t msr)
{
	for (size_t i = 0; i < msr_host_only_count; i++)
		if (msr_host_only[i] == msr)
			return true;
	return false;
}
