/* The virtual 16550 UART each pre-launched VM gets: output to the console tagged with the VM's name. */
#ifndef CAIRN_DEVICES_VUART_H
#define CAIRN_DEVICES_VUART_H

#include "lib/compiler.h"
#include "lib/spinlock.h"

#define VUART_RX_SIZE	64
#define VUART_LINE_SIZE 160

struct vm;

struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	spinlock_t lock;
	uint8_t rx[VUART_RX_SIZE];
	uint32_t rx_head, rx_tail; /* free-running; head - tail bytes waiting */
	char line[VUART_LINE_SIZE];
	uint32_t line_len;
};

/* Emulates a 16550 at [port, port+8) for vm. */
int vuart_attach(struct vm *vm, uint16_t port);
/* Queues one input byte for the guest (dropped when the FIFO is full). */
void vuart_receive(struct vuart *uart, uint8_t byte);

#endif
