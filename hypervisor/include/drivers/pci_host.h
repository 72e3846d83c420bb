/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's one PCI configuration accessor (conf1 serialised, ECAM) and bus-wide chores. */
#ifndef CAIRN_DRIVERS_PCI_HOST_H
#define CAIRN_DRIVERS_PCI_HOST_H

#include "lib/compiler.h"

/* bus << 8 | device << 3 | function */
#define PCI_BDF(bus, dev, fn) ((uint16_t)(((bus) << 8) | ((dev) << 3) | (fn)))
#define PCI_BUS(bdf)	      ((bdf) >> 8)
#define PCI_DEV(bdf)	      (((bdf) >> 3) & 0x1F)
/* Configuration space registers of every function (type 0 and 1 headers). */
#define PCI_REG_VENDOR	    0x00
#define PCI_REG_COMMAND	    0x04
#define PCI_REG_STATUS	    0x06
#define PCI_REG_CLASS	    0x08 /* revision, then class code in bits 31:8 */
#define PCI_REG_HEADER	    0x0C /* the dword holding the header type (bits 23:16) */
#define PCI_REG_HEADER_TYPE 0x0E
#define PCI_REG_BAR0	    0x10
#define PCI_REG_CAP_PTR	    0x34

#define PCI_FN(bdf) ((bdf)&7)

/* The MCFG's memory-mapped configuration window (segment 0); base 0: none, conf1 only. */
struct pci_ecam {
	uint64_t base;
	uint32_t bus_start, bus_end;
};

/* Sets the window, once its MCFG entry has been checked (x86/guest/pci_cfg.c). */
void pci_host_set_ecam(const struct pci_ecam *window);
const struct pci_ecam *pci_host_ecam(void);
bool pci_host_ecam_covers(uint16_t bdf);
uint64_t pci_host_ecam_address(uint16_t bdf, uint16_t offset);

/*
 * `size` bytes (1, 2 or 4) at `offset` of function `bdf`. Offsets below 256 go through conf1
 * (0xCF8 then 0xCFC-0xCFF, as one locked pair); higher ones through ECAM when it covers `bdf`,
 * else reads return all ones and writes are dropped.
 */
uint32_t pci_host_read(uint16_t bdf, uint16_t offset, uint8_t size);
void pci_host_write(uint16_t bdf, uint16_t offset, uint8_t size, uint32_t value);

/*
 * The lock of conf1's pairs, for a guest's own write to CONFIG_ADDRESS's ports (0xCF8-0xCFB,
 * 0xCF9 being the reset register): it must never land between an address and its data.
 */
void pci_host_conf1_lock(void);
void pci_host_conf1_unlock(void);

/*
 * Turns bus mastering off on every PCI function of the machine but host bridges and the
 * functions the hypervisor drives (its IOMMUs), so that no
 * device DMAs or signals an MSI until its next owner enables it again. Returns how many it
 * turned off.
 */
unsigned pci_quiesce_bus_masters(void);

#endif
