/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* CPUID leaves Cairn presents to its guests (hypervisor range 0x40000000+). */
#ifndef CAIRN_ABI_CPUID_H
#define CAIRN_ABI_CPUID_H

/*
 * 0x40000000: EAX = highest Cairn leaf (0x40000001), EBX ECX EDX = "CairnCairnHV".
 * 0x40000001: EAX = CAIRN_CPUID_FEAT_* bits for this VM, EBX = the VM's id, ECX = the vCPU's id,
 *             EDX = TSC frequency in kHz.
 * Other leaves in 0x40000002..0x400000FF read as zero. (KVM's leaves, for Linux guests, will
 * live at 0x40000100 so that both can be found: Linux scans in steps of 0x100.)
 */
#define CAIRN_CPUID_BASE      0x40000000u
#define CAIRN_CPUID_FEATURES  0x40000001u
#define CAIRN_CPUID_SIGNATURE "CairnCairnHV"

#define CAIRN_CPUID_SIG_EBX 0x72696143u /* "Cair" */
#define CAIRN_CPUID_SIG_ECX 0x6961436Eu /* "nCai" */
#define CAIRN_CPUID_SIG_EDX 0x56486E72u /* "rnHV" */

#define CAIRN_CPUID_FEAT_HYPERCALLS (1u << 0) /* this VM may make hypercalls */
#define CAIRN_CPUID_FEAT_SERVICE_VM (1u << 1) /* this VM is the Service VM */
#define CAIRN_CPUID_FEAT_WATCHDOG   (1u << 2) /* this VM must kick its watchdog */

#endif
