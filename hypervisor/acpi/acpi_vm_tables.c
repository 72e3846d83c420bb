/* SPDX-License-Identifier: BSD-3-Clause */
/* ACPI tables for a VM that owns part of the machine: its own MADT and FADT, the rest from firmware. */
#include "lib/errno.h"
#include "lib/string.h"
#include "acpi/acpi_vm_tables.h"

#define MAX_TABLES		   256 /* more firmware tables than this: -ENOSPC */
#define MADT_BODY_OFFSET	   44  /* header, LAPIC address, flags */
#define MADT_TYPE_LAPIC		   0
#define MADT_TYPE_X2APIC	   9
#define FADT_FLAGS_OFFSET	   112
#define FADT_FORCE_APIC_PHYS_DEST  (1u << 19)
#define FADT_MIN_REVISION_FOR_FLAG 3

struct table_writer {
	uint8_t *buf;
	uint64_t buf_pa;
	size_t used;
};

static void *writer_take(struct table_writer *w, size_t len, uint64_t *pa)
{
	size_t at = ALIGN_UP(w->used, 16);

	if (at + len > ACPI_VM_TABLES_SIZE)
		return NULL;
	w->used = at + len;
	*pa = w->buf_pa + at;
	return memset(w->buf + at, 0, len);
}

/* The firmware's ACPI processor UID for apic_id (NMI entries name CPUs by it), else `fallback`. */
static uint8_t acpi_uid_of(const struct acpi_madt_info *fw, uint32_t apic_id, size_t fallback)
{
	for (size_t i = 0; i < fw->ncpus; i++)
		if (fw->cpus[i].apic_id == apic_id && fw->cpus[i].acpi_uid <= 0xFF)
			return (uint8_t)fw->cpus[i].acpi_uid;
	return (uint8_t)fallback;
}

static int build_madt(struct table_writer *w, const struct acpi_sdt_header *host,
		      const struct acpi_vm_cpus *cpus, uint64_t *pa)
{
	static struct acpi_madt_info fw; /* too big for a stack; used on the boot pCPU only */
	const uint8_t *src = (const uint8_t *)host;
	size_t max = host->length + cpus->count * 8;

	if (acpi_parse_madt(host, &fw))
		return -EINVAL;
	uint8_t *madt = writer_take(w, max, pa);
	if (!madt)
		return -ENOSPC;
	memcpy(madt, src, MADT_BODY_OFFSET);
	size_t len = MADT_BODY_OFFSET;
	for (size_t i = 0; i < cpus->count; i++) {
		if (cpus->apic_ids[i] > 0xFF)
			return -ERANGE; /* an xAPIC MADT entry holds 8-bit APIC IDs */
		uint8_t entry[8] = { MADT_TYPE_LAPIC, 8, acpi_uid_of(&fw, cpus->apic_ids[i], i),
				     (uint8_t)cpus->apic_ids[i], 1 };
		memcpy(madt + len, entry, sizeof(entry));
		len += sizeof(entry);
	}
	/* Keep IOAPICs, overrides and NMI sources; drop every CPU, ours are listed above. */
	for (size_t off = MADT_BODY_OFFSET; off + 2 <= host->length && src[off + 1] >= 2;
	     off += src[off + 1]) {
		if (src[off] == MADT_TYPE_LAPIC || src[off] == MADT_TYPE_X2APIC ||
		    off + src[off + 1] > host->length)
			continue;
		memcpy(madt + len, src + off, src[off + 1]);
		len += src[off + 1];
	}
	((struct acpi_sdt_header *)madt)->length = (uint32_t)len;
	acpi_table_set_checksum((struct acpi_sdt_header *)madt);
	return 0;
}

static int build_fadt(struct table_writer *w, const struct acpi_sdt_header *host, uint64_t *pa)
{
	uint32_t flags;

	if (host->length < FADT_FLAGS_OFFSET + 4)
		return -EINVAL;
	uint8_t *fadt = writer_take(w, host->length, pa);
	if (!fadt)
		return -ENOSPC;
	memcpy(fadt, host, host->length);
	memcpy(&flags, fadt + FADT_FLAGS_OFFSET, 4);
	flags |= FADT_FORCE_APIC_PHYS_DEST;
	memcpy(fadt + FADT_FLAGS_OFFSET, &flags, 4);
	/* Linux honours the flag from FADT revision 3 on. */
	if (((struct acpi_sdt_header *)fadt)->revision < FADT_MIN_REVISION_FOR_FLAG)
		((struct acpi_sdt_header *)fadt)->revision = FADT_MIN_REVISION_FOR_FLAG;
	acpi_table_set_checksum((struct acpi_sdt_header *)fadt);
	return 0;
}

