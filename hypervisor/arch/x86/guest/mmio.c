/* Trapped guest MMIO: fetch and decode the MOV that faulted, hand the access to the VM's device. */
#include "x86/guest/exit_handlers.h"
#include "core/guest_mem.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/guest/mmio_decode.h"

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

/* Reads as many instruction bytes as are mapped, up to 15 (an instruction may end a page). */
static size_t fetch_insn(struct vcpu *vcpu, const struct vcpu_mode *pg, uint8_t *bytes)
{
	uint64_t at = pg->cs_base + virt_vcpu_rip(vcpu);
	size_t n = 0;

	if (guest_virt_read(vcpu, at, bytes, MAX_INSN_LEN) == 0)
		return MAX_INSN_LEN;
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

int guest_mmio_exit(struct vcpu *vcpu, const struct vm_exit *exit, const struct mmio_handler *h)
{
	uint8_t bytes[MAX_INSN_LEN];
	struct vcpu_mode pg;
	struct mmio_insn insn;
	const char *why;

	virt_vcpu_mode(vcpu, &pg);
	size_t len = fetch_insn(vcpu, &pg, bytes);
	if (mmio_decode(bytes, len, cpu_mode(&pg), &insn, &why))
		return vcpu_fault(vcpu, "cannot emulate the access to 0x%lx: %s", exit->mem.gpa,
				  why);
	if ((insn.dir == MMIO_WRITE) != exit->mem.write)
		return vcpu_fault(vcpu,
				  "access to 0x%lx: decoded direction disagrees with the fault",
				  exit->mem.gpa);
	/* AH, CH, DH, BH (numbers 4-7 without REX) are bits 15:8 of RAX, RCX, RDX, RBX. */
	unsigned reg = insn.high_byte ? insn.reg - 4u : insn.reg;
	if (!insn.has_imm && reg == REG_RSP)
		return vcpu_fault(vcpu, "access to 0x%lx through RSP is not emulated",
				  exit->mem.gpa);

	vm_count_detail(vcpu->vm->mmio_pages, ARRAY_SIZE(vcpu->vm->mmio_pages), exit->mem.gpa);
	uint64_t offset = exit->mem.gpa - h->gpa, value = 0;
	int err;
	if (insn.dir == MMIO_WRITE) {
		value = mmio_write_value(&insn, insn.has_imm ? 0 : *gpr(vcpu, reg));
		err = h->access(vcpu, h->opaque, offset, insn.size, true, &value);
	} else {
		err = h->access(vcpu, h->opaque, offset, insn.size, false, &value);
		if (!err)
			*gpr(vcpu, reg) = mmio_merge_read(&insn, *gpr(vcpu, reg), value);
	}
	if (err)
		return err;
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + insn.length);
	return 0;
}
