/* SPDX-License-Identifier: BSD-3-Clause */
/* The AMD IOMMU driver: confines DMA by the Service VM's devices to the Service VM's RAM. */
#include "core/console.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "acpi/ivrs.h"
#include "drivers/amd_iommu.h"
#include "drivers/amd_iommu_dte.h"
#include "drivers/amd_iommu_irte.h"
#include "drivers/amd_iommu_pgtable.h"
#include "x86/cpu.h"

/* Registers (AMD IOMMU specification, "MMIO registers"). */
#define REG_DEVTAB_BASE	 0x0000
#define REG_CMDBUF_BASE	 0x0008
#define REG_EVTLOG_BASE	 0x0010
#define REG_CONTROL	 0x0018
#define REG_EXCL_BASE	 0x0020
#define REG_EXCL_LIMIT	 0x0028
#define REG_EXT_FEATURES 0x0030
#define REG_CMD_HEAD	 0x2000
#define REG_CMD_TAIL	 0x2008
#define REG_EVT_HEAD	 0x2010
#define REG_EVT_TAIL	 0x2018
#define REG_STATUS	 0x2020

#define CONTROL_IOMMU_EN    (1ull << 0)
#define CONTROL_EVTLOG_EN   (1ull << 2)
#define CONTROL_CMDBUF_EN   (1ull << 12)
#define STATUS_EVT_OVERFLOW (1ull << 0)
#define STATUS_W1C_BITS	    0x7ull	/* event overflow, event interrupt, completion interrupt */
#define FEATURE_IA	    (1ull << 6) /* INVALIDATE_IOMMU_ALL */

#define DEVICE_IDS	 65536
#define DTE_SIZE	 32
#define DEVTAB_PAGES	 (DEVICE_IDS * DTE_SIZE / PAGE_SIZE) /* 2 MiB: every device ID */
#define RING_LEN_LOG2	 8				     /* 256 entries of 16 bytes: 4 KiB */
#define RING_ENTRIES	 (1u << RING_LEN_LOG2)
#define RING_BYTES	 (RING_ENTRIES * 16u)
#define RING_LEN_FIELD	 ((uint64_t)RING_LEN_LOG2 << 56)
#define RING_OFFSET_MASK 0x7FFF0ull

#define DOMAIN_BLOCKED 0
#define DOMAIN_SERVICE 1

/* Commands (opcode in bits 63:60 of the first quadword). */
#define CMD_COMPLETION_WAIT	  1ull
#define CMD_INVALIDATE_DEVTAB	  2ull
#define CMD_INVALIDATE_PAGES	  3ull
#define CMD_INVALIDATE_INTERRUPTS 5ull
#define CMD_INVALIDATE_ALL	  8ull
#define CMD_OPCODE_SHIFT	  60
#define COMPLETION_STORE	  (1ull << 0)
#define INVALIDATE_ALL_PAGES_ADDR 0x7FFFFFFFFFFFF000ull
#define INVALIDATE_PAGES_S	  (1ull << 0)
#define INVALIDATE_PAGES_PDE	  (1ull << 1)
#define COMPLETION_SPINS	  100000000u

/* Event log. */
#define EVENT_IO_PAGE_FAULT  2
#define EVENTS_PRINTED	     8 /* then only counted, with a line every EVENTS_SUMMARY_EVERY */
#define EVENTS_SUMMARY_EVERY 1024

struct iommu_unit {
	volatile uint8_t *regs;
	uint64_t mmio_base;
	uint16_t devid;
	uint64_t features;
	uint64_t *cmdbuf;
	uint32_t cmd_tail;
	const uint8_t *evtlog;
	uint32_t evt_head;
	volatile uint64_t *completion; /* the COMPLETION_WAIT store target */
	uint64_t completion_seq;
};

static struct ivrs_info ivrs;
static struct iommu_unit units[IVRS_MAX_UNITS];
static size_t nunits;
static uint64_t (*devtab)[4];
static bool interrupt_filtering; /* the IVRS lists an IOAPIC: interrupt remapping exists */
/*
 * QEMU's emulated IOMMU (its ACPI tables say OEM "BOCHS ") mangles interrupts it should forward
 * unmapped (DTE IntCtl 01): it rewrites them to vector 0 at APIC ID 0 (hw/i386/amd_iommu.c,
 * amdvi_int_remap_msi() builds the message from an empty remapping result; QEMU 7.2 and later).
 * There the Service VM's devices keep IV = 0 (interrupts pass unfiltered) or none would work.
 */
