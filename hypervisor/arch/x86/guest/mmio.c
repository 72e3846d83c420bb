/* SPDX-License-Identifier: BSD-3-Clause */
/* Trapped guest MMIO: the MOV that faulted decoded (or found cached) into an access, served, finished. */
#include "core/guest_mem.h"
#include "core/io_emul.h"
#include "core/virt.h"
#include "core/vm.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "x86/guest/exit_handlers.h"
#include "x86/guest/guest_walk.h"
#include "x86/guest/io.h"
#include "x86/guest/mmio_decode.h"
#include "x86/guest/mmio_insn_cache.h"

#define MAX_INSN_LEN MMIO_INSN_MAX_LEN
#define REG_RSP	     4

/* struct vcpu_regs in x86 register-number order (RSP, number 4, lives with the vendor state). */
static uint64_t *gpr(struct vcpu *vcpu, unsigned n)
{
	struct vcpu_regs *r = &vcpu->regs;
	uint64_t *const map[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, NULL,	 &r->rbp,
				    &r->rsi, &r->rdi, &r->r8,  &r->r9,	&r->r10, &r->r11,
				    &r->r12, &r->r13, &r->r14, &r->r15 };
	return map[n & 15];
}

/*
 * Reads as many instruction bytes at linear address `at` as are mapped, up to 15 (an instruction
 * may end a page); when the part in the first page came in one piece, *src says from where.
 */
static size_t fetch_insn(struct vcpu *vcpu, const struct vcpu_mode *pg, uint64_t at, uint8_t *bytes,
			 struct mmio_insn_source *src)
{
	size_t first = MIN(MAX_INSN_LEN, PAGE_SIZE - (at & (PAGE_SIZE - 1))), n = 0;
	uint64_t gpa;

	src->generation = vm_mem_generation(vcpu->vm);
	src->in_page = 0;
	if (!guest_virt_translate(vcpu, pg, at, &gpa, &src->walk) &&
	    !guest_phys_locate(vcpu->vm, gpa, first, VIRT_MEM_READ, &src->hpa)) {
		memcpy(bytes, phys_to_virt(src->hpa), first);
		src->in_page = n = first;
	}
	while (n < MAX_INSN_LEN && guest_virt_read(vcpu, at + n, bytes + n, 1) == 0)
		n++;
	return n;
}

static int cpu_mode(const struct vcpu_mode *pg)
{
	if (pg->long_mode_code)
		return 64;
	return pg->default_32bit ? 32 : 16;
}

/* AH, CH, DH, BH (numbers 4-7 without REX) are bits 15:8 of RAX, RCX, RDX, RBX. */
static unsigned insn_gpr(const struct mmio_insn *insn)
{
	return insn->high_byte ? insn->reg - 4u : insn->reg;
}

int guest_mmio_decode(struct vcpu *vcpu, const struct vm_exit *exit)
{
	struct io_pending *p = &vcpu->arch.pending_io;
	uint8_t bytes[MAX_INSN_LEN];
	struct vcpu_mode pg;
	struct mmio_insn insn;
	const char *why;

	virt_vcpu_mode(vcpu, &pg);
	uint64_t at = pg.cs_base + virt_vcpu_rip(vcpu);
	if (!mmio_insn_cache_lookup(vcpu, &pg, at, &insn)) {
		struct mmio_insn_source src;
		size_t len = fetch_insn(vcpu, &pg, at, bytes, &src);
		if (mmio_decode(bytes, len, cpu_mode(&pg), &insn, &why))
			return vcpu_fault(vcpu, "cannot emulate the access to 0x%lx: %s",
					  exit->mem.gpa, why);
		mmio_insn_cache_fill(vcpu, &pg, at, &src, bytes, &insn);
	}
	if ((insn.dir == MMIO_WRITE) != exit->mem.write)
		return vcpu_fault(vcpu,
				  "access to 0x%lx: decoded direction disagrees with the fault",
				  exit->mem.gpa);
	if (!insn.has_imm && insn_gpr(&insn) == REG_RSP)
		return vcpu_fault(vcpu, "access to 0x%lx through RSP is not emulated",
				  exit->mem.gpa);
	*p = (struct io_pending){
		.active = true,
		.access = { .bus = IO_BUS_MMIO,
			    .addr = exit->mem.gpa,
			    .size = insn.size,
			    .write = insn.dir == MMIO_WRITE },
		.next_rip = virt_vcpu_rip(vcpu) + insn.length,
		.insn = insn,
	};
	if (p->access.write)
		p->access.value =
			mmio_write_value(&insn, insn.has_imm ? 0 : *gpr(vcpu, insn_gpr(&insn)));
	return 0;
}

int guest_mmio_finish(struct vcpu *vcpu, const struct io_access *access)
{
	struct io_pending *p = &vcpu->arch.pending_io;

	if (!io_pending_matches(p, IO_BUS_MMIO, access))
		return vcpu_fault(vcpu, "MMIO access finished that is not the one pending");
	p->active = false;
	if (!access->write) {
		uint64_t *reg = gpr(vcpu, insn_gpr(&p->insn));
		*reg = mmio_merge_read(&p->insn, *reg, access->value);
	}
	virt_vcpu_set_rip(vcpu, p->next_rip);
	return 0;
}

int guest_mmio_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	struct io_access *access = &vcpu->arch.pending_io.access;
	int err = guest_mmio_decode(vcpu, exit);

	if (err)
		return err;
	vm_count_detail(vcpu->vm->mmio_pages, ARRAY_SIZE(vcpu->vm->mmio_pages), exit->mem.gpa);
	return guest_io_serve(vcpu, access, guest_mmio_finish);
}
