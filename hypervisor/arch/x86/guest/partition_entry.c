/* SPDX-License-Identifier: BSD-3-Clause */
/* How a pre-launched partition's vCPU 0 starts on x86 (abi/cairn/guest_boot.h). */
#include "cairn/guest_boot.h"
#include "core/arch.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "x86/guest/boot_tables.h"
#include "x86/guest/entry_state.h"

#define PARTITION_CODE_SEL 0x08 /* data at 0x10 */

int arch_partition_set_entry(struct vm *vm, uint64_t entry)
{
	const struct boot_tables tables = {
		.gdt = CAIRN_GUEST_GDT,
		.code_sel = PARTITION_CODE_SEL,
		.page_tables = CAIRN_GUEST_PAGE_TABLES,
		.map_size = vm->mem_size,
		.user = true,
	};
	struct long_mode_entry e = { .rip = entry, .rsp = vm->mem_size };
	struct vcpu_arch_state st;

	if (CAIRN_GUEST_PAGE_TABLES + BOOT_TABLES_PAGE_TABLES_SIZE(vm->mem_size) >
	    CAIRN_GUEST_IMAGE_MIN)
		return -E2BIG; /* the tables would run into the image */
	boot_tables_write(vm, &tables, &e);
	entry_state_long_mode(&st, &e);
	st.regs.rdi = CAIRN_GUEST_START_INFO;
	return vcpu_enter_state(&vm->vcpus[0], &st);
}
