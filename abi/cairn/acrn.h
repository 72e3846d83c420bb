/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* ACRN's shared structures: the I/O request page, VM creation, vCPU registers, memory, interrupts. */
#ifndef CAIRN_ABI_ACRN_H
#define CAIRN_ABI_ACRN_H

#include "cairn/types.h"

/*
 * The names, numbers and layouts are ACRN's (its hypervisor's public headers and Linux 6.1's
 * include/uapi/linux/acrn.h), so that ACRN's HSM interface and userspace work against Cairn
 * unchanged. tests/unit/test_abi_acrn.c checks every size, offset and number below against the
 * host's <linux/acrn.h>; the asserts here hold the layouts in every build that includes them.
 * Who uses what: docs/abi.md.
 */

/* --- The I/O request page: one 256-byte slot per vCPU (slot index = vCPU id) --- */

#define ACRN_IO_REQUEST_MAX 16

/* acrn_io_request.processed: FREE -> PENDING -> PROCESSING -> COMPLETE -> FREE. */
#define ACRN_IOREQ_STATE_PENDING    0 /* posted by the hypervisor: the Service VM owns it */
#define ACRN_IOREQ_STATE_COMPLETE   1 /* answered: the hypervisor owns it again */
#define ACRN_IOREQ_STATE_PROCESSING 2 /* taken by an I/O client (HSM) */
#define ACRN_IOREQ_STATE_FREE	    3

#define ACRN_IOREQ_TYPE_PORTIO 0
#define ACRN_IOREQ_TYPE_MMIO   1
#define ACRN_IOREQ_TYPE_PCICFG 2

#define ACRN_IOREQ_DIR_READ  0
#define ACRN_IOREQ_DIR_WRITE 1

struct acrn_mmio_request {
	__u32 direction;
	__u32 reserved;
	__u64 address; /* guest-physical */
	__u64 size;    /* 1, 2, 4 or 8 */
	__u64 value;
};

struct acrn_pio_request {
	__u32 direction;
	__u32 reserved;
	__u64 address; /* port */
	__u64 size;    /* 1, 2 or 4 */
	__u32 value;
};

/* size and value sit where a port request has them, so one completion path serves both. */
struct acrn_pci_request {
	__u32 direction;
	__u32 reserved[3];
	__u64 size;
	__u32 value;
	__u32 bus;
	__u32 dev;
	__u32 func;
	__u32 reg;
};

struct acrn_io_request {
	__u32 type;		  /* ACRN_IOREQ_TYPE_* */
	__u32 completion_polling; /* 1: the VM completes by polling, no notification */
	__u32 reserved0[14];
	union {
		struct acrn_pio_request pio_request;
		struct acrn_pci_request pci_request;
		struct acrn_mmio_request mmio_request;
		__u64 data[8];
	} reqs;
	__u32 reserved1;
	__u32 kernel_handled; /* set by the HSM: an in-kernel client served it */
	__u32 processed;      /* ACRN_IOREQ_STATE_*: written last, with release ordering */
} __attribute__((aligned(256)));

/* The page (Linux wraps the array in a union with a 4096-byte pad; 16 slots fill it exactly). */
struct acrn_io_request_buffer {
	struct acrn_io_request req_slot[ACRN_IO_REQUEST_MAX];
};

CAIRN_ABI_ASSERT(sizeof(struct acrn_pio_request) == 32, "acrn_pio_request is 32 bytes");
CAIRN_ABI_ASSERT(sizeof(struct acrn_mmio_request) == 32, "acrn_mmio_request is 32 bytes");
CAIRN_ABI_ASSERT(sizeof(struct acrn_pci_request) == 48, "acrn_pci_request is 48 bytes");
CAIRN_ABI_OFFSET_IS(struct acrn_pio_request, address, 8);
CAIRN_ABI_OFFSET_IS(struct acrn_pio_request, size, 16);
CAIRN_ABI_OFFSET_IS(struct acrn_pio_request, value, 24);
CAIRN_ABI_OFFSET_IS(struct acrn_mmio_request, value, 24);
CAIRN_ABI_OFFSET_IS(struct acrn_pci_request, size, 16);
CAIRN_ABI_OFFSET_IS(struct acrn_pci_request, value, 24);
CAIRN_ABI_OFFSET_IS(struct acrn_pci_request, bus, 28);
CAIRN_ABI_OFFSET_IS(struct acrn_pci_request, reg, 40);
CAIRN_ABI_ASSERT(sizeof(struct acrn_io_request) == 256, "acrn_io_request is 256 bytes");
CAIRN_ABI_OFFSET_IS(struct acrn_io_request, completion_polling, 4);
CAIRN_ABI_OFFSET_IS(struct acrn_io_request, reqs, 64);
CAIRN_ABI_OFFSET_IS(struct acrn_io_request, kernel_handled, 132);
CAIRN_ABI_OFFSET_IS(struct acrn_io_request, processed, 136);
CAIRN_ABI_ASSERT(sizeof(struct acrn_io_request_buffer) == 4096, "the request page is 4 KiB");

