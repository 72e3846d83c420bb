/* SPDX-License-Identifier: BSD-3-Clause */
/* Little-endian stores and loads of 1 to 8 bytes, for tests that lay out binary data by hand. */
#ifndef CAIRN_TESTS_UNIT_BYTES_H
#define CAIRN_TESTS_UNIT_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ACPI and the Linux boot protocol are little-endian: copying low bytes needs the host so too. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "a little-endian host");

/* Stores the low `size` bytes of v at p. */
static inline void put_le(void *p, uint64_t v, size_t size)
{
	memcpy(p, &v, size);
}

/* Loads `size` bytes from p, zero-extended. */
static inline uint64_t get_le(const void *p, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);
	return v;
}

#endif
