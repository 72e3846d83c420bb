/* SPDX-License-Identifier: BSD-3-Clause */
/* Typed input to the guest's console with backpressure: stdin is read only while the device has room. */
#ifndef CAIRN_DM_INPUT_H
#define CAIRN_DM_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DM_INPUT_CHUNK 256

/* A device's receive function: takes what it has room for and returns how many. When it took
 * less than offered, it writes the eventfd it was given once room appears. */
typedef size_t (*dm_input_offer_fn)(void *dev, const uint8_t *bytes, size_t len);

/*
 * The main thread's half. A chunk read from in_fd is offered to the device until all of it is
 * taken; meanwhile in_fd is not polled (dm_input_poll_fd says -1), so the bytes wait in the
 * terminal or pipe instead of being dropped, and the device's wake_fd says when to offer again.
 */
struct dm_input {
	int in_fd;
	int wake_fd; /* an eventfd the device writes; the main loop polls it */
	dm_input_offer_fn offer;
	void *dev;
	uint8_t buf[DM_INPUT_CHUNK];
	size_t off, len; /* buf[off, len) is not taken yet */
	bool eof;
	uint64_t bytes; /* taken by the device */
};

/* The eventfd made (hand wake_fd to the device): 0 or -errno. */
int dm_input_init(struct dm_input *in, int in_fd, dm_input_offer_fn offer, void *dev);
/* in_fd while everything read was taken and input has not ended, else -1. */
int dm_input_poll_fd(const struct dm_input *in);
/* in_fd is readable (or hung up): read a chunk and offer it. */
void dm_input_readable(struct dm_input *in);
/* wake_fd is readable: offer what is left. */
void dm_input_woken(struct dm_input *in);
void dm_input_close(struct dm_input *in);

#endif
