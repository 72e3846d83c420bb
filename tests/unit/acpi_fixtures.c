/* SPDX-License-Identifier: BSD-3-Clause */
/* Builders of synthetic ACPI tables (RSDP, RSDT/XSDT, MADT, HPET, MCFG) for host unit tests. */
#include <string.h>

#include "acpi_fixtures.h"
#include "arena.h"
#include "bytes.h"

#define RSDP_V1_LEN	 20
#define MADT_FILLER_TYPE 0x7F /* an entry type nobody knows: kept, never parsed */
#define MADT_FILLER_MAX	 255

struct madt_body madt_body;

uint8_t checksum_fix(const void *p, size_t len)
{
	const uint8_t *bytes = p;
	uint8_t sum = 0;

	while (len--)
		sum += *bytes++;
	return (uint8_t)-sum;
}

struct acpi_sdt_header *table_alloc(const char *sig, size_t alloc, uint32_t len)
{
	struct acpi_sdt_header *t = arena_alloc(alloc);

	memcpy(t->signature, sig, 4);
	t->length = len;
	t->revision = 1;
	memcpy(t->oem_id, "FWOEM ", 6);
	memcpy(t->oem_table_id, "FWTABLE ", 8);
	t->oem_revision = 0x20240101;
	t->creator_id = 0x4C544E49; /* "INTL" */
	t->creator_revision = 0x20200925;
	return t;
}

struct acpi_sdt_header *table_new(const char *sig, uint32_t len)
{
	return table_alloc(sig, len, len);
}

struct acpi_sdt_header *table_seal(struct acpi_sdt_header *t)
{
	t->checksum = 0;
	t->checksum = checksum_fix(t, t->length);
	return t;
}

struct acpi_sdt_header *table_with_body(const char *sig, const char *body)
{
	size_t len = strlen(body);
	struct acpi_sdt_header *t = table_new(sig, SDT_HDR_LEN + len);

	memcpy(t + 1, body, len);
	return table_seal(t);
}

struct acpi_sdt_header *root_new(const char *sig, const void *const *tables, size_t n)
{
	size_t entry_size = memcmp(sig, "XSDT", 4) ? 4 : 8;
	struct acpi_sdt_header *root = table_new(sig, SDT_HDR_LEN + n * entry_size);
	uint8_t *entry = (uint8_t *)(root + 1);

	/* The arena is below 4 GiB, so a 4-byte RSDT entry holds the whole address. */
	for (size_t i = 0; i < n; i++, entry += entry_size)
		put_le(entry, (uintptr_t)tables[i], entry_size);
	return table_seal(root);
}

struct acpi_rsdp *rsdp_new(uint8_t revision, const void *rsdt, const void *xsdt)
{
	struct acpi_rsdp *rsdp = arena_alloc(revision >= 2 ? sizeof(*rsdp) : RSDP_V1_LEN);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "FWOEM ", 6);
	rsdp->revision = revision;
	rsdp->rsdt_address = (uint32_t)(uintptr_t)rsdt; /* the arena is below 4 GiB */
	rsdp->checksum = checksum_fix(rsdp, RSDP_V1_LEN);
	if (revision >= 2) {
		rsdp->length = sizeof(*rsdp);
		rsdp->xsdt_address = (uintptr_t)xsdt;
		rsdp->extended_checksum = checksum_fix(rsdp, sizeof(*rsdp));
	}
	return rsdp;
}

uint8_t *madt_entry(uint8_t type, uint8_t len)
{
	uint8_t *e = madt_body.bytes + madt_body.len;

	e[0] = type;
	e[1] = len;
	madt_body.len += len;
	return e;
}

uint8_t *madt_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t *e = madt_entry(0, 8);

	e[2] = uid;
	e[3] = apic_id;
	put_le(e + 4, flags, 4);
	return e;
}

uint8_t *madt_ioapic(uint8_t id, uint32_t address, uint32_t gsi_base)
{
	uint8_t *e = madt_entry(1, 12);

	e[2] = id;
	put_le(e + 4, address, 4);
	put_le(e + 8, gsi_base, 4);
	return e;
}

uint8_t *madt_override(uint8_t source, uint32_t gsi, uint16_t flags)
{
	uint8_t *e = madt_entry(2, 10);

	e[3] = source;
	put_le(e + 4, gsi, 4);
	put_le(e + 8, flags, 2);
	return e;
}

uint8_t *madt_lapic_nmi(uint8_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t *e = madt_entry(4, 6);

	e[2] = uid;
	put_le(e + 3, flags, 2);
	e[5] = lint;
	return e;
}

uint8_t *madt_lapic_override(uint64_t address)
{
	uint8_t *e = madt_entry(5, 12);

	put_le(e + 4, address, 8);
	return e;
}

uint8_t *madt_x2apic(uint32_t x2apic_id, uint32_t flags, uint32_t uid)
{
	uint8_t *e = madt_entry(9, 16);

	put_le(e + 4, x2apic_id, 4);
	put_le(e + 8, flags, 4);
	put_le(e + 12, uid, 4);
	return e;
}

uint8_t *madt_filler(size_t len)
{
	uint8_t *first = madt_body.bytes + madt_body.len;

	while (len) {
		size_t n = len > MADT_FILLER_MAX ? MADT_FILLER_MAX : len;

		/* Never leave a remainder too short for an entry. */
		if (len - n == 1)
			n--;
		uint8_t *e = madt_entry(MADT_FILLER_TYPE, (uint8_t)n);
		for (size_t i = 2; i < n; i++)
			e[i] = (uint8_t)(i + len);
		len -= n;
	}
	return first;
}

struct acpi_sdt_header *madt_build(uint32_t lapic_address)
{
	struct acpi_sdt_header *t = table_new("APIC", MADT_HDR_LEN + madt_body.len);
	uint8_t *raw = (uint8_t *)t;

	put_le(raw + 36, lapic_address, 4);
	put_le(raw + 40, MADT_FLAGS_PCAT, 4);
	memcpy(raw + MADT_HDR_LEN, madt_body.bytes, madt_body.len);
	return table_seal(t);
}

struct acpi_sdt_header *hpet_new(uint32_t len, uint8_t space_id, uint64_t address)
{
	struct acpi_sdt_header *t = table_new("HPET", len);
	uint8_t *raw = (uint8_t *)t;

	if (len >= 40)
		put_le(raw + 36, 0x8086A201, 4); /* event timer block ID */
	if (len >= 41)
		raw[40] = space_id;
	if (len >= 52)
		put_le(raw + 44, address, 8);
	return table_seal(t);
}

struct acpi_sdt_header *mcfg_new(void)
{
	struct acpi_sdt_header *t = table_new("MCFG", MCFG_LEN);
	uint8_t *raw = (uint8_t *)t;

	/* One allocation after 8 reserved bytes: ECAM base, segment 0, buses 0-255. */
	put_le(raw + 44, 0xE0000000, 8);
	raw[56] = 0;
	raw[57] = 255;
	return table_seal(t);
}
