/* SPDX-License-Identifier: BSD-3-Clause */
/* A vendor-neutral vcpu_arch_state translated into the VMCB's save area and segment attributes. */
#ifndef CAIRN_SVM_SVM_STATE_H
#define CAIRN_SVM_SVM_STATE_H

#include "x86/vcpu_state.h"
#include "vmcb.h"

/* SEG_AR_* access rights → the VMCB's 12-bit attrib (G/D/L/AVL moved down to bits 11:8). */
uint16_t svm_segment_attrib(uint32_t access);
/* The reverse; a segment without P reads back as SEG_AR_UNUSABLE, as VMX reports it. */
uint32_t svm_segment_access(uint16_t attrib);

/*
 * Fills the whole save area from *st (what st does not name is 0); EFER gets SVME, which SVM
 * needs in the guest's EFER; CPL follows SS.DPL (0 in real mode, 3 in virtual-8086 mode).
 */
void svm_save_from_state(struct vmcb_save *s, const struct vcpu_arch_state *st);

#endif
