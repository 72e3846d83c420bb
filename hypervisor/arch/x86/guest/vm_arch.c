/* SPDX-License-Identifier: BSD-3-Clause */
/* The x86 side of a VM's life that core asks for by name (core/arch.h): release, statistics. */
#include "core/arch.h"
#include "core/console.h"
#include "core/vm.h"
#include "lib/format.h"
#include "x86/guest/ioapic_pt.h"
#include "x86/guest/service_dev.h"

void arch_vm_release(struct vm *vm)
{
	ioapic_pt_release(vm);
}

/* " (ipis-dropped N) (hpet-fsb-refused N) ...": the x86 refusals and caches, nonzero ones only. */
int arch_vm_stats_counters(const struct vm *vm, char *line, size_t size, int len)
{
	struct service_dev_counts upcalls = service_dev_counts(vm);
	uint64_t insn_hits = 0, insn_misses = 0;
	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		insn_hits += vm->vcpus[i].arch.mmio_insn_cache.hits;
		insn_misses += vm->vcpus[i].arch.mmio_insn_cache.misses;
	}
	const struct {
		const char *name;
		uint64_t count;
	} counters[] = {
		{ "ipis-dropped", vm->arch.ipis_dropped },
		{ "hpet-fsb-refused", vm->arch.hpet_fsb_refused },
		{ "routes-refused", vm->arch.routes_refused },
		{ "cfg-writes-refused", vm->arch.cfg_writes_refused },
		{ "ioapic-delivered", vm->arch.vioapic.delivered },
		{ "ioapic-dropped", vm->arch.vioapic.dropped },
		{ "upcalls", upcalls.sent },
		{ "upcalls-refused", upcalls.refused },
		{ "mmio-insn-cached", insn_hits },    /* trapped MOVs not fetched again */
		{ "mmio-insn-decoded", insn_misses }, /* fetched through the guest's tables */
	};

	for (size_t i = 0; i < ARRAY_SIZE(counters); i++)
		if (counters[i].count && len < (int)size)
			len += format_snprintf(line + len, size - (size_t)len, " (%s %lu)",
					       counters[i].name, counters[i].count);
	return len;
}

/* "cairn: msrs refused in vm X: rdmsr 0x... N wrmsr 0x... N" (the first 16 MSRs seen). */
void arch_vm_stats_details(const struct vm *vm)
{
	char line[400];
	int len = format_snprintf(line, sizeof(line), "cairn: msrs refused in vm %s:", vm->name);
	const struct exit_detail *t = vm->arch.msrs_refused;

	if (!t[0].count)
		return;
	for (size_t i = 0;
	     i < ARRAY_SIZE(vm->arch.msrs_refused) && t[i].count && len < (int)sizeof(line); i++)
		len += format_snprintf(line + len, sizeof(line) - (size_t)len, " %s 0x%lx %lu",
				       (t[i].key & MSR_REFUSED_WRITE) ? "wrmsr" : "rdmsr",
				       t[i].key & 0xFFFFFFFFu, t[i].count);
	printf("%s\n", line);
}
