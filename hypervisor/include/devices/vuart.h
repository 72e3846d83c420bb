/* SPDX-License-Identifier: BSD-3-Clause */
/* The virtual 16550 UART each pre-launched VM gets: output to the console tagged with the VM's name. */
#ifndef CAIRN_DEVICES_VUART_H
#define CAIRN_DEVICES_VUART_H

#include "lib/compiler.h"
#include "lib/spinlock.h"

#define VUART_RX_SIZE	      64   /* the emulated receive FIFO */
#define VUART_BACKLOG_SIZE    4096 /* input waiting for room in the FIFO (never dropped) */
#define VUART_LINE_SIZE	      512  /* raw output is written a line at a time, up to this */
#define VUART_TAGGED_LINE_MAX 160  /* a tagged "[vm] line" is split beyond 159 characters */
/* A raw partial line (a prompt, echoed keys) goes out once the guest was silent this long. */
#define VUART_PARTIAL_QUIET_MS 200
#define VUART_STALL_MS	       1000 /* a full backlog the guest does not read for this long */

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
	uint8_t backlog[VUART_BACKLOG_SIZE];
	uint32_t backlog_head, backlog_tail; /* free-running, like rx */
	char line[VUART_LINE_SIZE];
	uint32_t line_len;
	uint64_t last_tx_tsc; /* TSC of the last byte the guest transmitted */
	uint64_t last_rx_tsc; /* TSC of the last byte the guest read */
};

/*
 * Emulates a 16550 at [port, port+8) for vm. Lines it transmits are printed as "[vm] line", or,
 * with raw, passed through byte by byte. irq_pin != 0: interrupts are delivered as that IOAPIC
 * input of the VM (ioapic_pt_pulse).
 */
int vuart_attach(struct vm *vm, uint16_t port, bool raw, uint8_t irq_pin);
/*
 * Writes out a raw vUART's partial line once the guest has been silent for
 * VUART_PARTIAL_QUIET_MS (called every housekeeping round): a line still being written is never
 * cut, so no other line can land inside it.
 */
void vuart_flush_pending(struct vm *vm);
/* Prints the vUART's registers and interrupt state (the shell's `vcpus`), naming the VM. */
void vuart_describe(struct vm *vm);
/*
 * Queues one input byte for the guest: in the receive FIFO, or behind it in the backlog, which
 * refills the FIFO as the guest reads. False (byte not taken) only when both are full.
 */
bool vuart_receive(struct vm *vm, uint8_t byte);
/*
 * True if vuart_receive() would take a byte now, or if the guest has not read its FIFO for
 * VUART_STALL_MS with the backlog full: then the console must be read anyway, so that Ctrl-]
 * still gets through (vuart_receive() refuses the rest).
 */
bool vuart_can_receive(struct vm *vm);

#endif
