/* SPDX-License-Identifier: BSD-3-Clause */
/* ACPI table discovery and parsing: RSDP scan, RSDT/XSDT lookup, MADT, FADT and HPET. */
#include "lib/errno.h"
#include "lib/string.h"
#include "acpi/acpi.h"

#define ACPI_RSDP_V1_LEN     20 /* bytes covered by the ACPI 1.0 checksum */
#define ACPI_RSDP_ALIGN	     16
#define ACPI_RSDT_ENTRY_SIZE 4
#define ACPI_XSDT_ENTRY_SIZE 8

#define ACPI_MADT_TYPE_LAPIC	      0
#define ACPI_MADT_TYPE_IOAPIC	      1
#define ACPI_MADT_TYPE_LAPIC_OVERRIDE 5
#define ACPI_MADT_TYPE_X2APIC	      9
#define ACPI_MADT_ENABLED	      (1U << 0)

#define ACPI_GAS_SYSTEM_MEMORY 0
#define ACPI_GAS_SYSTEM_IO     1
#define ACPI_FADT_TMR_VAL_EXT  (1U << 8)
#define ACPI_FADT_PM_TMR_LEN   4 /* the only valid PM_TMR_LEN when there is a PM timer */
#define ACPI_IO_PORT_MAX       0xffff

struct acpi_madt {
	struct acpi_sdt_header header;
	uint32_t lapic_address;
	uint32_t flags;
	/* variable-length entries follow, each starting with type and length bytes */
} __packed;

struct acpi_madt_lapic {
	uint8_t type;
	uint8_t length;
	uint8_t acpi_uid;
	uint8_t apic_id;
	uint32_t flags;
} __packed;

struct acpi_madt_ioapic {
	uint8_t type;
	uint8_t length;
	uint8_t id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __packed;

struct acpi_madt_lapic_override {
	uint8_t type;
	uint8_t length;
	uint16_t reserved;
	uint64_t address;
} __packed;

struct acpi_madt_x2apic {
	uint8_t type;
	uint8_t length;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t acpi_uid;
} __packed;

/* Generic Address Structure: where a register lives (memory, I/O port, ...). */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __packed;

/* The FADT fields the hypervisor uses; the unused ones are skipped over as bytes. */
struct acpi_fadt {
	struct acpi_sdt_header header;
	uint8_t unused0[12]; /* FIRMWARE_CTRL .. SCI_INT */
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t unused1[10]; /* S4BIOS_REQ .. PM1b_EVT_BLK */
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint8_t unused2[4]; /* PM2_CNT_BLK */
	uint32_t pm_tmr_blk;
	uint8_t unused3[9]; /* GPE0_BLK .. PM1_EVT_LEN */
	uint8_t pm1_cnt_len;
	uint8_t unused4[1]; /* PM2_CNT_LEN */
	uint8_t pm_tmr_len;
	uint8_t unused5[20]; /* GPE0_BLK_LEN .. reserved */
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint8_t unused6[43]; /* ARM_BOOT_ARCH .. X_PM1b_EVT_BLK */
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	uint8_t unused7[12]; /* X_PM2_CNT_BLK */
	struct acpi_gas x_pm_tmr_blk;
	uint8_t unused8[24]; /* X_GPE0_BLK, X_GPE1_BLK */
	struct acpi_gas sleep_control_reg;
} __packed;

struct acpi_hpet {
	struct acpi_sdt_header header;
	uint32_t event_timer_block_id;
	struct acpi_gas base;
	uint8_t hpet_number;
	uint16_t min_tick;
	uint8_t page_protection;
} __packed;

_Static_assert(sizeof(struct acpi_madt) == 44, "MADT header layout");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT local APIC layout");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC layout");
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "MADT LAPIC override layout");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT x2APIC layout");
_Static_assert(sizeof(struct acpi_gas) == 12, "generic address layout");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK offset");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_len) == 91, "FADT PM_TMR_LEN offset");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT Flags offset");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK offset");
_Static_assert(offsetof(struct acpi_fadt, smi_cmd) == 48, "FADT SMI_CMD offset");
_Static_assert(offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK offset");
_Static_assert(offsetof(struct acpi_fadt, pm1_cnt_len) == 89, "FADT PM1_CNT_LEN offset");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG offset");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 128, "FADT RESET_VALUE offset");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK offset");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 244, "FADT SLEEP_CONTROL offset");
_Static_assert(offsetof(struct acpi_hpet, base) == 40, "HPET base address offset");
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET layout");

