/* SPDX-License-Identifier: BSD-3-Clause */
/* Intel extended page tables: the EPT entry format for the second-stage builder, and the EPTP. */
#ifndef CAIRN_VMX_EPT_H
#define CAIRN_VMX_EPT_H

#include "x86/stage2_pt.h"

/*
 * An empty EPT (stage2_map/unmap/translate/destroy then apply). pages_2m, pages_1g: what
 * IA32_VMX_EPT_VPID_CAP bits 16 and 17 allow (vmx.h). Leaves are write-back with "ignore PAT"
 * clear, so the guest's PAT combines with WB as it would with a WB MTRR; STAGE2_UNCACHED makes a
 * leaf UC, which no guest PAT can undo but WC (SDM vol. 3, 29.3.7.2).
 */
int ept_init(struct stage2_pt *pt, const struct stage2_ops *ops, bool pages_2m, bool pages_1g);

/* The EPTP VM-execution field for it: root address, WB walks, 4 levels, no accessed/dirty flags. */
uint64_t ept_pointer(const struct stage2_pt *pt);

#endif
