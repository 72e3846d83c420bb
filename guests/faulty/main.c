/* SPDX-License-Identifier: BSD-3-Clause */
/* faulty: misbehaves on purpose (triple fault, SVM instruction, wild access, cache instructions, IPIs out, delivery into MMIO, endless loop) per mode=. */
#include "cairn/guest_boot.h"
#include "cairn/hypercall.h"
#include "lib/string.h"
#include "args.h"
#include "console.h"
#include "cpu.h"
#include "exception.h"
#include "guest.h"
#include "hc.h"
#include "mmio_map.h"
#include "tsc.h"

#define MODE_SIZE	 64
#define PTE_PRESENT	 0x001ull
#define PTE_WRITABLE	 0x002ull
#define PTE_USER	 0x004ull
#define PTE_LARGE	 0x080ull
#define PTE_ADDR_MASK	 0x000FFFFFFFFFF000ull
#define PTE_TABLE_FLAGS	 (PTE_PRESENT | PTE_WRITABLE | PTE_USER)
#define LARGE_PAGE_SIZE	 (2 * MiB)
#define SPARE_TABLES	 4 /* a PDPT and a PD for each of the two 2 MiB pages an access may touch */
#define WILD_WRITE_VALUE 0x21594C5455414621ull /* "!FAULTY!" */
#define VECTOR_UD	 6
#define VECTOR_GP	 13
#define MSR_APIC_BASE	 0x1B
#define APIC_BASE_ENABLE (1ull << 11)
#define XAPIC_BASE	 0xFEE00000ull
#define XAPIC_LVT_TIMER	 0x320
#define XAPIC_TIMER_INIT 0x380
#define XAPIC_TIMER_DIV	 0x3E0
#define XAPIC_ICR_LOW	 0x300
#define XAPIC_ICR_HIGH	 0x310
#define ICR_ALL_BUT_SELF (3u << 18)
#define TIMER_PERIODIC	 (1u << 17)
#define TIMER_DIV_1	 0xB
#define STORM_VECTOR	 0x30 /* no gate in its IDT: each tick would be a #GP */
#define STORM_COUNT	 1000 /* a tick every microsecond or so (QEMU: 1 GHz bus clock) */
#define KICK_PERIOD_MS	 100

/* Page tables added to the hypervisor-built ones when the wild address lies beyond guest memory. */
static uint64_t spare_tables[SPARE_TABLES][512] __aligned(4096);
static unsigned int spare_tables_used;

/* An IDT with limit 0: every exception then becomes #GP, #DF and finally a triple fault. */
static void faulty_load_empty_idt(void)
{
	struct desc_ptr idtr = { .limit = 0, .base = 0 };

	cpu_lidt(&idtr);
}

static void faulty_triple_fault(void)
{
	faulty_load_empty_idt();
	asm volatile("ud2");
	guest_printf("faulty: survived the triple fault\n");
}

/* Cairn intercepts VMRUN and injects #UD, which the empty IDT turns into a triple fault. */
static void faulty_svm_insn(void)
{
	faulty_load_empty_idt();
	asm volatile("vmrun %%rax" : : "a"(0ul) : "memory");
	guest_printf("faulty: survived VMRUN\n");
}

/* The table an entry points to; a missing one is taken from spare_tables. NULL if none is left. */
static uint64_t *faulty_table_below(uint64_t *entry)
{
	if (!(*entry & PTE_PRESENT)) {
		if (spare_tables_used == SPARE_TABLES)
			return NULL;
		*entry = (uint64_t)spare_tables[spare_tables_used++] | PTE_TABLE_FLAGS;
	}
	return (uint64_t *)(*entry & PTE_ADDR_MASK);
}

/* Identity-maps the 2 MiB page holding addr, unless some mapping already covers it. */
static void faulty_map_large_page(uint64_t addr)
{
	uint64_t *pml4 = (uint64_t *)(read_cr3() & PTE_ADDR_MASK);
	uint64_t *pdpt = faulty_table_below(&pml4[(addr >> 39) & 511]);
	uint64_t *pd;

	if (!pdpt || (pdpt[(addr >> 30) & 511] & PTE_LARGE))
		return;
	pd = faulty_table_below(&pdpt[(addr >> 30) & 511]);
	if (!pd || (pd[(addr >> 21) & 511] & PTE_PRESENT))
		return;
	pd[(addr >> 21) & 511] = ALIGN_DOWN(addr, LARGE_PAGE_SIZE) | PTE_TABLE_FLAGS | PTE_LARGE;
	cpu_invlpg(addr);
}

