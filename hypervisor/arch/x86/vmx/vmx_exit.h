/* SPDX-License-Identifier: BSD-3-Clause */
/* VMX exit decoding: what the backend reads from the VMCS after an exit, as a struct vm_exit. */
#ifndef CAIRN_VMX_VMX_EXIT_H
#define CAIRN_VMX_VMX_EXIT_H

#include "core/vcpu.h"
#include "core/vm_exit.h"

/*
 * The VM-exit information fields (vmcs.h) the backend VMREADs after an exit, plus the guest RIP.
 * Guest RAX and RCX are not in the VMCS: the world switch saves them into struct vcpu_regs, which
 * the decoder takes beside the record. Fields an exit does not define may hold anything.
 */
struct vmx_exit_record {
	uint32_t exit_reason;	     /* VMCS_EXIT_REASON: basic reason 15:0, bit 31 entry failure */
	uint64_t qualification;	     /* VMCS_EXIT_QUALIFICATION */
	uint64_t guest_physical;     /* VMCS_GUEST_PHYSICAL_ADDRESS (EPT violation, misconfig) */
	uint64_t guest_linear;	     /* VMCS_GUEST_LINEAR_ADDRESS (some exits) */
	uint32_t intr_info;	     /* VMCS_EXIT_INTR_INFO (exception or NMI exits) */
	uint32_t intr_error_code;    /* VMCS_EXIT_INTR_ERROR_CODE, when intr_info bit 11 says so */
	uint32_t idt_vectoring_info; /* VMCS_IDT_VECTORING_INFO: an event the exit interrupted */
	uint32_t idt_vectoring_error_code;
	uint32_t instruction_len; /* VMCS_EXIT_INSTRUCTION_LEN (instruction exits) */
	uint64_t guest_rip;	  /* VMCS_GUEST_RIP: the instruction that exited */
	/*
	 * VMCS_VM_INSTRUCTION_ERROR, nonzero only when VMLAUNCH/VMRESUME failed without an exit
	 * (VMfailValid: bad control or host state): then no other field is meaningful.
	 */
	uint32_t vm_instruction_error;
};

/* vendor_code of a VMfailValid entry failure: this bit | the VM-instruction error number. */
#define VMX_VENDOR_CODE_VMFAIL (1ull << 32)

/*
 * Fills *exit from a record, with the semantics of the SVM decoder (docs/vendor-interface.md).
 * vendor_code is the exit reason field as read (or VMX_VENDOR_CODE_VMFAIL | error). Exits the
 * vendor-neutral reasons have no name for (external interrupt, SIPI, interrupt/NMI window, task
 * switch, CR and DR accesses, XSETBV, EPT misconfiguration, software exceptions, ...) come out as
 * EXIT_OTHER.
 */
void vmx_decode_exit(const struct vmx_exit_record *r, const struct vcpu_regs *regs,
		     struct vm_exit *exit);

#endif
