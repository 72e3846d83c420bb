/* SPDX-License-Identifier: BSD-3-Clause */
/* What trap_dispatch() tells the IDT stubs (trap_entry.S) through the frame's vector slot. */
#ifndef CAIRN_X86_TRAP_ABI_H
#define CAIRN_X86_TRAP_ABI_H

/*
 * Set in frame->vector by trap_dispatch(): the event was an external interrupt on a vector for
 * which the CPU pushes an error code with exceptions but did not here, so the stub returns from
 * one slot lower (the "error code" slot holds the interrupted RIP).
 */
#define TRAP_NO_ERROR_CODE (-1)

/* Exceptions for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

#endif
