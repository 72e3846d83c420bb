/* SPDX-License-Identifier: BSD-3-Clause */
/* printf-style formatting into a buffer: the one formatter behind every console line. */
#ifndef CAIRN_LIB_FORMAT_H
#define CAIRN_LIB_FORMAT_H

#include <stdarg.h>

#include "lib/compiler.h"

/*
 * C99 vsnprintf semantics: writes at most size-1 characters plus a NUL (when size > 0) and returns
 * the length the full output would have had. Conversions: %c %s %d %i %u %x %X %p %%; flags '-' '0'
 * '+' ' ' '#'; width and precision as numbers or '*'; length modifiers hh h l ll z t j.
 * Unknown conversions are copied through verbatim.
 */
int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int format_snprintf(char *buf, size_t size, const char *fmt, ...) __printf_like(3, 4);

#endif
