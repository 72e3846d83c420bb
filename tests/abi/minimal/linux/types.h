/* SPDX-License-Identifier: BSD-3-Clause */
/* The least a Linux x86-64 <linux/types.h> gives: the only header the kernel-like abi check may find. */
#ifndef CAIRN_TEST_MINIMAL_LINUX_TYPES_H
#define CAIRN_TEST_MINIMAL_LINUX_TYPES_H

/*
 * Written for tests/abi/check.sh from the facts of the Linux UAPI on x86-64 (asm-generic
 * int-ll64: 64-bit types are long long): the sized __u and __s names and the little- and
 * big-endian ones. Nothing else: an abi header that needs more than this fails the check.
 */
typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef signed short __s16;
typedef unsigned int __u32;
typedef signed int __s32;
typedef unsigned long long __u64;
typedef signed long long __s64;

typedef __u16 __le16;
typedef __u16 __be16;
typedef __u32 __le32;
typedef __u32 __be32;
typedef __u64 __le64;
typedef __u64 __be64;

#endif
