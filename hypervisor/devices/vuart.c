/* SPDX-License-Identifier: BSD-3-Clause */
/* The virtual 16550 UART each pre-launched VM gets: output to the console tagged with the VM's name. */
#include "core/console.h"
#include "core/vm.h"
#include "lib/string.h"
#include "devices/vuart.h"
#include "x86/guest/ioapic_pt.h"
#include "x86/tsc.h"

#define REG_DATA 0 /* RBR/THR, or DLL with DLAB */
#define REG_IER	 1 /* or DLM with DLAB */
#define REG_IIR	 2 /* FCR on write */
#define REG_LCR	 3
#define REG_MCR	 4
#define REG_LSR	 5
#define REG_MSR	 6
#define REG_SCR	 7

#define LCR_DLAB	0x80
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define IER_RDA		0x01
#define IER_THRI	0x02
#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define MCR_LOOP	0x10
#define IIR_FIFO_ON	0xC0
#define MSR_DCD_DSR_CTS 0xB0

static void vuart_flush_line(struct vm *vm, struct vuart *u)
{
	u->line[u->line_len] = '\0';
	printf("[%s] %s\n", vm->name, u->line);
	u->line_len = 0;
}

/*
 * Raw output (an interactive Linux console) is passed through unchanged, but a line at a time,
 * so that hypervisor and partition lines never land inside it; a partial line (a shell prompt)
 * goes out at the next housekeeping round, within about 10 ms (vuart_flush_pending).
 */
static void vuart_flush_raw(struct vuart *u)
{
	if (u->line_len)
		console_write(u->line, u->line_len);
	u->line_len = 0;
}

static void vuart_transmit(struct vm *vm, struct vuart *u, uint8_t c)
{
	if (u->raw) {
		u->last_tx_tsc = rdtsc();
		u->line[u->line_len++] = (char)c;
		if (c == '\n' || u->line_len == VUART_LINE_SIZE)
			vuart_flush_raw(u);
		return;
	}
	if (c == '\r')
		return;
	if (c == '\n') {
		vuart_flush_line(vm, u);
		return;
	}
	u->line[u->line_len++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? (char)c : '?';
	if (u->line_len == VUART_TAGGED_LINE_MAX - 1)
		vuart_flush_line(vm, u);
}

void vuart_flush_pending(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	if (!u->raw || !u->line_len)
		return;
	spin_lock(&u->lock);
	if (rdtsc() - u->last_tx_tsc >= tsc_khz * VUART_PARTIAL_QUIET_MS)
		vuart_flush_raw(u);
	spin_unlock(&u->lock);
}

void vuart_describe(struct vm *vm)
{
	const struct vuart *u = &vm->vuart;

	printf("cairn: vm %s: vuart ier 0x%x lcr 0x%x mcr 0x%x thre-pending %d irq-line %d pin %u "
	       "rx %u backlog %u\n",
	       vm->name, u->ier, u->lcr, u->mcr, u->thre_pending, u->irq_line, u->irq_pin,
	       u->rx_head - u->rx_tail, u->backlog_head - u->backlog_tail);
}

static bool rx_ready(const struct vuart *u)
{
	return u->rx_head != u->rx_tail;
}

static uint8_t pending_iir(const struct vuart *u)
{
	if ((u->ier & IER_RDA) && rx_ready(u))
		return IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRI;
	return IIR_NO_INT;
}

/* ISA interrupts are edges: the VM sees one when the UART's interrupt output rises. */
static void update_irq(struct vm *vm, struct vuart *u)
{
	bool line = pending_iir(u) != IIR_NO_INT;

	if (line && !u->irq_line && u->irq_pin)
		ioapic_pt_pulse(vm, u->irq_pin);
	u->irq_line = line;
}

static bool fifo_full(const struct vuart *u)
{
	return u->rx_head - u->rx_tail >= VUART_RX_SIZE;
}

static bool backlog_empty(const struct vuart *u)
{
	return u->backlog_head == u->backlog_tail;
}

/* Moves waiting input into the receive FIFO while it has room; caller holds u->lock. */
static void fifo_refill(struct vuart *u)
{
	while (!backlog_empty(u) && !fifo_full(u))
		u->rx[u->rx_head++ % VUART_RX_SIZE] =
			u->backlog[u->backlog_tail++ % VUART_BACKLOG_SIZE];
}

bool vuart_can_receive(struct vm *vm)
{
	const struct vuart *u = &vm->vuart;

	return u->backlog_head - u->backlog_tail < VUART_BACKLOG_SIZE ||
	       rdtsc() - u->last_rx_tsc >= tsc_khz * VUART_STALL_MS;
}

bool vuart_receive(struct vm *vm, uint8_t byte)
{
	struct vuart *u = &vm->vuart;
	bool taken = true;

	spin_lock(&u->lock);
	if (backlog_empty(u) && !fifo_full(u))
		u->rx[u->rx_head++ % VUART_RX_SIZE] = byte;
	else if (u->backlog_head - u->backlog_tail < VUART_BACKLOG_SIZE)
		u->backlog[u->backlog_head++ % VUART_BACKLOG_SIZE] = byte;
	else
		taken = false;
	update_irq(vm, u);
	spin_unlock(&u->lock);
	return taken;
}

/* In loopback (MCR bit 4) the modem inputs echo the modem outputs, as the 8250 probe expects. */
static uint8_t modem_status(const struct vuart *u)
{
	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD_DSR_CTS;
	return (uint8_t)(((u->mcr & 0x02) << 3) | ((u->mcr & 0x01) << 5) | ((u->mcr & 0x04) << 4) |
			 ((u->mcr & 0x08) << 4));
}

static uint8_t vuart_read_reg(struct vuart *u, uint16_t reg)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case REG_DATA: {
		if (dlab)
			return u->dll;
		if (u->rx_head == u->rx_tail)
			return 0;
		uint8_t byte = u->rx[u->rx_tail++ % VUART_RX_SIZE];
		u->last_rx_tsc = rdtsc();
		fifo_refill(u);
		return byte;
	}
	case REG_IER:
		return dlab ? u->dlm : u->ier;
	case REG_IIR: {
		uint8_t iir = pending_iir(u);
		if (iir == IIR_THRI)
			u->thre_pending = false; /* reading IIR acknowledges "transmitter empty" */
		return iir | ((u->fcr & 1) ? IIR_FIFO_ON : 0);
	}
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT | (u->rx_head != u->rx_tail ? LSR_DR : 0);
	case REG_MSR:
		return modem_status(u);
	default:
		return u->scr;
	}
}

