/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* /dev/acrn_hsm, ACRN's Linux UAPI as Cairn's HSM serves it: ioctl numbers and their structs. */
#ifndef CAIRN_ABI_ACRN_HSM_H
#define CAIRN_ABI_ACRN_HSM_H

#include "cairn/acrn.h"
#include "cairn/types.h"

/*
 * Linux 6.1's include/uapi/linux/acrn.h, the part Cairn implements (no device passthrough):
 * the same numbers, so that ACRN's userspace (acrn-dm) and cairn-dm both run on Cairn's HSM.
 * The ioctl numbers are encoded here rather than with <linux/ioctl.h>, so that this header
 * compiles in every build (docs/abi.md); tests/unit/test_abi_acrn.c checks each one against
 * the host's <linux/acrn.h>.
 */

#define ACRN_HSM_DEVICE "/dev/acrn_hsm"
/* Writing a CPU number here gives that (offline) CPU back to the hypervisor. */
#define ACRN_HSM_REMOVE_CPU "/sys/devices/virtual/misc/acrn_hsm/remove_cpu"

/* Linux's _IOC layout on x86: nr 7:0, type 15:8, size 29:16, direction 31:30 (1 write, 2 read). */
#define CAIRN_IOC(dir, nr, size) \
	((((__u32)(dir)) << 30) | ((__u32)(size) << 16) | ((__u32)ACRN_IOCTL_TYPE << 8) | (nr))
#define CAIRN_IO(nr)	     CAIRN_IOC(0u, nr, 0)
#define CAIRN_IOW(nr, type)  CAIRN_IOC(1u, nr, sizeof(type))
#define CAIRN_IOWR(nr, type) CAIRN_IOC(3u, nr, sizeof(type))

#define ACRN_IOCTL_TYPE 0xA2

/* ACRN_IOCTL_NOTIFY_REQUEST_FINISH: the client has completed vcpu's request. */
struct acrn_ioreq_notify {
	__u16 vmid;
	__u16 reserved; /* must be 0 */
	__u32 vcpu;
};

#define ACRN_MEMMAP_RAM	 0
#define ACRN_MEMMAP_MMIO 1

/* ACRN_IOCTL_SET_MEMSEG / UNSET_MEMSEG: User VM memory from the caller's address space. */
struct acrn_vm_memmap {
	__u32 type; /* ACRN_MEMMAP_* */
	__u32 attr; /* ACRN_MEM_ACCESS_* */
	__u64 user_vm_pa;
	__extension__ union {
		__u64 service_vm_pa; /* MMIO */
		__u64 vma_base;	     /* RAM: a user address (hugetlb pages) */
	};
	__u64 len;
};

#define ACRN_IOEVENTFD_FLAG_PIO	      0x01
#define ACRN_IOEVENTFD_FLAG_DATAMATCH 0x02
#define ACRN_IOEVENTFD_FLAG_DEASSIGN  0x04

struct acrn_ioeventfd {
	__u32 fd;
	__u32 flags; /* ACRN_IOEVENTFD_FLAG_* */
	__u64 addr;
	__u32 len; /* 1, 2, 4 or 8 */
	__u32 reserved;
	__u64 data;
};

#define ACRN_IRQFD_FLAG_DEASSIGN 0x01

struct acrn_irqfd {
	__s32 fd;
	__u32 flags; /* ACRN_IRQFD_FLAG_* */
	struct acrn_msi_entry msi;
};

CAIRN_ABI_ASSERT(sizeof(struct acrn_ioreq_notify) == 8, "acrn_ioreq_notify is 8 bytes");
CAIRN_ABI_ASSERT(sizeof(struct acrn_vm_memmap) == 32, "acrn_vm_memmap is 32 bytes");
CAIRN_ABI_OFFSET_IS(struct acrn_vm_memmap, user_vm_pa, 8);
CAIRN_ABI_OFFSET_IS(struct acrn_vm_memmap, vma_base, 16);
CAIRN_ABI_OFFSET_IS(struct acrn_vm_memmap, len, 24);
CAIRN_ABI_ASSERT(sizeof(struct acrn_ioeventfd) == 32, "acrn_ioeventfd is 32 bytes");
CAIRN_ABI_OFFSET_IS(struct acrn_ioeventfd, data, 24);
CAIRN_ABI_ASSERT(sizeof(struct acrn_irqfd) == 24, "acrn_irqfd is 24 bytes");
CAIRN_ABI_OFFSET_IS(struct acrn_irqfd, msi, 8);

/* VM lifecycle (the argument of DESTROY/START/PAUSE/RESET is unused: the fd names the VM). */
#define ACRN_IOCTL_CREATE_VM	 CAIRN_IOWR(0x10, struct acrn_vm_creation)
#define ACRN_IOCTL_DESTROY_VM	 CAIRN_IO(0x11)
#define ACRN_IOCTL_START_VM	 CAIRN_IO(0x12)
#define ACRN_IOCTL_PAUSE_VM	 CAIRN_IO(0x13)
#define ACRN_IOCTL_RESET_VM	 CAIRN_IO(0x15)
#define ACRN_IOCTL_SET_VCPU_REGS CAIRN_IOW(0x16, struct acrn_vcpu_regs)

/* Interrupts (SET_IRQLINE's argument is the (op << 32) | gsi value itself). */
#define ACRN_IOCTL_INJECT_MSI	   CAIRN_IOW(0x23, struct acrn_msi_entry)
#define ACRN_IOCTL_VM_INTR_MONITOR CAIRN_IOW(0x24, __u64)
#define ACRN_IOCTL_SET_IRQLINE	   CAIRN_IOW(0x25, __u64)

/* I/O requests and their clients. */
#define ACRN_IOCTL_NOTIFY_REQUEST_FINISH CAIRN_IOW(0x31, struct acrn_ioreq_notify)
#define ACRN_IOCTL_CREATE_IOREQ_CLIENT	 CAIRN_IO(0x32)
#define ACRN_IOCTL_ATTACH_IOREQ_CLIENT	 CAIRN_IO(0x33)
#define ACRN_IOCTL_DESTROY_IOREQ_CLIENT	 CAIRN_IO(0x34)
#define ACRN_IOCTL_CLEAR_VM_IOREQ	 CAIRN_IO(0x35)

/* Memory. */
#define ACRN_IOCTL_SET_MEMSEG	CAIRN_IOW(0x41, struct acrn_vm_memmap)
#define ACRN_IOCTL_UNSET_MEMSEG CAIRN_IOW(0x42, struct acrn_vm_memmap)

/* Power management data and eventfds. */
#define ACRN_IOCTL_PM_GET_CPU_STATE CAIRN_IOWR(0x60, __u64)
#define ACRN_IOCTL_IOEVENTFD	    CAIRN_IOW(0x70, struct acrn_ioeventfd)
#define ACRN_IOCTL_IRQFD	    CAIRN_IOW(0x71, struct acrn_irqfd)

#endif
