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
	bool raw;	   /* output byte by byte, untagged (an interactive Linux console) */
	bool thre_pending; /* "transmitter empty" interrupt raised and not yet read from IIR */
	bool irq_line;	   /* level of the interrupt output, for edge detection */
	uint8_t irq_pin;   /* IOAPIC pin pulsed on a rising edge (Service VM; 0 = none) */
	spinlock_t lock;
	uint8_t rx[VUART_RX_SIZE];
	uint32_t rx_head, rx_tail; /* free-running; head - tail bytes waiting */
	char line[VUART_LINE_SIZE];
	uint32_t line_len;
};

/*
 * Emulates a 16550 at [port, port+8) for vm. Lines it transmits are printed as "[vm] line", or,
 * with raw, passed through byte by byte. irq_pin != 0: interrupts are delivered as that IOAPIC
 * input of the VM (ioapic_pt_pulse).
 */
int vuart_attach(struct vm *vm, uint16_t port, bool raw, uint8_t irq_pin);
/* Writes out a raw vUART's partial line (called every housekeeping round). */
void vuart_flush_pending(struct vm *vm);
/* Queues one input byte for the guest (dropped when the FIFO is full). */
void vuart_receive(struct vm *vm, uint8_t byte);

#endif
