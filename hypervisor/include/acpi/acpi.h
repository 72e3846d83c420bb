/* SPDX-License-Identifier: BSD-3-Clause */
/* ACPI table discovery and parsing (RSDP, RSDT/XSDT, MADT, FADT, HPET), with checked lengths and checksums. */
#ifndef CAIRN_ACPI_ACPI_H
#define CAIRN_ACPI_ACPI_H

#include "lib/compiler.h"

/*
 * Tables are read through plain pointers: the hypervisor identity-maps physical memory, and host
 * unit tests hand in tables built in their own memory (addresses inside tables are pointers).
 */

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0 (RSDT only), >= 2: XSDT fields valid */
	uint32_t rsdt_address;
	uint32_t length; /* revision >= 2 */
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over `length` bytes */
	uint8_t reserved[3];
} __packed;

struct acpi_sdt_header {
	char signature[4];
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* all `length` bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header layout");

#define ACPI_MAX_CPUS	 256
#define ACPI_MAX_IOAPICS 8

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t acpi_uid;
	bool enabled; /* MADT flags bit 0 */
};

struct acpi_ioapic {
	uint32_t id;
	uint64_t address;
	uint32_t gsi_base;
};

struct acpi_madt_info {
	uint64_t lapic_address; /* from the MADT header, or a type-5 override */
	uint32_t flags;		/* MADT flags (bit 0: PC-AT compatible 8259s) */
	size_t ncpus;		/* type-0 and type-9 entries, enabled or not */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	size_t nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
};

enum acpi_reg_space {
	ACPI_REG_NONE = 0,
	ACPI_REG_IO,
	ACPI_REG_MEMORY,
};

/* A fixed-hardware register: `len` bytes at a port (below 64 KiB) or a physical address. */
struct acpi_reg {
	enum acpi_reg_space space; /* ACPI_REG_NONE: the table has no such register */
	uint64_t address;
	uint8_t len;
};

struct acpi_fadt_info {
	uint32_t flags;		/* FADT Flags (offset 112) */
	uint16_t pm_timer_port; /* 0 if none */
	bool pm_timer_32bit;	/* Flags bit 8 TMR_VAL_EXT */
	/* Power and reset registers (X_ GAS forms preferred; 2 bytes of each PM1 control block). */
	struct acpi_reg pm1a_cnt, pm1b_cnt;
	struct acpi_reg reset_reg; /* only when Flags RESET_REG_SUP; 1 byte */
	uint8_t reset_value;
	struct acpi_reg sleep_control; /* ACPI 5+ (hardware-reduced), 1 byte */
	uint16_t smi_cmd_port;	       /* 0 if none */
	uint8_t acpi_enable, acpi_disable;
};

/* True if the `len` bytes at p sum to 0 mod 256. */
bool acpi_checksum_ok(const void *p, size_t len);

/*
 * Scans [start, start+len) on 16-byte boundaries for a valid RSDP (signature, checksum, and for
 * revision >= 2 the extended checksum). NULL when none.
 */
const struct acpi_rsdp *acpi_rsdp_scan(const void *start, size_t len);

/* 0 if rsdp is a valid RSDP, -EINVAL otherwise. */
int acpi_rsdp_validate(const struct acpi_rsdp *rsdp);

/* 0 if the table's length is at least its header and its checksum is right, -EINVAL otherwise. */
int acpi_table_validate(const struct acpi_sdt_header *table);

/*
 * Finds the first valid table with signature `sig` (4 chars) through the XSDT (revision >= 2 and
 * non-zero address) or else the RSDT. Root tables and candidates that fail validation are skipped.
 * NULL when not found.
 */
const struct acpi_sdt_header *acpi_find_table(const struct acpi_rsdp *rsdp, const char *sig);

/* The valid tables the root (XSDT, else RSDT) lists, in order, at most max; returns how many. */
size_t acpi_list_tables(const struct acpi_rsdp *rsdp, const struct acpi_sdt_header **tables,
			size_t max);

/* Sets a table's checksum byte so that its `length` bytes sum to zero. */
void acpi_table_set_checksum(struct acpi_sdt_header *table);

/*
 * Parses a MADT: local APIC (type 0), IOAPIC (1), LAPIC address override (5), local x2APIC (9).
 * -EINVAL on a bad checksum or length, an entry shorter than 2 bytes or its type's size, or one
 * running past the table; -ENOSPC when more CPUs or IOAPICs than fit. *out is filled on success.
 */
int acpi_parse_madt(const struct acpi_sdt_header *madt, struct acpi_madt_info *out);

/* Parses a FADT (signature "FACP"); -EINVAL on a bad checksum or a table too short. */
int acpi_parse_fadt(const struct acpi_sdt_header *fadt, struct acpi_fadt_info *out);

/* Parses an HPET table: base address of event timer block 0 in *base; -EINVAL if malformed. */
int acpi_parse_hpet(const struct acpi_sdt_header *hpet, uint64_t *base);

#endif
