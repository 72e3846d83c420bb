/* SPDX-License-Identifier: BSD-3-Clause */
/* The User VM as /dev/acrn_hsm sees it: every ioctl cairn-dm issues goes through these functions. */
#ifndef CAIRN_DM_VM_H
#define CAIRN_DM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "cairn/acrn.h"
#include "cairn/cairn_hsm.h"

/*
 * One open /dev/acrn_hsm file names one VM (Linux's HSM keeps the VM in the file). Every
 * function returns 0 or -errno; none prints. The request page is cairn-dm's own memory, one
 * 4 KiB-aligned page the HSM pins at CREATE_VM (acrn_vm_creation.ioreq_buf).
 */
struct dm_vm {
	int fd;
	uint16_t vmid;
	uint16_t vcpu_num;
	struct acrn_io_request_buffer *ioreq_page;
};

/* Opens the device (-ENOENT when there is no HSM) and allocates the request page. */
int dm_vm_open(struct dm_vm *vm);
/* Closes the device (the HSM then destroys a VM still there) and frees the page. */
void dm_vm_close(struct dm_vm *vm);

/* CREATE_VM: name NUL-padded into uuid; sets vm->vmid and vm->vcpu_num from the answer. */
int dm_vm_create(struct dm_vm *vm, const char *name, uint64_t cpu_affinity, uint64_t vm_flag);
int dm_vm_destroy(struct dm_vm *vm);
int dm_vm_start(struct dm_vm *vm);
int dm_vm_pause(struct dm_vm *vm);
int dm_vm_reset(struct dm_vm *vm);
int dm_vm_set_vcpu_regs(struct dm_vm *vm, const struct acrn_vcpu_regs *regs);

/* SET_MEMSEG for RAM: [gpa, gpa + len) of the VM backed by the caller's memory at hva. */
int dm_vm_set_ram(struct dm_vm *vm, uint64_t gpa, void *hva, uint64_t len);

/* The default I/O client: create, wait for requests (blocks; -ENODEV once it is destroyed),
 * destroy, and finish one vCPU's request (the HSM sets COMPLETE, and notifies unless polling). */
int dm_vm_ioreq_client_create(struct dm_vm *vm);
int dm_vm_ioreq_client_attach(struct dm_vm *vm);
int dm_vm_ioreq_client_destroy(struct dm_vm *vm);
int dm_vm_notify_request_finish(struct dm_vm *vm, uint32_t vcpu);

int dm_vm_inject_msi(struct dm_vm *vm, uint64_t addr, uint64_t data);

/* An ioeventfd: a guest write of up to len bytes at addr (MMIO, or a port when pio) signals the
 * eventfd fd inside the HSM, with no request reaching cairn-dm; deassign removes it. */
int dm_vm_ioeventfd(struct dm_vm *vm, int fd, uint64_t addr, uint32_t len, bool pio, bool deassign);
/* An irqfd: signalling the eventfd fd injects the MSI (addr, data); deassign removes it. */
int dm_vm_irqfd(struct dm_vm *vm, int fd, uint64_t addr, uint64_t data, bool deassign);
int dm_vm_set_irqline(struct dm_vm *vm, uint32_t gsi, uint32_t op);

/* Cairn's range clients (abi/cairn/cairn_hsm.h). */
int dm_vm_range_client_create(struct dm_vm *vm, uint32_t type, uint64_t start, uint64_t end,
			      const char *name, uint32_t *id);
int dm_vm_range_client_fetch(struct dm_vm *vm, uint32_t id, struct cairn_ioreq_fetch *fetch);
int dm_vm_range_client_complete(struct dm_vm *vm, uint32_t id, uint32_t vcpu, uint64_t value);
int dm_vm_range_client_destroy(struct dm_vm *vm, uint32_t id);

#endif
