/* SPDX-License-Identifier: BSD-3-Clause */
/* The x86 APIC vocabulary: xAPIC register offsets, ICR fields and delivery modes (one set for all). */
#ifndef CAIRN_X86_APIC_H
#define CAIRN_X86_APIC_H

/* Delivery modes: bits 10:8 of the ICR and LVTs, of an IOAPIC entry and of an MSI's data. */
#define APIC_DM_FIXED	0
#define APIC_DM_LOWEST	1
#define APIC_DM_SMI	2
#define APIC_DM_NMI	4
#define APIC_DM_INIT	5
#define APIC_DM_STARTUP 6
#define APIC_DM_EXTINT	7

#define LAPIC_REG_ID	 0x020
#define LAPIC_REG_VER	 0x030
#define LAPIC_REG_TPR	 0x080
#define LAPIC_REG_EOI	 0x0B0
#define LAPIC_REG_LDR	 0x0D0
#define LAPIC_REG_DFR	 0x0E0
#define LAPIC_REG_SVR	 0x0F0
#define LAPIC_REG_ESR	 0x280
#define LAPIC_REG_ISR0	 0x100 /* 8 registers, 16 bytes apart: vectors 0-255 */
#define LAPIC_REG_IRR0	 0x200
#define LAPIC_REG_ICR_LO 0x300
#define LAPIC_REG_ICR_HI 0x310

#define LAPIC_REG_LVT_CMCI    0x2F0
#define LAPIC_REG_LVT_TIMER   0x320 /* the first LVT in the 0x320-0x370 block */
#define LAPIC_REG_LVT_THERMAL 0x330
#define LAPIC_REG_LVT_PERF    0x340
#define LAPIC_REG_LVT_LINT0   0x350
#define LAPIC_REG_LVT_LINT1   0x360
#define LAPIC_REG_LVT_ERROR   0x370
#define LAPIC_LVT_MASKED      (1u << 16)

#define LAPIC_REG_TIMER_INIT 0x380
#define LAPIC_REG_TIMER_CUR  0x390
#define LAPIC_REG_TIMER_DIV  0x3E0

#define ICR_VECTOR	     0xFFu
#define ICR_DM(icr)	     (((icr) >> 8) & 7) /* APIC_DM_* */
#define ICR_DM_FIXED	     (APIC_DM_FIXED << 8)
#define ICR_DM_NMI	     (APIC_DM_NMI << 8)
#define ICR_DM_INIT	     (APIC_DM_INIT << 8)
#define ICR_DM_STARTUP	     (APIC_DM_STARTUP << 8)
#define ICR_DEST_LOGICAL     (1u << 11)
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT     (1u << 14)
#define ICR_TRIGGER_LEVEL    (1u << 15)
#define ICR_SHORTHAND(icr)   (((icr) >> 18) & 3) /* ICR_SH_* */
#define ICR_SH_NONE	     0
#define ICR_SH_SELF	     1
#define ICR_SH_ALL	     2
#define ICR_SH_OTHERS	     3
#define APIC_BROADCAST_ID    0xFF	 /* xAPIC physical destination: every CPU */
#define X2APIC_BROADCAST_ID  0xFFFFFFFFu /* x2APIC destination (physical or logical): every CPU */

#endif
