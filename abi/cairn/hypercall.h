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
#define HC_SERVICE_VM_OFFLINE_CPU HC_ID(0x01) /* p1: the Service VM vCPU's LAPIC ID */
#define HC_SET_CALLBACK_VECTOR \
	HC_ID(0x02) /* p1: the upcall vector (ACRN; see docs/hypercalls.md) */
#define HC_CREATE_VM		 HC_ID(0x10) /* p1: GPA of struct acrn_vm_creation (in/out) */
#define HC_DESTROY_VM		 HC_ID(0x11) /* p1: vmid; stops the VM */
#define HC_START_VM		 HC_ID(0x12) /* p1: vmid; starts a created VM, resumes a paused one */
#define HC_PAUSE_VM		 HC_ID(0x13) /* p1: vmid */
#define HC_RESET_VM		 HC_ID(0x15)
#define HC_SET_VCPU_REGS	 HC_ID(0x16) /* p1: vmid, p2: GPA of struct acrn_vcpu_regs */
#define HC_INJECT_MSI		 HC_ID(0x23) /* p1: vmid, p2: GPA of struct acrn_msi_entry */
#define HC_SET_IRQLINE		 HC_ID(0x25) /* p1: vmid, p2: (op << 32) | gsi, by value */
#define HC_SET_IOREQ_BUFFER	 HC_ID(0x30) /* p1: vmid, p2: GPA of a u64 holding the page's GPA */
#define HC_NOTIFY_REQUEST_FINISH HC_ID(0x31) /* p1: vmid, p2: vCPU id */
#define HC_VM_SET_MEMORY_REGIONS HC_ID(0x42) /* p1: GPA of struct vm_memory_region_batch */

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
