/* SPDX-License-Identifier: BSD-3-Clause */
/* A token bucket on an arbitrary clock: `burst` events at once, then one per `period` ticks. */
#ifndef CAIRN_LIB_TOKEN_BUCKET_H
#define CAIRN_LIB_TOKEN_BUCKET_H

#include "lib/compiler.h"

struct token_bucket {
	bool primed;	 /* tokens and last_refill are set (all zero: full on first use) */
	uint32_t tokens; /* events allowed now */
	uint64_t last_refill;
};

/*
 * Takes one token at time `now` (a non-decreasing clock): true if the event may happen. Tokens
 * come back one per `period` ticks (period > 0), up to `burst`. No locking: the caller's job.
 */
bool token_bucket_take(struct token_bucket *b, uint64_t now, uint64_t period, uint32_t burst);

#endif
