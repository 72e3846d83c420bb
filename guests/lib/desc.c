/* SPDX-License-Identifier: BSD-3-Clause */
/* The guest's own GDT, TSS and IDT: ring-0 and ring-3 segments, a ring-0 stack, exception gates. */
#include "cpu.h"
#include "segments.h"

#define GDT_ENTRIES	 7 /* null, 4 segments, the 16-byte TSS descriptor */
#define IDT_ENTRIES	 256
#define RING0_STACK_SIZE (8 * KiB)

/* Flat segments: 64-bit code has L=1; data is writable. DPL 3 for the user pair. */
#define DESC_KERNEL_CODE 0x00AF9A000000FFFFull
#define DESC_KERNEL_DATA 0x00CF92000000FFFFull
#define DESC_USER_DATA	 0x00CFF2000000FFFFull
#define DESC_USER_CODE	 0x00AFFA000000FFFFull
#define DESC_TSS_TYPE	 0x89ull /* present, DPL 0, available 64-bit TSS */
#define GATE_TYPE	 0x8Eull /* present, 64-bit interrupt gate; DPL goes in bits 5-6 */

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS layout");

struct idt_gate {
	uint64_t low;
	uint64_t high;
};

/* From traps.S. */
extern const uint64_t exception_stub_table[EXCEPTION_VECTORS];
extern const char leave_cpl3_stub[];

/* From start.S: LGDT, then reload CS and the data segment registers. */
void cpu_load_gdt(const struct desc_ptr *gdtr);

/* Called once from _start, before any C code that could fault. */
void desc_init(void);

static uint64_t gdt[GDT_ENTRIES] __aligned(16);
static struct tss64 tss __aligned(16);
static struct idt_gate idt[IDT_ENTRIES] __aligned(16);
static uint8_t ring0_stack[RING0_STACK_SIZE] __aligned(16);

static void gdt_set_tss(unsigned int index, uint64_t base, uint32_t limit)
{
	gdt[index] = (limit & 0xFFFFull) | ((base & 0xFFFFFFull) << 16) | (DESC_TSS_TYPE << 40) |
		     ((uint64_t)((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[index + 1] = base >> 32;
}

static void gdt_init(void)
{
	struct desc_ptr gdtr = { .limit = sizeof(gdt) - 1, .base = (uint64_t)gdt };

	gdt[SEL_KERNEL_CODE >> 3] = DESC_KERNEL_CODE;
	gdt[SEL_KERNEL_DATA >> 3] = DESC_KERNEL_DATA;
	gdt[SEL_USER_DATA >> 3] = DESC_USER_DATA;
	gdt[SEL_USER_CODE >> 3] = DESC_USER_CODE;
	/* An exception at CPL 3 switches to RSP0; no I/O bitmap, so CPL 3 port I/O faults. */
	tss.rsp[0] = (uint64_t)(ring0_stack + sizeof(ring0_stack));
	tss.iomap_base = sizeof(tss);
	gdt_set_tss(SEL_TSS >> 3, (uint64_t)&tss, sizeof(tss) - 1);
	cpu_load_gdt(&gdtr);
	cpu_ltr(SEL_TSS);
}

static void idt_set_gate(unsigned int vector, uint64_t handler, unsigned int dpl)
{
	idt[vector].low = (handler & 0xFFFF) | ((uint64_t)SEL_KERNEL_CODE << 16) |
			  ((GATE_TYPE | (dpl << 5)) << 40) | (((handler >> 16) & 0xFFFF) << 48);
	idt[vector].high = handler >> 32;
}

void desc_set_interrupt_gate(unsigned int vector, void (*handler)(void))
{
	idt_set_gate(vector, (uint64_t)(uintptr_t)handler, 0);
}

/* Vectors 0-31 plus the CPL 3 return gate; the rest stay not-present (#NP if ever used). */
static void idt_init(void)
{
	struct desc_ptr idtr = { .limit = sizeof(idt) - 1, .base = (uint64_t)idt };

	for (unsigned int v = 0; v < EXCEPTION_VECTORS; v++)
		idt_set_gate(v, exception_stub_table[v], 0);
	idt_set_gate(VECTOR_LEAVE_CPL3, (uint64_t)leave_cpl3_stub, 3);
	cpu_lidt(&idtr);
}

void desc_init(void)
{
	gdt_init();
	idt_init();
}
