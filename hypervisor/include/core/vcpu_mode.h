/* SPDX-License-Identifier: BSD-3-Clause */
/* A vCPU's operating mode as virt_vcpu_mode() reports it (core/virt.h). */
#ifndef CAIRN_CORE_VCPU_MODE_H
#define CAIRN_CORE_VCPU_MODE_H

#include "lib/compiler.h"

/* The guest's operating mode: what walking its page tables, decoding at RIP and CPUID depend on. */
struct vcpu_mode {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t cs_base;
	bool long_mode_code; /* CS.L */
	bool default_32bit;  /* CS.D */
};

#endif
