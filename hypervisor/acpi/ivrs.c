/* SPDX-License-Identifier: BSD-3-Clause */
/* The AMD IOMMU's ACPI table (IVRS): which IOMMUs exist and which device IDs sit behind each. */
#include "lib/errno.h"
#include "lib/string.h"
#include "acpi/ivrs.h"

#define IVRS_BLOCKS_OFFSET 48 /* header, IVinfo, 8 reserved bytes */
#define IVHD_HEADER_MIN	   24 /* type 0x10 */
#define IVHD_HEADER_EFR	   40 /* types 0x11 and 0x40 carry an EFR image */
#define BLOCK_HEADER_LEN   4  /* type, flags, length: every IVRS block starts so */

enum ivhd_entry_type {
	ENTRY_PAD = 0x00,
	ENTRY_ALL = 0x01,
	ENTRY_SELECT = 0x02,
	ENTRY_RANGE_START = 0x03,
	ENTRY_RANGE_END = 0x04,
	ENTRY_ALIAS_SELECT = 0x42,
	ENTRY_ALIAS_RANGE = 0x43,
	ENTRY_EXT_SELECT = 0x46,
	ENTRY_EXT_RANGE = 0x47,
	ENTRY_SPECIAL = 0x48,
	ENTRY_ACPI_HID = 0xF0,
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static bool is_ivhd(uint8_t type)
{
	return type == 0x10 || type == 0x11 || type == 0x40;
}

/* Appends [first, last], merged into the previous range when they touch and are alike. */
static int add_devices(struct ivrs_info *out, uint16_t first, uint16_t last, uint8_t unit,
		       uint8_t special, uint8_t handle)
{
	if (out->ndevices) {
		struct ivrs_devices *prev = &out->devices[out->ndevices - 1];
		if (!special && !prev->special && prev->unit == unit && first <= prev->last + 1u &&
		    last + 1u >= prev->first) {
			prev->first = MIN(prev->first, first);
			prev->last = MAX(prev->last, last);
			return 0;
		}
	}
	if (out->ndevices == IVRS_MAX_DEVICES)
		return -ENOSPC;
	out->devices[out->ndevices++] = (struct ivrs_devices){ first, last, unit, special, handle };
	return 0;
}

static size_t entry_length(const uint8_t *e, size_t left)
{
	if (e[0] == ENTRY_ACPI_HID)
		return left >= 22 ? 22u + e[21] : 22;
	return 4u << (e[0] >> 6);
}

struct pending_range {
	bool open;
	uint16_t start;
	bool has_alias;
	uint16_t alias;
};

static int parse_entry(struct ivrs_info *out, const uint8_t *e, uint8_t unit,
		       struct pending_range *range)
{
	uint16_t devid = get16(e + 1);

	switch (e[0]) {
	case ENTRY_ALL:
		return add_devices(out, 0, 0xFFFF, unit, 0, 0);
	case ENTRY_SELECT:
	case ENTRY_EXT_SELECT:
	case ENTRY_ACPI_HID:
		return add_devices(out, devid, devid, unit, 0, 0);
	case ENTRY_ALIAS_SELECT: {
		int err = add_devices(out, devid, devid, unit, 0, 0);
		return err ? err : add_devices(out, get16(e + 5), get16(e + 5), unit, 0, 0);
	}
	case ENTRY_RANGE_START:
	case ENTRY_EXT_RANGE:
	case ENTRY_ALIAS_RANGE:
		if (range->open)
			return -EINVAL;
		*range = (struct pending_range){ .open = true, .start = devid };
		if (e[0] == ENTRY_ALIAS_RANGE) { /* only this one is 8 bytes with an alias */
			range->has_alias = true;
			range->alias = get16(e + 5);
		}
		return 0;
	case ENTRY_RANGE_END: {
		if (!range->open || devid < range->start)
			return -EINVAL;
		range->open = false;
		int err = add_devices(out, range->start, devid, unit, 0, 0);
		if (!err && range->has_alias)
			err = add_devices(out, range->alias, range->alias, unit, 0, 0);
		return err;
	}
	case ENTRY_SPECIAL:
		return add_devices(out, get16(e + 5), get16(e + 5), unit, e[7], e[4]);
	default:
		return 0; /* padding, or a type this parser does not need */
	}
}

/* The unit with this base (merging IVHD blocks that describe one IOMMU), else a new one. */
static int unit_for(struct ivrs_info *out, const uint8_t *block, uint8_t *index)
{
	uint64_t base = get64(block + 8);

	for (size_t i = 0; i < out->nunits; i++) {
		if (out->units[i].mmio_base == base) {
			out->units[i].type = MAX(out->units[i].type, block[0]);
			*index = (uint8_t)i;
			return 0;
		}
	}
	if (out->nunits == IVRS_MAX_UNITS)
		return -ENOSPC;
	*index = (uint8_t)out->nunits;
	out->units[out->nunits++] = (struct ivrs_unit){
		.mmio_base = base,
		.devid = get16(block + 4),
		.segment = get16(block + 16),
		.cap_offset = get16(block + 6),
		.type = block[0],
		.flags = block[1],
	};
	return 0;
}

static int parse_ivhd(struct ivrs_info *out, const uint8_t *block, size_t len)
{
	size_t header = block[0] == 0x10 ? IVHD_HEADER_MIN : IVHD_HEADER_EFR;
	struct pending_range range = { 0 };
	uint8_t unit;

	if (len < header)
		return -EINVAL;
	if (get16(block + 16) != 0) {
		out->nskipped_units++;
		return 0;
	}
	int err = unit_for(out, block, &unit);
	for (size_t off = header; !err && off < len;) {
		size_t left = len - off;
		size_t n = entry_length(block + off, left);
		if (n > left)
			return -EINVAL;
		err = parse_entry(out, block + off, unit, &range);
		off += n;
	}
	return err ? err : range.open ? -EINVAL : 0;
}

int acpi_parse_ivrs(const struct acpi_sdt_header *ivrs, struct ivrs_info *out)
{
	const uint8_t *raw = (const uint8_t *)ivrs;

	if (acpi_table_validate(ivrs) || memcmp(ivrs->signature, "IVRS", 4) ||
	    ivrs->length < IVRS_BLOCKS_OFFSET)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->iv_info = get32(raw + 36);
	for (size_t off = IVRS_BLOCKS_OFFSET; off < ivrs->length;) {
		const uint8_t *block = raw + off;
		size_t left = ivrs->length - off;
		if (left < BLOCK_HEADER_LEN)
			return -EINVAL;
		size_t len = get16(block + 2);
		if (len < BLOCK_HEADER_LEN || len > left)
			return -EINVAL;
		if (is_ivhd(block[0])) {
			int err = parse_ivhd(out, block, len);
			if (err)
				return err;
		} else if (block[0] >= 0x20 && block[0] <= 0x22) {
			out->nmemory_blocks++;
		}
		off += len;
	}
	return 0;
}