/* ACPI 1.0's FADT is 116 bytes and ends with Flags; anything shorter is not a FADT. */
#define ACPI_FADT_MIN_LEN   (offsetof(struct acpi_fadt, flags) + sizeof(uint32_t))
#define ACPI_FADT_X_TMR_END (offsetof(struct acpi_fadt, x_pm_tmr_blk) + sizeof(struct acpi_gas))
/* How far the table must reach for a field to exist (older revisions are shorter). */
#define ACPI_FADT_HAS(fadt, field) \
	((fadt)->header.length >=  \
	 offsetof(struct acpi_fadt, field) + sizeof(((struct acpi_fadt *)0)->field))
#define ACPI_FADT_RESET_REG_SUP (1U << 10)
#define ACPI_FADT_HW_REDUCED	(1U << 20)

/* Physical memory is identity-mapped, so a table address is also a pointer. */
static const void *acpi_phys_to_ptr(uint64_t phys)
{
	return (const void *)(uintptr_t)phys;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *bytes = p;
	uint8_t sum = 0;

	while (len--)
		sum += *bytes++;
	return sum == 0;
}

/* Validates an RSDP of which only `avail` bytes may be read. */
static int acpi_rsdp_check(const struct acpi_rsdp *rsdp, size_t avail)
{
	if (avail < ACPI_RSDP_V1_LEN || memcmp(rsdp->signature, "RSD PTR ", 8) ||
	    !acpi_checksum_ok(rsdp, ACPI_RSDP_V1_LEN))
		return -EINVAL;
	if (rsdp->revision < 2)
		return 0;
	if (avail < sizeof(*rsdp) || rsdp->length < sizeof(*rsdp) || rsdp->length > avail ||
	    !acpi_checksum_ok(rsdp, rsdp->length))
		return -EINVAL;
	return 0;
}

int acpi_rsdp_validate(const struct acpi_rsdp *rsdp)
{
	return rsdp ? acpi_rsdp_check(rsdp, SIZE_MAX) : -EINVAL;
}

const struct acpi_rsdp *acpi_rsdp_scan(const void *start, size_t len)
{
	const uint8_t *base = start;
	/* The boundaries are of the physical address, not offsets from start. */
	size_t off = (ACPI_RSDP_ALIGN - (uintptr_t)base % ACPI_RSDP_ALIGN) % ACPI_RSDP_ALIGN;

	for (; off < len; off += ACPI_RSDP_ALIGN) {
		const struct acpi_rsdp *rsdp = (const void *)(base + off);

		if (!acpi_rsdp_check(rsdp, len - off))
			return rsdp;
	}
	return NULL;
}

int acpi_table_validate(const struct acpi_sdt_header *table)
{
	if (!table || table->length < sizeof(*table) || !acpi_checksum_ok(table, table->length))
		return -EINVAL;
	return 0;
}

static bool acpi_signature_is(const struct acpi_sdt_header *table, const char *sig)
{
	return !memcmp(table->signature, sig, sizeof(table->signature));
}

/* A valid table with the expected signature and at least min_len bytes. */
static int acpi_table_check(const struct acpi_sdt_header *table, const char *sig, size_t min_len)
{
	if (acpi_table_validate(table) || !acpi_signature_is(table, sig) || table->length < min_len)
		return -EINVAL;
	return 0;
}

