/* SPDX-License-Identifier: BSD-3-Clause */
/* The SVM MSR permission map: two intercept bits (read, write) per MSR in three ranges (msrpm.c). */
#ifndef CAIRN_SVM_MSRPM_H
#define CAIRN_SVM_MSRPM_H

#include "x86/guest/msr_policy.h"

#define MSRPM_SIZE 0x2000 /* bytes: two 4 KiB pages */

/* Index of msr's read-intercept bit in the map (the write bit follows it), or -1 outside the ranges. */
long msrpm_read_bit(uint32_t msr);

/* Fills map (MSRPM_SIZE bytes): every MSR intercepted, but the listed reads/writes. */
void msrpm_build(uint8_t *map, const struct msr_pass *pass, size_t count);

#endif
