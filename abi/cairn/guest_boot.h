/* How the hypervisor starts a small 64-bit guest (Cairn's test and demo guests): state and start info. */
#ifndef CAIRN_ABI_GUEST_BOOT_H
#define CAIRN_ABI_GUEST_BOOT_H

#include <stdint.h>

/*
 * The guest image is an ELF64 file whose PT_LOAD segments are copied to their physical addresses
 * (which must lie in [CAIRN_GUEST_IMAGE_MIN, memory size)). The vCPU starts at the ELF entry in
 * 64-bit mode, CPL 0, interrupts off, with:
 *   - paging on, an identity map of all guest memory (2 MiB pages) built at CAIRN_GUEST_PAGE_TABLES;
 *   - a flat GDT at CAIRN_GUEST_GDT: 0x08 64-bit code, 0x10 data;
 *   - RSP = top of guest memory, RDI = GPA of struct cairn_start_info, other GPRs 0.
 * Guest memory is [0, memory size); nothing else is mapped unless the scenario says so.
 */
#define CAIRN_GUEST_GDT		0x1000
#define CAIRN_GUEST_START_INFO	0x2000
#define CAIRN_GUEST_PAGE_TABLES 0x3000
#define CAIRN_GUEST_IMAGE_MIN	0x100000

#define CAIRN_START_INFO_MAGIC 0x43414952u /* "CAIR" */

struct cairn_start_info {
	uint32_t magic;
	uint32_t vm_id;
	uint32_t vcpu_id;
	uint32_t pcpu_apic_id;
	uint64_t memory_size;
	uint64_t tsc_khz;
	char vm_name[32];
	char cmdline[256]; /* the scenario's `args` */
};

_Static_assert(sizeof(struct cairn_start_info) == 320, "start info layout");

/* The vUART every pre-launched VM has, emulated by the hypervisor (a 16550). */
#define CAIRN_VUART_PORT 0x3F8

#endif