static bool forwarding_broken;
/* Device IDs whose interrupts are remapped (amd_iommu_intremap.c fills their tables). */
static uint64_t remapped_ids[DEVICE_IDS / 64];
static uint64_t empty_table_pa;	 /* every entry RemapEn = 0: every interrupt target-aborted */
static uint64_t ioapic_table_pa; /* the IOAPICs' table, built from their routes */
static spinlock_t command_lock = SPINLOCK_INIT; /* run-time commands come from any pCPU */
static struct iopt service_pt;
static uint64_t events_seen;
static bool overflow_reported;

static uint64_t reg_read(const struct iommu_unit *u, uint32_t off)
{
	return *(volatile const uint64_t *)(u->regs + off);
}

static void reg_write(struct iommu_unit *u, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(u->regs + off) =
		v; /* 64-bit writes: QEMU acts on base registers so */
}

static int alloc_page(void *ctx, uint64_t *pa)
{
	return phys_alloc_pages(1, 1, pa);
}

static void *to_virt(void *ctx, uint64_t pa)
{
	return phys_to_virt(pa);
}

static const struct iopt_ops iopt_ops = { alloc_page, to_virt, NULL };

static void dte_set(uint16_t devid, const uint64_t dte[4])
{
	volatile uint64_t *e = devtab[devid];

	/* The first quadword (valid, translation) last: the entry is consistent whenever read. */
	e[3] = dte[3];
	e[2] = dte[2];
	e[1] = dte[1];
	__atomic_thread_fence(__ATOMIC_RELEASE);
	e[0] = dte[0];
}

static void dte_service(uint64_t dte[4])
{
	amd_iommu_dte_translated(dte, service_pt.root_pa, IOPT_LEVELS, DOMAIN_SERVICE,
				 interrupt_filtering && !forwarding_broken);
}

static void command(struct iommu_unit *u, uint64_t lo, uint64_t hi)
{
	uint32_t next = (u->cmd_tail + 16) % RING_BYTES;

	/* The ring holds 256 commands and every batch ends with a wait: it is never full here. */
	u->cmdbuf[u->cmd_tail / 8] = lo;
	u->cmdbuf[u->cmd_tail / 8 + 1] = hi;
	u->cmd_tail = next;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	reg_write(u, REG_CMD_TAIL, next);
}

/* COMPLETION_WAIT: the IOMMU stores a sequence number once every earlier command is done. */
static int wait_for_commands(struct iommu_unit *u)
{
	uint64_t seq = ++u->completion_seq;
	uint64_t pa = (uint64_t)(uintptr_t)u->completion;

	command(u, pa | COMPLETION_STORE | CMD_COMPLETION_WAIT << CMD_OPCODE_SHIFT, seq);
	for (uint32_t i = 0; i < COMPLETION_SPINS; i++) {
		if (*u->completion == seq)
			return 0;
		cpu_relax();
	}
	printf("cairn: iommu at 0x%lx: command completion timed out\n", u->mmio_base);
	return -ETIMEDOUT;
}

static int invalidate_device(struct iommu_unit *u, uint16_t devid)
{
	command(u, devid | CMD_INVALIDATE_DEVTAB << CMD_OPCODE_SHIFT, 0);
	if (u->cmd_tail / 16 % (RING_ENTRIES / 2) == 0)
		return wait_for_commands(u); /* keep the ring from filling up */
	return 0;
}

static void invalidate_domain_pages(struct iommu_unit *u, uint16_t domain)
{
	command(u, (uint64_t)domain << 32 | CMD_INVALIDATE_PAGES << CMD_OPCODE_SHIFT,
		INVALIDATE_ALL_PAGES_ADDR | INVALIDATE_PAGES_S | INVALIDATE_PAGES_PDE);
}

/* Invalidates every cached DTE and translation of unit u, then waits for it. */
static int invalidate_unit(struct iommu_unit *u, size_t index)
{
	if (u->features & FEATURE_IA) {
		command(u, CMD_INVALIDATE_ALL << CMD_OPCODE_SHIFT, 0);
		return wait_for_commands(u);
	}
	for (size_t i = 0; i < ivrs.ndevices; i++) {
		if (ivrs.devices[i].unit != index)
			continue;
		for (uint32_t id = ivrs.devices[i].first; id <= ivrs.devices[i].last; id++) {
			int err = invalidate_device(u, (uint16_t)id);
			if (err)
				return err;
		}
	}
	invalidate_domain_pages(u, DOMAIN_SERVICE);
	invalidate_domain_pages(u, DOMAIN_BLOCKED);
	return wait_for_commands(u);
}

