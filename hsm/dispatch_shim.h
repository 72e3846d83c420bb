/* SPDX-License-Identifier: GPL-2.0-only */
/* The few kernel facilities dispatch.c needs, so that it also compiles on the host for unit tests. */
#ifndef CAIRN_HSM_DISPATCH_SHIM_H
#define CAIRN_HSM_DISPATCH_SHIM_H

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/barrier.h>

#define hsm_load_acquire(p)	 smp_load_acquire(p)
#define hsm_store_release(p, v)	 smp_store_release(p, v)
#define hsm_cmpxchg(p, old, new) cmpxchg(p, old, new)
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define hsm_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define hsm_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
/* Returns the value found; stores `new` only if it was `old` (full ordering, like the kernel's). */
#define hsm_cmpxchg(p, old, new)                                                            \
	({                                                                                  \
		__typeof__(*(p)) hsm_expected = (old);                                      \
		__atomic_compare_exchange_n(p, &hsm_expected, new, false, __ATOMIC_SEQ_CST, \
					    __ATOMIC_SEQ_CST);                              \
		hsm_expected;                                                               \
	})
#endif

#endif
