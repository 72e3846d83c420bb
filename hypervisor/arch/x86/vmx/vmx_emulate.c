/* SPDX-License-Identifier: BSD-3-Clause */
/* Exits VMX takes that SVM's guests never make: XSETBV, CR0/CR4 writes, the NMI window; the rest stop the VM. */
#include "core/console.h"
#include "x86/boot_defs.h"
#include "x86/cpu.h"
#include "x86/vectors.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_impl.h"
#include "vmx_insn.h"

#define CR0_NW_CD   (CR0_NW | CR0_CD)
#define CR4_PAE_BIT (1ull << 5)
#define CR4_VMXE    (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)

#define XCR0_X87    (1ull << 0)
#define XCR0_SSE    (1ull << 1)
#define XCR0_AVX    (1ull << 2)
#define XCR0_BNDREG (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM: all or none */

#define CR_QUAL_CR(q)	  ((q)&0xF)
#define CR_QUAL_TYPE(q)	  (((q) >> 4) & 3) /* 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW */
#define CR_QUAL_GPR(q)	  (((q) >> 8) & 0xF)
#define CR_TYPE_MOV_TO_CR 0

static const char *exit_name(uint32_t basic)
{
	switch (basic) {
	case VMX_EXIT_EXCEPTION_NMI:
		return "software exception or invalid interruption";
	case VMX_EXIT_EXTERNAL_INTERRUPT:
		return "external interrupt";
	case VMX_EXIT_SIPI:
		return "SIPI";
	case VMX_EXIT_IO_SMI:
	case VMX_EXIT_OTHER_SMI:
		return "SMI";
	case VMX_EXIT_INTERRUPT_WINDOW:
		return "interrupt window";
	case VMX_EXIT_TASK_SWITCH:
		return "task switch";
	case VMX_EXIT_CR_ACCESS:
		return "control-register access";
	case VMX_EXIT_MOV_DR:
		return "debug-register access";
	case VMX_EXIT_EPT_MISCONFIG:
		return "EPT misconfiguration";
	case VMX_EXIT_XSETBV:
		return "XSETBV";
	default:
		return "unexpected";
	}
}

/* GPRs as instruction encodings number them (RSP is in the VMCS). */
static uint64_t *gpr(struct vcpu *vcpu, unsigned n)
{
	struct vcpu_regs *r = &vcpu->regs;
	uint64_t *regs[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, NULL,    &r->rbp,
			       &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
			       &r->r12, &r->r13, &r->r14, &r->r15 };
	return regs[n & 15];
}

static uint64_t read_gpr(struct vcpu *vcpu, unsigned n)
{
	uint64_t *p = gpr(vcpu, n);

	return p ? *p : vmcs_read(VMCS_GUEST_RSP);
}

static void skip(struct vcpu *vcpu, uint32_t len)
{
	vmx_vcpu_set_rip(vcpu, vmx_vcpu_rip(vcpu) + len);
}

static void guest_gp(struct vcpu *vcpu)
{
	vmx_vcpu_inject_exception(vcpu, VECTOR_GP, 0);
}

/* The XCR0 values a guest may set: what the host supports, with the architecture's rules. */
static bool xcr0_valid(uint64_t v)
{
	struct cpuid_regs d = cpuid(0xD, 0);
	uint64_t supported = ((uint64_t)d.edx << 32) | d.eax;

	if ((v & ~supported) || !(v & XCR0_X87))
		return false;
	if ((v & XCR0_AVX) && !(v & XCR0_SSE))
		return false;
	if (!(v & XCR0_BNDREG) != !(v & XCR0_BNDCSR))
		return false;
	if (v & XCR0_AVX512)
		return (v & XCR0_AVX512) == XCR0_AVX512 && (v & XCR0_AVX);
	return true;
}

/*
 * XSETBV always exits under VMX (never under SVM, where the guest sets its XCR0 itself): done here
 * with the instruction's checks, on the hardware XCR0, which is this guest's alone on its pCPU.
 */
static void emulate_xsetbv(struct vcpu *vcpu, uint32_t len)
{
	struct vcpu_mode mode;
	uint64_t v = (vcpu->regs.rdx << 32) | (uint32_t)vcpu->regs.rax;

	vmx_vcpu_mode(vcpu, &mode);
	if (!(mode.cr4 & CR4_OSXSAVE)) {
		vmx_vcpu_inject_exception(vcpu, VECTOR_UD, 0);
		return;
	}
	if (vmx_vcpu_cpl(vcpu) != 0 || (uint32_t)vcpu->regs.rcx != 0 || !xcr0_valid(v)) {
		guest_gp(vcpu);
		return;
	}
	__asm__ volatile("xsetbv" : : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(0));
	skip(vcpu, len);
}

/*
 * MOV to CR0 that changes a bit VMX holds for the guest (NE; the read shadow shows the guest's
 * value): the checks of the instruction, then paging on or off with EFER.LMA and the IA-32e
 * entry control following, as the CPU does for writes that do not exit.
 */
