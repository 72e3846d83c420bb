/* SPDX-License-Identifier: BSD-3-Clause */
/* virtio-rng: every writable buffer the driver offers is filled from the kernel's getrandom(). */
#include <errno.h>
#include <sys/random.h>

#include "dm/virtio_devices.h"

#define RNG_CHUNK     256
#define RNG_PER_CHAIN 4096 /* at most this much per request, as Linux asks for less anyway */

static size_t fill(uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}

static void rng_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_rng *r = vd->opaque;

	while (virtq_pop(vd, q, &r->chain) == 1) {
		uint64_t want = r->chain.in_len < RNG_PER_CHAIN ? r->chain.in_len : RNG_PER_CHAIN;
		uint64_t written = 0;

		while (written < want) {
			uint8_t buf[RNG_CHUNK];
			size_t n =
				want - written < RNG_CHUNK ? (size_t)(want - written) : RNG_CHUNK;

			n = fill(buf, n);
			if (!n)
				break; /* getrandom failed: hand back what there is */
			written += virtq_chain_write(&r->chain, written, buf, n);
		}
		r->bytes += written;
		virtq_push(vd, q, r->chain.head, (uint32_t)written);
	}
	virtq_interrupt(vd, q);
}

static const struct virtio_dev_ops rng_ops = { .queue_notify = rng_notify };

void virtio_rng_init(struct virtio_rng *r, const struct dm_mem *mem)
{
	virtio_dev_init(&r->vd, "virtio-rnd", VIRTIO_ID_RNG, &rng_ops, r, mem, 0, 0, 1,
			VIRTQ_MAX_SIZE);
	r->bytes = 0;
}