/* --- HC_CREATE_VM / ACRN_IOCTL_CREATE_VM --- */

/* vm_flag bits the device model may set (ACRN's DM_OWNED_GUEST_FLAG_MASK; others ignored). */
#define GUEST_FLAG_SECURE_WORLD_ENABLED	 (1ull << 0)
#define GUEST_FLAG_LAPIC_PASSTHROUGH	 (1ull << 1)
#define GUEST_FLAG_IO_COMPLETION_POLLING (1ull << 2)
#define GUEST_FLAG_RT			 (1ull << 4)
/*
 * Cairn's own (ACRN has no such bit; its HSM and DM never set it): exit-less I/O requests. The
 * device model polls the request page itself, so the hypervisor sends no upcall and the HSM
 * dispatches nothing of this VM's; completion is by polling (the vCPU's pCPU spins on its slot).
 */
#define CAIRN_GUEST_FLAG_IO_EXITLESS (1ull << 63)
/*
 * Cairn's own: KVM_FEATURE_PV_SEND_IPI withheld. The VM's KVM features leaf (0x40000101) lacks
 * bit 11, so Linux keeps its APIC's own IPI sends, and KVM_HC_SEND_IPI returns -KVM_ENOSYS.
 */
#define CAIRN_GUEST_FLAG_NO_PV_IPI (1ull << 62)
/*
 * Cairn's own: an x2APIC is offered (CPUID.1:ECX[21]) over the pCPU's xAPIC. Linux then sends an
 * IPI with one trapped MSR write (ICR, 0x830) instead of two trapped page writes (ICR high, low).
 */
#define CAIRN_GUEST_FLAG_X2APIC (1ull << 61)

struct acrn_vm_creation {
	__u16 vmid; /* out: the VM's id (0xFFFF on failure) */
	__u16 reserved0;
	__u16 vcpu_num; /* out: one vCPU per bit of cpu_affinity */
	__u16 reserved1;
	__u8 uuid[16];	    /* Linux's name for it; ACRN's userspace puts the VM's name here */
	__u64 vm_flag;	    /* GUEST_FLAG_* */
	__u64 ioreq_buf;    /* HSM: user address of the request page (not passed on) */
	__u64 cpu_affinity; /* pCPUs: the lowest set bit runs vCPU 0, the next vCPU 1, ... */
};

CAIRN_ABI_ASSERT(sizeof(struct acrn_vm_creation) == 48, "acrn_vm_creation is 48 bytes");
CAIRN_ABI_OFFSET_IS(struct acrn_vm_creation, vcpu_num, 4);
CAIRN_ABI_OFFSET_IS(struct acrn_vm_creation, uuid, 8);
CAIRN_ABI_OFFSET_IS(struct acrn_vm_creation, vm_flag, 24);
CAIRN_ABI_OFFSET_IS(struct acrn_vm_creation, cpu_affinity, 40);

/* --- HC_SET_VCPU_REGS / ACRN_IOCTL_SET_VCPU_REGS --- */

