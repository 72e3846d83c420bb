/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading a test guest's options (`key=value` or bare `key` words) from its command line. */
#ifndef GUEST_ARGS_H
#define GUEST_ARGS_H

#include "lib/compiler.h"

/* Copies the value of `key=value` ("" for a bare `key`) into value; false when key is absent. */
bool arg_get(const char *key, char *value, size_t size);

/* True when the command line has `key` or `key=...`. */
bool arg_present(const char *key);

/*
 * Parses the value of `key=<number>` in the given base (16 accepts a 0x prefix). False when the
 * key is absent or its value is not a number; the latter also prints a warning line.
 */
bool arg_u64(const char *key, unsigned int base, uint64_t *value);

/* Parses a whole string as an unsigned number (no sign, no spaces, no overflow). */
bool parse_u64(const char *text, unsigned int base, uint64_t *value);

#endif
