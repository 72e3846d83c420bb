/* SPDX-License-Identifier: BSD-3-Clause */
/* PCI configuration space seen by the Service VM: conf1 and ECAM trapped for writes, checked. */
#ifndef CAIRN_X86_PCI_CFG_H
#define CAIRN_X86_PCI_CFG_H

#include "core/boot_info.h"
#include "core/vm.h"
#include "drivers/pci_host.h" /* PCI_BDF, pci_host_read/write: the hardware's registers */

/*
 * Traps the VM's configuration writes: ports 0xCF8-0xCFF (CONFIG_ADDRESS kept per VM, data
 * ports at every width) and the ECAM window of the MCFG table (mapped read-only: reads cost no
 * exit). Every write goes through the policy (pci_cfg_policy.c). Call after port_guard_attach()
 * (a byte at 0xCF9 is the reset register). `bi` gives the RAM map BAR checks use.
 */
int pci_cfg_attach(struct vm *vm, const struct boot_info *bi);

/*
 * Hides function `bdf` (bus 0-255, device, function: PCI_BDF()) from vm: reads return all ones,
 * writes are dropped, at conf1 and ECAM alike. Callable before or after pci_cfg_attach().
 * Returns 0, -ENOSPC when too many functions are hidden, -EINVAL on a bad bdf.
 */
int pci_cfg_hide(struct vm *vm, uint16_t bdf);
bool pci_cfg_hidden(const struct vm *vm, uint16_t bdf);

/* Hides each function of a comma-separated "BB:DD.F" list (the `pci_hide=` option); -EINVAL. */
int pci_cfg_hide_list(struct vm *vm, const char *list);

#endif