/* A root table whose body is a whole number of entry_size-byte table addresses. */
static bool acpi_root_ok(const struct acpi_sdt_header *root, const char *sig, size_t entry_size)
{
	return !acpi_table_check(root, sig, sizeof(*root)) &&
	       (root->length - sizeof(*root)) % entry_size == 0;
}

static uint64_t acpi_root_entry(const struct acpi_sdt_header *root, size_t index, size_t entry_size)
{
	const uint8_t *entry = (const uint8_t *)(root + 1) + index * entry_size;
	uint64_t addr = 0;

	/* Entries are unaligned; x86 is little-endian, so a 4-byte copy fills the low half. */
	memcpy(&addr, entry, entry_size);
	return addr;
}

static const struct acpi_sdt_header *acpi_root_find(const struct acpi_sdt_header *root,
						    size_t entry_size, const char *sig)
{
	size_t count = (root->length - sizeof(*root)) / entry_size;
	size_t i;

	for (i = 0; i < count; i++) {
		uint64_t addr = acpi_root_entry(root, i, entry_size);
		const struct acpi_sdt_header *table = acpi_phys_to_ptr(addr);

		/* The signature first: checksumming every table would touch far more memory. */
		if (addr && acpi_signature_is(table, sig) && !acpi_table_validate(table))
			return table;
	}
	return NULL;
}

/* The root table to use (XSDT when present and sound, else RSDT) and its entry size. */
static const struct acpi_sdt_header *acpi_root(const struct acpi_rsdp *rsdp, size_t *entry_size)
{
	const struct acpi_sdt_header *root;

	if (acpi_rsdp_validate(rsdp))
		return NULL;
	/* ACPI 2.0+: the XSDT supersedes the RSDT whenever it is there and sound. */
	if (rsdp->revision >= 2 && rsdp->xsdt_address) {
		root = acpi_phys_to_ptr(rsdp->xsdt_address);
		*entry_size = ACPI_XSDT_ENTRY_SIZE;
		if (acpi_root_ok(root, "XSDT", ACPI_XSDT_ENTRY_SIZE))
			return root;
	}
	root = acpi_phys_to_ptr(rsdp->rsdt_address);
	*entry_size = ACPI_RSDT_ENTRY_SIZE;
	if (rsdp->rsdt_address && acpi_root_ok(root, "RSDT", ACPI_RSDT_ENTRY_SIZE))
		return root;
	return NULL;
}

const struct acpi_sdt_header *acpi_find_table(const struct acpi_rsdp *rsdp, const char *sig)
{
	size_t entry_size;
	const struct acpi_sdt_header *root = acpi_root(rsdp, &entry_size);

	return root ? acpi_root_find(root, entry_size, sig) : NULL;
}

size_t acpi_list_tables(const struct acpi_rsdp *rsdp, const struct acpi_sdt_header **tables,
			size_t max)
{
	size_t entry_size, n = 0;
	const struct acpi_sdt_header *root = acpi_root(rsdp, &entry_size);

	if (!root)
		return 0;
	for (size_t i = 0; i < (root->length - sizeof(*root)) / entry_size && n < max; i++) {
		uint64_t addr = acpi_root_entry(root, i, entry_size);
		const struct acpi_sdt_header *table = acpi_phys_to_ptr(addr);
		if (addr && !acpi_table_validate(table))
			tables[n++] = table;
	}
	return n;
}

static int acpi_madt_add_cpu(struct acpi_madt_info *out, uint32_t apic_id, uint32_t acpi_uid,
			     uint32_t flags)
{
	if (out->ncpus >= ACPI_MAX_CPUS)
		return -ENOSPC;
	out->cpus[out->ncpus++] = (struct acpi_cpu){
		.apic_id = apic_id,
		.acpi_uid = acpi_uid,
		.enabled = flags & ACPI_MADT_ENABLED,
	};
	return 0;
}