/* An 8-byte access at a guest-physical address, mapped first if it lies beyond guest memory. */
static void faulty_wild_access(const char *addr_text, bool write, uint64_t memory_size)
{
	volatile uint64_t *p;
	uint64_t addr;

	if (!parse_u64(addr_text, 16, &addr)) {
		guest_printf("faulty: unknown mode\n");
		return;
	}
	if (addr >= memory_size || memory_size - addr < sizeof(*p)) {
		faulty_map_large_page(addr);
		faulty_map_large_page(addr + sizeof(*p) - 1);
	}
	p = (volatile uint64_t *)addr;
	if (write)
		*p = WILD_WRITE_VALUE;
	else
		(void)*p;
	guest_printf("faulty: survived the access\n");
}

static void faulty_vmrun(void)
{
	asm volatile("vmrun %%rax" : : "a"(0ul) : "memory");
}

/* VMRUN `count` times, each #UD caught by the guest's own IDT: one SVM-instruction exit each. */
static void faulty_svm_insn_loop(const char *count_text)
{
	uint64_t count, raised = 0;

	if (!parse_u64(count_text, 10, &count)) {
		guest_printf("faulty: unknown mode\n");
		return;
	}
	for (uint64_t i = 0; i < count; i++)
		raised += catch_exception(faulty_vmrun, NULL) == VECTOR_UD;
	guest_printf("faulty: %lu of %lu VMRUNs raised #UD\n", raised, count);
}

static void faulty_clear_apic_enable(void)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_APIC_BASE));
	lo &= ~(uint32_t)APIC_BASE_ENABLE;
	asm volatile("wrmsr" : : "c"(MSR_APIC_BASE), "a"(lo), "d"(hi) : "memory");
}

static void faulty_xapic_write(uint32_t reg, uint32_t value)
{
	*(volatile uint32_t *)(uintptr_t)(XAPIC_BASE + reg) = value;
}

/*
 * Leaves its pCPU's LAPIC as hostile as a partition can: its timer firing every microsecond
 * (periodic, divide by 1, a vector it has no gate for), TPR 15 through CR8, and
 * disabling the APIC through IA32_APIC_BASE tried; then triple-faults. The hypervisor must take
 * the LAPIC back from that (arch_pcpu_reclaim).
 */
static void faulty_tpr_fault(void)
{
	uint64_t cr8 = 15;

	if (guest_map_uncached(XAPIC_BASE, 1)) {
		faulty_xapic_write(XAPIC_TIMER_DIV, TIMER_DIV_1);
		faulty_xapic_write(XAPIC_LVT_TIMER, TIMER_PERIODIC | STORM_VECTOR);
		faulty_xapic_write(XAPIC_TIMER_INIT, STORM_COUNT);
	}
	asm volatile("mov %0, %%cr8" : : "r"(cr8) : "memory");
	asm volatile("mov %%cr8, %0" : "=r"(cr8));
	guest_printf("faulty: cr8 %lu, APIC disable through IA32_APIC_BASE raised %s\n", cr8,
		     exception_name(catch_exception(faulty_clear_apic_enable, NULL)));
	faulty_triple_fault();
}

/*
 * 4-byte ICR writes, each a valid xAPIC access, aimed at an APIC ID outside the VM: INIT
 * (assert), STARTUP, NMI, a fixed vector and SMI; then an INIT to all but itself (nobody, in a
 * one-vCPU VM). None may reach that pCPU; the hypervisor drops and counts each.
 */
static void faulty_ipi_escape(const char *apic_text)
{
	static const uint32_t icr_lows[] = { 0x4500, 0x4610, 0x4400, 0x4040, 0x4200 };
	uint64_t apic_id;

	if (!parse_u64(apic_text, 10, &apic_id) || apic_id > 0xFE ||
	    !guest_map_uncached(XAPIC_BASE, 1)) {
		guest_printf("faulty: unknown mode\n");
		return;
	}
	for (unsigned int i = 0; i < sizeof(icr_lows) / sizeof(icr_lows[0]); i++) {
		faulty_xapic_write(XAPIC_ICR_HIGH, (uint32_t)apic_id << 24);
		faulty_xapic_write(XAPIC_ICR_LOW, icr_lows[i]);
	}
	faulty_xapic_write(XAPIC_ICR_LOW, ICR_ALL_BUT_SELF | 0x4500);
	guest_printf("faulty: ICR writes to APIC ID %lu done\n", apic_id);
}

