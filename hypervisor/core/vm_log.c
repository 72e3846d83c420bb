/* SPDX-License-Identifier: BSD-3-Clause */
/* Rate-limited log lines a VM causes: a token bucket per VM, so no guest can flood the console. */
#include <stdarg.h>

#include "core/console.h"
#include "core/time.h"
#include "core/vm.h"
#include "core/vm_log.h"
#include "lib/format.h"
#include "lib/token_bucket.h"

#define VM_LOG_LINE_SIZE 400

static uint64_t refill_period_cycles(void)
{
	return (time_ticks_per_ms() ? time_ticks_per_ms() : 1000000) * VM_LOG_REFILL_MS;
}

/* Takes a token: true if a line may go out; *suppressed gets the count to report first. */
static bool bucket_take(struct vm_log_bucket *b, uint64_t *suppressed)
{
	bool ok;

	spin_lock(&b->lock);
	ok = token_bucket_take(&b->bucket, time_now(), refill_period_cycles(), VM_LOG_BURST);
	if (ok) {
		*suppressed = b->suppressed;
		b->suppressed = 0;
	} else {
		b->suppressed++;
		b->suppressed_total++;
	}
	spin_unlock(&b->lock);
	return ok;
}

static void print_suppressed(const struct vm *vm, uint64_t n)
{
	if (n)
		printf("cairn: vm %s: %lu log line%s suppressed (rate limit)\n", vm->name, n,
		       n == 1 ? "" : "s");
}

bool vm_log_take(struct vm *vm)
{
	uint64_t suppressed;

	if (!bucket_take(&vm->log_bucket, &suppressed))
		return false;
	print_suppressed(vm, suppressed);
	return true;
}

void vm_log(struct vm *vm, const char *fmt, ...)
{
	char line[VM_LOG_LINE_SIZE];
	va_list ap;

	if (!vm_log_take(vm))
		return;
	va_start(ap, fmt);
	int n = format_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : MIN((size_t)n, sizeof(line) - 1);
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	printf("cairn: vm %s: %s\n", vm->name, line);
}

void vm_log_flush(struct vm *vm)
{
	struct vm_log_bucket *b = &vm->log_bucket;

	spin_lock(&b->lock);
	uint64_t n = b->suppressed;
	b->suppressed = 0;
	spin_unlock(&b->lock);
	print_suppressed(vm, n);
}
