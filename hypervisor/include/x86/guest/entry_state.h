/* SPDX-License-Identifier: BSD-3-Clause */
/* Architectural states a vCPU starts in: a loader's 64-bit entry, a STARTUP IPI's real mode. */
#ifndef CAIRN_X86_GUEST_ENTRY_STATE_H
#define CAIRN_X86_GUEST_ENTRY_STATE_H

#include "core/vcpu.h"
#include "x86/vcpu_state.h"

/* A 64-bit entry: a GDT with GDT_DESC_CODE64 at code_sel, GDT_DESC_DATA at data_sel; paging on. */
struct long_mode_entry {
	uint64_t rip, rsp;
	uint64_t cr3; /* 4-level tables mapping at least the code, the stack and the GDT */
	struct vcpu_table_reg gdtr;
	uint16_t code_sel, data_sel;
};

/* The PAT's power-on value (WB, WT, UC-, UC twice over). */
#define PAT_RESET_VALUE	  0x0007040600070406ull
#define DR6_RESET_VALUE	  0xFFFF0FF0ull
#define DR7_RESET_VALUE	  0x400ull
#define RFLAGS_RESERVED_1 0x2ull /* bit 1 always reads as 1 */

/*
 * CR0 = PE|MP|ET|NE|WP|PG, CR4 = PAE, EFER = LME|LMA, CPL 0, interrupts off, flat segments from
 * the GDT, TR a busy 64-bit TSS at 0 (limit 0x67), no LDT, IDTR limit 0, every GPR but RSP 0.
 */
void entry_state_long_mode(struct vcpu_arch_state *st, const struct long_mode_entry *e);

/*
 * What INIT then STARTUP with `vector` give an AP (Intel SDM vol. 3 and AMD APM vol. 2, state
 * after reset/INIT): real mode at vector:0 (CS = vector << 8, base vector << 12), CR0 = ET, the
 * other segments 0 with limit 0xFFFF, RIP 0, GDTR/IDTR limit 0xFFFF, EFER 0.
 */
void entry_state_startup(struct vcpu_arch_state *st, uint8_t vector);

/*
 * Starts vcpu from st as from a reset: its registers (virt_vcpu_set_state) and its LAPIC's mode
 * (xAPIC, x2apic.c). Every start of a vCPU goes through here.
 */
int vcpu_enter_state(struct vcpu *vcpu, const struct vcpu_arch_state *st);

/* Puts the vCPU in entry_state_startup()'s state: a STARTUP IPI arrived after INIT. */
void vcpu_start_at_sipi(struct vcpu *vcpu, uint8_t vector);

#endif
