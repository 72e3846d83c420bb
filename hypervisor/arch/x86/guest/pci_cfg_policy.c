/* SPDX-License-Identifier: BSD-3-Clause */
/* The policy table for the Service VM's PCI configuration writes: chipset guards, BARs, MSIs. */
#include "core/console.h"
#include "lib/string.h"
#include "drivers/pci_host.h"
#include "x86/guest/pci_cfg.h"
#include "x86/guest/pci_cfg_policy.h"
#include "x86/lapic.h"
#include "x86/platform.h"

#define ANY_FUNCTION	 0xFFFFFFFFu
#define HOST_BRIDGE	 PCI_BDF(0, 0, 0)
#define ICH9_LPC	 PCI_BDF(0, 0x1F, 0)
#define CMD_MEMORY	 (1u << 1)
#define MSIX_ENABLE	 (1u << 15)
#define REFUSALS_PRINTED 4
#define MMIO_PAGE	 0x1000

/* What a rule does with a write that touches its bytes. */
enum rule_kind {
	RULE_FROZEN,  /* the bytes may be rewritten with their current value, never changed */
	RULE_BARS,    /* a memory BAR may not cover memory that is not the VM's */
	RULE_MSI,     /* MSI capability: pci_msi.c */
	RULE_MSIX,    /* MSI-X control: only with the table guarded (pci_msix.c) */
	RULE_COMMAND, /* memory decoding: only with MSI-X tables where they are guarded */
};

struct cfg_rule {
	uint32_t bdf;	      /* or ANY_FUNCTION */
	uint16_t first, last; /* byte offsets, inclusive; MSI and BAR rules find their own */
	enum rule_kind kind;
	const char *what; /* why the bytes are guarded, for the refusal line */
};

/*
 * q35 (QEMU hw/pci-host/q35.c, hw/isa/lpc_ich9.c): the MCH's registers past the standard
 * header remap memory (PCIEXBAR 0x60, PAM 0x90-0x96, SMRAM 0x9D, ESMRAMC 0x9E, TSEG 0x50, TOLUD
 * 0xB0): all frozen. The ICH9 LPC bridge moves the PM I/O block the reset and power-off guards
 * watch (PMBASE 0x40, ACPI_CNTL 0x44) and the chipset configuration page (RCBA 0xF0).
 */
static const struct cfg_rule rules[] = {
	{ HOST_BRIDGE, 0x40, 0xFF, RULE_FROZEN, "host bridge memory map / SMRAM register" },
	{ ICH9_LPC, 0x40, 0x43, RULE_FROZEN, "LPC PMBASE" },
	{ ICH9_LPC, 0x44, 0x44, RULE_FROZEN, "LPC ACPI_CNTL" },
	{ ICH9_LPC, 0xF0, 0xF3, RULE_FROZEN, "LPC RCBA" },
	{ ANY_FUNCTION, 0, 0, RULE_BARS, "BAR" },
	{ ANY_FUNCTION, 0, 0, RULE_MSI, "MSI capability" },
	{ ANY_FUNCTION, 0, 0, RULE_MSIX, "MSI-X control" },
	{ ANY_FUNCTION, 0, 0, RULE_COMMAND, "command register" },
};

struct mem_range {
	uint64_t base, end; /* [base, end) */
};

static uint32_t merged_dword(const struct pci_cfg_write *w, uint16_t dword_offset);

static struct mem_range ram[BOOT_MAX_MEM_REGIONS];
static size_t nram;

void pci_cfg_policy_init(const struct boot_info *bi)
{
	for (size_t i = 0; i < bi->nregions && nram < ARRAY_SIZE(ram); i++)
		if (bi->regions[i].type == BOOT_MEM_USABLE && bi->regions[i].len)
			ram[nram++] =
				(struct mem_range){ bi->regions[i].base,
						    bi->regions[i].base + bi->regions[i].len };
}

