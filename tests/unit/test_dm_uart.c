/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's 16550 (dm/hw/uart.c): registers, line output, input FIFO, interrupts. */
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dm/uart.h"
#include "harness.h"

#define BASE 0x3F8

static struct dm_uart uart;
static struct dm_bus bus;
static char out[4096];
static size_t out_len;
static int lines, irq_changes;
static bool irq_level;

static void output(void *ctx, const char *text, size_t len)
{
	memcpy(out + out_len, text, len);
	out_len += len;
	out[out_len] = '\0';
	lines++;
}

static void irq(void *ctx, bool level)
{
	irq_level = level;
	irq_changes++;
}

static void setup(void)
{
	struct dm_region r;

	dm_uart_init(&uart, output, irq, NULL);
	r = dm_uart_region(&uart, BASE);
	dm_bus_add(&bus, &r);
}

static uint64_t in(unsigned int reg, unsigned int size)
{
	struct dm_access a = { .space = DM_SPACE_PIO, .addr = BASE + reg, .size = size };

	dm_bus_access(&bus, &a);
	return a.value;
}

static void outp(unsigned int reg, uint64_t v)
{
	struct dm_access a = {
		.space = DM_SPACE_PIO, .addr = BASE + reg, .size = 1, .write = true, .value = v
	};

	dm_bus_access(&bus, &a);
}

static void say(const char *s)
{
	for (; *s; s++)
		outp(0, (uint8_t)*s);
}

TEST(lines_go_out_whole_without_carriage_returns)
{
	setup();
	say("hello from x\r\n");
	EXPECT_STREQ(out, "hello from x\n");
	EXPECT_EQ(lines, 1);
	say("partial");
	EXPECT_EQ(lines, 1); /* not yet */
	dm_uart_flush(&uart);
	EXPECT_STREQ(out, "hello from x\npartial");
	EXPECT_EQ(lines, 2);
	dm_uart_flush(&uart); /* nothing left: no empty line */
	EXPECT_EQ(lines, 2);
}

TEST(a_full_line_goes_out_unterminated)
{
	setup();
	for (int i = 0; i < DM_UART_LINE_SIZE + 10; i++)
		outp(0, 'a');
	EXPECT_EQ(lines, 1);
	EXPECT_EQ(out_len, DM_UART_LINE_SIZE);
}

TEST(lsr_always_shows_an_empty_transmitter)
{
	setup();
	EXPECT_EQ(in(5, 1), 0x60); /* THRE | TEMT, no data */
	say("x");
	EXPECT_EQ(in(5, 1), 0x60);
	EXPECT_EQ(in(6, 1), 0xB0); /* DCD DSR CTS */
}

static bool woken(int fd)
{
	uint64_t count;

	return read(fd, &count, sizeof(count)) == sizeof(count);
}

TEST(input_waits_in_the_fifo_and_what_does_not_fit_is_refused_not_dropped)
{
	uint8_t bytes[DM_UART_RX_SIZE + 3];
	int wake = eventfd(0, EFD_NONBLOCK);

	ASSERT_TRUE(wake >= 0);
	setup();
	dm_uart_set_wake_fd(&uart, wake);
	EXPECT_EQ(dm_uart_receive(&uart, (const uint8_t *)"ab", 2), 2);
	EXPECT_EQ(in(5, 1), 0x61); /* DR */
	EXPECT_EQ(in(0, 1), 'a');
	EXPECT_EQ(in(0, 1), 'b');
	EXPECT_EQ(in(5, 1), 0x60);
	EXPECT_EQ(in(0, 1), 0);	   /* empty RBR */
	EXPECT_FALSE(woken(wake)); /* nothing was refused: nobody to wake */
	memset(bytes, 'z', sizeof(bytes));
	bytes[0] = '1';
	bytes[DM_UART_RX_SIZE] = '2';
	EXPECT_EQ(dm_uart_receive(&uart, bytes, sizeof(bytes)), DM_UART_RX_SIZE);
	EXPECT_EQ(in(5, 1), 0x61); /* DR, no overrun: the rest was refused */
	EXPECT_FALSE(woken(wake));
	EXPECT_EQ(in(0, 1), '1');
	EXPECT_TRUE(woken(wake));  /* room for the refused bytes */
	EXPECT_FALSE(woken(wake)); /* once */
	EXPECT_EQ(dm_uart_receive(&uart, bytes + DM_UART_RX_SIZE, 3), 1);
	for (int i = 1; i < DM_UART_RX_SIZE; i++)
		EXPECT_EQ(in(0, 1), 'z');
	EXPECT_EQ(in(0, 1), '2');
	EXPECT_EQ(in(5, 1) & 1, 0);
	EXPECT_TRUE(woken(wake));
	EXPECT_EQ(dm_uart_receive(&uart, bytes + DM_UART_RX_SIZE + 1, 2), 2);
	EXPECT_EQ(in(0, 1), 'z');
	EXPECT_EQ(in(0, 1), 'z');
	EXPECT_EQ(in(5, 1) & 1, 0);
	memset(bytes, 'f', sizeof(bytes)); /* fill, refuse, then the guest clears the FIFO */
	EXPECT_EQ(dm_uart_receive(&uart, bytes, sizeof(bytes)), DM_UART_RX_SIZE);
	outp(2, 0x03); /* FCR: enable, clear RX */
	EXPECT_TRUE(woken(wake));
	EXPECT_EQ(in(5, 1) & 1, 0);
	close(wake);
}

