/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-VM exit statistics: counters by reason, itemised ports, MMIO addresses and refused MSRs. */
#include "core/arch.h"
#include "core/console.h"
#include "core/time.h"
#include "core/vm.h"
#include "lib/format.h"

const char *exit_reason_name(enum exit_reason reason)
{
	static const char *const names[EXIT_REASON_COUNT] = {
		[EXIT_CPUID] = "cpuid",
		[EXIT_MSR_READ] = "msr-read",
		[EXIT_MSR_WRITE] = "msr-write",
		[EXIT_IO] = "io",
		[EXIT_MEM_FAULT] = "mem-fault",
		[EXIT_HLT] = "hlt",
		[EXIT_HYPERCALL] = "hypercall",
		[EXIT_EXCEPTION] = "exception",
		[EXIT_TRIPLE_FAULT] = "triple-fault",
		[EXIT_INIT] = "init",
		[EXIT_NMI] = "nmi",
		[EXIT_VIRT_INSN] = "virt-insn",
		[EXIT_CACHE_FLUSH] = "cache-flush",
		[EXIT_ENTRY_FAILED] = "entry-failed",
		[EXIT_OTHER] = "other",
	};
	return reason < EXIT_REASON_COUNT ? names[reason] : "?";
}

void vm_count_detail(struct exit_detail *table, size_t size, uint64_t key)
{
	for (size_t i = 0; i < size; i++) {
		if (table[i].count && table[i].key != key)
			continue;
		table[i].key = key;
		__atomic_fetch_add(&table[i].count, 1, __ATOMIC_RELAXED);
		return;
	}
}

static void print_details(const struct vm *vm, const char *what, const struct exit_detail *t,
			  size_t size)
{
	char line[400];
	int len = format_snprintf(line, sizeof(line), "cairn: %s exits of vm %s:", what, vm->name);

	if (!t[0].count)
		return;
	for (size_t i = 0; i < size && t[i].count && len < (int)sizeof(line); i++)
		len += format_snprintf(line + len, sizeof(line) - (size_t)len, " 0x%lx %lu",
				       t[i].key, t[i].count);
	printf("%s\n", line);
}

uint64_t vm_exit_count(const struct vm *vm, enum exit_reason reason)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < vm->nvcpus; i++)
		n += vm->vcpus[i].exits[reason];
	return n;
}

/*
 * The hypervisor's own work per exit, by reason: time_now() ticks (x86: TSC cycles) from the
 * exit's return to the guest-entry path, averaged; the world switch itself is not in it.
 */
static void print_handling_time(const struct vm *vm)
{
	char line[400];
	int len = format_snprintf(line, sizeof(line),
				  "cairn: exit handling of vm %s, ticks each:", vm->name);
	for (int r = 0; r < EXIT_REASON_COUNT && len < (int)sizeof(line); r++) {
		uint64_t n = vm_exit_count(vm, r), ticks = 0;
		if (!n)
			continue;
		for (uint32_t i = 0; i < vm->nvcpus; i++)
			ticks += vm->vcpus[i].exit_ticks[r];
		len += format_snprintf(line + len, sizeof(line) - (size_t)len, " %s %lu",
				       exit_reason_name(r), ticks / n);
	}
	printf("%s\n", line);
}

void vm_print_exit_stats(const struct vm *vm)
{
	char line[400];
	uint64_t total = 0;
	int len = 0;

	for (int r = 0; r < EXIT_REASON_COUNT; r++)
		total += vm_exit_count(vm, r);
	len = format_snprintf(line, sizeof(line), "cairn: exits of vm %s: total %lu", vm->name,
			      total);
	for (int r = 0; r < EXIT_REASON_COUNT && len < (int)sizeof(line); r++) {
		uint64_t n = vm_exit_count(vm, r);
		if (n)
			len += format_snprintf(line + len, sizeof(line) - (size_t)len, " %s %lu",
					       exit_reason_name(r), n);
	}
	len = arch_vm_stats_counters(vm, line, sizeof(line), len);
	if (vm->log_bucket.suppressed_total && len < (int)sizeof(line))
		format_snprintf(line + len, sizeof(line) - (size_t)len, " (log-suppressed %lu)",
				vm->log_bucket.suppressed_total);
	printf("%s\n", line);
	print_handling_time(vm);
	print_details(vm, "io", vm->io_ports, ARRAY_SIZE(vm->io_ports));
	print_details(vm, "mmio", vm->mmio_pages, ARRAY_SIZE(vm->mmio_pages));
	ioreq_print_stats(vm);
	arch_vm_stats_details(vm);
}