/*
 * Kicks its watchdog every KICK_PERIOD_MS until a byte arrives on its vUART, then stops kicking
 * and spins without a single VM exit: only the housekeeping pCPU can then notice the watchdog.
 */
static __noreturn void faulty_kick_until_input(void)
{
	uint64_t kicks = 0;

	guest_printf("faulty: kicking the watchdog until input\n");
	do {
		if (hc_vmmcall(HC_CAIRN_WATCHDOG_KICK, 0, 0) != 0) {
			guest_printf("faulty: watchdog kick refused\n");
			break;
		}
		kicks++;
		delay_ms(KICK_PERIOD_MS);
	} while (guest_getc() < 0);
	guest_printf("faulty: stopped kicking after %lu kicks\n", kicks);
	asm volatile("cli\n1: jmp 1b");
	__builtin_unreachable();
}

static __noreturn void faulty_loop(void)
{
	guest_printf("faulty: looping\n");
	asm volatile("cli\n1: jmp 1b");
	__builtin_unreachable();
}

/* INVD would discard the hypervisor's dirty cache lines: it must exit, as WBINVD/WBNOINVD do. */
static void faulty_cache_insns(void)
{
	asm volatile("invd" ::: "memory");
	asm volatile("wbinvd" ::: "memory");
	asm volatile(".byte 0xf3, 0x0f, 0x09" ::: "memory"); /* WBNOINVD */
	guest_printf("faulty: cache instructions done\n");
}

/*
 * An exception whose delivery pushes onto a stack in the LAPIC page (writes to it are emulated):
 * no instruction made that access, so there is nothing to emulate; the hypervisor stops the VM.
 * The gate for #BP is a working one (guests/lib/desc.c, no IST): only the stack is wrong.
 */
static void faulty_deliver_into_mmio(void)
{
	if (!guest_map_uncached(XAPIC_BASE, 1)) {
		guest_printf("faulty: unknown mode\n");
		return;
	}
	guest_printf("faulty: int3 with the stack in the LAPIC page\n");
	asm volatile("mov %0, %%rsp\n\tint3\n1:\tjmp 1b" : : "r"(XAPIC_BASE + 0x400) : "memory");
	__builtin_unreachable();
}

static bool mode_is(const char *mode, const char *prefix)
{
	return strncmp(mode, prefix, strlen(prefix)) == 0;
}

void guest_main(const struct cairn_start_info *si)
{
	char mode[MODE_SIZE];

	if (!arg_get("mode", mode, sizeof(mode)))
		mode[0] = '\0';
	guest_printf("faulty: mode %s\n", mode);
	if (strcmp(mode, "triple-fault") == 0)
		faulty_triple_fault();
	else if (strcmp(mode, "svm-insn") == 0)
		faulty_svm_insn();
	else if (mode_is(mode, "wild-read="))
		faulty_wild_access(mode + strlen("wild-read="), false, si->memory_size);
	else if (mode_is(mode, "wild-write="))
		faulty_wild_access(mode + strlen("wild-write="), true, si->memory_size);
	else if (strcmp(mode, "cache-insns") == 0)
		faulty_cache_insns();
	else if (strcmp(mode, "loop") == 0)
		faulty_loop();
	else if (mode_is(mode, "svm-insn-loop="))
		faulty_svm_insn_loop(mode + strlen("svm-insn-loop="));
	else if (strcmp(mode, "tpr-fault") == 0)
		faulty_tpr_fault();
	else if (mode_is(mode, "ipi-escape="))
		faulty_ipi_escape(mode + strlen("ipi-escape="));
	else if (strcmp(mode, "deliver-into-mmio") == 0)
		faulty_deliver_into_mmio();
	else if (strcmp(mode, "kick-until-input") == 0)
		faulty_kick_until_input();
	else
		guest_printf("faulty: unknown mode\n");
	guest_halt();
}
