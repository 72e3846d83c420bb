/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* How the hypervisor starts a small 64-bit guest (Cairn's test and demo guests): state and start info. */
#ifndef CAIRN_ABI_GUEST_BOOT_H
#define CAIRN_ABI_GUEST_BOOT_H

#include "types.h"

/*
 * The guest image is an ELF64 file whose PT_LOAD segments are copied to their physical addresses
 * (which must lie in [CAIRN_GUEST_IMAGE_MIN, memory size)); bytes between filesz and memsz are
 * zeroed, and so is the rest of memory on a reset. The vCPU starts at the ELF entry in 64-bit
 * mode, CPL 0, interrupts off, with:
 *   - CR0 = PE|MP|ET|NE|WP|PG, CR4 = PAE only (no SMEP/SMAP), EFER = LME|LMA;
 *   - an identity map of all guest memory (2 MiB pages) at CAIRN_GUEST_PAGE_TABLES: PML4, PDPT,
 *     then one PD per GiB; U/S is set at every level (ring 3 may run anywhere); the guest owns
 *     these tables and may change them;
 *   - a flat GDT at CAIRN_GUEST_GDT: 0x08 64-bit code, 0x10 data; IDTR limit 0; TR selector 0;
 *   - RSP = top of guest memory, RDI = GPA of struct cairn_start_info, other GPRs 0.
 * Guest memory is [0, memory size); nothing else is mapped unless the scenario says so. SVM
 * instructions (VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA) raise #UD.
 */
#define CAIRN_GUEST_GDT		0x1000
#define CAIRN_GUEST_START_INFO	0x2000
#define CAIRN_GUEST_PAGE_TABLES 0x3000
#define CAIRN_GUEST_IMAGE_MIN	0x100000

#define CAIRN_START_INFO_MAGIC 0x43414952u /* "CAIR" */

struct cairn_start_info {
	__u32 magic;
	__u32 vm_id;
	__u32 vcpu_id;
	__u32 pcpu_apic_id;
	__u64 memory_size;
	__u64 tsc_khz;
	char vm_name[32];  /* NUL-terminated */
	char cmdline[256]; /* the scenario's `args`, NUL-terminated */
};

CAIRN_ABI_ASSERT(sizeof(struct cairn_start_info) == 320, "start info layout");
CAIRN_ABI_OFFSET_IS(struct cairn_start_info, memory_size, 16);
CAIRN_ABI_OFFSET_IS(struct cairn_start_info, tsc_khz, 24);
CAIRN_ABI_OFFSET_IS(struct cairn_start_info, vm_name, 32);
CAIRN_ABI_OFFSET_IS(struct cairn_start_info, cmdline, 64);

/*
 * The vUART every pre-launched VM has, emulated by the hypervisor (a 16550 without interrupts:
 * poll LSR). A line ends at '\n' ('\r' is dropped); input arrives via the shell's `console <vm>`.
 */
#define CAIRN_VUART_PORT 0x3F8

/*
 * How a guest powers itself off: ACPI S5 written to PM1a control at ACRN's fixed address for
 * post-launched VMs (VIRTUAL_PM1A_CNT_ADDR): SLP_TYP 5 with SLP_EN, one 16-bit write. A User VM's
 * device model (cairn-dm, acrn-dm) then destroys the VM; in a partition nothing serves the port
 * and the write is dropped, so the guest halts as before (guests/lib guest_poweroff()).
 */
#define CAIRN_GUEST_PM1A_CNT_PORT 0x404
#define CAIRN_GUEST_PM1A_SLP_EN	  0x2000
#define CAIRN_GUEST_PM1A_S5	  (CAIRN_GUEST_PM1A_SLP_EN | (5 << 10))
/*
 * The S5 write the hypervisor posts for a User VM that stopped by itself (a triple fault, a fault
 * the hypervisor stopped it for) also sets bit 15, reserved in PM1 control, so that its device
 * model can tell a crash from the guest's own power-off. ACRN's device model ignores the bit and
 * sees S5, as it does for ACRN's own notice.
 */
#define CAIRN_GUEST_PM1A_CRASHED 0x8000

#endif
