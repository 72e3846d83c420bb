/* SPDX-License-Identifier: BSD-3-Clause */
/* The boot pCPU's first C code: per-pCPU base, console, exception handling, then the loader's data. */
#include "core/boot_info.h"
#include "core/console.h"
#include "core/hypervisor.h"
#include "core/pcpu.h"
#include "x86/cpu.h"
#include "x86/traps.h"

static struct boot_info boot_info;

__noreturn void boot_main(uint32_t magic, uint32_t info_addr);

void boot_main(uint32_t magic, uint32_t info_addr)
{
	size_t dropped;

	pcpu_set_current(&pcpus[0]);
	console_init();
	traps_init_cpu();

	int err = multiboot_parse(magic, (const void *)(uintptr_t)info_addr, &boot_info, &dropped);
	if (err) {
		printf("cairn: cannot read the boot information (magic 0x%x at 0x%x): error %d; "
		       "boot Cairn with a multiboot 1 or 2 loader\n",
		       magic, info_addr, err);
		cpu_halt_forever();
	}
	if (dropped)
		printf("cairn: warning: %zu memory map entries or modules ignored (table full)\n",
		       dropped);
	hypervisor_main(&boot_info);
}
