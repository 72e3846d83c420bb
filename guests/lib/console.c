/* SPDX-License-Identifier: BSD-3-Clause */
/* A test guest's console: polled output to and input from the vUART, and guest_printf. */
#include <stdarg.h>

#include "cairn/guest_boot.h"
#include "lib/format.h"
#include "console.h"
#include "cpu.h"

#define UART_DATA	  0 /* THR on write, RBR on read */
#define UART_LSR	  5
#define LSR_DATA_READY	  0x01
#define LSR_THR_EMPTY	  0x20
#define CONSOLE_LINE_SIZE 512

/* Lines end in "\n" alone: the vUART's reader, not the guest, decides how to show them. */
void guest_putc(char c)
{
	while (!(inb(CAIRN_VUART_PORT + UART_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(CAIRN_VUART_PORT + UART_DATA, (uint8_t)c);
}

int guest_printf(const char *fmt, ...)
{
	char line[CONSOLE_LINE_SIZE];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = format_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (const char *p = line; *p; p++)
		guest_putc(*p);
	return len;
}

int guest_getc(void)
{
	if (!(inb(CAIRN_VUART_PORT + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(CAIRN_VUART_PORT + UART_DATA);
}
