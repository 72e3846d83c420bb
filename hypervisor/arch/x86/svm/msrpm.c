/* SPDX-License-Identifier: BSD-3-Clause */
/* The SVM MSR permission map: default-deny, with a reviewed list of MSRs that pass (APM 15.11). */
#include "lib/bitmap.h"
#include "lib/string.h"
#include "msrpm.h"

/* The three 8K-MSR ranges the map covers, and the byte offset of each range in the map. */
static const struct {
	uint32_t first;
	uint32_t byte_offset;
} msrpm_ranges[] = { { 0x00000000, 0x0000 }, { 0xC0000000, 0x0800 }, { 0xC0010000, 0x1000 } };

#define MSRS_PER_RANGE 0x2000u

long msrpm_read_bit(uint32_t msr)
{
	for (size_t i = 0; i < ARRAY_SIZE(msrpm_ranges); i++) {
		uint32_t first = msrpm_ranges[i].first;
		if (msr >= first && msr - first < MSRS_PER_RANGE)
			return (long)msrpm_ranges[i].byte_offset * 8 + (long)(msr - first) * 2;
	}
	return -1; /* the hardware intercepts every MSR outside the ranges */
}

void msrpm_build(uint8_t *map, const struct msr_pass *pass, size_t count)
{
	memset(map, 0xFF, MSRPM_SIZE);
	for (size_t i = 0; i < count; i++) {
		long bit = msrpm_read_bit(pass[i].index);
		if (bit < 0 || msr_is_host_only(pass[i].index))
			continue;
		if (pass[i].read)
			bitmap_clear((uint64_t *)map, (size_t)bit);
		if (pass[i].write)
			bitmap_clear((uint64_t *)map, (size_t)bit + 1);
	}
}
