/* SPDX-License-Identifier: BSD-3-Clause */
/* A 16550 UART for the User VM's console (COM1 at 0x3F8, IRQ 4) on cairn-dm's stdin and stdout. */
#ifndef CAIRN_DM_UART_H
#define CAIRN_DM_UART_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm/bus.h"

#define DM_UART_COM1_BASE 0x3F8
#define DM_UART_COM1_IRQ  4
#define DM_UART_RX_SIZE	  64
#define DM_UART_LINE_SIZE 256

/*
 * Registers: RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR, and with LCR.DLAB the divisor latch.
 * Transmission is instant (LSR always shows THRE and TEMT). Output is line-buffered: a line goes
 * out at '\n' or when full; '\r' is dropped, as the hypervisor's vUART does. Input bytes wait in
 * a 64-byte FIFO (LSR.DR; overrun sets LSR.OE). MCR loopback sends THR back to RBR. The interrupt
 * line follows IIR (received data, then THR empty) and is reported through irq() when it
 * changes. All entry points take the UART's lock: the I/O thread and the input thread share it.
 * Typed input is flow-controlled, never overrun: dm_uart_receive takes what the FIFO has room
 * for, and once it refused some, the next byte the guest takes (or a FIFO clear) signals wake_fd
 * so the input thread offers the rest.
 */
struct dm_uart {
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t lsr_errors; /* OE until LSR is read */
	bool thre_pending;  /* the THR-empty interrupt, until IIR shows it or THR is written */
	bool irq_level;
	uint8_t rx[DM_UART_RX_SIZE];
	size_t rx_head, rx_count;
	char line[DM_UART_LINE_SIZE];
	size_t line_len;
	void (*output)(void *ctx, const char *text, size_t len); /* a finished line */
	void (*irq)(void *ctx, bool level);			 /* may be NULL */
	void *ctx;
	int wake_fd;	  /* an eventfd written when room appears after a refusal, or -1 */
	bool input_waits; /* dm_uart_receive refused bytes: signal wake_fd at the next room */
};

void dm_uart_init(struct dm_uart *u, void (*output)(void *, const char *, size_t),
		  void (*irq)(void *, bool), void *ctx);

/* The region for the bus at base (8 ports). */
struct dm_region dm_uart_region(struct dm_uart *u, uint64_t base);

/* Bytes typed for the guest: puts what fits in the FIFO and returns how many; for the rest, wait
 * for wake_fd and offer them again. Nothing is dropped and LSR.OE is not set (only loopback can
 * overrun, the guest's own doing). */
size_t dm_uart_receive(struct dm_uart *u, const uint8_t *bytes, size_t n);

/* Where room for refused input is signalled (an eventfd the input thread polls; -1: nowhere). */
void dm_uart_set_wake_fd(struct dm_uart *u, int fd);

/* Sends out a partial line (at exit). */
void dm_uart_flush(struct dm_uart *u);

#endif
