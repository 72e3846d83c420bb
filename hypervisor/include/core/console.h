/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's console: formatted, line-atomic output shared by all pCPUs. */
#ifndef CAIRN_CORE_CONSOLE_H
#define CAIRN_CORE_CONSOLE_H

#include <stdarg.h>

#include "lib/compiler.h"

void console_init(void);
void console_write(const char *s, size_t len);
int printf(const char *fmt, ...) __printf_like(1, 2);
int vprintf(const char *fmt, va_list ap);

/* Prints the message with the pCPU that hit it and halts that pCPU. Only for hypervisor bugs. */
__noreturn void panic(const char *fmt, ...) __printf_like(1, 2);

#endif
