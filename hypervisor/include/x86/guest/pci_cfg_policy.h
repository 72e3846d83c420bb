/* SPDX-License-Identifier: BSD-3-Clause */
/* The rules a Service VM's PCI configuration write must pass, and what the rules know of a function. */
#ifndef CAIRN_X86_PCI_CFG_POLICY_H
#define CAIRN_X86_PCI_CFG_POLICY_H

#include "core/boot_info.h"
#include "core/vm.h"

#define PCI_MAX_BARS 6

enum pci_bar_kind {
	BAR_NONE,
	BAR_IO,
	BAR_MEM32,
	BAR_MEM64_LOW,
	BAR_MEM64_HIGH
};

/* A function as found when the hypervisor probed it (BAR sizes with decoding off, capabilities). */
struct pci_fn {
	uint16_t bdf;
	uint8_t header_type; /* 0 device, 1 bridge */
	uint8_t nbars;
	enum pci_bar_kind bar_kind[PCI_MAX_BARS];
	uint64_t bar_size[PCI_MAX_BARS]; /* memory and I/O BARs; the high half of a 64-bit BAR: 0 */
	uint8_t msi_cap;		 /* offset, 0 when none */
	uint8_t msix_cap;
	uint8_t msix_bir;     /* the BAR that holds the MSI-X table */
	uint32_t msix_offset; /* the table's offset in that BAR */
	uint16_t msix_entries;
	uint64_t msix_bar_base; /* the BAR's address when the table was trapped */
	uint64_t msix_table;	/* guest-physical table address trapped, 0 when not guarded */
};

/* One configuration write, decoded from conf1 or ECAM, aligned to its size (1, 2 or 4). */
struct pci_cfg_write {
	uint16_t bdf;
	uint16_t offset;
	uint8_t size;
	uint32_t value;
};

/* Finds a function's probe record; probes it (and remembers it) the first time. NULL if absent. */
struct pci_fn *pci_cfg_function(uint16_t bdf);

/* The RAM map, for the BAR check: usable RAM not in vm->ram is not the VM's. */
void pci_cfg_policy_init(const struct boot_info *bi);

/*
 * Applies one write of vm to the hardware if the rules allow it (possibly changed: an MSI written
 * disabled). A refused write is counted in vm->arch.cfg_writes_refused or vm->arch.routes_refused, and
 * reported (rate-limited). Called with the configuration lock held.
 */
void pci_cfg_policy_write(struct vm *vm, struct pci_fn *fn, const struct pci_cfg_write *w);

/* Counts a dropped write and prints the first few: "cairn: vm X: PCI config write ... refused". */
void pci_cfg_note_refused(struct vm *vm, const struct pci_cfg_write *w, const char *why);

/*
 * MSI capability writes (pci_msi.c): `w` overlaps fn's MSI capability. Writes it, so that the
 * function never has MSI enabled with a message irq_route_refusal() refuses.
 */
void pci_msi_write(struct vm *vm, const struct pci_fn *fn, const struct pci_cfg_write *w);

/* Does [base, end) overlap the ECAM window (pci_cfg.c)? */
bool pci_cfg_ecam_overlaps(uint64_t base, uint64_t end);

/* The memory address BAR `bar` of fn decodes now (64-bit BARs whole), 0 when not a memory BAR. */
uint64_t pci_bar_address(const struct pci_fn *fn, uint8_t bar);

/* NULL when [base, end) is neither RAM that is not vm's nor a page the hypervisor traps. */
const char *pci_cfg_foreign_memory(const struct vm *vm, uint64_t base, uint64_t end);

/*
 * MSI-X (pci_msix.c): traps the table pages of fn at the address its BAR has now, so table
 * writes are checked; unmasked entries with refused messages are masked. A function whose BAR is
 * unassigned stays unguarded (its MSI-X cannot be enabled).
 */
int pci_msix_attach(struct vm *vm, struct pci_fn *fn);

#endif
