/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMX MSR bitmap: one exit bit per MSR for reads and for writes, in two ranges (msr_bitmap.c). */
#ifndef CAIRN_VMX_MSR_BITMAP_H
#define CAIRN_VMX_MSR_BITMAP_H

#include "x86/guest/msr_policy.h"

#define MSR_BITMAP_SIZE 0x1000 /* bytes: one 4 KiB page */

/*
 * Index of msr's read-exit bit in the bitmap (its write-exit bit is 0x4000 bits further on), or
 * -1 outside 0-1FFFh and C0000000h-C0001FFFh, where every RDMSR and WRMSR exits.
 */
long msr_bitmap_read_bit(uint32_t msr);

/* Fills map (MSR_BITMAP_SIZE bytes): every MSR exits, but the listed reads/writes. */
void msr_bitmap_build(uint8_t *map, const struct msr_pass *pass, size_t count);

#endif
