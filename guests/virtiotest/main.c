/* SPDX-License-Identifier: BSD-3-Clause */
/* virtiotest: a polled virtio 1.x PCI driver for cairn-dm's virtio-rng and virtio-blk: the device path without Linux. */
#include "lib/string.h"
#include "console.h"
#include "cpu.h"
#include "guest.h"
#include "mmio_map.h"
#include "tsc.h"

/*
 * What Linux's virtio_pci_modern does, without interrupts: find the functions on bus 0 through
 * 0xCF8/0xCFC (PCI-config requests to cairn-dm), walk their vendor capabilities, reach the
 * structures in the BAR the device model placed (MMIO requests), negotiate VERSION_1, set up
 * queue 0 in this guest's RAM, notify (an ioeventfd in the HSM, or a request) and poll the used
 * ring. Then one malformed chain (a descriptor loop) must make the device ask for a reset, and
 * the device must work again after one. Each result is one `virtiotest: ` line.
 */

#define PCI_CONF_ADDR 0xCF8
#define PCI_CONF_DATA 0xCFC
#define VIRTIO_VENDOR 0x1AF4
#define VIRTIO_BLK    0x1042
#define VIRTIO_RNG    0x1044

#define BAR_WINDOW	0xD0000000ull /* cairn-dm's 32-bit BAR window (dm/include/dm/pci.h) */
#define BAR_WINDOW_2MIB 8	      /* mapped: 16 MiB of it */

#define CAP_VENDOR 0x09
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_DEVICE 4

/* Common configuration (virtio 1.x §4.1.4.3). */
#define C_DFSELECT 0x00
#define C_DF	   0x04
#define C_GFSELECT 0x08
#define C_GF	   0x0C
#define C_STATUS   0x14
#define C_QSELECT  0x16
#define C_QSIZE	   0x18
#define C_QMSIX	   0x1A
#define C_QENABLE  0x1C
#define C_QNOFF	   0x1E
#define C_QDESC	   0x20
#define C_QAVAIL   0x28
#define C_QUSED	   0x30

#define S_ACK	      0x01
#define S_DRIVER      0x02
#define S_DRIVER_OK   0x04
#define S_FEATURES_OK 0x08
#define S_NEEDS_RESET 0x40

#define D_NEXT	0x1
#define D_WRITE 0x2

#define QSIZE	    8
#define BLK_T_IN    0
#define BLK_T_OUT   1
#define BLK_T_FLUSH 4
#define BLK_S_OK    0
#define BLK_S_IOERR 1
#define BLK_F_RO    5
#define SECTOR	    512
#define POLL_MS	    3000
/* virtio-rng answers once the Service VM's CRNG is ready (cairn-dm's getrandom() waits for it,
 * which soon after boot under TCG can take seconds): its requests wait longer. */
#define RNG_POLL_MS 30000

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct ring {
	struct desc desc[QSIZE] __aligned(16);
	struct {
		uint16_t flags, idx, ring[QSIZE], used_event;
	} avail __aligned(2);
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[QSIZE];
		uint16_t avail_event;
	} used __aligned(4);
};

struct vdev {
	const char *name;
	unsigned int devfn;
	uint64_t common, notify, device; /* addresses of the structures */
	uint32_t notify_mult;
	uint64_t features; /* offered */
	struct ring *ring;
	uint16_t avail_idx, used_seen;
};

static struct ring rng_ring __aligned(4096), blk_ring __aligned(4096);
static uint8_t buf[2][SECTOR] __aligned(64);
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} blk_hdr __aligned(16);
static volatile uint8_t blk_status;

/* --- PCI configuration space through 0xCF8/0xCFC --- */

static uint32_t cfg_read(unsigned int devfn, unsigned int reg, unsigned int size)
{
	outl(PCI_CONF_ADDR, 0x80000000u | (devfn << 8) | (reg & 0xFC));
	return port_read((uint16_t)(PCI_CONF_DATA + (reg & 3)), (uint8_t)size);
}

