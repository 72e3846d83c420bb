/* SPDX-License-Identifier: BSD-3-Clause */
/* The Cairn service device: an emulated PCI function of the Service VM whose MSI is the upcall. */
#ifndef CAIRN_X86_GUEST_SERVICE_DEV_H
#define CAIRN_X86_GUEST_SERVICE_DEV_H

#include "core/vm.h"

/*
 * abi/cairn/service_dev.h says what the Service VM sees. pci_cfg.c places it (bus 0, the first
 * device number with no function on the host) and sends it the configuration accesses of its
 * function, from conf1 and ECAM alike; arch_ioreq_upcall() sends its MSI.
 */

/* Makes `bdf` of vm (the Service VM) the service device, reset; prints where it is. */
void service_dev_place(struct vm *vm, uint16_t bdf);

/* bdf of vm is the service device. */
bool service_dev_at(const struct vm *vm, uint16_t bdf);

/*
 * Its configuration space: `size` bytes (1, 2 or 4) at `offset` (0-0xFFF; beyond the header and
 * the MSI capability: 0). Writes change only the command register's I/O, memory, bus-master and
 * INTx-disable bits and the MSI capability's enable, multiple-message-enable, address and data.
 */
uint32_t service_dev_cfg_read(uint16_t offset, uint8_t size);
void service_dev_cfg_write(uint16_t offset, uint8_t size, uint32_t value);

/* As after power-on: MSI off, command 0 (the Service VM restarts). */
void service_dev_reset(void);

/* Upcalls sent and refused (MSI off, a bad vector or destination); zeros unless vm owns it. */
struct service_dev_counts {
	uint64_t sent, refused;
};
struct service_dev_counts service_dev_counts(const struct vm *vm);

#endif