static bool emulate_cr0(struct vcpu *vcpu, struct vmx_vcpu *v, uint64_t val, uint32_t len)
{
	struct vcpu_mode mode;

	vmx_vcpu_mode(vcpu, &mode);
	if (!mode.long_mode_code)
		val &= 0xFFFFFFFFull;
	if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) || ((val & CR0_NW_CD) == CR0_NW)) {
		guest_gp(vcpu);
		return true;
	}
	uint64_t efer = mode.efer;
	bool paging_on = (val & CR0_PG) && !(mode.cr0 & CR0_PG);
	bool paging_off = !(val & CR0_PG) && (mode.cr0 & CR0_PG);
	if (paging_on && (efer & EFER_LME)) {
		if (!(mode.cr4 & CR4_PAE_BIT)) {
			guest_gp(vcpu);
			return true;
		}
		efer |= EFER_LMA;
	} else if (paging_off && (efer & EFER_LMA)) {
		if (mode.long_mode_code) {
			guest_gp(vcpu);
			return true;
		}
		efer &= ~(uint64_t)EFER_LMA;
	}
	if ((val & CR0_PG) && (mode.cr4 & CR4_PAE_BIT) && !(efer & EFER_LMA)) {
		printf("cairn: vm %s vCPU %u: PAE paging outside long mode (the PDPTEs) is not "
		       "supported by the VMX backend\n",
		       vcpu->vm->name, vcpu->id);
		return false;
	}
	uint64_t forced = vmx_caps.cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG);
	vmcs_write(VMCS_GUEST_CR0, (val | forced) & vmx_caps.cr0_fixed1);
	vmcs_write(VMCS_CR0_READ_SHADOW, val);
	vmcs_write(VMCS_GUEST_IA32_EFER, efer);
	uint64_t entry = vmcs_read(VMCS_ENTRY_CONTROLS) & ~(uint64_t)ENTRY_CTL_IA32E_MODE_GUEST;
	vmcs_write(VMCS_ENTRY_CONTROLS, entry | (efer & EFER_LMA ? ENTRY_CTL_IA32E_MODE_GUEST : 0));
	vmx_invvpid(INVVPID_SINGLE_CONTEXT, v->vpid);
	skip(vcpu, len);
	return true;
}

/* MOV to CR4 that sets a bit VMX holds (VMXE: VMX is hidden from guests) or one the CPU lacks. */
static void emulate_cr4(struct vcpu *vcpu, uint64_t val, uint32_t len)
{
	struct vcpu_mode mode;
	uint64_t allowed = vmx_caps.cr4_fixed1 & ~CR4_VMXE;

	vmx_vcpu_mode(vcpu, &mode);
	if ((val & ~allowed) || ((mode.efer & EFER_LMA) && !(val & CR4_PAE_BIT))) {
		guest_gp(vcpu);
		return;
	}
	vmcs_write(VMCS_GUEST_CR4, (val | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1);
	vmcs_write(VMCS_CR4_READ_SHADOW, val);
	vmx_invvpid(INVVPID_SINGLE_CONTEXT, vmx_vcpu(vcpu)->vpid);
	skip(vcpu, len);
}

static bool emulate_cr_access(struct vcpu *vcpu, uint64_t q, uint32_t len)
{
	if (CR_QUAL_TYPE(q) != CR_TYPE_MOV_TO_CR)
		return false; /* CLTS, LMSW, reads: none touches a held bit */
	uint64_t val = read_gpr(vcpu, CR_QUAL_GPR(q));
	if (CR_QUAL_CR(q) == 0)
		return emulate_cr0(vcpu, vmx_vcpu(vcpu), val, len);
	if (CR_QUAL_CR(q) == 4) {
		emulate_cr4(vcpu, val, len);
		return true;
	}
	return false;
}

bool vmx_emulate_exit(struct vcpu *vcpu, uint32_t basic, uint64_t q, uint32_t len,
		      struct vm_exit *exit)
{
	switch (basic) {
	case VMX_EXIT_XSETBV:
		emulate_xsetbv(vcpu, len);
		return true;
	case VMX_EXIT_CR_ACCESS:
		if (emulate_cr_access(vcpu, q, len))
			return true;
		break;
	case VMX_EXIT_NMI_WINDOW:
		return true; /* prepare_entry() injects the NMI now that it can */
	default:
		break;
	}
	/* Anything else stops this VM alone (the exit switch's "unexpected exit"). */
	printf("cairn: vm %s vCPU %u: VMX exit %u (%s, qualification 0x%lx) at RIP 0x%lx is not "
	       "handled: the VM stops\n",
	       vcpu->vm->name, vcpu->id, basic, exit_name(basic), q, vmx_vcpu_rip(vcpu));
	return false;
}
