/* SPDX-License-Identifier: BSD-3-Clause */
/* The ACRN ABI facts test_abi_acrn compares: each size, offset and number, by name (an X-macro). */
#ifndef CAIRN_TEST_ABI_ACRN_FACTS_H
#define CAIRN_TEST_ABI_ACRN_FACTS_H

#include <stddef.h>
#include <stdint.h>

struct abi_fact {
	const char *name;
	uint64_t value;
};

/* SIZE(type), OFF(type, field) and NUM(constant), expanded in each of the two headers' worlds. */
#define ABI_ACRN_FACTS(SIZE, OFF, NUM)                                                    \
	NUM(ACRN_IO_REQUEST_MAX) NUM(ACRN_IOREQ_STATE_PENDING) NUM(ACRN_IOREQ_STATE_COMPLETE) \
	NUM(ACRN_IOREQ_STATE_PROCESSING) NUM(ACRN_IOREQ_STATE_FREE)                        \
	NUM(ACRN_IOREQ_TYPE_PORTIO) NUM(ACRN_IOREQ_TYPE_MMIO) NUM(ACRN_IOREQ_TYPE_PCICFG)  \
	NUM(ACRN_IOREQ_DIR_READ) NUM(ACRN_IOREQ_DIR_WRITE)                                 \
	SIZE(struct acrn_mmio_request) OFF(struct acrn_mmio_request, direction)            \
	OFF(struct acrn_mmio_request, address) OFF(struct acrn_mmio_request, size)         \
	OFF(struct acrn_mmio_request, value)                                               \
	SIZE(struct acrn_pio_request) OFF(struct acrn_pio_request, direction)              \
	OFF(struct acrn_pio_request, address) OFF(struct acrn_pio_request, size)           \
	OFF(struct acrn_pio_request, value)                                                \
	SIZE(struct acrn_pci_request) OFF(struct acrn_pci_request, direction)              \
	OFF(struct acrn_pci_request, size) OFF(struct acrn_pci_request, value)             \
	OFF(struct acrn_pci_request, bus) OFF(struct acrn_pci_request, dev)                \
	OFF(struct acrn_pci_request, func) OFF(struct acrn_pci_request, reg)               \
	SIZE(struct acrn_io_request) OFF(struct acrn_io_request, type)                     \
	OFF(struct acrn_io_request, completion_polling) OFF(struct acrn_io_request, reqs)  \
	OFF(struct acrn_io_request, reserved1) OFF(struct acrn_io_request, kernel_handled) \
	OFF(struct acrn_io_request, processed) SIZE(struct acrn_io_request_buffer)         \
	SIZE(struct acrn_ioreq_notify) OFF(struct acrn_ioreq_notify, reserved)             \
	OFF(struct acrn_ioreq_notify, vcpu)                                                \
	SIZE(struct acrn_vm_creation) OFF(struct acrn_vm_creation, vmid)                   \
	OFF(struct acrn_vm_creation, vcpu_num) OFF(struct acrn_vm_creation, uuid)          \
	OFF(struct acrn_vm_creation, vm_flag) OFF(struct acrn_vm_creation, ioreq_buf)      \
	OFF(struct acrn_vm_creation, cpu_affinity)                                         \
	SIZE(struct acrn_gp_regs) OFF(struct acrn_gp_regs, rsp) OFF(struct acrn_gp_regs, rdi) \
	OFF(struct acrn_gp_regs, r15) SIZE(struct acrn_descriptor_ptr)                     \
	OFF(struct acrn_descriptor_ptr, base) OFF(struct acrn_descriptor_ptr, reserved)    \
	SIZE(struct acrn_regs) OFF(struct acrn_regs, gdt) OFF(struct acrn_regs, idt)       \
	OFF(struct acrn_regs, rip) OFF(struct acrn_regs, cs_base) OFF(struct acrn_regs, cr0) \
	OFF(struct acrn_regs, cr4) OFF(struct acrn_regs, cr3)                              \
	OFF(struct acrn_regs, ia32_efer) OFF(struct acrn_regs, rflags)                     \
	OFF(struct acrn_regs, cs_ar) OFF(struct acrn_regs, cs_limit)                       \
	OFF(struct acrn_regs, cs_sel) OFF(struct acrn_regs, ss_sel)                        \
	OFF(struct acrn_regs, ds_sel) OFF(struct acrn_regs, es_sel)                        \
	OFF(struct acrn_regs, fs_sel) OFF(struct acrn_regs, gs_sel)                        \
	OFF(struct acrn_regs, ldt_sel) OFF(struct acrn_regs, tr_sel)                       \
	SIZE(struct acrn_vcpu_regs) OFF(struct acrn_vcpu_regs, vcpu_regs)                  \
	NUM(ACRN_MEM_ACCESS_READ) NUM(ACRN_MEM_ACCESS_WRITE) NUM(ACRN_MEM_ACCESS_EXEC)     \
	NUM(ACRN_MEM_ACCESS_RIGHT_MASK) NUM(ACRN_MEM_TYPE_WB) NUM(ACRN_MEM_TYPE_WT)        \
	NUM(ACRN_MEM_TYPE_UC) NUM(ACRN_MEM_TYPE_WC) NUM(ACRN_MEM_TYPE_WP)                  \
	NUM(ACRN_MEM_TYPE_MASK) NUM(ACRN_MEMMAP_RAM) NUM(ACRN_MEMMAP_MMIO)                 \
	SIZE(struct acrn_vm_memmap) OFF(struct acrn_vm_memmap, attr)                       \
	OFF(struct acrn_vm_memmap, user_vm_pa) OFF(struct acrn_vm_memmap, service_vm_pa)   \
	OFF(struct acrn_vm_memmap, vma_base) OFF(struct acrn_vm_memmap, len)               \
	SIZE(struct acrn_msi_entry) OFF(struct acrn_msi_entry, msi_data)                   \
	NUM(ACRN_IOEVENTFD_FLAG_PIO) NUM(ACRN_IOEVENTFD_FLAG_DATAMATCH)                    \
	NUM(ACRN_IOEVENTFD_FLAG_DEASSIGN) SIZE(struct acrn_ioeventfd)                      \
	OFF(struct acrn_ioeventfd, addr) OFF(struct acrn_ioeventfd, len)                   \
	OFF(struct acrn_ioeventfd, data) NUM(ACRN_IRQFD_FLAG_DEASSIGN)                     \
	SIZE(struct acrn_irqfd) OFF(struct acrn_irqfd, flags) OFF(struct acrn_irqfd, msi)  \
	NUM(ACRN_IOCTL_TYPE) NUM(ACRN_IOCTL_CREATE_VM) NUM(ACRN_IOCTL_DESTROY_VM)          \
	NUM(ACRN_IOCTL_START_VM) NUM(ACRN_IOCTL_PAUSE_VM) NUM(ACRN_IOCTL_RESET_VM)         \
	NUM(ACRN_IOCTL_SET_VCPU_REGS) NUM(ACRN_IOCTL_INJECT_MSI)                           \
	NUM(ACRN_IOCTL_VM_INTR_MONITOR) NUM(ACRN_IOCTL_SET_IRQLINE)                        \
	NUM(ACRN_IOCTL_NOTIFY_REQUEST_FINISH) NUM(ACRN_IOCTL_CREATE_IOREQ_CLIENT)          \
	NUM(ACRN_IOCTL_ATTACH_IOREQ_CLIENT) NUM(ACRN_IOCTL_DESTROY_IOREQ_CLIENT)           \
	NUM(ACRN_IOCTL_CLEAR_VM_IOREQ) NUM(ACRN_IOCTL_SET_MEMSEG)                          \
	NUM(ACRN_IOCTL_UNSET_MEMSEG) NUM(ACRN_IOCTL_PM_GET_CPU_STATE)                      \
	NUM(ACRN_IOCTL_IOEVENTFD) NUM(ACRN_IOCTL_IRQFD)

#define ABI_FACT_SIZE(type)	  { "sizeof(" #type ")", sizeof(type) },
#define ABI_FACT_OFF(type, field) { "offsetof(" #type ", " #field ")", offsetof(type, field) },
#define ABI_FACT_NUM(constant)	  { #constant, (uint64_t)(constant) },

/* The facts as Cairn's abi/cairn/acrn_hsm.h and as the host's <linux/acrn.h> state them. */
extern const struct abi_fact abi_facts_cairn[], abi_facts_linux[];
extern const size_t abi_facts_cairn_count, abi_facts_linux_count;

#endif
