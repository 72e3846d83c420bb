/* SPDX-License-Identifier: BSD-3-Clause */
/* The C side of a test guest's start: check and keep the start info, run guest_main, halt. */
#include "lib/string.h"
#include "console.h"
#include "cpu.h"
#include "guest.h"

static const struct cairn_start_info *start_info;

/* Copies with room for a NUL, so that a full field can never run into the next one. */
static char vm_name[sizeof(start_info->vm_name) + 1];
static char cmdline[sizeof(start_info->cmdline) + 1];

/* Called from _start (start.S) with the GPA the hypervisor left in RDI. */
__noreturn void guest_entry(const struct cairn_start_info *si);

__noreturn void guest_entry(const struct cairn_start_info *si)
{
	if (si->magic != CAIRN_START_INFO_MAGIC) {
		guest_printf("guest: bad start info magic 0x%x at %p\n", si->magic,
			     (const void *)si);
		guest_halt();
	}
	start_info = si;
	memcpy(vm_name, si->vm_name, sizeof(si->vm_name));
	memcpy(cmdline, si->cmdline, sizeof(si->cmdline));
	guest_main(si);
	guest_halt();
}

const struct cairn_start_info *guest_start_info(void)
{
	return start_info;
}

const char *guest_vm_name(void)
{
	return vm_name;
}

const char *guest_cmdline(void)
{
	return cmdline;
}

__noreturn void guest_halt(void)
{
	cpu_halt_forever();
}

__noreturn void guest_poweroff(void)
{
	outw(CAIRN_GUEST_PM1A_CNT_PORT, CAIRN_GUEST_PM1A_S5);
	cpu_halt_forever();
}