static bool sig_is(const struct acpi_sdt_header *t, const char *sig)
{
	return memcmp(t->signature, sig, 4) == 0;
}

static int build_xsdt(struct table_writer *w, const struct acpi_vm_platform *p, uint64_t madt_pa,
		      uint64_t fadt_pa, uint64_t *pa)
{
	struct acpi_sdt_header *xsdt = writer_take(w, sizeof(*xsdt) + (p->ntables + 2) * 8, pa);
	size_t count = 0;

	if (!xsdt)
		return -ENOSPC;
	uint8_t *entries = (uint8_t *)(xsdt + 1);
	uint64_t ours[2] = { fadt_pa, madt_pa };
	memcpy(entries, ours, sizeof(ours));
	count = 2;
	for (size_t i = 0; i < p->ntables; i++) {
		const struct acpi_sdt_header *t = p->tables[i];

		if (sig_is(t, "APIC") || sig_is(t, "FACP"))
			continue;
		if (sig_is(t, "IVRS"))
			continue; /* the IOMMU is the hypervisor's: the VM must not find it */
		uint64_t addr = (uint64_t)(uintptr_t)t;
		memcpy(entries + count++ * 8, &addr, 8);
	}
	memcpy(xsdt->signature, "XSDT", 4);
	xsdt->length = (uint32_t)(sizeof(*xsdt) + count * 8);
	xsdt->revision = 1;
	memcpy(xsdt->oem_id, "CAIRN ", 6);
	memcpy(xsdt->oem_table_id, "CAIRNVM ", 8);
	acpi_table_set_checksum(xsdt);
	return 0;
}

static int build_rsdp(struct table_writer *w, uint64_t xsdt_pa, uint64_t *pa)
{
	struct acpi_rsdp *rsdp = writer_take(w, sizeof(*rsdp), pa);

	if (!rsdp)
		return -ENOSPC;
	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "CAIRN ", 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = xsdt_pa;
	uint8_t sum = 0;
	for (size_t i = 0; i < 20; i++)
		sum += ((uint8_t *)rsdp)[i];
	rsdp->checksum = (uint8_t)-sum;
	sum = 0;
	for (size_t i = 0; i < sizeof(*rsdp); i++)
		sum += ((uint8_t *)rsdp)[i];
	rsdp->extended_checksum = (uint8_t)-sum;
	return 0;
}

int acpi_build_platform_vm_tables(void *buf, uint64_t buf_pa, const struct acpi_vm_platform *p,
				  const struct acpi_vm_cpus *cpus, uint64_t *rsdp_pa)
{
	struct table_writer w = { buf, buf_pa, 0 };
	uint64_t madt_pa, fadt_pa, xsdt_pa;

	if (!p->madt || !p->fadt)
		return -ENOENT;
	int err = build_madt(&w, p->madt, cpus, &madt_pa);
	if (!err)
		err = build_fadt(&w, p->fadt, &fadt_pa);
	if (!err)
		err = build_xsdt(&w, p, madt_pa, fadt_pa, &xsdt_pa);
	if (!err)
		err = build_rsdp(&w, xsdt_pa, rsdp_pa);
	return err;
}

int acpi_build_vm_tables(void *buf, uint64_t buf_pa, const struct acpi_rsdp *host_rsdp,
			 const struct acpi_vm_cpus *cpus, uint64_t *rsdp_pa)
{
	static const struct acpi_sdt_header *tables[MAX_TABLES]; /* boot pCPU only, once */
	size_t n = acpi_list_tables(host_rsdp, tables, MAX_TABLES);
	const struct acpi_vm_platform platform = {
		.madt = acpi_find_table(host_rsdp, "APIC"),
		.fadt = acpi_find_table(host_rsdp, "FACP"),
		.tables = tables,
		.ntables = n,
	};

	if (!platform.madt || !platform.fadt)
		return -ENOENT;
	if (n == MAX_TABLES)
		return -ENOSPC; /* maybe more: never hand out a table list with some silently missing */
	return acpi_build_platform_vm_tables(buf, buf_pa, &platform, cpus, rsdp_pa);
}