/* Interrupt remapping, for amd_iommu_intremap.c: see amd_iommu.h. */
bool amd_iommu_remaps_interrupts(void)
{
	return nunits && interrupt_filtering;
}

bool amd_iommu_interrupts_remapped(uint16_t devid)
{
	return amd_iommu_remaps_interrupts() && bitmap_test(remapped_ids, devid);
}

static int flush_interrupts_locked(uint16_t devid, bool entry_changed)
{
	for (size_t i = 0; i < nunits; i++) {
		if (entry_changed)
			command(&units[i], devid | CMD_INVALIDATE_DEVTAB << CMD_OPCODE_SHIFT, 0);
		command(&units[i], devid | CMD_INVALIDATE_INTERRUPTS << CMD_OPCODE_SHIFT, 0);
		int err = wait_for_commands(&units[i]);
		if (err)
			return err;
	}
	return 0;
}

int amd_iommu_set_interrupt_table(uint16_t devid, uint64_t table_pa)
{
	if (!amd_iommu_interrupts_remapped(devid))
		return -EPERM;
	spin_lock(&command_lock);
	uint64_t dte[4];
	for (int q = 0; q < 4; q++)
		dte[q] = devtab[devid][q];
	amd_iommu_dte_remap_interrupts(dte, table_pa, AMD_IOMMU_IRTE_LOG2_ENTRIES);
	__atomic_store_n(&devtab[devid][2], dte[2], __ATOMIC_RELEASE);
	int err = flush_interrupts_locked(devid, true);
	spin_unlock(&command_lock);
	return err;
}

uint32_t *amd_iommu_ioapic_table(void)
{
	return amd_iommu_remaps_interrupts() ? phys_to_virt(ioapic_table_pa) : NULL;
}

static bool is_ioapic(uint32_t id);

int amd_iommu_flush_ioapic(void)
{
	int err = 0;

	if (!amd_iommu_remaps_interrupts())
		return 0;
	spin_lock(&command_lock);
	for (size_t i = 0; i < ivrs.ndevices && !err; i++)
		if (ivrs.devices[i].special == IVRS_SPECIAL_IOAPIC)
			err = flush_interrupts_locked(ivrs.devices[i].first, false);
	spin_unlock(&command_lock);
	return err;
}

int amd_iommu_flush_interrupts(uint16_t devid)
{
	if (!amd_iommu_interrupts_remapped(devid))
		return -EPERM;
	spin_lock(&command_lock);
	int err = flush_interrupts_locked(devid, false);
	spin_unlock(&command_lock);
	return err;
}

static int unit_start(struct iommu_unit *u, size_t index)
{
	uint64_t cmd_pa, evt_pa, wait_pa;

	if (phys_alloc_pages(1, 1, &cmd_pa) || phys_alloc_pages(1, 1, &evt_pa) ||
	    phys_alloc_pages(1, 1, &wait_pa))
		return -ENOMEM;
	u->regs = phys_to_virt(u->mmio_base);
	u->cmdbuf = phys_to_virt(cmd_pa);
	u->evtlog = phys_to_virt(evt_pa);
	u->completion = phys_to_virt(wait_pa);
	u->features = reg_read(u, REG_EXT_FEATURES);

	reg_write(u, REG_CONTROL, 0); /* off while it is set up, whatever firmware left */
	reg_write(u, REG_DEVTAB_BASE, (uint64_t)(uintptr_t)devtab | (DEVTAB_PAGES - 1));
	reg_write(u, REG_CMDBUF_BASE, cmd_pa | RING_LEN_FIELD);
	reg_write(u, REG_CMD_HEAD, 0);
	reg_write(u, REG_CMD_TAIL, 0);
	reg_write(u, REG_EVTLOG_BASE, evt_pa | RING_LEN_FIELD);
	reg_write(u, REG_EVT_HEAD, 0);
	reg_write(u, REG_EVT_TAIL, 0);
	reg_write(u, REG_EXCL_BASE, 0); /* no exclusion range: nothing bypasses translation */
	reg_write(u, REG_EXCL_LIMIT, 0);
	reg_write(u, REG_STATUS, STATUS_W1C_BITS);
	reg_write(u, REG_CONTROL, CONTROL_IOMMU_EN | CONTROL_EVTLOG_EN | CONTROL_CMDBUF_EN);
	return invalidate_unit(u, index);
}

