/* SPDX-License-Identifier: BSD-3-Clause */
/* Which MSRs a guest reaches without an exit, and which belong to the host alone (msr_policy.c). */
#ifndef CAIRN_X86_MSR_POLICY_H
#define CAIRN_X86_MSR_POLICY_H

#include "lib/compiler.h"

/* An MSR a guest may read and/or write directly: it is per pCPU and means nothing to the host. */
struct msr_pass {
	uint32_t index;
	bool read;  /* RDMSR runs without an exit */
	bool write; /* WRMSR runs without an exit */
	const char *name;
};

/* The reviewed list; every other MSR exits and is emulated (guest/msr.c) or gets #GP. */
extern const struct msr_pass msr_passthrough[];
extern const size_t msr_passthrough_count;

/* MSRs that control the host (SVM, memory map, SMM, firmware): a guest access always gets #GP. */
extern const uint32_t msr_host_only[];
extern const size_t msr_host_only_count;

bool msr_is_host_only(uint32_t msr);

#endif
