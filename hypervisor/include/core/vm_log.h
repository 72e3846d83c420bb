/* SPDX-License-Identifier: BSD-3-Clause */
/* Rate-limited log lines a VM causes: a token bucket per VM, so no guest can flood the console. */
#ifndef CAIRN_CORE_VM_LOG_H
#define CAIRN_CORE_VM_LOG_H

#include "lib/compiler.h"
#include "lib/spinlock.h"
#include "lib/token_bucket.h"

#define VM_LOG_BURST	 10   /* lines a VM may cause at once */
#define VM_LOG_REFILL_MS 1000 /* then one more line per this many milliseconds */

struct vm;

/* Per-VM state (lives in struct vm; all zero is a full bucket). */
struct vm_log_bucket {
	spinlock_t lock;
	struct token_bucket bucket; /* on the TSC */
	uint64_t suppressed;	    /* lines dropped since the last one printed */
	uint64_t suppressed_total;
};

/*
 * Prints "cairn: vm <name>: <message>\n" if vm's bucket has a token, else counts the line as
 * suppressed; the next line printed is preceded by "cairn: vm <name>: <n> log lines suppressed".
 * Use it for every line a guest (or the Service VM) can cause again and again. A trailing '\n'
 * in fmt is optional.
 */
void vm_log(struct vm *vm, const char *fmt, ...) __printf_like(2, 3);
/*
 * For a caller with its own line format: takes a token and returns true if the caller may print
 * its line now (the pending "<n> log lines suppressed" line, if any, has then been printed);
 * false if the line must be dropped (it is counted).
 */
bool vm_log_take(struct vm *vm);
/* Prints the pending "<n> log lines suppressed" line, if any (when the VM stops). */
void vm_log_flush(struct vm *vm);

#endif
