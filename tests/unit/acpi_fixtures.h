/* SPDX-License-Identifier: BSD-3-Clause */
/* Builders of synthetic ACPI tables (RSDP, RSDT/XSDT, MADT, HPET, MCFG) for host unit tests. */
#ifndef CAIRN_TESTS_UNIT_ACPI_FIXTURES_H
#define CAIRN_TESTS_UNIT_ACPI_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "acpi/acpi.h"

/*
 * Every table is allocated with arena_alloc(), below 4 GiB so that an RSDT's 32-bit entries can
 * point at it, and with nothing addressable after its last byte.
 */

#define SDT_HDR_LEN	36
#define MADT_HDR_LEN	44
#define MADT_FLAGS_PCAT 1 /* PC-AT compatible 8259s: the MADT flags madt_build() writes */
#define HPET_LEN	56
#define MCFG_LEN	60

/* The byte that makes the `len` bytes at p, with it added, sum to 0 mod 256. */
uint8_t checksum_fix(const void *p, size_t len);

/*
 * A table of `alloc` bytes (at least SDT_HDR_LEN), zero but for a firmware-like header saying
 * `len`: the two differ for truncated tables. table_new() allocates just `len`.
 */
struct acpi_sdt_header *table_alloc(const char *sig, size_t alloc, uint32_t len);
struct acpi_sdt_header *table_new(const char *sig, uint32_t len);

/* Sets the checksum; call after the last change to the table. */
struct acpi_sdt_header *table_seal(struct acpi_sdt_header *t);

/* A sealed table whose body is the string `body`, without its NUL. */
struct acpi_sdt_header *table_with_body(const char *sig, const char *body);

/* A sealed RSDT (4-byte entries) or XSDT (8-byte entries) listing `n` tables. */
struct acpi_sdt_header *root_new(const char *sig, const void *const *tables, size_t n);

/* A valid RSDP; revision 0 or 1 allocates only its 20 bytes, and ignores xsdt. */
struct acpi_rsdp *rsdp_new(uint8_t revision, const void *rsdt, const void *xsdt);

/*
 * MADT entries are appended to madt_body, then wrapped into a table by madt_build(). Every test
 * runs in a fresh process, so the body starts out empty in each; set len to 0 to start again.
 * Each entry writer returns the entry it wrote.
 */
struct madt_body {
	uint8_t bytes[16384];
	size_t len;
};
extern struct madt_body madt_body;

uint8_t *madt_entry(uint8_t type, uint8_t len); /* type and length set, the rest zero */
uint8_t *madt_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags);
uint8_t *madt_ioapic(uint8_t id, uint32_t address, uint32_t gsi_base);
uint8_t *madt_override(uint8_t source, uint32_t gsi, uint16_t flags);
uint8_t *madt_lapic_nmi(uint8_t uid, uint16_t flags, uint8_t lint);
uint8_t *madt_lapic_override(uint64_t address);
uint8_t *madt_x2apic(uint32_t x2apic_id, uint32_t flags, uint32_t uid);

/* `len` bytes of entries of a type nobody knows, with recognisable bodies; returns the first. */
uint8_t *madt_filler(size_t len);

/* A sealed MADT of madt_body's entries, with this local APIC address and MADT_FLAGS_PCAT. */
struct acpi_sdt_header *madt_build(uint32_t lapic_address);

/* A sealed HPET table of `len` bytes whose base address, if it fits, is in this address space. */
struct acpi_sdt_header *hpet_new(uint32_t len, uint8_t space_id, uint64_t address);

/* A sealed MCFG with one ECAM allocation: base 0xE0000000, segment 0, buses 0-255. */
struct acpi_sdt_header *mcfg_new(void);

#endif
