/* SPDX-License-Identifier: BSD-3-Clause */
/* Ticket-free test-and-set spinlock on GCC atomics; portable to host unit tests. */
#ifndef CAIRN_LIB_SPINLOCK_H
#define CAIRN_LIB_SPINLOCK_H

#include "lib/compiler.h"

typedef struct {
	volatile uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT \
	{             \
		0     \
	}

static inline void spin_lock(spinlock_t *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif
