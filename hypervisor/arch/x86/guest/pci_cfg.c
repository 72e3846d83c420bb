/* SPDX-License-Identifier: BSD-3-Clause */
/* PCI configuration interception: conf1 and ECAM decoded to (bdf, offset, size, value), then checked. */
#include "core/console.h"
#include "core/virt.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "acpi/acpi.h"
#include "drivers/pci_host.h"
#include "x86/cpu.h"
#include "x86/guest/pci_cfg.h"
#include "x86/guest/pci_cfg_policy.h"
#include "x86/guest/port_guard.h"
#include "x86/guest/service_dev.h"
#include "x86/platform.h"

#define CONF1_ADDRESS	   0xCF8
#define CONF1_DATA	   0xCFC
#define CONF1_ENABLE	   (1u << 31)
#define PORT_RESET_CONTROL 0xCF9
#define RESET_CPU	   0x04
#define MCFG_ENTRIES	   44 /* header (36) and 8 reserved bytes */
#define MCFG_ENTRY_SIZE	   16
#define ECAM_FN_SIZE	   0x1000
#define MAX_FUNCTIONS	   96
#define MAX_HIDDEN	   8
#define STATUS_CAP_LIST	   (1u << 4)
#define CMD_DECODE	   0x3 /* I/O and memory space */
#define CAP_MSI		   0x05
#define CAP_MSIX	   0x11

struct vm_cfg_state {
	uint32_t conf1_address; /* this VM's CONFIG_ADDRESS */
	uint32_t nhidden;
	uint16_t hidden[MAX_HIDDEN];
	bool ecam_trapped;
};

/* The probe table, the VMs' states and each checked write's read-modify-write sequence. */
static spinlock_t cfg_lock = SPINLOCK_INIT;
static struct pci_fn functions[MAX_FUNCTIONS];
static uint32_t nfunctions;
static struct vm_cfg_state states[MAX_VMS];

/* --- the hypervisor's own accesses ------------------------------------------------------- */

bool pci_cfg_ecam_overlaps(uint64_t base, uint64_t end)
{
	const struct pci_ecam *ecam = pci_host_ecam();
	uint64_t ecam_end = ecam->base + ((uint64_t)(ecam->bus_end - ecam->bus_start + 1) << 20);

	return ecam->base && base < ecam_end && ecam->base < end;
}

/* --- probing ----------------------------------------------------------------------------- */

static uint8_t find_capability(uint16_t bdf, uint8_t id)
{
	if (!(pci_host_read(bdf, PCI_REG_STATUS, 2) & STATUS_CAP_LIST))
		return 0;
	uint8_t at = (uint8_t)pci_host_read(bdf, PCI_REG_CAP_PTR, 1) & 0xFC;
	for (int hops = 0; at >= 0x40 && hops < 48; hops++) {
		if (pci_host_read(bdf, at, 1) == id)
			return at;
		at = (uint8_t)pci_host_read(bdf, at + 1, 1) & 0xFC;
	}
	return 0;
}

