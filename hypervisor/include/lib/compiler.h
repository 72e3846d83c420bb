/* SPDX-License-Identifier: BSD-3-Clause */
/* Compiler attributes and small helpers shared by all hypervisor code (and host unit tests). */
#ifndef CAIRN_LIB_COMPILER_H
#define CAIRN_LIB_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __packed	    __attribute__((packed))
#define __aligned(x)	    __attribute__((aligned(x)))
#define __noreturn	    __attribute__((noreturn))
#define __unused	    __attribute__((unused))
#define __printf_like(f, a) __attribute__((format(printf, f, a)))

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))

#define KiB ((uint64_t)1024)
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

#define PAGE_SHIFT 12
#define PAGE_SIZE  ((uint64_t)4096)

#endif
