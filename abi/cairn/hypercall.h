/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* Hypercall ABI shared by the hypervisor, guests, the HSM and cairn-dm: ACRN's IDs and conventions. */
#ifndef CAIRN_ABI_HYPERCALL_H
#define CAIRN_ABI_HYPERCALL_H

#include "types.h"

/*
 * Calling convention (ACRN's): VMCALL (0F 01 C1) or VMMCALL (0F 01 D9) at CPL 0; hypercall ID in
 * R8, parameters in RDI and RSI, result in RAX (0 or a negative errno, sign-extended). No other
 * register changes. A VM without hypercall rights gets #UD; CPL != 0 gets #GP(0).
 */
#define HC_ID(index) (0x80000000u | (index))

/* Results (negative errno, Linux numbering): documented per call in docs/hypercalls.md. */
#define HC_EPERM  (-1)	/* known call reserved to the Service VM */
#define HC_EFAULT (-14) /* a guest-physical pointer outside the caller's memory */
#define HC_EINVAL (-22)
#define HC_ENOTTY (-25) /* unknown hypercall ID */
#define HC_ENODEV (-19) /* e.g. a watchdog kick from a VM without a watchdog */

#define HC_GET_API_VERSION	  HC_ID(0x00) /* p1: GPA of struct hc_api_version (out) */
#define HC_SERVICE_VM_OFFLINE_CPU HC_ID(0x01)
#define HC_CREATE_VM		  HC_ID(0x10)
#define HC_DESTROY_VM		  HC_ID(0x11) /* p1: vmid; stops the VM */
#define HC_START_VM		  HC_ID(0x12) /* p1: vmid; starts a created VM, resumes a paused one */
#define HC_PAUSE_VM		  HC_ID(0x13) /* p1: vmid */
#define HC_RESET_VM		  HC_ID(0x15)

/* Cairn extensions live at the top of ACRN's 8-bit index space, which ACRN does not use. */
#define HC_CAIRN_WATCHDOG_KICK HC_ID(0xF0) /* no parameters; see docs/scenarios.md (watchdog) */

#define CAIRN_API_VERSION_MAJOR 1
#define CAIRN_API_VERSION_MINOR 0

struct hc_api_version {
	__u32 major_version;
	__u32 minor_version;
};

CAIRN_ABI_ASSERT(sizeof(struct hc_api_version) == 8, "hc_api_version is 8 bytes (ACRN)");
CAIRN_ABI_OFFSET_IS(struct hc_api_version, minor_version, 4);

#endif
