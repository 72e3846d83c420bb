/* SPDX-License-Identifier: BSD-3-Clause */
/* A test memory arena below 4 GiB in which only allocated bytes are addressable under ASan. */
#ifndef CAIRN_TESTS_UNIT_ARENA_H
#define CAIRN_TESTS_UNIT_ARENA_H

#include <stddef.h>

/*
 * `len` zeroed bytes, 16-byte aligned, below 4 GiB (so 32-bit fields can point at them), followed
 * by poisoned bytes: ASan catches any access past the end. Aborts when the arena is full.
 */
void *arena_alloc(size_t len);

#endif
