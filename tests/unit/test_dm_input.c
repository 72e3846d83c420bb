/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for console input backpressure (dm/input.c): a pipe for stdin, into COM1 and virtio-console. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dm/input.h"
#include "dm/uart.h"
#include "dm/virtio_devices.h"
#include "harness.h"
#include "virtio_driver.h"

#define RAM   (4u << 20)
#define QSIZE 16

static int pipe_fds[2];
static struct dm_input in;

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return fd >= 0 && poll(&p, 1, 0) == 1;
}

/* The main loop's work until nothing more happens: what dm.c does between polls. */
static void pump(void)
{
	bool progress = true;

	while (progress) {
		progress = false;
		if (readable(in.wake_fd)) {
			dm_input_woken(&in);
			progress = true;
		}
		if (readable(dm_input_poll_fd(&in))) {
			dm_input_readable(&in);
			progress = true;
		}
	}
}

static size_t left_in_pipe(void)
{
	int n = 0;

	ioctl(pipe_fds[0], FIONREAD, &n);
	return (size_t)n;
}

static void pattern(uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)('!' + (i * 13) % 90);
}

static void stdin_with(const uint8_t *bytes, size_t len)
{
	if (pipe(pipe_fds) || write(pipe_fds[1], bytes, len) != (ssize_t)len)
		abort();
}

/* ----- COM1 ----- */

static struct dm_uart uart;

static size_t offer_uart(void *dev, const uint8_t *bytes, size_t len)
{
	return dm_uart_receive(dev, bytes, len);
}

static uint8_t uart_in(unsigned int reg)
{
	struct dm_region r = dm_uart_region(&uart, 0x3F8);
	struct dm_access a = {
		.space = DM_SPACE_PIO, .addr = 0x3F8 + reg, .offset = reg, .size = 1
	};

	r.access(r.opaque, &a);
	return (uint8_t)a.value;
}

TEST(pasted_text_reaches_com1_whole_as_the_guest_reads_it)
{
	enum {
		LEN = 3000
	};
	static uint8_t sent[LEN], got[LEN];
	size_t ngot = 0;

	pattern(sent, LEN);
	stdin_with(sent, LEN);
	dm_uart_init(&uart, NULL, NULL, NULL);
	ASSERT_EQ(dm_input_init(&in, pipe_fds[0], offer_uart, &uart), 0);
	dm_uart_set_wake_fd(&uart, in.wake_fd);
	pump();
	EXPECT_EQ(dm_input_poll_fd(&in), -1);		 /* the FIFO is full: stdin is not read */
	EXPECT_EQ(left_in_pipe(), LEN - DM_INPUT_CHUNK); /* one chunk read, the rest waits */
	EXPECT_EQ(in.bytes, DM_UART_RX_SIZE);
	for (int rounds = 0; ngot < LEN && rounds < 1000; rounds++) {
		while (uart_in(5) & 0x01) /* LSR.DR: the guest's driver drains the FIFO */
			got[ngot++] = uart_in(0);
		EXPECT_EQ(uart_in(5) & 0x02, 0); /* never an overrun */
		pump();
	}
	EXPECT_EQ(ngot, LEN);
	EXPECT_MEMEQ(got, sent, LEN);
	EXPECT_EQ(left_in_pipe(), 0);
	dm_input_close(&in);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

TEST(end_of_input_stops_polling_stdin)
{
	dm_uart_init(&uart, NULL, NULL, NULL);
	stdin_with((const uint8_t *)"ls\n", 3);
	close(pipe_fds[1]);
	ASSERT_EQ(dm_input_init(&in, pipe_fds[0], offer_uart, &uart), 0);
	pump();
	EXPECT_EQ(in.bytes, 3);
	EXPECT_TRUE(in.eof);
	EXPECT_EQ(dm_input_poll_fd(&in), -1);
	dm_input_close(&in);
	close(pipe_fds[0]);
}

/* ----- virtio-console ----- */

static struct vdrv drv;
static struct virtio_console con;

static size_t offer_console(void *dev, const uint8_t *bytes, size_t len)
{
	return virtio_console_receive(dev, bytes, len);
}

static void kick(unsigned int q)
{
	pthread_mutex_lock(&con.vd.lock);
	con.vd.ops->queue_notify(&con.vd, q);
	pthread_mutex_unlock(&con.vd.lock);
}

TEST(pasted_text_reaches_hvc0_whole_when_the_guest_adds_buffers)
{
	enum {
		LEN = 20000,
		BUF = 700
	};
	static uint8_t sent[LEN], got[LEN];
	uint64_t gpa[QSIZE];
	size_t ngot = 0;
	uint32_t id, len;

	pattern(sent, LEN);
	stdin_with(sent, LEN);
	vdrv_init(&drv, RAM);
	virtio_console_init(&con, &drv.mem, NULL, NULL);
	vdrv_start(&drv, &con.vd, 2, QSIZE);
	ASSERT_EQ(dm_input_init(&in, pipe_fds[0], offer_console, &con), 0);
	virtio_console_set_wake_fd(&con, in.wake_fd);
	pump(); /* no receive buffers: 4 KiB held, then stdin is left alone */
	EXPECT_EQ(con.npending, VIRTIO_CONSOLE_PENDING);
	EXPECT_EQ(dm_input_poll_fd(&in), -1);
	EXPECT_EQ(left_in_pipe(),
		  LEN - (VIRTIO_CONSOLE_PENDING / DM_INPUT_CHUNK + 1) * DM_INPUT_CHUNK);
	for (int rounds = 0; ngot < LEN && rounds < 200; rounds++) {
		for (unsigned int i = 0; i < 4; i++) {
			struct vdrv_sg sg = { vdrv_alloc(&drv, BUF, 16), BUF, true };

			gpa[i] = sg.gpa;
			vdrv_push(&drv, 0, &sg, 1, false);
		}
		kick(0);
		for (unsigned int i = 0; i < 4 && vdrv_used(&drv, 0, &id, &len); i++) {
			memcpy(got + ngot, vdrv_hva(&drv, gpa[i]), len);
			ngot += len;
		}
		pump();
	}
	EXPECT_EQ(ngot, LEN);
	EXPECT_MEMEQ(got, sent, LEN);
	EXPECT_EQ(in.bytes, LEN);
	dm_input_close(&in);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	vdrv_free(&drv);
}
