/* SPDX-License-Identifier: BSD-3-Clause */
/* Polled 16550 UART driver for the hypervisor's own console. */
#ifndef CAIRN_DRIVERS_UART16550_H
#define CAIRN_DRIVERS_UART16550_H

#include "lib/compiler.h"

#define COM1_PORT 0x3F8

void uart16550_init(uint16_t port);
void uart16550_putc(uint16_t port, char c);
/* Returns the next received byte, or -1 when none is waiting. */
int uart16550_getc(uint16_t port);

#endif