/* Sizes the BARs the way Linux does, with decoding off, and restores them. */
static void probe_bars(struct pci_fn *fn)
{
	uint16_t bdf = fn->bdf;
	uint32_t command = pci_host_read(bdf, PCI_REG_COMMAND, 2);

	fn->nbars = fn->header_type == 0 ? 6 : fn->header_type == 1 ? 2 : 0;
	pci_host_write(bdf, PCI_REG_COMMAND, 2, command & ~CMD_DECODE);
	for (uint8_t i = 0; i < fn->nbars; i++) {
		uint16_t reg = PCI_REG_BAR0 + 4 * i;
		uint32_t old = pci_host_read(bdf, reg, 4);
		pci_host_write(bdf, reg, 4, 0xFFFFFFFFu);
		uint32_t mask = pci_host_read(bdf, reg, 4);
		pci_host_write(bdf, reg, 4, old);
		if (!mask || mask == 0xFFFFFFFFu) {
			fn->bar_kind[i] = BAR_NONE;
			continue;
		}
		if (old & 1) {
			fn->bar_kind[i] = BAR_IO;
			fn->bar_size[i] = (uint16_t)(~(mask & ~3u) + 1);
			continue;
		}
		uint64_t size_mask = mask & ~0xFull;
		if (((old >> 1) & 3) == 2 && i + 1 < fn->nbars) {
			uint32_t old_high = pci_host_read(bdf, reg + 4, 4);
			pci_host_write(bdf, reg + 4, 4, 0xFFFFFFFFu);
			size_mask |= (uint64_t)pci_host_read(bdf, reg + 4, 4) << 32;
			pci_host_write(bdf, reg + 4, 4, old_high);
			fn->bar_kind[i] = BAR_MEM64_LOW;
			fn->bar_size[i] = ~size_mask + 1;
			fn->bar_kind[++i] = BAR_MEM64_HIGH;
			continue;
		}
		fn->bar_kind[i] = BAR_MEM32;
		fn->bar_size[i] = (uint32_t)(~(uint32_t)size_mask + 1);
	}
	pci_host_write(bdf, PCI_REG_COMMAND, 2, command);
}

static struct pci_fn *probe(uint16_t bdf)
{
	if (nfunctions == MAX_FUNCTIONS ||
	    (pci_host_read(bdf, PCI_REG_VENDOR, 2) & 0xFFFF) == 0xFFFF)
		return NULL;
	struct pci_fn *fn = &functions[nfunctions++];
	*fn = (struct pci_fn){ .bdf = bdf };
	fn->header_type = (uint8_t)pci_host_read(bdf, PCI_REG_HEADER_TYPE, 1) & 0x7F;
	probe_bars(fn);
	fn->msi_cap = find_capability(bdf, CAP_MSI);
	fn->msix_cap = find_capability(bdf, CAP_MSIX);
	if (fn->msix_cap) {
		uint32_t table = pci_host_read(bdf, fn->msix_cap + 4, 4);
		fn->msix_bir = table & 7;
		fn->msix_offset = table & ~7u;
		fn->msix_entries =
			(uint16_t)((pci_host_read(bdf, fn->msix_cap + 2, 2) & 0x7FF) + 1);
	}
	return fn;
}

struct pci_fn *pci_cfg_function(uint16_t bdf)
{
	for (uint32_t i = 0; i < nfunctions; i++)
		if (functions[i].bdf == bdf)
			return &functions[i];
	return probe(bdf);
}

static void probe_all(void)
{
	const struct pci_ecam *ecam = pci_host_ecam();
	uint32_t last_bus = ecam->base ? ecam->bus_end : 0;

	for (uint32_t bus = ecam->base ? ecam->bus_start : 0; bus <= last_bus; bus++) {
		for (uint32_t dev = 0; dev < 32; dev++) {
			uint16_t bdf = PCI_BDF(bus, dev, 0);
			if (!pci_cfg_function(bdf))
				continue;
			if (!(pci_host_read(bdf, PCI_REG_HEADER_TYPE, 1) & 0x80))
				continue; /* single-function device */
			for (uint32_t f = 1; f < 8; f++)
				pci_cfg_function(PCI_BDF(bus, dev, f));
		}
	}
}

/* --- hiding ------------------------------------------------------------------------------ */

bool pci_cfg_hidden(const struct vm *vm, uint16_t bdf)
{
	const struct vm_cfg_state *s = &states[vm->id];

	for (uint32_t i = 0; i < s->nhidden; i++)
		if (s->hidden[i] == bdf)
			return true;
	return false;
}

/* The ECAM page of a hidden function traps reads too (they read all ones). */
static int unmap_hidden(struct vm *vm, uint16_t bdf)
{
	if (!states[vm->id].ecam_trapped || !pci_host_ecam_covers(bdf))
		return 0;
	return virt_vm_unmap(vm, pci_host_ecam_address(bdf, 0), ECAM_FN_SIZE);
}

