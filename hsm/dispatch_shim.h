/* SPDX-License-Identifier: GPL-2.0-only */
/* The few kernel facilities dispatch.c needs, so that it also compiles on the host for unit tests. */
#ifndef CAIRN_HSM_DISPATCH_SHIM_H
#define CAIRN_HSM_DISPATCH_SHIM_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/barrier.h>

#define hsm_load_acquire(p)	smp_load_acquire(p)
#define hsm_store_release(p, v) smp_store_release(p, v)
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define hsm_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define hsm_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#endif

#endif