static void vuart_write_reg(struct vm *vm, struct vuart *u, uint16_t reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case REG_DATA:
		if (dlab) {
			u->dll = v;
		} else {
			if (!(u->mcr & MCR_LOOP))
				vuart_transmit(vm, u, v);
			/* Sent at once: the holding register is empty again. */
			u->thre_pending = true;
		}
		break;
	case REG_IER:
		if (dlab) {
			u->dlm = v;
		} else {
			/* Enabling THRI with an empty transmitter raises the interrupt at once. */
			if ((v & IER_THRI) && !(u->ier & IER_THRI))
				u->thre_pending = true;
			u->ier = v & 0x0F;
		}
		break;
	case REG_IIR:
		u->fcr = v;
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v;
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

/* The eight byte registers at the VM's COM port (a wider access reads or writes its low byte). */
static int vuart_io_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	struct vm *vm = vcpu->vm;
	struct vuart *u = opaque;
	uint16_t reg = access->addr & 7;

	spin_lock(&u->lock);
	if (access->write)
		vuart_write_reg(vm, u, reg, (uint8_t)access->value);
	else
		access->value = vuart_read_reg(u, reg);
	update_irq(vm, u);
	spin_unlock(&u->lock);
	return 0;
}

int vuart_attach(struct vm *vm, uint16_t port, bool raw, uint8_t irq_pin)
{
	struct io_handler h = {
		.bus = IO_BUS_PORT,
		.base = port,
		.size = 8,
		.access = vuart_io_access,
		.opaque = &vm->vuart,
	};

	memset(&vm->vuart, 0, sizeof(vm->vuart));
	vm->vuart.raw = raw;
	vm->vuart.irq_pin = irq_pin;
	return io_emul_add(vm, &h);
}
