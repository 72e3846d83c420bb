/* SPDX-License-Identifier: BSD-3-Clause */
/* VMX exit decoding: an exit record (the VMCS's exit information) as a vendor-neutral vm_exit. */
#include "lib/string.h"
#include "x86/plain_exit.h"
#include "vmx.h"
#include "vmx_exit.h"

/* Exits that carry nothing but their reason (and, for virtualization instructions, a name). */
static const struct plain_exit plain_exits[] = {
	{ VMX_EXIT_TRIPLE_FAULT, EXIT_TRIPLE_FAULT, NULL },
	{ VMX_EXIT_INIT, EXIT_INIT, NULL },
	{ VMX_EXIT_CPUID, EXIT_CPUID, NULL },
	{ VMX_EXIT_HLT, EXIT_HLT, NULL },
	{ VMX_EXIT_VMCALL, EXIT_HYPERCALL, NULL },
	{ VMX_EXIT_INVD, EXIT_CACHE_FLUSH, NULL },
	{ VMX_EXIT_WBINVD, EXIT_CACHE_FLUSH, NULL },
	{ VMX_EXIT_INVALID_GUEST_STATE, EXIT_ENTRY_FAILED, NULL },
	{ VMX_EXIT_MSR_LOADING, EXIT_ENTRY_FAILED, NULL },
	{ VMX_EXIT_MACHINE_CHECK, EXIT_ENTRY_FAILED, NULL },
	/* GETSEC (SMX) exits whatever the controls, as SKINIT is intercepted under SVM. */
	{ VMX_EXIT_GETSEC, EXIT_VIRT_INSN, "GETSEC" },
	{ VMX_EXIT_VMCLEAR, EXIT_VIRT_INSN, "VMCLEAR" },
	{ VMX_EXIT_VMLAUNCH, EXIT_VIRT_INSN, "VMLAUNCH" },
	{ VMX_EXIT_VMPTRLD, EXIT_VIRT_INSN, "VMPTRLD" },
	{ VMX_EXIT_VMPTRST, EXIT_VIRT_INSN, "VMPTRST" },
	{ VMX_EXIT_VMREAD, EXIT_VIRT_INSN, "VMREAD" },
	{ VMX_EXIT_VMRESUME, EXIT_VIRT_INSN, "VMRESUME" },
	{ VMX_EXIT_VMWRITE, EXIT_VIRT_INSN, "VMWRITE" },
	{ VMX_EXIT_VMXOFF, EXIT_VIRT_INSN, "VMXOFF" },
	{ VMX_EXIT_VMXON, EXIT_VIRT_INSN, "VMXON" },
	{ VMX_EXIT_INVEPT, EXIT_VIRT_INSN, "INVEPT" },
	{ VMX_EXIT_INVVPID, EXIT_VIRT_INSN, "INVVPID" },
	{ VMX_EXIT_VMFUNC, EXIT_VIRT_INSN, "VMFUNC" },
};

static void decode_plain(uint16_t basic, struct vm_exit *exit)
{
	plain_exit_decode(plain_exits, ARRAY_SIZE(plain_exits), basic, VMX_EXIT_INVD, exit);
}

/*
 * Exit reason 0: an NMI, or an exception the exception bitmap intercepts. Only hardware
 * exceptions are EXIT_EXCEPTION: a software one (INT3, INTO, INT1) would need its instruction
 * length to be given back, which struct vm_exit cannot carry; none is intercepted.
 */
static void decode_exception_nmi(const struct vmx_exit_record *r, struct vm_exit *exit)
{
	uint32_t info = r->intr_info;
	uint32_t type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;

	exit->reason = EXIT_OTHER;
	if (!(info & INTR_INFO_VALID))
		return;
	if (type == INTR_TYPE_NMI) {
		exit->reason = EXIT_NMI;
	} else if (type == INTR_TYPE_HARDWARE_EXCEPTION) {
		exit->reason = EXIT_EXCEPTION;
		exit->exception.vector = (uint8_t)(info & INTR_INFO_VECTOR_MASK);
		if (info & INTR_INFO_ERROR_CODE_VALID)
			exit->exception.error_code = r->intr_error_code;
	}
}

static void decode_io(const struct vmx_exit_record *r, struct vm_exit *exit)
{
	uint64_t q = r->qualification;

	exit->reason = EXIT_IO;
	exit->io.port = (uint16_t)(q >> IO_QUAL_PORT_SHIFT);
	exit->io.size = (uint8_t)((q & IO_QUAL_SIZE_MASK) + 1); /* 0, 1 or 3: 1, 2 or 4 bytes */
	exit->io.in = q & IO_QUAL_IN;
	exit->io.string = q & IO_QUAL_STRING;
	exit->io.rep = q & IO_QUAL_REP;
	exit->io.next_rip = r->guest_rip + r->instruction_len;
}

static void decode_ept_violation(const struct vmx_exit_record *r, struct vm_exit *exit)
{
	uint64_t q = r->qualification;

	exit->reason = EXIT_MEM_FAULT;
	exit->mem.gpa = r->guest_physical;
	exit->mem.write = q & EPT_QUAL_WRITE;
	exit->mem.fetch = q & EPT_QUAL_FETCH;
	/* The walk found an entry granting something: mapped, but not for this access. */
	exit->mem.present = q & (EPT_QUAL_READABLE | EPT_QUAL_WRITABLE | EPT_QUAL_EXECUTABLE);
}

void vmx_decode_exit(const struct vmx_exit_record *r, const struct vcpu_regs *regs,
		     struct vm_exit *exit)
{
	uint16_t basic = (uint16_t)(r->exit_reason & VMX_EXIT_REASON_BASIC);

	memset(exit, 0, sizeof(*exit));
	exit->vendor_code = r->exit_reason;
	exit->delivering = r->idt_vectoring_info & INTR_INFO_VALID;
	exit->delivering_vector = (uint8_t)r->idt_vectoring_info;
	if (r->vm_instruction_error) {
		exit->reason = EXIT_ENTRY_FAILED;
		exit->vendor_code = VMX_VENDOR_CODE_VMFAIL | r->vm_instruction_error;
	} else if (r->exit_reason & VMX_EXIT_REASON_ENTRY_FAILURE) {
		exit->reason = EXIT_ENTRY_FAILED;
	} else if (basic == VMX_EXIT_EXCEPTION_NMI) {
		decode_exception_nmi(r, exit);
	} else if (basic == VMX_EXIT_IO) {
		decode_io(r, exit);
	} else if (basic == VMX_EXIT_RDMSR || basic == VMX_EXIT_WRMSR) {
		exit->reason = basic == VMX_EXIT_WRMSR ? EXIT_MSR_WRITE : EXIT_MSR_READ;
		exit->msr.index = (uint32_t)regs->rcx;
	} else if (basic == VMX_EXIT_EPT_VIOLATION) {
		decode_ept_violation(r, exit);
	} else {
		decode_plain(basic, exit);
	}
}