TEST(loopback_overruns_are_reported_once)
{
	setup();
	outp(4, 0x10); /* MCR loopback: the guest's own bytes come back */
	for (int i = 0; i < DM_UART_RX_SIZE + 2; i++)
		outp(0, 'L');
	EXPECT_EQ(in(5, 1) & 0x03, 0x03); /* DR | OE */
	EXPECT_EQ(in(5, 1) & 0x03, 0x01); /* OE cleared by the read */
}

TEST(dlab_switches_to_the_divisor_latch)
{
	setup();
	EXPECT_EQ(in(3, 1), 0x03); /* 8N1 */
	outp(3, 0x83);
	outp(0, 0x0C); /* 9600 baud */
	outp(1, 0x00);
	EXPECT_EQ(in(0, 1), 0x0C);
	EXPECT_EQ(in(1, 1), 0x00);
	EXPECT_EQ(lines + (int)out_len, 0); /* the divisor write sent nothing */
	outp(3, 0x03);
	outp(1, 0x05);
	EXPECT_EQ(in(1, 1), 0x05); /* IER again */
	outp(3, 0x83);
	EXPECT_EQ(in(0, 1), 0x0C); /* the divisor was kept */
	outp(7, 0x5A);
	EXPECT_EQ(in(7, 1), 0x5A);
	outp(5, 0x00); /* LSR is read-only */
	EXPECT_EQ(in(5, 1), 0x60);
}

TEST(interrupt_identification_and_the_irq_line)
{
	setup();
	EXPECT_EQ(in(2, 1), 0x01); /* nothing pending */
	outp(4, 0x08);		   /* OUT2: interrupts reach the line */
	outp(1, 0x02);		   /* THRE interrupt: raised at once, THR is empty */
	EXPECT_TRUE(irq_level);
	EXPECT_EQ(in(2, 1), 0x02);
	EXPECT_FALSE(irq_level); /* reading IIR acknowledged it */
	EXPECT_EQ(in(2, 1), 0x01);
	outp(0, 'x'); /* sent at once: THR empty again */
	EXPECT_TRUE(irq_level);
	outp(1, 0x03); /* received data too */
	dm_uart_receive(&uart, (const uint8_t *)"k", 1);
	EXPECT_EQ(in(2, 1), 0x04); /* data first */
	EXPECT_EQ(in(0, 1), 'k');
	EXPECT_EQ(in(2, 1), 0x02); /* then THR empty */
	EXPECT_EQ(in(2, 1), 0x01);
	EXPECT_FALSE(irq_level);
	outp(2, 0x01); /* FIFOs on: IIR bits 7:6 */
	EXPECT_EQ(in(2, 1), 0xC1);
}

TEST(out2_gates_the_line)
{
	setup();
	outp(1, 0x01);
	dm_uart_receive(&uart, (const uint8_t *)"k", 1);
	EXPECT_EQ(in(2, 1), 0x04);
	EXPECT_FALSE(irq_level);
	EXPECT_EQ(irq_changes, 0);
	outp(4, 0x08);
	EXPECT_TRUE(irq_level);
	EXPECT_EQ(irq_changes, 1);
}

TEST(loopback_returns_what_is_sent)
{
	setup();
	outp(4, 0x10 | 0x02 | 0x01); /* LOOP, RTS, DTR */
	EXPECT_EQ(in(6, 1), 0x30);   /* CTS, DSR from RTS, DTR */
	outp(0, 0x55);
	EXPECT_EQ(out_len, 0);
	EXPECT_EQ(in(5, 1) & 1, 1);
	EXPECT_EQ(in(0, 1), 0x55);
}

TEST(a_wide_access_is_one_byte_per_register)
{
	setup();
	outp(7, 0xAB);
	EXPECT_EQ(in(6, 2), 0xABB0);	 /* MSR then SCR */
	EXPECT_EQ(in(4, 4), 0xABB06000); /* MCR LSR MSR SCR */
}
