/* SPDX-License-Identifier: BSD-3-Clause */
/* The 64-bit entry state a test guest starts in (abi/cairn/guest_boot.h), as ACRN's vCPU registers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cairn/guest_boot.h"
#include "x86/boot_defs.h"
#include "x86/guest/boot_tables.h"
#include "x86/vcpu_state.h"
#include "dm/boot.h"

/*
 * The tables come from the hypervisor's own boot_tables.c (linked, not copied), the code that
 * lays out a partition's identity map and GDT. It writes through guest_ram_ptr(vm, gpa), which
 * on a host build is vm->mem_hpa + gpa, so a struct vm whose mem_hpa is our mapping of the
 * guest's RAM is all it needs.
 */
#define CODE_SEL 0x08 /* data at 0x10, as for partitions */

static void write_start_info(struct dm_mem *mem, const struct dm_start_params *p)
{
	struct cairn_start_info *si = dm_gpa_to_hva(mem, CAIRN_GUEST_START_INFO, sizeof(*si));

	memset(si, 0, sizeof(*si));
	si->magic = CAIRN_START_INFO_MAGIC;
	si->vm_id = p->vm_id;
	si->vcpu_id = 0;
	si->pcpu_apic_id = p->pcpu_apic_id;
	si->memory_size = mem->size;
	si->tsc_khz = p->tsc_khz;
	snprintf(si->vm_name, sizeof(si->vm_name), "%s", p->vm_name ? p->vm_name : "");
	snprintf(si->cmdline, sizeof(si->cmdline), "%s", p->cmdline ? p->cmdline : "");
}

int dm_boot_entry_64(struct dm_mem *mem, const struct dm_start_params *p,
		     struct acrn_vcpu_regs *regs)
{
	const struct boot_tables tables = {
		.gdt = CAIRN_GUEST_GDT,
		.code_sel = CODE_SEL,
		.page_tables = CAIRN_GUEST_PAGE_TABLES,
		.map_size = mem->size,
		.user = true,
	};
	struct long_mode_entry e = { .rip = p->entry, .rsp = mem->size };
	struct vm vm;
	struct acrn_regs *r = &regs->vcpu_regs;

	if (mem->size < CAIRN_GUEST_IMAGE_MIN ||
	    CAIRN_GUEST_PAGE_TABLES + BOOT_TABLES_PAGE_TABLES_SIZE(mem->size) >
		    CAIRN_GUEST_IMAGE_MIN)
		return -EINVAL;
	memset(&vm, 0, sizeof(vm));
	vm.mem_hpa = (uint64_t)(uintptr_t)mem->hva;
	vm.mem_size = mem->size;
	boot_tables_write(&vm, &tables, &e);
	write_start_info(mem, p);

	memset(regs, 0, sizeof(*regs));
	regs->vcpu_id = 0;
	r->gprs.rsp = e.rsp;
	r->gprs.rdi = CAIRN_GUEST_START_INFO;
	r->gdt.base = e.gdtr.base;
	r->gdt.limit = e.gdtr.limit;
	r->idt.base = 0;
	r->idt.limit = 0;
	r->rip = e.rip;
	r->cs_base = 0;
	r->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	r->cr3 = e.cr3;
	r->cr4 = CR4_PAE;
	r->ia32_efer = EFER_LME | EFER_LMA;
	r->rflags = 0x2; /* bit 1 reads as 1; IF clear */
	r->cs_ar = seg_access_from_descriptor(GDT_DESC_CODE64);
	r->cs_limit = 0xFFFFFFFF;
	r->cs_sel = e.code_sel;
	r->ss_sel = r->ds_sel = r->es_sel = r->fs_sel = r->gs_sel = e.data_sel;
	r->ldt_sel = 0;
	r->tr_sel = 0;
	return 0;
}