static bool is_ioapic(uint32_t id)
{
	for (size_t i = 0; i < ivrs.ndevices; i++)
		if (ivrs.devices[i].special == IVRS_SPECIAL_IOAPIC && ivrs.devices[i].first == id)
			return true;
	return false;
}

static bool ivrs_has_ioapic(void)
{
	for (size_t i = 0; i < ivrs.ndevices; i++)
		if (ivrs.devices[i].special == IVRS_SPECIAL_IOAPIC)
			return true;
	return false;
}

static void no_iommu(const char *why)
{
	printf("cairn: no IOMMU (%s): DMA by the Service VM's devices is not confined\n", why);
	nunits = 0;
}

void amd_iommu_init(const struct acpi_rsdp *rsdp)
{
	const struct acpi_sdt_header *table = acpi_find_table(rsdp, "IVRS");
	uint64_t devtab_pa;
	uint64_t blocked[4];

	if (!table)
		return no_iommu("no ACPI IVRS table");
	int err = acpi_parse_ivrs(table, &ivrs);
	if (err || !ivrs.nunits) {
		printf("cairn: iommu: the IVRS table is unusable (error %d, %zu units)\n", err,
		       ivrs.nunits);
		return no_iommu("bad IVRS");
	}
	if (ivrs.nskipped_units)
		printf("cairn: iommu: %zu IOMMU(s) outside PCI segment 0 are not used\n",
		       ivrs.nskipped_units);
	if (ivrs.nmemory_blocks)
		printf("cairn: iommu: %zu IVMD memory blocks are not honoured\n",
		       ivrs.nmemory_blocks);
	if (phys_alloc_pages(DEVTAB_PAGES, 1, &devtab_pa) || iopt_init(&service_pt, &iopt_ops))
		return no_iommu("out of memory");
	devtab = phys_to_virt(devtab_pa);
	amd_iommu_dte_blocked(blocked, DOMAIN_BLOCKED);
	for (uint32_t id = 0; id < DEVICE_IDS; id++)
		dte_set((uint16_t)id, blocked);
	interrupt_filtering = ivrs_has_ioapic();
	if (interrupt_filtering) {
		if (phys_alloc_pages(1, 1, &empty_table_pa) ||
		    phys_alloc_pages(1, 1, &ioapic_table_pa))
			return no_iommu("out of memory");
		memset(phys_to_virt(empty_table_pa), 0, PAGE_SIZE);
		memset(phys_to_virt(ioapic_table_pa), 0, PAGE_SIZE);
	}
	forwarding_broken = memcmp(table->oem_id, "BOCHS ", 6) == 0;

	nunits = ivrs.nunits;
	for (size_t i = 0; i < nunits; i++) {
		units[i].mmio_base = ivrs.units[i].mmio_base;
		units[i].devid = ivrs.units[i].devid;
		if (!units[i].mmio_base || (units[i].mmio_base & (AMD_IOMMU_MMIO_SIZE - 1)) ||
		    unit_start(&units[i], i)) {
			printf("cairn: iommu at 0x%lx did not start\n", units[i].mmio_base);
			for (size_t j = 0; j < i; j++) /* as if there were none, as the line says */
				reg_write(&units[j], REG_CONTROL, 0);
			return no_iommu("it did not start");
		}
		printf("cairn: iommu %zu at 0x%lx (PCI %02x:%02x.%u, features 0x%lx): on, every "
		       "device blocked\n",
		       i, units[i].mmio_base, units[i].devid >> 8, (units[i].devid >> 3) & 0x1F,
		       units[i].devid & 7, units[i].features);
	}
	if (!interrupt_filtering)
		printf("cairn: iommu: no IOAPIC in the IVRS (no interrupt remapping): interrupts "
		       "from devices are not filtered\n");
}

size_t amd_iommu_count(void)
{
	return nunits;
}

uint64_t amd_iommu_mmio_base(size_t i)
{
	return i < nunits ? units[i].mmio_base : 0;
}

uint16_t amd_iommu_pci_function(size_t i)
{
	return i < nunits ? units[i].devid : 0;
}

int amd_iommu_service_map(uint64_t base, uint64_t size)
{
	return nunits ? iopt_map_identity(&service_pt, base, size) : 0;
}

static bool is_iommu_function(uint32_t id)
{
	for (size_t i = 0; i < nunits; i++)
		if (units[i].devid == id)
			return true;
	return false;
}