/* In VMX exit-qualification order (RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8-R15). */
struct acrn_gp_regs {
	__u64 rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

struct acrn_descriptor_ptr {
	__u16 limit;
	__u64 base;
	__u16 reserved[3];
} __attribute__((__packed__));

struct acrn_regs {
	struct acrn_gp_regs gprs;
	struct acrn_descriptor_ptr gdt;
	struct acrn_descriptor_ptr idt;
	__u64 rip;
	__u64 cs_base;
	__u64 cr0;
	__u64 cr4;
	__u64 cr3;
	__u64 ia32_efer;
	__u64 rflags;
	__u64 reserved_64[4];
	__u32 cs_ar; /* VMX access-rights format: 0xC09B flat 32-bit code, 0xCF9B from ELF */
	__u32 cs_limit;
	__u32 reserved_32[3];
	__u16 cs_sel, ss_sel, ds_sel, es_sel, fs_sel, gs_sel, ldt_sel, tr_sel;
};

struct acrn_vcpu_regs {
	__u16 vcpu_id;
	__u16 reserved[3];
	struct acrn_regs vcpu_regs;
};

CAIRN_ABI_ASSERT(sizeof(struct acrn_gp_regs) == 128, "acrn_gp_regs is 128 bytes");
CAIRN_ABI_ASSERT(sizeof(struct acrn_descriptor_ptr) == 16, "acrn_descriptor_ptr is 16 bytes");
CAIRN_ABI_ASSERT(sizeof(struct acrn_regs) == 288, "acrn_regs is 288 bytes");
CAIRN_ABI_OFFSET_IS(struct acrn_regs, gdt, 128);
CAIRN_ABI_OFFSET_IS(struct acrn_regs, idt, 144);
CAIRN_ABI_OFFSET_IS(struct acrn_regs, rip, 160);
CAIRN_ABI_OFFSET_IS(struct acrn_regs, ia32_efer, 200);
CAIRN_ABI_OFFSET_IS(struct acrn_regs, cs_ar, 248);
CAIRN_ABI_OFFSET_IS(struct acrn_regs, cs_sel, 268);
CAIRN_ABI_OFFSET_IS(struct acrn_regs, tr_sel, 282);
CAIRN_ABI_ASSERT(sizeof(struct acrn_vcpu_regs) == 296, "acrn_vcpu_regs is 296 bytes");
CAIRN_ABI_OFFSET_IS(struct acrn_vcpu_regs, vcpu_regs, 8);

/* --- Memory: HC_VM_SET_MEMORY_REGIONS --- */

#define ACRN_MEM_ACCESS_READ	   0x00000001u
#define ACRN_MEM_ACCESS_WRITE	   0x00000002u
#define ACRN_MEM_ACCESS_EXEC	   0x00000004u
#define ACRN_MEM_ACCESS_RIGHT_MASK 0x00000007u
#define ACRN_MEM_TYPE_WB	   0x00000040u
#define ACRN_MEM_TYPE_WT	   0x00000080u
#define ACRN_MEM_TYPE_UC	   0x00000100u
#define ACRN_MEM_TYPE_WC	   0x00000200u
#define ACRN_MEM_TYPE_WP	   0x00000400u
#define ACRN_MEM_TYPE_MASK	   0x000007C0u

#define ACRN_MEM_REGION_ADD 0
#define ACRN_MEM_REGION_DEL 2

/* One region of a batch: [user_vm_pa, +size) of the User VM backed by Service VM memory. */
struct vm_memory_region_op {
	__u32 type; /* ACRN_MEM_REGION_ADD or _DEL */
	__u32 attr; /* ACRN_MEM_ACCESS_* | ACRN_MEM_TYPE_* */
	__u64 user_vm_pa;
	__u64 service_vm_pa;
	__u64 size; /* 4 KiB multiple */
};

/* HC_VM_SET_MEMORY_REGIONS p1: the batch (the vmid is inside), regions_gpa its array. */
struct vm_memory_region_batch {
	__u16 vmid;
	__u16 reserved[3];
	__u32 regions_num;
	__u32 reserved1;
	__u64 regions_gpa;
};

CAIRN_ABI_ASSERT(sizeof(struct vm_memory_region_op) == 32, "vm_memory_region_op is 32 bytes");
CAIRN_ABI_OFFSET_IS(struct vm_memory_region_op, user_vm_pa, 8);
CAIRN_ABI_OFFSET_IS(struct vm_memory_region_op, size, 24);
CAIRN_ABI_ASSERT(sizeof(struct vm_memory_region_batch) == 24, "vm_memory_region_batch is 24 bytes");
CAIRN_ABI_OFFSET_IS(struct vm_memory_region_batch, regions_num, 8);
CAIRN_ABI_OFFSET_IS(struct vm_memory_region_batch, regions_gpa, 16);

/* --- Interrupts: HC_INJECT_MSI, HC_SET_IRQLINE --- */

struct acrn_msi_entry {
	__u64 msi_addr; /* bits 19:12: destination APIC ID */
	__u64 msi_data; /* bits 7:0: vector */
};

CAIRN_ABI_ASSERT(sizeof(struct acrn_msi_entry) == 16, "acrn_msi_entry is 16 bytes");

/* HC_SET_IRQLINE p2 (by value): (op << 32) | gsi. */
#define ACRN_IRQLINE_OP_SET_HIGH      0
#define ACRN_IRQLINE_OP_SET_LOW	      1
#define ACRN_IRQLINE_OP_RAISING_PULSE 2
#define ACRN_IRQLINE_OP_FALLING_PULSE 3

#endif
