/* SPDX-License-Identifier: BSD-3-Clause */
/* The x86 hypercall entry: VMCALL and VMMCALL, ACRN's registers (ID R8, RDI, RSI, result RAX). */
#include "cairn/hypercall.h"
#include "core/guest_mem.h"
#include "core/hypercall.h"
#include "core/virt.h"
#include "lib/string.h"
#include "x86/guest/exit_handlers.h"
#include "x86/guest/kvm_pv.h"
#include "x86/vectors.h"

#define HYPERCALL_INSN_LEN 3 /* VMCALL 0F 01 C1 and VMMCALL 0F 01 D9 */

/*
 * The other vendor's hypercall instruction raises #UD (Intel's VMCALL on AMD, AMD's VMMCALL on
 * Intel; each backend intercepts #UD): is that what the vCPU is stopped at? Its own arrives as
 * EXIT_HYPERCALL, so recognising both here mirrors the two backends.
 */
bool guest_at_vmcall(struct vcpu *vcpu)
{
	static const uint8_t vmcall[HYPERCALL_INSN_LEN] = { 0x0F, 0x01, 0xC1 };
	static const uint8_t vmmcall[HYPERCALL_INSN_LEN] = { 0x0F, 0x01, 0xD9 };
	uint8_t bytes[HYPERCALL_INSN_LEN];
	struct vcpu_mode pg;

	virt_vcpu_mode(vcpu, &pg);
	if (guest_virt_read(vcpu, pg.cs_base + virt_vcpu_rip(vcpu), bytes, sizeof(bytes)))
		return false;
	return memcmp(bytes, vmcall, sizeof(bytes)) == 0 ||
	       memcmp(bytes, vmmcall, sizeof(bytes)) == 0;
}

int guest_hypercall(struct vcpu *vcpu)
{
	if (!hypercall_allowed(vcpu->vm)) {
		virt_vcpu_inject_exception(vcpu, VECTOR_UD, 0);
		return 0;
	}
	if (virt_vcpu_cpl(vcpu) != 0) {
		virt_vcpu_inject_exception(vcpu, VECTOR_GP, 0);
		return 0;
	}
	/* IDs are 32-bit (ACRN truncates R8 too), so a sign-extended immediate still matches. */
	int64_t ret =
		hypercall_dispatch(vcpu, (uint32_t)vcpu->regs.r8, vcpu->regs.rdi, vcpu->regs.rsi);
	vcpu->regs.rax = (uint64_t)ret;
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + HYPERCALL_INSN_LEN);
	return 0;
}

/* The instruction at RIP is VMCALL (0F 01 C1). */
static bool at_vmcall(struct vcpu *vcpu)
{
	static const uint8_t vmcall[HYPERCALL_INSN_LEN] = { 0x0F, 0x01, 0xC1 };
	uint8_t bytes[HYPERCALL_INSN_LEN];
	struct vcpu_mode pg;

	virt_vcpu_mode(vcpu, &pg);
	return guest_virt_read(vcpu, pg.cs_base + virt_vcpu_rip(vcpu), bytes, sizeof(bytes)) == 0 &&
	       memcmp(bytes, vmcall, sizeof(bytes)) == 0;
}

/*
 * KVM's or ACRN's? Linux's KVM hypercalls use the vendor's own instruction (VMMCALL on AMD,
 * VMCALL on Intel) and ACRN's (the HSM) always VMCALL, with an ID 0x80xxxxxx in R8. So a VMCALL
 * that exits as the native hypercall (Intel) with such an R8 is ACRN's; the rest of a KVM-ABI
 * VM's are KVM's (under SVM, whose native one is VMMCALL, nothing changes). R8 is looked at
 * first: the common KVM call (a PV IPI) reads no guest memory.
 */
static bool acrn_call_of_kvm_guest(struct vcpu *vcpu)
{
	return (vcpu->regs.r8 >> 24) == (HC_ID(0) >> 24) && at_vmcall(vcpu);
}

int guest_vmmcall_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	if (kvm_pv_enabled(vcpu) && !acrn_call_of_kvm_guest(vcpu)) {
		kvm_pv_hypercall(vcpu);
		return 0;
	}
	return guest_hypercall(vcpu);
}
