/* SPDX-License-Identifier: BSD-3-Clause */
/* A 16550 UART for the User VM's console (COM1 at 0x3F8, IRQ 4) on cairn-dm's stdin and stdout. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "dm/uart.h"

enum {
	REG_DATA = 0, /* RBR / THR; DLL with DLAB */
	REG_IER = 1,  /* DLM with DLAB */
	REG_IIR = 2,  /* IIR on read, FCR on write */
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define IER_RDA	  0x01 /* received data available */
#define IER_THRE  0x02
#define IER_MASK  0x0F
#define IIR_NONE  0x01
#define IIR_THRE  0x02
#define IIR_RDA	  0x04
#define IIR_FIFO  0xC0 /* FIFOs enabled */
#define FCR_FIFO  0x01
#define FCR_RXCLR 0x02
#define LCR_DLAB  0x80
#define MCR_DTR	  0x01
#define MCR_RTS	  0x02
#define MCR_OUT1  0x04
#define MCR_OUT2  0x08
#define MCR_LOOP  0x10
#define MCR_MASK  0x1F
#define LSR_DR	  0x01
#define LSR_OE	  0x02
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
#define MSR_CTS	  0x10
#define MSR_DSR	  0x20
#define MSR_RI	  0x40
#define MSR_DCD	  0x80

void dm_uart_init(struct dm_uart *u, void (*output)(void *, const char *, size_t),
		  void (*irq)(void *, bool), void *ctx)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->output = output;
	u->irq = irq;
	u->ctx = ctx;
	u->lcr = 0x03; /* 8N1 */
	u->dll = 1;    /* 115200 baud */
	u->wake_fd = -1;
}

/* The FIFO has room again: if input is waiting for it, say so (lock held). */
static void room_made(struct dm_uart *u)
{
	uint64_t one = 1;

	if (!u->input_waits || u->wake_fd < 0)
		return;
	u->input_waits = false;
	if (write(u->wake_fd, &one, sizeof(one)) < 0) {
		/* the eventfd's counter is full: a wake-up is pending anyway */
	}
}

static uint8_t iir(const struct dm_uart *u)
{
	uint8_t fifo = (u->fcr & FCR_FIFO) ? IIR_FIFO : 0;

	if ((u->ier & IER_RDA) && u->rx_count)
		return fifo | IIR_RDA;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return fifo | IIR_THRE;
	return fifo | IIR_NONE;
}

/* Called with the lock held after every change that can move the interrupt line. */
static void update_irq(struct dm_uart *u)
{
	bool level = (iir(u) & IIR_NONE) == 0 && (u->mcr & MCR_OUT2);

	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->irq)
			u->irq(u->ctx, level);
	}
}

static void emit_line(struct dm_uart *u)
{
	if (u->line_len && u->output)
		u->output(u->ctx, u->line, u->line_len);
	u->line_len = 0;
}

static void put_rx(struct dm_uart *u, uint8_t byte)
{
	if (u->rx_count == DM_UART_RX_SIZE) {
		u->lsr_errors |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % DM_UART_RX_SIZE] = byte;
	u->rx_count++;
}

static void transmit(struct dm_uart *u, uint8_t byte)
{
	if (u->mcr & MCR_LOOP) {
		put_rx(u, byte);
	} else if (byte != '\r') {
		u->line[u->line_len++] = (char)byte;
		if (byte == '\n' || u->line_len == sizeof(u->line))
			emit_line(u);
	}
	u->thre_pending = true; /* sent at once: THR is empty again */
}

static uint8_t msr(const struct dm_uart *u)
{
	uint8_t m = 0;

	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS; /* a terminal that is always there */
	if (u->mcr & MCR_RTS)
		m |= MSR_CTS;
	if (u->mcr & MCR_DTR)
		m |= MSR_DSR;
	if (u->mcr & MCR_OUT1)
		m |= MSR_RI;
	if (u->mcr & MCR_OUT2)
		m |= MSR_DCD;
	return m;
}

static uint8_t read_reg(struct dm_uart *u, unsigned int reg)
{
	uint8_t v;

	switch (reg) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		if (!u->rx_count)
			return 0;
		v = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % DM_UART_RX_SIZE;
		u->rx_count--;
		room_made(u);
		return v;
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR:
		v = iir(u);
		if ((v & 0x0F) == IIR_THRE)
			u->thre_pending = false; /* reading IIR acknowledges THR empty */
		return v;
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		v = LSR_THRE | LSR_TEMT | u->lsr_errors | (u->rx_count ? LSR_DR : 0);
		u->lsr_errors = 0;
		return v;
	case REG_MSR:
		return msr(u);
	default:
		return u->scr;
	}
}

static void write_reg(struct dm_uart *u, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			u->dll = v;
		else
			transmit(u, v);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
		} else {
			/* Enabling the THRE interrupt with THR empty raises it (8250 behaviour). */
			if ((v & IER_THRE) && !(u->ier & IER_THRE))
				u->thre_pending = true;
			u->ier = v & IER_MASK;
		}
		break;
	case REG_IIR:
		u->fcr = v & FCR_FIFO;
		if (v & FCR_RXCLR) {
			u->rx_head = u->rx_count = 0;
			room_made(u);
		}
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & MCR_MASK;
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
}

/* A wider access is one byte per register, lowest port first (as on an 8-bit ISA bus). */
static enum dm_io_result uart_access(void *opaque, struct dm_access *a)
{
	struct dm_uart *u = opaque;

	pthread_mutex_lock(&u->lock);
	if (a->write) {
		for (unsigned int i = 0; i < a->size; i++)
			write_reg(u, (unsigned int)a->offset + i, (uint8_t)(a->value >> (8 * i)));
	} else {
		a->value = 0;
		for (unsigned int i = 0; i < a->size; i++)
			a->value |= (uint64_t)read_reg(u, (unsigned int)a->offset + i) << (8 * i);
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return DM_IO_DONE;
}

struct dm_region dm_uart_region(struct dm_uart *u, uint64_t base)
{
	return (struct dm_region){ .space = DM_SPACE_PIO,
				   .start = base,
				   .size = 8,
				   .access = uart_access,
				   .opaque = u,
				   .name = "com1" };
}

size_t dm_uart_receive(struct dm_uart *u, const uint8_t *bytes, size_t n)
{
	size_t taken;

	pthread_mutex_lock(&u->lock);
	for (taken = 0; taken < n && u->rx_count < DM_UART_RX_SIZE; taken++)
		put_rx(u, bytes[taken]);
	if (taken < n)
		u->input_waits = true;
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return taken;
}

void dm_uart_set_wake_fd(struct dm_uart *u, int fd)
{
	pthread_mutex_lock(&u->lock);
	u->wake_fd = fd;
	pthread_mutex_unlock(&u->lock);
}

void dm_uart_flush(struct dm_uart *u)
{
	pthread_mutex_lock(&u->lock);
	emit_line(u);
	pthread_mutex_unlock(&u->lock);
}
