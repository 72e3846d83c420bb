/* SPDX-License-Identifier: BSD-3-Clause */
/* Why a vCPU stopped running guest code, in vendor-neutral terms (filled by the SVM/VMX backend). */
#ifndef CAIRN_CORE_VM_EXIT_H
#define CAIRN_CORE_VM_EXIT_H

#include "lib/compiler.h"

enum exit_reason {
	EXIT_CPUID,
	EXIT_MSR_READ,
	EXIT_MSR_WRITE,
	EXIT_IO,
	EXIT_MEM_FAULT, /* NPT fault or EPT violation: guest-physical access not allowed */
	EXIT_HLT,
	EXIT_HYPERCALL, /* SVM VMMCALL, VMX VMCALL; the other vendor's is EXIT_EXCEPTION #UD */
	EXIT_EXCEPTION, /* an intercepted guest exception */
	EXIT_TRIPLE_FAULT,
	EXIT_INIT,	   /* a physical INIT reached the pCPU */
	EXIT_NMI,	   /* hypervisor signal (mailbox) */
	EXIT_VIRT_INSN,	   /* the guest executed a virtualization instruction (VMRUN, VMXON...) */
	EXIT_CACHE_FLUSH,  /* INVD, WBINVD or WBNOINVD */
	EXIT_ENTRY_FAILED, /* the hardware refused the guest state */
	EXIT_OTHER,
	EXIT_REASON_COUNT
};

struct vm_exit {
	enum exit_reason reason;
	uint64_t vendor_code; /* the raw exit code, for logs */
	/*
	 * The exit interrupted the delivery of an event (an interrupt, NMI or exception, whose
	 * vector this is) through the guest's IDT, GDT or stack: the backend delivers it again at
	 * the next entry. A memory fault then is the delivery's access, not the instruction's.
	 */
	bool delivering;
	uint8_t delivering_vector;
	union {
		struct {
			uint16_t port;
			uint8_t size; /* 1, 2 or 4 */
			bool in;
			bool string;
			bool rep;
			uint64_t next_rip;
		} io;
		struct {
			uint32_t index;
		} msr;
		struct {
			uint64_t gpa;
			bool write;
			bool fetch;
			bool present; /* a mapping exists but forbids this access */
		} mem;
		struct {
			uint8_t vector;
			uint32_t error_code;
		} exception;
		struct {
			const char *name; /* "VMRUN", "STGI", "VMXON", ... */
		} virt_insn;
		struct {
			bool discard; /* INVD: invalidate without writing back */
		} cache;
	};
};

/* How often one key (a port, an address, an MSR) made a VM exit: itemised `stats` (docs/console.md). */
struct exit_detail {
	uint64_t key;
	uint64_t count;
};

/* Short stable names ("cpuid", "io", ...) used in the exit statistics lines. */
const char *exit_reason_name(enum exit_reason reason);

#endif
