/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* Fixed-width types and layout checks for abi/cairn/, the same in every build that includes it. */
#ifndef CAIRN_ABI_TYPES_H
#define CAIRN_ABI_TYPES_H

/*
 * abi/ is included by four builds: the hypervisor and the guests (freestanding, no C library),
 * the HSM (a Linux module, __KERNEL__) and cairn-dm and the tests (Linux userspace). The Linux
 * builds take __u8 ... __s64 from <linux/types.h> (the kernel's own, or linux-libc-dev's); the
 * freestanding ones get the same names here, with the same underlying types as Linux x86-64
 * (__u64 is unsigned long long), so a struct means one layout everywhere. Nothing else is
 * included: no <stdint.h>, which the kernel does not have.
 */
#if defined(__KERNEL__) || __STDC_HOSTED__
#include <linux/types.h>
#else
typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef signed short __s16;
typedef unsigned int __u32;
typedef signed int __s32;
typedef unsigned long long __u64;
typedef signed long long __s64;
#endif

/*
 * A compile-time check on the ABI's layout (sizes, offsets), at file scope. The kernel and C11
 * builds have _Static_assert; __extension__ keeps a -std=c99 -pedantic userspace build quiet.
 * CAIRN_ABI_OFFSET_IS is the usual form: the field sits at that byte offset.
 */
#define CAIRN_ABI_ASSERT(cond, msg) __extension__ _Static_assert(cond, msg)
#define CAIRN_ABI_OFFSET_IS(type, field, offset)                      \
	CAIRN_ABI_ASSERT(__builtin_offsetof(type, field) == (offset), \
			 #type "." #field " at " #offset)

#endif
