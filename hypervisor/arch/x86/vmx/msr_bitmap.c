/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMX MSR bitmap: default-deny, with the reviewed pass-through list (SDM vol. 3, 25.6.9). */
#include "lib/bitmap.h"
#include "lib/string.h"
#include "msr_bitmap.h"

#define MSRS_PER_RANGE	0x2000u
#define HIGH_RANGE	0xC0000000u
#define WRITE_BIT_SHIFT (2048 * 8) /* the write bitmaps follow the two read bitmaps */

long msr_bitmap_read_bit(uint32_t msr)
{
	if (msr < MSRS_PER_RANGE)
		return (long)msr;
	if (msr >= HIGH_RANGE && msr - HIGH_RANGE < MSRS_PER_RANGE)
		return (long)(1024 * 8 + (msr - HIGH_RANGE));
	return -1;
}

void msr_bitmap_build(uint8_t *map, const struct msr_pass *pass, size_t count)
{
	memset(map, 0xFF, MSR_BITMAP_SIZE);
	for (size_t i = 0; i < count; i++) {
		long bit = msr_bitmap_read_bit(pass[i].index);
		if (bit < 0 || msr_is_host_only(pass[i].index))
			continue;
		if (pass[i].read)
			bitmap_clear((uint64_t *)map, (size_t)bit);
		if (pass[i].write)
			bitmap_clear((uint64_t *)map, (size_t)bit + WRITE_BIT_SHIFT);
	}
}