static int acpi_madt_add_ioapic(struct acpi_madt_info *out, const struct acpi_madt_ioapic *e)
{
	if (out->nioapics >= ACPI_MAX_IOAPICS)
		return -ENOSPC;
	out->ioapics[out->nioapics++] = (struct acpi_ioapic){
		.id = e->id,
		.address = e->address,
		.gsi_base = e->gsi_base,
	};
	return 0;
}

/* Smallest valid length of an entry of this type; unknown types need only type and length. */
static size_t acpi_madt_entry_min_len(uint8_t type)
{
	switch (type) {
	case ACPI_MADT_TYPE_LAPIC:
		return sizeof(struct acpi_madt_lapic);
	case ACPI_MADT_TYPE_IOAPIC:
		return sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_TYPE_LAPIC_OVERRIDE:
		return sizeof(struct acpi_madt_lapic_override);
	case ACPI_MADT_TYPE_X2APIC:
		return sizeof(struct acpi_madt_x2apic);
	default:
		return 2;
	}
}

/* Records one entry whose length has already been checked against its type. */
static int acpi_madt_entry(const uint8_t *entry, struct acpi_madt_info *out)
{
	const struct acpi_madt_lapic *lapic = (const void *)entry;
	const struct acpi_madt_x2apic *x2apic = (const void *)entry;

	switch (entry[0]) {
	case ACPI_MADT_TYPE_LAPIC:
		return acpi_madt_add_cpu(out, lapic->apic_id, lapic->acpi_uid, lapic->flags);
	case ACPI_MADT_TYPE_X2APIC:
		return acpi_madt_add_cpu(out, x2apic->x2apic_id, x2apic->acpi_uid, x2apic->flags);
	case ACPI_MADT_TYPE_IOAPIC:
		return acpi_madt_add_ioapic(out, (const void *)entry);
	case ACPI_MADT_TYPE_LAPIC_OVERRIDE:
		out->lapic_address = ((const struct acpi_madt_lapic_override *)entry)->address;
		return 0;
	default:
		return 0;
	}
}

int acpi_parse_madt(const struct acpi_sdt_header *table, struct acpi_madt_info *out)
{
	const struct acpi_madt *madt = (const void *)table;
	const uint8_t *entry, *end;
	int ret;

	if (acpi_table_check(table, "APIC", sizeof(*madt)))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->lapic_address = madt->lapic_address;
	out->flags = madt->flags;
	end = (const uint8_t *)table + table->length;
	for (entry = (const uint8_t *)(madt + 1); entry < end; entry += entry[1]) {
		/* Every entry must hold its type, length and fields, and end inside the table. */
		if (end - entry < 2 || entry[1] > end - entry ||
		    entry[1] < acpi_madt_entry_min_len(entry[0]))
			return -EINVAL;
		ret = acpi_madt_entry(entry, out);
		if (ret)
			return ret;
	}
	return 0;
}

/* The PM timer's I/O port: X_PM_TMR_BLK when usable, else PM_TMR_BLK; 0 when there is none. */
static uint16_t acpi_fadt_pm_timer_port(const struct acpi_fadt *fadt)
{
	const struct acpi_gas *x_blk = &fadt->x_pm_tmr_blk;

	if (fadt->header.length >= ACPI_FADT_X_TMR_END && x_blk->address &&
	    x_blk->space_id == ACPI_GAS_SYSTEM_IO && x_blk->address <= ACPI_IO_PORT_MAX)
		return (uint16_t)x_blk->address;
	if (fadt->pm_tmr_len == ACPI_FADT_PM_TMR_LEN && fadt->pm_tmr_blk <= ACPI_IO_PORT_MAX)
		return (uint16_t)fadt->pm_tmr_blk;
	return 0;
}

/* A register given as a GAS: system I/O below 64 KiB or system memory, else none. */
static struct acpi_reg acpi_reg_from_gas(const struct acpi_gas *gas, uint8_t len)
{
	struct acpi_reg reg = { 0 };

