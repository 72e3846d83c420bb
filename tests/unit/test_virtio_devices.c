/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for virtio-rng, virtio-blk (against a temp file) and virtio-console with the test driver. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm/virtio_devices.h"
#include "harness.h"
#include "virtio_driver.h"

#define RAM   (4u << 20)
#define QSIZE 16
#define DISK  (64 * 512)

static struct vdrv drv;

static void kick(struct virtio_dev *vd, unsigned int q)
{
	pthread_mutex_lock(&vd->lock);
	vd->ops->queue_notify(vd, q);
	pthread_mutex_unlock(&vd->lock);
}

static uint64_t buf(uint32_t len)
{
	uint64_t gpa = vdrv_alloc(&drv, len, 16);

	memset(vdrv_hva(&drv, gpa), 0xEE, len);
	return gpa;
}

TEST(rng_fills_every_writable_byte)
{
	static struct virtio_rng rng;
	struct vdrv_sg sg[2];
	uint32_t id, len;
	uint8_t zeros[64] = { 0 };

	vdrv_init(&drv, RAM);
	virtio_rng_init(&rng, &drv.mem);
	vdrv_start(&drv, &rng.vd, 1, QSIZE);
	sg[0] = (struct vdrv_sg){ buf(64), 64, true };
	sg[1] = (struct vdrv_sg){ buf(64), 64, true };
	memset(vdrv_hva(&drv, sg[0].gpa), 0, 64);
	vdrv_push(&drv, 0, sg, 2, false);
	kick(&rng.vd, 0);
	ASSERT_TRUE(vdrv_used(&drv, 0, &id, &len));
	EXPECT_EQ(len, 128);
	EXPECT_TRUE(memcmp(vdrv_hva(&drv, sg[0].gpa), zeros, 64) != 0);
	EXPECT_EQ(rng.bytes, 128);
	vdrv_free(&drv);
}

/* ----- virtio-blk ----- */

static char disk_path[64];
static struct virtio_blk blk;
static uint8_t disk_before[DISK];

static int make_disk(void)
{
	int fd;

	strcpy(disk_path, "/tmp/cairn-blk-XXXXXX");
	fd = mkstemp(disk_path);
	for (unsigned int i = 0; i < DISK; i++)
		disk_before[i] = (uint8_t)(i / 512 + 1); /* sector n holds n + 1 */
	if (fd < 0 || write(fd, disk_before, DISK) != DISK)
		abort();
	close(fd);
	return 0;
}

static void read_disk(uint8_t *out)
{
	int fd = open(disk_path, O_RDONLY);

	if (fd < 0 || read(fd, out, DISK) != DISK)
		abort();
	close(fd);
}

static void blk_setup(bool ro)
{
	char err[128];

	make_disk();
	vdrv_init(&drv, RAM);
	ASSERT_EQ(virtio_blk_open(&blk, &drv.mem, disk_path, ro, err, sizeof(err)), 0);
	vdrv_start(&drv, &blk.vd, 1, QSIZE);
}

static void blk_teardown(void)
{
	virtio_blk_close(&blk);
	unlink(disk_path);
	vdrv_free(&drv);
}

/* One request as Linux's virtio_blk sends it: header, data, status. Returns the status. */
static uint8_t request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len, bool in,
		       uint32_t *used_len)
{
	struct vdrv_sg sg[3];
	uint64_t hdr = buf(16), status = buf(1);
	unsigned int n = 0;
	uint32_t id;

	memcpy(vdrv_hva(&drv, hdr), &type, 4);
	memset(vdrv_hva(&drv, hdr + 4), 0, 4);
	memcpy(vdrv_hva(&drv, hdr + 8), &sector, 8);
	sg[n++] = (struct vdrv_sg){ hdr, 16, false };
	if (len)
		sg[n++] = (struct vdrv_sg){ data, len, in };
	sg[n++] = (struct vdrv_sg){ status, 1, true };
	vdrv_push(&drv, 0, sg, n, false);
	kick(&blk.vd, 0);
	if (!vdrv_used(&drv, 0, &id, used_len))
		return 0xFF;
	return *(uint8_t *)vdrv_hva(&drv, status);
}

static uint64_t config_u64(struct virtio_dev *vd, uint32_t off)
{
	uint64_t v = 0;

	vd->ops->config_read(vd, off, (uint8_t *)&v, 8);
	return v;
}

TEST(blk_reads_and_writes_reach_the_file)
{
	uint8_t now[DISK];
	uint64_t data;
	uint32_t len;

	blk_setup(false);
	EXPECT_EQ(config_u64(&blk.vd, 0), DISK / 512);
	EXPECT_FALSE(blk.vd.device_features & VIRTIO_BIT(VIRTIO_BLK_F_RO));
	data = buf(1024);
	EXPECT_EQ(request(VIRTIO_BLK_T_IN, 3, data, 1024, true, &len), VIRTIO_BLK_S_OK);
	EXPECT_EQ(len, 1025);
	EXPECT_MEMEQ(vdrv_hva(&drv, data), disk_before + 3 * 512, 1024);
	memset(vdrv_hva(&drv, data), 'W', 1024);
	EXPECT_EQ(request(VIRTIO_BLK_T_OUT, 62, data, 1024, false, &len), VIRTIO_BLK_S_OK);
	EXPECT_EQ(len, 1);
	EXPECT_EQ(request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, &len), VIRTIO_BLK_S_OK);
	read_disk(now);
	EXPECT_MEMEQ(now, disk_before, 62 * 512);
	EXPECT_EQ(now[62 * 512], 'W');
	EXPECT_EQ(now[DISK - 1], 'W');
	EXPECT_EQ(blk.writes, 1);
	blk_teardown();
}

