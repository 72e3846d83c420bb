/* SPDX-License-Identifier: BSD-3-Clause */
/* AMD nested page tables: the x86-64 4-level entry format for the second-stage builder. */
#ifndef CAIRN_SVM_NPT_H
#define CAIRN_SVM_NPT_H

#include "x86/stage2_pt.h"

/*
 * An empty NPT (stage2_map/unmap/translate/destroy then apply). nx_supported: the host has
 * EFER.NXE, so bit 63 may mark no-execute (without it every page is executable); gbpages: 1 GiB
 * leaves allowed (CPUID 8000_0001h.EDX[26]). 2 MiB leaves always are.
 */
int npt_init(struct stage2_pt *pt, const struct stage2_ops *ops, bool nx_supported, bool gbpages);

#endif