int pci_cfg_hide(struct vm *vm, uint16_t bdf)
{
	struct vm_cfg_state *s = &states[vm->id];
	int err = 0;

	spin_lock(&cfg_lock);
	if (!pci_cfg_hidden(vm, bdf)) {
		if (s->nhidden == MAX_HIDDEN)
			err = -ENOSPC;
		else
			s->hidden[s->nhidden++] = bdf;
	}
	if (!err)
		err = unmap_hidden(vm, bdf);
	spin_unlock(&cfg_lock);
	if (!err)
		printf("cairn: vm %s: PCI function %02x:%02x.%x hidden\n", vm->name, PCI_BUS(bdf),
		       PCI_DEV(bdf), PCI_FN(bdf));
	return err;
}

/* "BB:DD.F": two hex digits of bus, two of device (< 0x20), one function digit (< 8). */
static bool parse_bdf(const char *s, uint16_t *bdf)
{
	int d[5] = { cmdline_digit_value(s[0]), cmdline_digit_value(s[1]), 0, 0, 0 };

	if (s[2] != ':' || s[5] != '.')
		return false;
	d[2] = cmdline_digit_value(s[3]);
	d[3] = cmdline_digit_value(s[4]);
	d[4] = cmdline_digit_value(s[6]);
	for (int i = 0; i < 5; i++)
		if (d[i] < 0)
			return false;
	uint32_t dev = (uint32_t)(d[2] << 4 | d[3]);
	if (dev >= 32 || d[4] >= 8)
		return false;
	*bdf = PCI_BDF((uint32_t)(d[0] << 4 | d[1]), dev, (uint32_t)d[4]);
	return true;
}

int pci_cfg_hide_list(struct vm *vm, const char *list)
{
	for (const char *at = list; *at;) {
		uint16_t bdf;
		if (strlen(at) < 7 || !parse_bdf(at, &bdf) || (at[7] && at[7] != ',')) {
			printf("cairn: pci_hide: '%s' is not a list of BB:DD.F (e.g. "
			       "00:03.0,00:1f.3)\n",
			       list);
			return -EINVAL;
		}
		int err = pci_cfg_hide(vm, bdf);
		if (err)
			return err;
		at += at[7] ? 8 : 7;
	}
	return 0;
}

/* --- the guest's accesses ---------------------------------------------------------------- */

static uint32_t guest_read(struct vm *vm, uint16_t bdf, uint16_t offset, uint8_t size)
{
	if (service_dev_at(vm, bdf))
		return service_dev_cfg_read(offset, size);
	if (pci_cfg_hidden(vm, bdf))
		return 0xFFFFFFFFu;
	return pci_host_read(bdf, offset, size);
}

static void guest_write(struct vm *vm, const struct pci_cfg_write *w)
{
	if (service_dev_at(vm, w->bdf)) {
		service_dev_cfg_write(w->offset, w->size, w->value);
		return;
	}
	if (pci_cfg_hidden(vm, w->bdf)) {
		vm->arch.cfg_writes_refused++; /* silently: the function does not exist for it */
		return;
	}
	struct pci_fn *fn = pci_cfg_function(w->bdf);
	if (!fn) {
		pci_host_write(w->bdf, w->offset, w->size, w->value); /* no function: no effect */
		return;
	}
	pci_cfg_policy_write(vm, fn, w);
}

/* Whether an access at 0xCF8-0xCFB covers the reset control register 0xCF9. */
static bool covers_reset_register(uint16_t port, uint8_t size)
{
	return port <= PORT_RESET_CONTROL && port + size > PORT_RESET_CONTROL;
}

/* A byte or word at CONFIG_ADDRESS's ports: on the hardware, never between an address and data. */
static void conf1_address_byte_write(struct vm *vm, uint16_t port, uint8_t size, uint32_t value)
{
	pci_host_conf1_lock();
	/*
	 * One that reaches the reset control register 0xCF9 is the reset guard's to judge (a reset
	 * request stops or restarts the VM, docs/reset-and-power.md).
	 */
	if (covers_reset_register(port, size))
		port_guard_write(vm, port, size, value);
	else
		port_write(port, size, value);
	pci_host_conf1_unlock();
}