TEST(blk_refuses_sectors_past_the_end_and_the_file_is_unchanged)
{
	uint8_t now[DISK];
	uint64_t data;
	uint32_t len;

	blk_setup(false);
	data = buf(1024);
	memset(vdrv_hva(&drv, data), 'X', 1024);
	EXPECT_EQ(request(VIRTIO_BLK_T_OUT, 63, data, 1024, false, &len), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(request(VIRTIO_BLK_T_OUT, 64, data, 512, false, &len), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(request(VIRTIO_BLK_T_OUT, ~0ull, data, 512, false, &len), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(request(VIRTIO_BLK_T_OUT, 1ull << 55, data, 1024, false, &len),
		  VIRTIO_BLK_S_IOERR); /* sector * 512 would wrap */
	EXPECT_EQ(request(VIRTIO_BLK_T_OUT, 0, data, 100, false, &len), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(request(VIRTIO_BLK_T_IN, 63, data, 1024, true, &len), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(len, 1);
	read_disk(now);
	EXPECT_MEMEQ(now, disk_before, DISK);
	EXPECT_EQ(request(77, 0, data, 512, true, &len), VIRTIO_BLK_S_UNSUPP);
	EXPECT_FALSE(blk.vd.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	blk_teardown();
}

TEST(blk_read_only_offers_ro_and_refuses_writes)
{
	uint8_t now[DISK];
	uint64_t data;
	uint32_t len;

	blk_setup(true);
	EXPECT_TRUE(blk.vd.device_features & VIRTIO_BIT(VIRTIO_BLK_F_RO));
	data = buf(512);
	memset(vdrv_hva(&drv, data), 'R', 512);
	EXPECT_EQ(request(VIRTIO_BLK_T_OUT, 0, data, 512, false, &len), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(request(VIRTIO_BLK_T_IN, 0, data, 512, true, &len), VIRTIO_BLK_S_OK);
	read_disk(now);
	EXPECT_MEMEQ(now, disk_before, DISK);
	blk_teardown();
}

TEST(blk_get_id_and_requests_without_room_for_a_status)
{
	struct vdrv_sg sg = { 0, 8, false };
	uint64_t data;
	uint32_t len, id;

	blk_setup(false);
	data = buf(VIRTIO_BLK_ID_BYTES);
	EXPECT_EQ(request(VIRTIO_BLK_T_GET_ID, 0, data, VIRTIO_BLK_ID_BYTES, true, &len),
		  VIRTIO_BLK_S_OK);
	EXPECT_MEMEQ(vdrv_hva(&drv, data), "cairn-blk-", 10);
	EXPECT_EQ(len, VIRTIO_BLK_ID_BYTES + 1);
	sg.gpa = buf(8); /* a chain with neither header nor status byte */
	vdrv_push(&drv, 0, &sg, 1, false);
	kick(&blk.vd, 0);
	EXPECT_TRUE(vdrv_used(&drv, 0, &id, &len));
	EXPECT_EQ(len, 0);
	EXPECT_EQ(blk.errors, 1);
	blk_teardown();
}

TEST(blk_open_errors_say_why)
{
	char err[128];

	EXPECT_EQ(virtio_blk_open(&blk, NULL, "/nonexistent/disk.img", false, err, sizeof(err)),
		  -2);
	EXPECT_TRUE(strstr(err, "/nonexistent/disk.img") != NULL);
	EXPECT_EQ(virtio_blk_open(&blk, NULL, "/tmp", true, err, sizeof(err)), -22);
	EXPECT_TRUE(strstr(err, "not a disk image") != NULL);
}

/* ----- virtio-console ----- */

static char out[256];
static size_t nout;

static void output(void *opaque, const uint8_t *bytes, size_t len)
{
	memcpy(out + nout, bytes, len);
	nout += len;
}

TEST(console_output_reaches_stdio_and_input_waits_for_buffers)
{
	static struct virtio_console con;
	struct vdrv_sg tx = { 0, 6, false }, rx = { 0, 4, true };
	uint32_t id, len;

	vdrv_init(&drv, RAM);
	virtio_console_init(&con, &drv.mem, output, NULL);
	vdrv_start(&drv, &con.vd, 2, QSIZE);
	tx.gpa = buf(6);
	memcpy(vdrv_hva(&drv, tx.gpa), "login:", 6);
	vdrv_push(&drv, 1, &tx, 1, false);
	kick(&con.vd, 1);
	EXPECT_EQ(nout, 6);
	EXPECT_MEMEQ(out, "login:", 6);
	EXPECT_TRUE(vdrv_used(&drv, 1, &id, &len));
	EXPECT_EQ(virtio_console_receive(&con, (const uint8_t *)"root\n", 5), 5); /* held */
	EXPECT_EQ(con.npending, 5);
	rx.gpa = buf(4);
	vdrv_push(&drv, 0, &rx, 1, false);
	kick(&con.vd, 0);
	ASSERT_TRUE(vdrv_used(&drv, 0, &id, &len));
	EXPECT_EQ(len, 4);
	EXPECT_MEMEQ(vdrv_hva(&drv, rx.gpa), "root", 4);
	EXPECT_EQ(con.npending, 1);
	vdrv_push(&drv, 0, &rx, 1, false);
	kick(&con.vd, 0);
	ASSERT_TRUE(vdrv_used(&drv, 0, &id, &len));
	EXPECT_EQ(len, 1);
	EXPECT_EQ(con.npending, 0);
	vdrv_free(&drv);
}
