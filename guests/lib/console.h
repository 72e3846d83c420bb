/* SPDX-License-Identifier: BSD-3-Clause */
/* A test guest's console: the vUART (a 16550 at CAIRN_VUART_PORT), polled, no interrupts. */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include "lib/compiler.h"

void guest_putc(char c);

/* Formats with hypervisor/lib/format.c (at most 511 characters), then writes the result. */
int guest_printf(const char *fmt, ...) __printf_like(1, 2);

/* The next received byte, or -1 when none is waiting. Never blocks. */
int guest_getc(void);

#endif