int amd_iommu_service_attach(void)
{
	uint64_t dte[4], remapped[4], ioapic[4];
	size_t named = 0, nremapped = 0;

	if (!nunits)
		return 0;
	dte_service(dte);
	memcpy(remapped, dte, sizeof(dte));
	amd_iommu_dte_remap_interrupts(remapped, empty_table_pa, AMD_IOMMU_IRTE_LOG2_ENTRIES);
	memcpy(ioapic, dte, sizeof(dte));
	amd_iommu_dte_remap_interrupts(ioapic, ioapic_table_pa, AMD_IOMMU_IRTE_LOG2_ENTRIES);
	for (size_t i = 0; i < ivrs.ndevices; i++) {
		for (uint32_t id = ivrs.devices[i].first; id <= ivrs.devices[i].last; id++) {
			if (is_iommu_function(id))
				continue; /* the IOMMU is the hypervisor's */
			named++;
			if (!amd_iommu_remaps_interrupts()) {
				dte_set((uint16_t)id, dte);
				continue;
			}
			/*
			 * The IOAPIC's table holds the routes ioapic_pt.c checked. QEMU 7.2 also
			 * attributes every device's plain DMA write (no requester ID) to the
			 * IOAPIC's ID, so this table is what such a write can reach there.
			 */
			if (is_ioapic(id)) {
				dte_set((uint16_t)id, ioapic);
				continue;
			}
			dte_set((uint16_t)id, remapped);
			bitmap_set(remapped_ids, id);
			nremapped++;
		}
	}
	for (size_t i = 0; i < nunits; i++) {
		int err = invalidate_unit(&units[i], i);
		if (err)
			return err;
	}
	printf("cairn: iommu: %zu device IDs DMA into the Service VM's RAM only\n", named);
	if (nremapped)
		printf("cairn: iommu: interrupts of %zu device IDs remapped (each starts with an "
		       "empty table: only the MSIs the Service VM programs are delivered)\n",
		       nremapped);
	return 0;
}

static const char *event_name(unsigned code)
{
	static const char *const names[] = {
		"event 0",
		"illegal device table entry",
		"I/O page fault",
		"device table error",
		"page table error",
		"illegal command",
		"command error",
		"IOTLB invalidation timeout",
		"invalid device request",
	};
	return code < ARRAY_SIZE(names) ? names[code] : "event";
}

static void report_event(const uint8_t *entry)
{
	uint32_t w0, w1;
	uint64_t addr;

	memcpy(&w0, entry, 4);
	memcpy(&w1, entry + 4, 4);
	memcpy(&addr, entry + 8, 8);
	events_seen++;
	if (events_seen <= EVENTS_PRINTED) {
		unsigned devid = w0 & 0xFFFF, code = w1 >> 28;
		printf("cairn: iommu: %s: device %02x:%02x.%u address 0x%lx (flags 0x%x)\n",
		       event_name(code), devid >> 8, (devid >> 3) & 0x1F, devid & 7, addr,
		       (w1 >> 16) & 0xFFF);
		if (events_seen == EVENTS_PRINTED)
			printf("cairn: iommu: further events are counted, not printed\n");
	} else if (events_seen % EVENTS_SUMMARY_EVERY == 0) {
		printf("cairn: iommu: %lu events so far\n", events_seen);
	}
}

void amd_iommu_poll_events(void)
{
	for (size_t i = 0; i < nunits; i++) {
		struct iommu_unit *u = &units[i];
		uint32_t tail =
			(uint32_t)(reg_read(u, REG_EVT_TAIL) & RING_OFFSET_MASK) % RING_BYTES;
		if (tail == u->evt_head)
			continue;
		/* At most one ring's worth per call: a device cannot keep the housekeeper here. */
		for (uint32_t n = 0; u->evt_head != tail && n < RING_ENTRIES; n++) {
			report_event(u->evtlog + u->evt_head);
			u->evt_head = (u->evt_head + 16) % RING_BYTES;
		}
		reg_write(u, REG_EVT_HEAD, u->evt_head);
		if (reg_read(u, REG_STATUS) & STATUS_EVT_OVERFLOW) {
			/* Logging stops on overflow: restart it with the log drained. */
			reg_write(u, REG_CONTROL, CONTROL_IOMMU_EN | CONTROL_CMDBUF_EN);
			reg_write(u, REG_STATUS, STATUS_EVT_OVERFLOW);
			reg_write(u, REG_CONTROL,
				  CONTROL_IOMMU_EN | CONTROL_EVTLOG_EN | CONTROL_CMDBUF_EN);
			if (!overflow_reported)
				printf("cairn: iommu: event log overflowed (events lost)\n");
			overflow_reported = true;
		}
	}
}
