/* SPDX-License-Identifier: BSD-3-Clause */
/* A token bucket on an arbitrary clock: `burst` events at once, then one per `period` ticks. */
#include "lib/token_bucket.h"

static void token_bucket_refill(struct token_bucket *b, uint64_t now, uint64_t period,
				uint32_t burst)
{
	if (!b->primed) {
		b->primed = true;
		b->tokens = burst;
		b->last_refill = now;
		return;
	}
	if (now < b->last_refill) /* a clock that went back: restart the period */
		b->last_refill = now;
	uint64_t steps = (now - b->last_refill) / period;
	if (!steps)
		return;
	b->tokens = (uint32_t)MIN((uint64_t)burst, b->tokens + steps);
	/* A full bucket starts its next period now; otherwise whole periods are kept. */
	b->last_refill = b->tokens == burst ? now : b->last_refill + steps * period;
}

bool token_bucket_take(struct token_bucket *b, uint64_t now, uint64_t period, uint32_t burst)
{
	token_bucket_refill(b, now, period ? period : 1, burst);
	if (!b->tokens)
		return false;
	b->tokens--;
	return true;
}