/*
 * 0xCF8-0xCFB: a dword is this VM's own CONFIG_ADDRESS; bytes and words are the hardware's.
 * With ECAM, the VM is shown no port mechanism to probe for (docs/interrupt-routing.md):
 * CONFIG_ADDRESS reads back without its enable bit, which fails Linux's type-1 probe, and byte
 * or word reads that miss the reset register 0xCF9 read all ones, which fails its type-2 probe
 * (QEMU answers the type-2 registers). Linux then uses ECAM for everything, and ECAM reads do
 * not exit. Software that uses conf1 blind still works, through the same checks.
 */
static int conf1_address_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	struct vm_cfg_state *s = &states[vcpu->vm->id];
	uint16_t port = (uint16_t)access->addr;

	if (access->size == 4 && access->write)
		s->conf1_address = (uint32_t)access->value;
	else if (access->size == 4)
		access->value =
			s->ecam_trapped ? s->conf1_address & ~CONF1_ENABLE : s->conf1_address;
	else if (access->write)
		conf1_address_byte_write(vcpu->vm, port, access->size, (uint32_t)access->value);
	else if (s->ecam_trapped && !covers_reset_register(port, access->size))
		access->value = io_access_mask(access);
	else
		access->value = port_read(port, access->size);
	return 0;
}

/* CONFIG_ADDRESS -> (bdf, offset) for data port `port`; false when disabled. */
static bool conf1_decode(struct vm *vm, uint16_t port, uint16_t *bdf, uint16_t *offset)
{
	uint32_t address = states[vm->id].conf1_address;

	if (!(address & CONF1_ENABLE))
		return false;
	*bdf = (uint16_t)(address >> 8);
	*offset = (uint16_t)((address & 0xFC) | (port & 3));
	return true;
}

/* 0xCFC-0xCFF: the register CONFIG_ADDRESS selects, read, or written through the policy. */
static int conf1_data_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	struct vm *vm = vcpu->vm;
	struct pci_cfg_write w = { .size = access->size, .value = (uint32_t)access->value };

	if (!conf1_decode(vm, (uint16_t)access->addr, &w.bdf, &w.offset))
		return 0; /* disabled: reads float high, writes are lost */
	if (access->write && (w.offset & (w.size - 1)))
		return 0; /* no transaction (a dword at 0xCFD) */
	spin_lock(&cfg_lock);
	if (access->write)
		guest_write(vm, &w);
	else
		access->value = guest_read(vm, w.bdf, w.offset, w.size);
	spin_unlock(&cfg_lock);
	return 0;
}

static int ecam_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	const struct pci_ecam *ecam = pci_host_ecam();
	uint64_t offset = access->addr - ecam->base;
	uint16_t bdf =
		(uint16_t)(((offset >> 20) + ecam->bus_start) << 8 | ((offset >> 12) & 0xFF));
	uint16_t reg = offset & 0xFFF;
	uint8_t size = access->size;

	if ((reg & (size - 1)) || size > 8)
		return vcpu_fault(vcpu, "ECAM access of %u bytes at offset 0x%x of %02x:%02x.%x",
				  size, reg, PCI_BUS(bdf), PCI_DEV(bdf), PCI_FN(bdf));
	spin_lock(&cfg_lock);
	for (uint8_t done = 0; done < size; done += 4) { /* a qword is two dwords */
		uint8_t part = size > 4 ? 4 : size;
		if (access->write) {
			struct pci_cfg_write w = { bdf, (uint16_t)(reg + done), part,
						   (uint32_t)(access->value >> (8 * done)) };
			guest_write(vcpu->vm, &w);
		} else {
			uint64_t v = guest_read(vcpu->vm, bdf, (uint16_t)(reg + done), part);
			access->value = done ? access->value | (v << 32) : v;
		}
	}
	spin_unlock(&cfg_lock);
	return 0;
}

