/* SPDX-License-Identifier: BSD-3-Clause */
/* What cairn-dm was asked to do: the parsed command line (dm/options.c), read by everything else. */
#ifndef CAIRN_DM_CONFIG_H
#define CAIRN_DM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define DM_VM_NAME_MAX	  15	       /* acrn_vm_creation.uuid holds 16 bytes, NUL-padded */
#define DM_BOOTARGS_MAX	  255	       /* cairn_start_info.cmdline holds 256, NUL-terminated */
#define DM_LINUX_ARGS_MAX 4095	       /* a Linux command line: one page (dm/bzimage.h) */
#define DM_MEM_ALIGN	  (2ull << 20) /* one 2 MiB huge page */
#define DM_MEM_DEFAULT	  (16ull << 20)
#define DM_MEM_MAX	  (3ull << 30) /* RAM stays below the 3 GiB MMIO line (abi/cairn/testdev.h) */
#define DM_VCPUS_MAX	  16	       /* ACRN_IO_REQUEST_MAX: one request slot per vCPU */
#define DM_PCPU_ID_LIMIT  64	       /* cpu_affinity is a 64-bit mask */
#define DM_PCI_SLOTS_MAX  16	       /* -s options */

/* One -s <slot>[:<func>],<type>[,<options>]: where, and what (dm/devices.c knows the types). */
struct dm_pci_slot {
	uint8_t slot, func;
	char type[32];	   /* "virtio-blk", ... as given */
	char options[128]; /* what follows the type's comma ("" if nothing) */
};

struct dm_config {
	const char *vm_name;   /* positional: 1-15 of [A-Za-z0-9._-] */
	uint64_t mem_size;     /* -m/--memsize: bytes, a multiple of 2 MiB */
	uint64_t cpu_affinity; /* --cpu_affinity: pCPU ids; the lowest runs vCPU 0 */
	const char *elf_file;  /* -E/--elf_file */
	const char *kernel;    /* -k/--kernel: a Linux bzImage (instead of -E) */
	const char *ramdisk;   /* -r/--ramdisk: its initrd */
	const char *bootargs;  /* -B/--bootargs: the ELF's start info or Linux's command line */
	bool com1_stdio;       /* -l com1,stdio */
	bool ioreq_polling;    /* --ioreq_polling: GUEST_FLAG_IO_COMPLETION_POLLING */
	bool ioreq_exitless;   /* --ioreq_exitless: CAIRN_GUEST_FLAG_IO_EXITLESS */
	int exitless_cpu;      /* --ioreq_exitless=<cpu>: the Service VM CPU it spins on, or -1 */
	bool testdev;	       /* --testdev: the iotest guest's device (abi/cairn/testdev.h) */
	bool testdev_clients;  /* --testdev_clients: its two ranges served by range clients */
	bool debugexit;	       /* --debugexit: a write to port 0xF4 powers the VM off */
	bool virtio_irqfd;     /* --virtio_irqfd: MSIs through irqfds instead of INJECT_MSI */
	bool crash_restart;    /* --crash_policy restart: a guest panic resets the VM */
	bool no_pv_ipi;	       /* --no_pv_ipi: CAIRN_GUEST_FLAG_NO_PV_IPI */
	bool x2apic;	       /* --x2apic: CAIRN_GUEST_FLAG_X2APIC */
	struct dm_pci_slot pci_slots[DM_PCI_SLOTS_MAX];
	unsigned int npci_slots;
	bool help; /* -h/--help */
};

#endif
