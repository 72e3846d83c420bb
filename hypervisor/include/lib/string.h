/* SPDX-License-Identifier: BSD-3-Clause */
/* The C string and memory functions the hypervisor needs, since it links no libc. */
#ifndef CAIRN_LIB_STRING_H
#define CAIRN_LIB_STRING_H

#ifdef CAIRN_HOST_TEST
/* Host unit tests link the hypervisor code against the host libc's versions. */
#include <string.h>
#else
#include "lib/compiler.h"

/* GCC may emit calls to memset, memcpy, memmove and memcmp even from code that never names them. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

#endif
