/* SPDX-License-Identifier: BSD-3-Clause */
/* Selectors and vectors of the CPU tables every test guest loads (shared by C and assembly). */
#ifndef GUEST_SEGMENTS_H
#define GUEST_SEGMENTS_H

/* GDT layout: the user data/code order is the one SYSRET expects, should a guest ever use it. */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_DATA	(0x18 | 3)
#define SEL_USER_CODE	(0x20 | 3)
#define SEL_TSS		0x28 /* 16 bytes: GDT entries 5 and 6 */

#define EXCEPTION_VECTORS 32

/* The LAPIC timer's vector (lapic_timer.c): it only ends a HLT. */
#define VECTOR_LAPIC_TIMER 0x40

/* `int $VECTOR_LEAVE_CPL3` (a DPL-3 gate): a function run at CPL 3 has returned. */
#define VECTOR_LEAVE_CPL3 0x80

#endif
