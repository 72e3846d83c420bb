/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cairn-edu-dma: makes QEMU's `edu` PCI device DMA where a hostile Service VM asks, for the
 * IOMMU confinement tests (docs/iommu.md). One "edu-dma: ..." line per step.
 *
 *   cairn-edu-dma self           round trip through a page of its own RAM: must work
 *   cairn-edu-dma read PA        device reads 64 bytes at PA into its buffer; shows the first 16
 *   cairn-edu-dma write PA       device writes 64 bytes of 0xEE at PA
 *   cairn-edu-dma write32 PA V   device writes the 32-bit value V at PA (an MSI if 0xFEExxxxx)
 *
 * The device is found in sysfs (vendor 0x1234, device 0x11e8), bus mastering is turned on in
 * its command register, BAR0 is mapped through resource0. Its DMA engine: source 0x80,
 * destination 0x88, count 0x90, command 0x98 (bit 0 run, bit 1 device-to-RAM); its buffer is
 * at device address 0x40000 (4 KiB). Start QEMU with `-device edu,dma_mask=...` wide enough
 * for the addresses used (the default mask is 28 bits).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pci_sysfs.h"

#define EDU_VENDOR   0x1234
#define EDU_DEVICE   0x11e8
#define EDU_BAR_SIZE (1 << 20)
#define REG_SRC	     0x80
#define REG_DST	     0x88
#define REG_COUNT    0x90
#define REG_CMD	     0x98
#define CMD_RUN	     0x1
#define CMD_TO_RAM   0x2
#define EDU_BUFFER   0x40000
#define CHUNK	     64
#define MARKER	     0x5A
#define PAYLOAD	     0xEE

static volatile uint8_t *bar;
static char bdf[300];

static void fail(const char *what)
{
	printf("edu-dma: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end) {
		printf("edu-dma: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static void find_edu(void)
{
	if (pci_sysfs_find(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf))) {
		printf("edu-dma: no edu device\n");
		exit(1);
	}
}

/* Memory space and bus mastering on, through the sysfs config file. */
static void enable_device(void)
{
	char path[512];
	uint16_t cmd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	int fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, 4) != 2)
		fail("read command register");
	cmd |= 0x6;
	if (pwrite(fd, &cmd, 2, 4) != 2)
		fail("write command register");
	close(fd);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		fail("open resource0");
	bar = mmap(NULL, EDU_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED)
		fail("mmap resource0");
}

static void reg_write(unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off) = v;
}

static uint32_t reg_read32(unsigned off)
{
	return *(volatile uint32_t *)(bar + off);
}

/* One DMA: to_ram copies the device buffer to addr, else addr into the buffer. */
static int dma(uint64_t addr, uint32_t count, int to_ram)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	reg_write(REG_SRC, to_ram ? EDU_BUFFER : addr);
	reg_write(REG_DST, to_ram ? addr : EDU_BUFFER);
	reg_write(REG_COUNT, count);
	reg_write(REG_CMD, CMD_RUN | (to_ram ? CMD_TO_RAM : 0));
	for (int i = 0; i < 1000; i++) { /* the device runs it on a 100 ms timer */
		if (!(reg_read32(REG_CMD) & CMD_RUN))
			return 0;
		nanosleep(&pause, NULL);
	}
	printf("edu-dma: DMA to 0x%llx did not finish\n", (unsigned long long)addr);
	return -1;
}

/* A locked page of our own RAM and its physical address (from /proc/self/pagemap). */
static uint8_t *own_page(uint64_t *pa)
{
	uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t entry;

	if (p == MAP_FAILED || mlock(p, 4096))
		fail("own page");
	memset(p, 1, 4096);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)p / 4096) * 8) != 8)
		fail("pagemap");
	close(fd);
	if (!(entry & (1ull << 63)) || !(entry & ((1ull << 55) - 1))) {
		printf("edu-dma: no physical address for the own page\n");
		exit(1);
	}
	*pa = (entry & ((1ull << 55) - 1)) * 4096;
	return p;
}

static void show(const char *what, uint64_t addr, const uint8_t *p)
{
	printf("edu-dma: %s 0x%llx:", what, (unsigned long long)addr);
	for (int i = 0; i < 16; i += 4)
		printf(" %08x", *(const uint32_t *)(p + i));
	printf("\n");
}

static int do_self(void)
{
	uint64_t pa;
	uint8_t *p = own_page(&pa);

	for (int i = 0; i < CHUNK; i++)
		p[i] = (uint8_t)(0xA0 + i);
	if (dma(pa, CHUNK, 0))
		return 1;
	memset(p, 0, CHUNK);
	if (dma(pa + 2048, CHUNK, 1))
		return 1;
	for (int i = 0; i < CHUNK; i++) {
		if (p[2048 + i] != (uint8_t)(0xA0 + i)) {
			show("own RAM round trip FAILED at", pa, p + 2048);
			return 1;
		}
	}
	printf("edu-dma: own RAM 0x%llx round trip ok\n", (unsigned long long)pa);
	return 0;
}

/* Marks the device buffer, lets it read addr, copies the buffer back to our page and shows it. */
static int do_read(uint64_t addr)
{
	uint64_t pa;
	uint8_t *p = own_page(&pa);

	memset(p, MARKER, CHUNK);
	if (dma(pa, CHUNK, 0) || dma(addr, CHUNK, 0))
		return 1;
	memset(p, 0, CHUNK);
	if (dma(pa, CHUNK, 1))
		return 1;
	show("read", addr, p);
	return 0;
}

static int do_write(uint64_t addr, const uint8_t *data, uint32_t count)
{
	uint64_t pa;
	uint8_t *p = own_page(&pa);

	memcpy(p, data, count);
	if (dma(pa, count, 0) || dma(addr, count, 1))
		return 1;
	printf("edu-dma: wrote %u bytes to 0x%llx\n", count, (unsigned long long)addr);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		printf("usage: cairn-edu-dma self | read PA | write PA | write32 PA VALUE\n");
		return 2;
	}
	find_edu();
	enable_device();
	printf("edu-dma: device %s\n", bdf);
	if (!strcmp(argv[1], "self"))
		return do_self();
	if (!strcmp(argv[1], "read") && argc == 3)
		return do_read(num(argv[2]));
	if (!strcmp(argv[1], "write") && argc == 3) {
		uint8_t data[CHUNK];
		memset(data, PAYLOAD, sizeof(data));
		return do_write(num(argv[2]), data, CHUNK);
	}
	if (!strcmp(argv[1], "write32") && argc == 4) {
		uint32_t v = (uint32_t)num(argv[3]);
		return do_write(num(argv[2]), (const uint8_t *)&v, 4);
	}
	printf("edu-dma: bad arguments\n");
	return 2;
}
