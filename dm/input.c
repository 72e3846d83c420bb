/* SPDX-License-Identifier: BSD-3-Clause */
/* Typed input to the guest's console with backpressure: stdin is read only while the device has room. */
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dm/input.h"

int dm_input_init(struct dm_input *in, int in_fd, dm_input_offer_fn offer, void *dev)
{
	in->in_fd = in_fd;
	in->offer = offer;
	in->dev = dev;
	in->off = in->len = 0;
	in->eof = false;
	in->bytes = 0;
	in->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return in->wake_fd < 0 ? -errno : 0;
}

int dm_input_poll_fd(const struct dm_input *in)
{
	return in->off == in->len && !in->eof ? in->in_fd : -1;
}

static void offer_rest(struct dm_input *in)
{
	size_t n;

	if (in->off == in->len)
		return;
	n = in->offer(in->dev, in->buf + in->off, in->len - in->off);
	if (n > in->len - in->off)
		n = in->len - in->off; /* a device never takes more than offered */
	in->off += n;
	in->bytes += n;
}

void dm_input_readable(struct dm_input *in)
{
	ssize_t n;

	if (in->off != in->len)
		return; /* still offering the last chunk */
	n = read(in->in_fd, in->buf, sizeof(in->buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		in->eof = true; /* end of input: the guest just gets no more */
		return;
	}
	in->off = 0;
	in->len = (size_t)n;
	offer_rest(in);
}

void dm_input_woken(struct dm_input *in)
{
	uint64_t count;

	if (read(in->wake_fd, &count, sizeof(count)) < 0) {
		/* nothing pending: spurious */
	}
	offer_rest(in);
}

void dm_input_close(struct dm_input *in)
{
	if (in->wake_fd >= 0)
		close(in->wake_fd);
	in->wake_fd = -1;
}