	if (!gas->address || !len)
		return reg;
	if (gas->space_id == ACPI_GAS_SYSTEM_IO && gas->address + len - 1 <= ACPI_IO_PORT_MAX)
		reg = (struct acpi_reg){ ACPI_REG_IO, gas->address, len };
	else if (gas->space_id == ACPI_GAS_SYSTEM_MEMORY && gas->address + len > gas->address)
		reg = (struct acpi_reg){ ACPI_REG_MEMORY, gas->address, len };
	return reg;
}

/* A PM1 control block: X_PM1x_CNT_BLK when the table has it and it is set, else PM1x_CNT_BLK. */
static struct acpi_reg acpi_pm1_cnt(const struct acpi_gas *x_blk, bool has_x, uint32_t blk,
				    uint8_t len)
{
	if (has_x && x_blk->address)
		return acpi_reg_from_gas(x_blk, len);
	struct acpi_gas legacy = { .space_id = ACPI_GAS_SYSTEM_IO, .address = blk };
	return acpi_reg_from_gas(&legacy, len);
}

/* The registers through which software resets, sleeps or powers off the machine. */
static void acpi_fadt_power_regs(const struct acpi_fadt *fadt, struct acpi_fadt_info *out)
{
	/* SLP_TYP and SLP_EN live in the first two bytes, whatever PM1_CNT_LEN says. */
	const uint8_t cnt_len = 2;

	out->pm1a_cnt = acpi_pm1_cnt(&fadt->x_pm1a_cnt_blk, ACPI_FADT_HAS(fadt, x_pm1a_cnt_blk),
				     fadt->pm1a_cnt_blk, cnt_len);
	out->pm1b_cnt = acpi_pm1_cnt(&fadt->x_pm1b_cnt_blk, ACPI_FADT_HAS(fadt, x_pm1b_cnt_blk),
				     fadt->pm1b_cnt_blk, cnt_len);
	if (ACPI_FADT_HAS(fadt, reset_value) && (fadt->flags & ACPI_FADT_RESET_REG_SUP)) {
		out->reset_reg = acpi_reg_from_gas(&fadt->reset_reg, 1);
		out->reset_value = fadt->reset_value;
	}
	if (ACPI_FADT_HAS(fadt, sleep_control_reg))
		out->sleep_control = acpi_reg_from_gas(&fadt->sleep_control_reg, 1);
	if (fadt->smi_cmd && fadt->smi_cmd <= ACPI_IO_PORT_MAX) {
		out->smi_cmd_port = (uint16_t)fadt->smi_cmd;
		out->acpi_enable = fadt->acpi_enable;
		out->acpi_disable = fadt->acpi_disable;
	}
}

int acpi_parse_fadt(const struct acpi_sdt_header *table, struct acpi_fadt_info *out)
{
	const struct acpi_fadt *fadt = (const void *)table;

	if (acpi_table_check(table, "FACP", ACPI_FADT_MIN_LEN))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->flags = fadt->flags;
	out->pm_timer_port = acpi_fadt_pm_timer_port(fadt);
	out->pm_timer_32bit = fadt->flags & ACPI_FADT_TMR_VAL_EXT;
	acpi_fadt_power_regs(fadt, out);
	return 0;
}

int acpi_parse_hpet(const struct acpi_sdt_header *table, uint64_t *base)
{
	const struct acpi_hpet *hpet = (const void *)table;

	if (acpi_table_check(table, "HPET", sizeof(*hpet)))
		return -EINVAL;
	/* The HPET is memory-mapped; any other address space means a broken table. */
	if (hpet->base.space_id != ACPI_GAS_SYSTEM_MEMORY || !hpet->base.address)
		return -EINVAL;
	*base = hpet->base.address;
	return 0;
}

void acpi_table_set_checksum(struct acpi_sdt_header *table)
{
	uint8_t sum = 0;

	table->checksum = 0;
	for (size_t i = 0; i < table->length; i++)
		sum += ((const uint8_t *)table)[i];
	table->checksum = (uint8_t)-sum;
}