static void cfg_write(unsigned int devfn, unsigned int reg, unsigned int size, uint32_t v)
{
	outl(PCI_CONF_ADDR, 0x80000000u | (devfn << 8) | (reg & 0xFC));
	port_write((uint16_t)(PCI_CONF_DATA + (reg & 3)), (uint8_t)size, v);
}

/* --- MMIO --- */

static uint32_t rd(uint64_t addr, unsigned int size)
{
	if (size == 1)
		return *(volatile uint8_t *)(uintptr_t)addr;
	if (size == 2)
		return *(volatile uint16_t *)(uintptr_t)addr;
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static void wr(uint64_t addr, unsigned int size, uint32_t v)
{
	if (size == 1)
		*(volatile uint8_t *)(uintptr_t)addr = (uint8_t)v;
	else if (size == 2)
		*(volatile uint16_t *)(uintptr_t)addr = (uint16_t)v;
	else
		*(volatile uint32_t *)(uintptr_t)addr = v;
}

/* A 64-bit field as two 32-bit writes, low first (as Linux's vp_iowrite64_twopart). */
static void wr64(uint64_t addr, uint64_t v)
{
	wr(addr, 4, (uint32_t)v);
	wr(addr + 4, 4, (uint32_t)(v >> 32));
}

/* --- Probe --- */

static uint64_t bar_address(unsigned int devfn, unsigned int bar)
{
	uint32_t lo = cfg_read(devfn, 0x10 + 4 * bar, 4);
	uint64_t addr = lo & ~0xFu;

	if ((lo & 0x6) == 0x4)
		addr |= (uint64_t)cfg_read(devfn, 0x14 + 4 * bar, 4) << 32;
	return addr;
}

/* Finds the structures through the vendor capabilities; false if one it needs is missing or
 * outside the mapped window. */
static bool find_structures(struct vdev *d)
{
	unsigned int cap = cfg_read(d->devfn, 0x34, 1) & 0xFC, hops = 0;

	while (cap && hops++ < 48) {
		if (cfg_read(d->devfn, cap, 1) == CAP_VENDOR) {
			unsigned int type = cfg_read(d->devfn, cap + 3, 1);
			uint64_t base = bar_address(d->devfn, cfg_read(d->devfn, cap + 4, 1));
			uint64_t at = base + cfg_read(d->devfn, cap + 8, 4);

			if (type == CFG_COMMON)
				d->common = at;
			else if (type == CFG_NOTIFY) {
				d->notify = at;
				d->notify_mult = cfg_read(d->devfn, cap + 16, 4);
			} else if (type == CFG_DEVICE)
				d->device = at;
		}
		cap = cfg_read(d->devfn, cap + 1, 1) & 0xFC;
	}
	/* Device configuration is optional: virtio-rng has none. */
	return d->common && d->notify && d->common >= BAR_WINDOW &&
	       d->common < BAR_WINDOW + ((uint64_t)BAR_WINDOW_2MIB << 21);
}

static bool find_device(struct vdev *d, uint16_t device_id)
{
	for (unsigned int dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read(dev << 3, 0, 4);

		if ((id & 0xFFFF) != VIRTIO_VENDOR || id >> 16 != device_id)
			continue;
		d->devfn = dev << 3;
		cfg_write(d->devfn, 4, 2, 0x6); /* memory space, bus master */
		return find_structures(d);
	}
	return false;
}

/* Reset, features (VERSION_1 and nothing else), queue 0 in ring, DRIVER_OK. */
static bool start_device(struct vdev *d, struct ring *ring)
{
	uint64_t c = d->common;
	unsigned int size;

	wr(c + C_STATUS, 1, 0);
	if (rd(c + C_STATUS, 1) != 0)
		return false;
	wr(c + C_STATUS, 1, S_ACK | S_DRIVER);
	wr(c + C_DFSELECT, 4, 0);
	d->features = rd(c + C_DF, 4);
	wr(c + C_DFSELECT, 4, 1);
	d->features |= (uint64_t)rd(c + C_DF, 4) << 32;
	if (!(d->features >> 32 & 1))
		return false;
	wr(c + C_GFSELECT, 4, 0);
	wr(c + C_GF, 4, 0);
	wr(c + C_GFSELECT, 4, 1);
	wr(c + C_GF, 4, 1); /* VIRTIO_F_VERSION_1 */
	wr(c + C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(c + C_STATUS, 1) & S_FEATURES_OK))
		return false;
	wr(c + C_QSELECT, 2, 0);
	size = rd(c + C_QSIZE, 2);
	if (size < QSIZE)
		return false;
	memset(ring, 0, sizeof(*ring));
	d->ring = ring;
	d->avail_idx = d->used_seen = 0;
	wr(c + C_QSIZE, 2, QSIZE);
	wr(c + C_QMSIX, 2, 0xFFFF); /* no vector: this driver polls */
	wr64(c + C_QDESC, (uintptr_t)ring->desc);
	wr64(c + C_QAVAIL, (uintptr_t)&ring->avail);
	wr64(c + C_QUSED, (uintptr_t)&ring->used);
	wr(c + C_QENABLE, 2, 1);
	wr(c + C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return true;
}

/* Offers the chain starting at descriptor head, notifies, waits up to wait_ms for it; its used
 * length, or -1. */
static long submit(struct vdev *d, uint16_t head, uint64_t wait_ms)
{
	struct ring *r = d->ring;
	uint64_t deadline = rdtsc() + tsc_ms_to_cycles(wait_ms);
	uint16_t noff;

	r->avail.ring[d->avail_idx % QSIZE] = head;
	__atomic_store_n(&r->avail.idx, (uint16_t)(d->avail_idx + 1), __ATOMIC_RELEASE);
	d->avail_idx++;
	noff = (uint16_t)rd(d->common + C_QNOFF, 2);
	wr(d->notify + (uint64_t)noff * d->notify_mult, 2, 0);
	while (__atomic_load_n(&r->used.idx, __ATOMIC_ACQUIRE) == d->used_seen)
		if (tsc_reached(deadline))
			return -1;
	return r->used.ring[d->used_seen++ % QSIZE].len;
}

static void set_desc(struct ring *r, unsigned int i, const void *addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	r->desc[i] = (struct desc){ (uintptr_t)addr, len, flags, next };
}

/* --- virtio-rng --- */

static bool rng_read(struct vdev *d, uint8_t *out)
{
	memset(out, 0, 64);
	set_desc(d->ring, 0, out, 64, D_WRITE, 0);
	return submit(d, 0, RNG_POLL_MS) == 64;
}

static void rng_tests(void)
{
	struct vdev d = { .name = "rng" };
	unsigned int zeros = 0;

	if (!find_device(&d, VIRTIO_RNG)) {
		guest_printf("virtiotest: rng FAILED: no device with its structures\n");
		return;
	}
	if (!start_device(&d, &rng_ring)) {
		guest_printf("virtiotest: rng FAILED: it would not start (status 0x%x)\n",
			     rd(d.common + C_STATUS, 1));
		return;
	}
	if (!rng_read(&d, buf[0]) || !rng_read(&d, buf[1])) {
		guest_printf("virtiotest: rng FAILED: no answer\n");
		return;
	}
	for (unsigned int i = 0; i < 64; i++)
		zeros += !buf[0][i];
	if (zeros > 8 || !memcmp(buf[0], buf[1], 64)) {
		guest_printf("virtiotest: rng FAILED: the bytes are not random\n");
		return;
	}
	guest_printf("virtiotest: rng ok\n");

	/* Hostile: descriptor 0 chains to itself. The device must ask for a reset, not spin. */
	set_desc(d.ring, 0, buf[0], 64, D_WRITE | D_NEXT, 0);
	submit(&d, 0, POLL_MS);
	uint64_t deadline = rdtsc() + tsc_ms_to_cycles(POLL_MS);
	while (!(rd(d.common + C_STATUS, 1) & S_NEEDS_RESET) && !tsc_reached(deadline))
		;
	if (!(rd(d.common + C_STATUS, 1) & S_NEEDS_RESET)) {
		guest_printf("virtiotest: rng descriptor loop FAILED: no DEVICE_NEEDS_RESET\n");
		return;
	}
	guest_printf("virtiotest: rng descriptor loop: device needs reset\n");
	if (!start_device(&d, &rng_ring) || !rng_read(&d, buf[0]))
		guest_printf("virtiotest: rng after reset FAILED\n");
	else
		guest_printf("virtiotest: rng after reset ok\n");
}

/* --- virtio-blk --- */

/* One request: header, optional data, status. Returns the status byte, or -1 for no answer. */
static int blk_request(struct vdev *d, uint32_t type, uint64_t sector, uint8_t *data)
{
	struct ring *r = d->ring;

	blk_hdr.type = type;
	blk_hdr.reserved = 0;
	blk_hdr.sector = sector;
	blk_status = 0xFF;
	set_desc(r, 0, &blk_hdr, sizeof(blk_hdr), D_NEXT, 1);
	if (data) {
		set_desc(r, 1, data, SECTOR, D_NEXT | (type == BLK_T_IN ? D_WRITE : 0), 2);
		set_desc(r, 2, (const void *)&blk_status, 1, D_WRITE, 0);
	} else {
		set_desc(r, 1, (const void *)&blk_status, 1, D_WRITE, 0);
	}
	return submit(d, 0, POLL_MS) < 0 ? -1 : blk_status;
}

static void printable(const uint8_t *in, char *out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = in[i] >= ' ' && in[i] <= '~' ? (char)in[i] : '.';
	out[n] = '\0';
}

static void blk_tests(void)
{
	static const char pattern[] = "virtiotest-sector-1";
	struct vdev d = { .name = "blk" };
	char text[24];
	uint64_t capacity;
	bool ro;
	int st;

	if (!find_device(&d, VIRTIO_BLK)) {
		guest_printf("virtiotest: blk FAILED: no device with its structures\n");
		return;
	}
	if (!start_device(&d, &blk_ring)) {
		guest_printf("virtiotest: blk FAILED: it would not start (status 0x%x)\n",
			     rd(d.common + C_STATUS, 1));
		return;
	}
	if (!d.device) {
		guest_printf("virtiotest: blk FAILED: no device configuration\n");
		return;
	}
	capacity = rd(d.device, 4) | (uint64_t)rd(d.device + 4, 4) << 32;
	ro = d.features >> BLK_F_RO & 1;
	guest_printf("virtiotest: blk capacity %lu sectors%s\n", capacity, ro ? ", read-only" : "");
	st = blk_request(&d, BLK_T_IN, 0, buf[0]);
	printable(buf[0], text, 16);
	guest_printf("virtiotest: blk read sector 0: status %d: %s\n", st, text);

	memset(buf[1], 0, SECTOR);
	memcpy(buf[1], pattern, sizeof(pattern) - 1);
	st = blk_request(&d, BLK_T_OUT, 1, buf[1]);
	if (ro) {
		guest_printf("virtiotest: blk write on read-only: %s\n",
			     st == BLK_S_IOERR ? "IOERR" : "FAILED (accepted)");
	} else {
		int flush = blk_request(&d, BLK_T_FLUSH, 0, NULL);

		memset(buf[0], 0, SECTOR);
		int back = blk_request(&d, BLK_T_IN, 1, buf[0]);
		bool same = !memcmp(buf[0], buf[1], SECTOR);

		guest_printf("virtiotest: blk write %d flush %d read back %d: %s\n", st, flush,
			     back, !st && !flush && !back && same ? "ok" : "FAILED");
	}
	st = blk_request(&d, BLK_T_IN, capacity, buf[0]);
	guest_printf("virtiotest: blk read past the end: %s\n",
		     st == BLK_S_IOERR ? "IOERR" : "FAILED (accepted)");
}

void guest_main(const struct cairn_start_info *si)
{
	guest_printf("virtiotest: start\n");
	if (!guest_map_uncached(BAR_WINDOW, BAR_WINDOW_2MIB)) {
		guest_printf("virtiotest: FAILED: cannot map the BAR window\n");
		guest_poweroff();
	}
	rng_tests();
	blk_tests();
	guest_printf("virtiotest: done\n");
	guest_poweroff();
}
