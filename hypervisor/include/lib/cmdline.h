/* SPDX-License-Identifier: BSD-3-Clause */
/* Looking up key=value options in a space-separated command line. */
#ifndef CAIRN_LIB_CMDLINE_H
#define CAIRN_LIB_CMDLINE_H

#include "lib/compiler.h"

/*
 * Copies the value of the first `key=value` word (or "" for a bare `key`) into value (size bytes,
 * truncated, NUL-terminated). Returns true when the key is present; false for size 0.
 */
bool cmdline_get(const char *cmdline, const char *key, char *value, size_t size);

/* The value of a hexadecimal (or decimal) digit character, -1 for anything else. */
int cmdline_digit_value(char c);

#endif