void pci_cfg_note_refused(struct vm *vm, const struct pci_cfg_write *w, const char *why)
{
	uint64_t n = __atomic_fetch_add(&vm->arch.cfg_writes_refused, 1, __ATOMIC_RELAXED);

	if (n < REFUSALS_PRINTED)
		printf("cairn: vm %s: PCI config write %02x:%02x.%x+0x%x (%u bytes) <- 0x%x "
		       "refused: %s\n",
		       vm->name, PCI_BUS(w->bdf), PCI_DEV(w->bdf), PCI_FN(w->bdf), w->offset,
		       w->size, w->value, why);
	else if (n == REFUSALS_PRINTED)
		printf("cairn: vm %s: further refused PCI config writes are only counted "
		       "(cfg-writes-refused in stats)\n",
		       vm->name);
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* Does [base, end) touch RAM outside vm->ram, or a page the hypervisor traps (APICs, ECAM)? */
const char *pci_cfg_foreign_memory(const struct vm *vm, uint64_t base, uint64_t end)
{
	for (size_t i = 0; i < nram; i++) {
		if (!overlaps(base, end, ram[i].base, ram[i].end))
			continue;
		uint64_t lo = MAX(base, ram[i].base), hi = MIN(end, ram[i].end);
		bool own = false;
		for (size_t r = 0; r < vm->nram && !own; r++)
			own = lo >= vm->ram[r].base && hi <= vm->ram[r].base + vm->ram[r].size;
		if (!own)
			return "BAR over RAM that is not the VM's";
	}
	if (lapic_base && overlaps(base, end, lapic_base, lapic_base + MMIO_PAGE))
		return "BAR over the LAPIC page";
	for (size_t i = 0; i < platform.madt.nioapics; i++) {
		uint64_t io = platform.madt.ioapics[i].address;
		if (overlaps(base, end, io, io + MMIO_PAGE))
			return "BAR over an IOAPIC";
	}
	if (pci_cfg_ecam_overlaps(base, end))
		return "BAR over the ECAM window";
	return NULL;
}

uint64_t pci_bar_address(const struct pci_fn *fn, uint8_t bar)
{
	if (bar >= fn->nbars)
		return 0;
	uint64_t low = pci_host_read(fn->bdf, PCI_REG_BAR0 + 4 * bar, 4);
	if (fn->bar_kind[bar] == BAR_MEM32)
		return low & ~0xFull;
	if (fn->bar_kind[bar] == BAR_MEM64_LOW)
		return (low & ~0xFull) |
		       (uint64_t)pci_host_read(fn->bdf, PCI_REG_BAR0 + 4 * bar + 4, 4) << 32;
	return 0;
}

static bool msix_bar(const struct pci_fn *fn, uint8_t bar)
{
	return fn->msix_table && (bar == fn->msix_bir ||
				  (bar == fn->msix_bir + 1 && fn->bar_kind[bar] == BAR_MEM64_HIGH));
}

static bool memory_decode_on(const struct pci_fn *fn)
{
	return pci_host_read(fn->bdf, PCI_REG_COMMAND, 2) & CMD_MEMORY;
}

/* Where BAR `i` (a memory BAR, or the high half of one) would point after w, and its size. */
static uint64_t bar_after(const struct pci_fn *fn, const struct pci_cfg_write *w, uint8_t i,
			  uint64_t *size)
{
	uint16_t reg = PCI_REG_BAR0 + 4 * i;

	if (fn->bar_kind[i] == BAR_MEM32) {
		*size = fn->bar_size[i];
		return merged_dword(w, reg) & ~0xFull;
	}
	if (fn->bar_kind[i] == BAR_MEM64_LOW) {
		*size = fn->bar_size[i];
		return (merged_dword(w, reg) & ~0xFull) |
		       (uint64_t)pci_host_read(fn->bdf, reg + 4, 4) << 32;
	}
	*size = fn->bar_size[i - 1];
	return (pci_host_read(fn->bdf, reg - 4, 4) & ~0xFull) | (uint64_t)merged_dword(w, reg)
									<< 32;
}

static uint32_t merged_dword(const struct pci_cfg_write *w, uint16_t dword_offset)
{
	uint32_t v = pci_host_read(w->bdf, dword_offset, 4);

	for (uint8_t b = 0; b < w->size; b++) {
		uint16_t at = w->offset + b;
		if (at >= dword_offset && at < dword_offset + 4) {
			uint32_t shift = 8 * (at - dword_offset);
			v = (v & ~(0xFFu << shift)) | (((w->value >> (8 * b)) & 0xFF) << shift);
		}
	}
	return v;
}

static bool touches(const struct pci_cfg_write *w, uint16_t first, uint16_t last)
{
	return w->offset <= last && w->offset + w->size - 1 >= first;
}

/* Where each memory BAR the write touches would point afterwards. */
static const char *check_bars(const struct vm *vm, const struct pci_fn *fn,
			      const struct pci_cfg_write *w)
{
	for (uint8_t i = 0; i < fn->nbars; i++) {
		uint16_t reg = PCI_REG_BAR0 + 4 * i;
		enum pci_bar_kind kind = fn->bar_kind[i];
		if (!touches(w, reg, reg + 3) || kind == BAR_NONE || kind == BAR_IO)
			continue;
		uint64_t size, base = bar_after(fn, w, i, &size);
		if (msix_bar(fn, i)) {
			/* Its MSI-X table is guarded where it is: it may move only while not decoded. */
			if ((base & ~(size - 1)) != fn->msix_bar_base && memory_decode_on(fn))
				return "BAR holding an MSI-X table moved while decoded";
		}
		if (merged_dword(w, reg) == 0xFFFFFFFFu)
			continue; /* sizing: the BAR reads back its size mask, an address at the top */
		if (!size || (size & (size - 1)))
			continue;
		base &= ~(size - 1);
		uint64_t end = base + size < base ? ~0ull : base + size;
		const char *why = pci_cfg_foreign_memory(vm, base, end);
		if (why)
			return why;
	}
	return NULL;
}

/* Memory decoding turned on while a BAR holding an MSI-X table is not where it is guarded. */
static const char *check_command(const struct pci_fn *fn, const struct pci_cfg_write *w)
{
	if (!fn->msix_table || !(merged_dword(w, PCI_REG_COMMAND) & CMD_MEMORY))
		return NULL;
	return pci_bar_address(fn, fn->msix_bir) == fn->msix_bar_base
		       ? NULL
		       : "memory decoding on with an MSI-X table away from its guarded place";
}

/* MSI-X enabled on a function whose table the hypervisor does not guard. */
static const char *check_msix_control(const struct pci_fn *fn, const struct pci_cfg_write *w)
{
	uint16_t control = fn->msix_cap + 2;

	if (fn->msix_table || !(merged_dword(w, control & ~3) >> (8 * (control & 3)) & MSIX_ENABLE))
		return NULL;
	return "MSI-X enabled with its table not guarded";
}

static bool frozen_bytes_change(const struct cfg_rule *r, const struct pci_cfg_write *w)
{
	uint32_t now = pci_host_read(w->bdf, w->offset, w->size);

	for (uint8_t b = 0; b < w->size; b++) {
		uint16_t at = w->offset + b;
		if (at >= r->first && at <= r->last && ((now ^ w->value) >> (8 * b) & 0xFF) != 0)
			return true;
	}
	return false;
}

/* MSI capability length: control, address (+ high), data, then mask and pending if per-vector. */
static uint16_t msi_length(const struct pci_fn *fn)
{
	uint16_t control = (uint16_t)pci_host_read(fn->bdf, fn->msi_cap + 2, 2);
	uint16_t len = (control & (1u << 7)) ? 14 : 10;

	return (control & (1u << 8)) ? len + 10 : len;
}

void pci_cfg_policy_write(struct vm *vm, struct pci_fn *fn, const struct pci_cfg_write *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct cfg_rule *r = &rules[i];
		const char *why = NULL;
		if (r->bdf != ANY_FUNCTION && r->bdf != fn->bdf)
			continue;
		switch (r->kind) {
		case RULE_FROZEN:
			if (touches(w, r->first, r->last) && frozen_bytes_change(r, w))
				why = r->what;
			break;
		case RULE_BARS:
			if (touches(w, PCI_REG_BAR0, PCI_REG_BAR0 + 4 * fn->nbars - 1))
				why = check_bars(vm, fn, w);
			break;
		case RULE_MSIX:
			if (fn->msix_cap && touches(w, fn->msix_cap + 2, fn->msix_cap + 3))
				why = check_msix_control(fn, w);
			break;
		case RULE_COMMAND:
			if (touches(w, PCI_REG_COMMAND, PCI_REG_COMMAND + 1))
				why = check_command(fn, w);
			break;
		case RULE_MSI:
			if (fn->msi_cap &&
			    touches(w, fn->msi_cap + 2, fn->msi_cap + msi_length(fn) - 1)) {
				pci_msi_write(vm, fn, w);
				return;
			}
			break;
		}
		if (why) {
			pci_cfg_note_refused(vm, w, why);
			return;
		}
	}
	pci_host_write(w->bdf, w->offset, w->size, w->value);
}