static void find_ecam(void)
{
	const struct acpi_sdt_header *mcfg = acpi_find_table(platform.rsdp, "MCFG");
	if (!mcfg || mcfg->length < MCFG_ENTRIES + MCFG_ENTRY_SIZE)
		return;
	const uint8_t *entry = (const uint8_t *)mcfg + MCFG_ENTRIES;
	uint64_t base;
	uint16_t segment;
	memcpy(&base, entry, 8);
	memcpy(&segment, entry + 8, 2);
	uint32_t start = entry[10], end = entry[11];
	/* Segment 0 only; a base that is page aligned and below the 64 GiB mapped for the VM. */
	if (segment || end < start || (base & 0xFFFFF) || base >= 64 * GiB) {
		printf("cairn: MCFG entry (base 0x%lx, segment %u, buses %u-%u) ignored\n", base,
		       segment, start, end);
		return;
	}
	pci_host_set_ecam(&(struct pci_ecam){ base, start, end });
	/* The MCFG names the window the firmware meant; the host bridge must answer there too. */
	uint32_t through_ecam =
		(uint32_t)mmio_read32(pci_host_ecam_address(PCI_BDF(start, 0, 0), PCI_REG_VENDOR));
	if (through_ecam != pci_host_read(PCI_BDF(start, 0, 0), PCI_REG_VENDOR, 4)) {
		pci_host_set_ecam(&(struct pci_ecam){ 0 });
		printf("cairn: MCFG window at 0x%lx does not decode: ignored\n", base);
	}
}

/*
 * The Cairn service device goes to bus 0's first device number where the host has nothing (and
 * that is not hidden); its ECAM page traps reads too, like a hidden function's.
 */
static int place_service_dev(struct vm *vm)
{
	for (uint32_t dev = 0; dev < 32; dev++) {
		uint16_t bdf = PCI_BDF(0, dev, 0);
		if ((pci_host_read(bdf, PCI_REG_VENDOR, 2) & 0xFFFF) != 0xFFFF ||
		    pci_cfg_hidden(vm, bdf))
			continue;
		service_dev_place(vm, bdf);
		return unmap_hidden(vm, bdf);
	}
	printf("cairn: vm %s: no free device number on bus 0 for the service device\n", vm->name);
	return -ENOSPC;
}

int pci_cfg_attach(struct vm *vm, const struct boot_info *bi)
{
	static bool probed;
	struct vm_cfg_state *s = &states[vm->id];
	const struct pci_ecam *ecam = pci_host_ecam();
	const struct io_handler ports[] = {
		{ .bus = IO_BUS_PORT,
		  .base = CONF1_ADDRESS,
		  .size = 4,
		  .access = conf1_address_access },
		{ .bus = IO_BUS_PORT, .base = CONF1_DATA, .size = 4, .access = conf1_data_access },
	};
	int err = 0;

	if (!probed) {
		find_ecam();
		pci_cfg_policy_init(bi);
		probe_all();
		probed = true;
		printf("cairn: PCI: %u functions, ECAM at 0x%lx (buses %u-%u)\n", nfunctions,
		       ecam->base, ecam->bus_start, ecam->bus_end);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ports) && !err; i++)
		err = io_emul_add(vm, &ports[i]);
	if (!err && ecam->base) {
		struct io_handler h = {
			.bus = IO_BUS_MMIO,
			.base = ecam->base,
			.size = (uint64_t)(ecam->bus_end - ecam->bus_start + 1) << 20,
			.access = ecam_access,
		};
		err = io_emul_trap_writes(vm, &h);
		s->ecam_trapped = !err;
	}
	for (uint32_t i = 0; !err && i < s->nhidden; i++)
		err = unmap_hidden(vm, s->hidden[i]);
	for (uint32_t i = 0; !err && i < nfunctions; i++)
		if (functions[i].msix_cap && !pci_cfg_hidden(vm, functions[i].bdf))
			err = pci_msix_attach(vm, &functions[i]);
	if (!err)
		err = place_service_dev(vm);
	return err;
}
