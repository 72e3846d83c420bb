/* SPDX-License-Identifier: BSD-3-Clause */
/* Hypervisor IDT and exception reporting: every fault is printed with full state, then that pCPU stops. */
#include "core/console.h"
#include "core/pcpu.h"
#include "x86/boot_defs.h"
#include "x86/cpu.h"
#include "x86/lapic.h"
#include "x86/trap_abi.h"
#include "x86/traps.h"
#include "x86/virt_backend.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist; /* always 0: after a VM exit TR is the guest's, so IST stacks cannot be trusted */
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

#define IDT_INTERRUPT_GATE 0x8E

extern const uint64_t trap_stub_table[256];
extern const struct descriptor_ptr boot_gdt_desc;

static struct idt_gate idt[256] __aligned(16);
static bool idt_built;

static const char *const exception_names[32] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM device not available",
	"#DF double fault",
	"coprocessor overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved 15",
	"#MF x87 error",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD error",
	"#VE virtualization",
	"#CP control protection",
	"reserved 22",
	"reserved 23",
	"reserved 24",
	"reserved 25",
	"reserved 26",
	"reserved 27",
	"#HV hypervisor injection",
	"#VC VMM communication",
	"#SX security",
	"reserved 31",
};

static void idt_build(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t addr = trap_stub_table[v];
		idt[v] = (struct idt_gate){
			.offset_low = (uint16_t)addr,
			.selector = GDT_SEL_CODE64,
			.type_attr = IDT_INTERRUPT_GATE,
			.offset_mid = (uint16_t)(addr >> 16),
			.offset_high = (uint32_t)(addr >> 32),
		};
	}
	idt_built = true;
}

void traps_init_cpu(void)
{
	static const struct descriptor_ptr idt_desc = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	if (!idt_built)
		idt_build();
	__asm__ volatile("lgdt %0" : : "m"(boot_gdt_desc));
	/* Reload CS and the data segments: APs arrive with the trampoline GDT's selectors. */
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\tmovl %[ds], %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss"
			 :
			 : [cs] "i"(GDT_SEL_CODE64), [ds] "i"(GDT_SEL_DATA)
			 : "rax", "memory");
	__asm__ volatile("lidt %0" : : "m"(idt_desc));
}

static void trap_report_fatal(const struct trap_frame *f)
{
	const char *name = f->vector < 32 ? exception_names[f->vector] : "unexpected interrupt";

	uint32_t id = pcpu_current_id();

	printf("cairn: FATAL exception on pCPU %u (APIC ID %u): vector %lu (%s), error code "
	       "0x%lx\n",
	       id, pcpu_current()->apic_id, f->vector, name, f->error_code);
	printf("  RIP %016lx  CS %04lx  RFLAGS %016lx  RSP %016lx  SS %04lx\n", f->rip, f->cs,
	       f->rflags, f->rsp, f->ss);
	printf("  CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(), read_cr2(),
	       read_cr3(), read_cr4());
	printf("  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", f->rax, f->rbx, f->rcx,
	       f->rdx);
	printf("  RSI %016lx  RDI %016lx  RBP %016lx  R8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	printf("  R9  %016lx  R10 %016lx  R11 %016lx  R12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
	printf("  R13 %016lx  R14 %016lx  R15 %016lx\n", f->r13, f->r14, f->r15);
	printf("cairn: pCPU %u stopped\n", id);
}

extern const uint8_t pcpu_wait_window[], pcpu_wait_resume[];

/* Anything that lands between pcpu_wait_signal()'s mailbox check and its HLT skips the HLT. */
static void skip_pending_halt(struct trap_frame *frame)
{
	if (frame->rip >= (uint64_t)(uintptr_t)pcpu_wait_window &&
	    frame->rip < (uint64_t)(uintptr_t)pcpu_wait_resume)
		frame->rip = (uint64_t)(uintptr_t)pcpu_wait_resume;
}

/* An interrupt the hypervisor did not ask for: a guest's, left pending when it stopped, or a stray. */
static void stray_interrupt(const struct trap_frame *frame)
{
	static uint32_t reported;
	struct pcpu *cpu = pcpu_current();

	lapic_write(LAPIC_REG_EOI, 0);
	if (cpu->draining_interrupts) {
		cpu->interrupts_drained++;
		return;
	}
	uint32_t n = __atomic_fetch_add(&reported, 1, __ATOMIC_RELAXED);
	if (n < 8)
		printf("cairn: pCPU %u: unexpected interrupt vector %lu ignored%s\n", cpu->id,
		       frame->vector, n == 7 ? " (no more of these are reported)" : "");
}

#define LAPIC_REG_ISR0 0x100 /* in-service bits of vectors 0-31 */

/* The only code that runs with interrupts enabled: pcpu_wait_signal() up to its CLI. */
static bool in_interruptible_wait(uint64_t rip)
{
	return rip >= (uint64_t)(uintptr_t)pcpu_wait_signal &&
	       rip <= (uint64_t)(uintptr_t)pcpu_wait_resume;
}

/*
 * A device interrupt (or an IPI) on one of the CPU's exception vectors, taken while idle in
 * pcpu_wait_signal(): a VM routed it here. Harmless: EOI if the LAPIC took it, count, return.
 * On an error-code vector the CPU pushed no error code, so the "error code" is the RIP.
 */
static bool low_vector_interrupt(struct trap_frame *f)
{
	static uint64_t seen;
	bool has_code = HAS_ERROR_CODE(f->vector);

	if (has_code ? !(in_interruptible_wait(f->error_code) && f->rip == GDT_SEL_CODE64)
		     : !in_interruptible_wait(f->rip))
		return false;
	if (lapic_read(LAPIC_REG_ISR0) & (1u << f->vector))
		lapic_write(LAPIC_REG_EOI, 0);
	uint64_t n = __atomic_fetch_add(&seen, 1, __ATOMIC_RELAXED);
	if (n < 4)
		printf("cairn: pCPU %u: interrupt on exception vector %lu while idle: ignored\n",
		       pcpu_current_id(), f->vector);
	else if (n == 4)
		printf("cairn: further interrupts on exception vectors are ignored silently\n");
	if (has_code)
		f->vector = (uint64_t)TRAP_NO_ERROR_CODE;
	return true;
}

void trap_dispatch(struct trap_frame *frame)
{
	/* NMIs are the hypervisor's own inter-pCPU signal; the interrupted code reads its mailbox. */
	if (frame->vector == VECTOR_NMI) {
		virt_backend_host_nmi();
		skip_pending_halt(frame);
		return;
	}
	if (frame->vector >= 32) {
		skip_pending_halt(frame);
		if (frame->vector == LAPIC_TIMER_VECTOR)
			lapic_write(LAPIC_REG_EOI, 0);
		else if (frame->vector != LAPIC_SPURIOUS_VECTOR)
			stray_interrupt(frame);
		return;
	}
	if (low_vector_interrupt(frame))
		return;
	trap_report_fatal(frame);
	cpu_halt_forever();
}
