/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMX instructions as C functions: VMXON, VMCLEAR, VMPTRLD, VMREAD, VMWRITE, INVEPT, INVVPID. */
#ifndef CAIRN_VMX_VMX_INSN_H
#define CAIRN_VMX_VMX_INSN_H

#include "lib/compiler.h"

/*
 * Each returns true on success: VMfailInvalid sets CF, VMfailValid ZF (the error number is then
 * in VMCS_VM_INSTRUCTION_ERROR); "seta" is true only when both are clear.
 */
static inline bool vmx_on(uint64_t pa)
{
	bool ok;
	__asm__ volatile("vmxon %[pa]; seta %[ok]"
			 : [ok] "=qm"(ok)
			 : [pa] "m"(pa)
			 : "cc", "memory");
	return ok;
}

static inline bool vmx_clear(uint64_t pa)
{
	bool ok;
	__asm__ volatile("vmclear %[pa]; seta %[ok]"
			 : [ok] "=qm"(ok)
			 : [pa] "m"(pa)
			 : "cc", "memory");
	return ok;
}

static inline bool vmx_ptrld(uint64_t pa)
{
	bool ok;
	__asm__ volatile("vmptrld %[pa]; seta %[ok]"
			 : [ok] "=qm"(ok)
			 : [pa] "m"(pa)
			 : "cc", "memory");
	return ok;
}

/* VMREAD of the current VMCS; a field that does not exist reads as 0. */
static inline uint64_t vmcs_read(uint32_t field)
{
	uint64_t v = 0;
	__asm__ volatile("vmread %[f], %[v]" : [v] "+r"(v) : [f] "r"((uint64_t)field) : "cc");
	return v;
}

static inline bool vmcs_write(uint32_t field, uint64_t value)
{
	bool ok;
	__asm__ volatile("vmwrite %[v], %[f]; seta %[ok]"
			 : [ok] "=qm"(ok)
			 : [v] "r"(value), [f] "r"((uint64_t)field)
			 : "cc", "memory");
	return ok;
}

struct vmx_inv_desc {
	uint64_t lo, hi;
};

/* INVEPT of one type (vmx.h INVEPT_*): lo = the EPTP for single-context. */
static inline bool vmx_invept(uint64_t type, uint64_t eptp)
{
	struct vmx_inv_desc d = { eptp, 0 };
	bool ok;
	__asm__ volatile("invept %[d], %[t]; seta %[ok]"
			 : [ok] "=qm"(ok)
			 : [d] "m"(d), [t] "r"(type)
			 : "cc", "memory");
	return ok;
}

/* INVVPID of one type (vmx.h INVVPID_*): lo = the VPID for single-context. */
static inline bool vmx_invvpid(uint64_t type, uint16_t vpid)
{
	struct vmx_inv_desc d = { vpid, 0 };
	bool ok;
	__asm__ volatile("invvpid %[d], %[t]; seta %[ok]"
			 : [ok] "=qm"(ok)
			 : [d] "m"(d), [t] "r"(type)
			 : "cc", "memory");
	return ok;
}

#endif
