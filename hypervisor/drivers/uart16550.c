/* SPDX-License-Identifier: BSD-3-Clause */
/* Polled 16550 UART driver for the hypervisor's own console (115200 8N1, no interrupts). */
#include "drivers/uart16550.h"
#include "x86/cpu.h"

#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5

#define LCR_DLAB	 0x80
#define LCR_8N1		 0x03
#define FCR_ENABLE_CLEAR 0x07
#define FCR_TRIGGER_14	 0xC0
#define LSR_DATA_READY	 0x01
#define LSR_THR_EMPTY	 0x20

void uart16550_init(uint16_t port)
{
	outb(port + UART_IER, 0x00);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DATA, 1); /* divisor 1: 115200 baud */
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_8N1);
	/*
	 * Enable and clear the FIFOs, receive trigger level 14. The hypervisor polls, so the level
	 * raises no interrupt; it sets how much a UART may buffer between two polls. QEMU's 16550
	 * takes no more bytes from its backend while the receive FIFO holds the trigger level, so
	 * at level 1 each poll found one byte (typing into the Service VM ran at ~10 bytes/s when
	 * no pCPU was free and polls came only with VM exits).
	 */
	outb(port + UART_FCR, FCR_ENABLE_CLEAR | FCR_TRIGGER_14);
	outb(port + UART_MCR, 0x03); /* DTR, RTS */
}

void uart16550_putc(uint16_t port, char c)
{
	while (!(inb(port + UART_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(port + UART_DATA, (uint8_t)c);
}

int uart16550_getc(uint16_t port)
{
	if (!(inb(port + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(port + UART_DATA);
}
