/* SPDX-License-Identifier: BSD-3-Clause */
/* Local APIC (xAPIC mode) of the current pCPU: enable, identify, send IPIs. */
#ifndef CAIRN_X86_LAPIC_H
#define CAIRN_X86_LAPIC_H

#include "lib/compiler.h"
#include "x86/apic.h"

#define LAPIC_BASE_ENABLE     (1ull << 11) /* IA32_APIC_BASE */
#define LAPIC_BASE_ADDR_MASK  0x000FFFFFFFFFF000ull
#define LAPIC_SVR_SOFT_ENABLE (1u << 8)

#define LAPIC_TIMER_VECTOR    0xEF /* the housekeeping pCPU's wake-up tick */
#define LAPIC_SPURIOUS_VECTOR 0xFF
/*
 * The hypervisor's task priority: class 1 blocks vectors 16-31 (0-15 are illegal), which the IDT
 * would take for exceptions (with a missing error code); the timer and anything from 32 up pass.
 */
#define LAPIC_HYPERVISOR_TPR 0x10

/* Physical base of the xAPIC page, read from IA32_APIC_BASE on the boot pCPU. */
extern uint64_t lapic_base;

/* Global- and software-enables this pCPU's LAPIC (never disables it: on AMD that clears LVTs). */
void lapic_init_cpu(void);
uint32_t lapic_id(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);

/* Sends an IPI in physical destination mode; -ETIMEDOUT if the APIC never reports it delivered. */
int lapic_send_ipi(uint32_t dest_apic_id, uint32_t icr_low);

/* Measures the LAPIC timer rate against the TSC (call after TSC calibration, on the boot pCPU). */
void lapic_timer_calibrate(void);
/* One-shot timer interrupt (LAPIC_TIMER_VECTOR) on this pCPU after `us` microseconds. */
void lapic_timer_oneshot_us(uint64_t us);
void lapic_timer_stop(void);

/* What lapic_reclaim() found and undid, for its log line. */
struct lapic_reclaim_report {
	uint32_t svr, tpr;	/* as the guest left them */
	uint32_t in_service;	/* ISR bits cleared by EOI */
	uint32_t pending_taken; /* IRR vectors taken (and EOIed) with the hypervisor's TPR */
	uint32_t pending_left;	/* vectors 16-31 still pending: never delivered (TPR) */
	bool base_restored;	/* IA32_APIC_BASE had to be rewritten */
};

/*
 * Takes this pCPU's LAPIC back from a guest that owned it (lapic_reclaim.c): global and software
 * enable with the spurious vector, the hypervisor's TPR, every LVT masked and the timer stopped,
 * errors cleared, every in-service vector EOIed and pending ones taken.
 */
void lapic_reclaim(struct lapic_reclaim_report *report);

/*
 * Masks every LVT of this pCPU's LAPIC and stops its timer (lapic_reclaim.c). At boot too: the
 * firmware leaves LINT0 in ExtINT mode on the boot pCPU, and the 8259 PIC (the Service VM's)
 * must not interrupt whatever guest that pCPU is given; Linux programs its own LVTs again.
 */
void lapic_mask_every_lvt(void);

#endif
