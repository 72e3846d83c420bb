/* SPDX-License-Identifier: BSD-3-Clause */
/* virtio-blk on a raw image file: read, write, flush, get-id, read-only, never past the end. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm/virtio_devices.h"

#define REQ_HEADER 16 /* type u32, reserved u32, sector u64 */

/* One request's data: the writable bytes before the status byte (IN), or the readable bytes
 * after the header (OUT), as (buffer, offset-in-buffer) pieces walked in order. */
static uint64_t data_len(const struct virtq_chain *c, bool in)
{
	return in ? c->in_len - 1 : c->out_len - REQ_HEADER;
}

/* Reads or writes the request's data at byte pos of the image, piece by piece. */
static int do_io(struct virtio_blk *b, const struct virtq_chain *c, bool in, uint64_t pos)
{
	uint64_t skip = in ? 0 : REQ_HEADER, left = data_len(c, in);
	unsigned int first = in ? c->nout : 0, last = in ? c->nout + c->nin : c->nout;

	for (unsigned int i = first; i < last && left; i++) {
		const struct virtq_buf *buf = &c->bufs[i];
		uint64_t off = skip < buf->len ? skip : buf->len;
		uint64_t n = buf->len - off < left ? buf->len - off : left;

		skip -= off;
		while (n) {
			ssize_t done = in ? pread(b->fd, buf->hva + off, n, (off_t)pos)
					  : pwrite(b->fd, buf->hva + off, n, (off_t)pos);

			if (done < 0 && errno == EINTR)
				continue;
			if (done <= 0)
				return -EIO;
			off += (uint64_t)done;
			pos += (uint64_t)done;
			n -= (uint64_t)done;
			left -= (uint64_t)done;
		}
	}
	return left ? -EIO : 0;
}

/* The sectors [sector, sector + len / 512) lie inside the image, without overflow. */
static bool in_range(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	return len % VIRTIO_BLK_SECTOR == 0 && sector <= b->sectors &&
	       len / VIRTIO_BLK_SECTOR <= b->sectors - sector;
}

static uint8_t rw(struct virtio_blk *b, const struct virtq_chain *c, bool in, uint64_t sector,
		  uint32_t *written)
{
	uint64_t len = data_len(c, in);

	if ((!in && b->ro) || !in_range(b, sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (do_io(b, c, in, sector * VIRTIO_BLK_SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (in) {
		b->reads++;
		*written = (uint32_t)len;
	} else {
		b->writes++;
	}
	return VIRTIO_BLK_S_OK;
}

static uint8_t get_id(struct virtio_blk *b, const struct virtq_chain *c, uint32_t *written)
{
	uint64_t room = data_len(c, true);
	size_t n = room < VIRTIO_BLK_ID_BYTES ? (size_t)room : VIRTIO_BLK_ID_BYTES;

	*written = (uint32_t)virtq_chain_write(c, 0, b->id, n);
	return VIRTIO_BLK_S_OK;
}

static uint8_t serve(struct virtio_blk *b, const struct virtq_chain *c, uint32_t *written)
{
	uint32_t type;
	uint64_t sector;
	uint8_t hdr[REQ_HEADER];

	virtq_chain_read(c, 0, hdr, sizeof(hdr));
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		return rw(b, c, true, sector, written);
	case VIRTIO_BLK_T_OUT:
		return rw(b, c, false, sector, written);
	case VIRTIO_BLK_T_FLUSH:
		b->flushes++;
		return b->ro || fdatasync(b->fd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_GET_ID:
		return get_id(b, c, written);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_blk *b = vd->opaque;
	struct virtq_chain *c = &b->chain;

	while (virtq_pop(vd, q, c) == 1) {
		uint32_t written = 0;
		uint8_t status;

		if (c->out_len < REQ_HEADER || c->in_len < 1) {
			b->errors++; /* no header or no status byte: nothing to answer in */
			virtq_push(vd, q, c->head, 0);
			continue;
		}
		status = serve(b, c, &written);
		if (status != VIRTIO_BLK_S_OK)
			b->errors++;
		virtq_chain_write(c, c->in_len - 1, &status, 1);
		virtq_push(vd, q, c->head, written + 1);
	}
	virtq_interrupt(vd, q);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void blk_config_read(struct virtio_dev *vd, uint32_t off, uint8_t *buf, uint32_t len)
{
	const struct virtio_blk *b = vd->opaque;
	uint8_t cfg[VIRTIO_BLK_CFG_SIZE] = { 0 };

	memcpy(cfg, &b->sectors, 8);
	put32(cfg + 8, VIRTIO_BLK_SIZE_MAX);
	put32(cfg + 12, VIRTIO_BLK_SEG_MAX);
	put32(cfg + 20, VIRTIO_BLK_SECTOR);
	memcpy(buf, cfg + off, len); /* the transport keeps off + len inside the config */
}

static const struct virtio_dev_ops blk_ops = { .config_read = blk_config_read,
					       .queue_notify = blk_notify };

static void make_id(struct virtio_blk *b, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	memset(b->id, 0, sizeof(b->id));
	memcpy(b->id, base, strnlen(base, sizeof(b->id))); /* NUL-padded, as virtio's serial */
}

int virtio_blk_open(struct virtio_blk *b, const struct dm_mem *mem, const char *path, bool ro,
		    char *err, size_t err_size)
{
	uint64_t features = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
			    VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	struct stat st;
	off_t size;

	memset(b, 0, sizeof(*b));
	b->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		int e = errno;

		snprintf(err, err_size, "cannot open %s%s: %s%s", path, ro ? "" : " for writing",
			 strerror(e), !ro && (e == EACCES || e == EROFS) ? " (add ,ro)" : "");
		return -e;
	}
	size = lseek(b->fd, 0, SEEK_END);
	if (fstat(b->fd, &st) || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) || size < 0) {
		snprintf(err, err_size, "%s is not a disk image (a regular file or block device)",
			 path);
		close(b->fd);
		b->fd = -1;
		return -EINVAL;
	}
	b->ro = ro;
	b->sectors = (uint64_t)size / VIRTIO_BLK_SECTOR;
	make_id(b, path);
	if (ro)
		features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	virtio_dev_init(&b->vd, "virtio-blk", VIRTIO_ID_BLOCK, &blk_ops, b, mem, features,
			VIRTIO_BLK_CFG_SIZE, 1, VIRTQ_MAX_SIZE);
	return 0;
}

void virtio_blk_close(struct virtio_blk *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}
