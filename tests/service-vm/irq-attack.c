/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cairn-irq-attack: interrupt routes a hostile Service VM root could aim at a partition, for
 * tests/integration/test_isolation_irq.py (docs/interrupt-routing.md). One "cairn-irq-attack: ..."
 * line per step. Needs iomem=relaxed (IOAPIC and BARs through /dev/mem).
 *
 *   ioapic-rtc DEST LOW      route IOAPIC pin 8 (the CMOS clock) to APIC ID DEST with low half
 *                            LOW (vector, delivery mode), make the clock tick 1024 times a
 *                            second for 300 ms, then give Linux its own route back
 *   edu-msi DEST DATA [conf1|ecam]  program the edu device's MSI (through sysfs, ports
 *                            0xCF8/0xCFC, or ECAM at 0xB0000000 by /dev/mem) at APIC ID DEST
 *                            with data DATA, enable it and raise the interrupt
 *   msix-virtio DEST DATA    write MSI-X entry 1 (the first queue's) of the first virtio device
 *                            at APIC ID DEST with DATA, unmasked; read the disk (its interrupt);
 *                            then put Linux's entry back
 *   edu-dma-msi DEST DATA    make the edu device DMA the 32-bit DATA to 0xFEE00000 | DEST << 12
 *                            (an MSI no configuration write shows)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define IOAPIC_BASE   0xFEC00000u
#define RTC_PIN	      8
#define EDU_VENDOR    0x1234
#define EDU_DEVICE    0x11e8
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK   0x64
#define EDU_DMA_SRC   0x80
#define EDU_DMA_DST   0x88
#define EDU_DMA_CNT   0x90
#define EDU_DMA_CMD   0x98
#define EDU_DMA_BUF   0x40000
#define CAP_MSI	      0x05

static void fail(const char *what)
{
	printf("cairn-irq-attack: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long num(const char *s)
{
	return strtoul(s, NULL, 0);
}

static volatile uint32_t *map_phys(uint64_t pa, size_t len)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0)
		fail("/dev/mem");
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)pa);
	if (p == MAP_FAILED)
		fail("mmap /dev/mem");
	return p;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* --- IOAPIC ------------------------------------------------------------------------------ */

static volatile uint32_t *ioapic;

static uint32_t ioapic_read(uint32_t reg)
{
	ioapic[0] = reg;
	return ioapic[4];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(reg, 0x70);
	return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
	outb(reg, 0x70);
	outb(v, 0x71);
}

static int ioapic_rtc(char **argv)
{
	uint32_t dest = (uint32_t)num(argv[0]), low = (uint32_t)num(argv[1]);
	uint32_t reg = 0x10 + 2 * RTC_PIN;

	if (iopl(3))
		fail("iopl");
	ioapic = map_phys(IOAPIC_BASE, 4096);
	uint32_t old_low = ioapic_read(reg), old_high = ioapic_read(reg + 1);
	printf("cairn-irq-attack: pin %u was low 0x%x high 0x%x\n", RTC_PIN, old_low, old_high);
	ioapic_write(reg + 1, dest << 24); /* Linux's order: destination, then the low half */
	ioapic_write(reg, low);
	printf("cairn-irq-attack: pin %u now low 0x%x high 0x%x\n", RTC_PIN, ioapic_read(reg),
	       ioapic_read(reg + 1));
	fflush(stdout);
	uint8_t b = cmos_read(0x0B), a = cmos_read(0x0A);
	cmos_write(0x0A, (a & 0xF0) | 0x06); /* 1024 Hz */
	cmos_write(0x0B, b | 0x40);	     /* periodic interrupt enable */
	for (int i = 0; i < 300; i++) {
		cmos_read(0x0C); /* acknowledge: the next period raises the line again */
		sleep_ms(1);
	}
	cmos_write(0x0B, b);
	cmos_write(0x0A, a);
	cmos_read(0x0C);
	ioapic_write(reg, old_low | (1u << 16));
	ioapic_write(reg + 1, old_high);
	ioapic_write(reg, old_low);
	printf("cairn-irq-attack: rtc ticks done, pin %u restored to low 0x%x high 0x%x\n", RTC_PIN,
	       ioapic_read(reg), ioapic_read(reg + 1));
	return 0;
}

/* --- the edu device ---------------------------------------------------------------------- */

static char edu_dir[300]; /* the device found by find_device() */

static unsigned long sysfs_number(const char *dir, const char *file)
{
	char path[400], buf[64] = "";
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		return ~0ul;
	fclose(f);
	return strtoul(buf, NULL, 0);
}

static int find_device(unsigned vendor, unsigned device)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char dir[300];
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		if (sysfs_number(dir, "vendor") == vendor &&
		    (device == 0 || sysfs_number(dir, "device") == device)) {
			strcpy(edu_dir, dir);
			printf("cairn-irq-attack: device %04x at %s\n", vendor, e->d_name);
			return 1;
		}
	}
	printf("cairn-irq-attack: no device %04x:%04x\n", vendor, device);
	exit(1);
}

static void edu_find(void)
{
	find_device(EDU_VENDOR, EDU_DEVICE);
}

#define ECAM_BASE 0xB0000000u /* q35's MCFG */

static int cfg_fd = -1;
static int use_conf1, use_ecam;
static volatile uint8_t *ecam_fn;
static unsigned bus, devfn;

static void cfg_open(void)
{
	char path[400];
	unsigned domain, dev, fn;
	snprintf(path, sizeof(path), "%s/config", edu_dir);
	cfg_fd = open(path, O_RDWR);
	if (cfg_fd < 0)
		fail("config");
	sscanf(strrchr(edu_dir, '/') + 1, "%x:%x:%x.%x", &domain, &bus, &dev, &fn);
	devfn = dev << 3 | fn;
}

static uint32_t conf1_address(unsigned off)
{
	return 0x80000000u | bus << 16 | devfn << 8 | (off & 0xFC);
}

static uint32_t cfg_read(unsigned off, unsigned size)
{
	uint32_t v = 0;
	if (pread(cfg_fd, &v, size, off) != (ssize_t)size)
		fail("config read");
	return v;
}

static void cfg_write(unsigned off, unsigned size, uint32_t v)
{
	if (use_ecam) {
		if (!ecam_fn)
			ecam_fn = (volatile uint8_t *)map_phys(
				ECAM_BASE + (bus << 20 | devfn << 12), 4096);
		if (size == 1)
			ecam_fn[off] = (uint8_t)v;
		else if (size == 2)
			*(volatile uint16_t *)(ecam_fn + off) = (uint16_t)v;
		else
			*(volatile uint32_t *)(ecam_fn + off) = v;
		return;
	}
	if (use_conf1) {
		outl(conf1_address(off), 0xCF8);
		if (size == 1)
			outb((uint8_t)v, 0xCFC + (off & 3));
		else if (size == 2)
			outw((uint16_t)v, 0xCFC + (off & 2));
		else
			outl(v, 0xCFC);
		return;
	}
	if (pwrite(cfg_fd, &v, size, off) != (ssize_t)size)
		fail("config write");
}

static unsigned find_cap(unsigned id)
{
	for (unsigned at = cfg_read(0x34, 1) & 0xFC, hops = 0; at && hops < 48; hops++) {
		if (cfg_read(at, 1) == id)
			return at;
		at = cfg_read(at + 1, 1) & 0xFC;
	}
	return 0;
}

static volatile uint32_t *edu_bar0(void)
{
	char path[400];
	unsigned long long start = 0;
	snprintf(path, sizeof(path), "%s/resource", edu_dir);
	FILE *f = fopen(path, "r");
	if (!f || fscanf(f, "%llx", &start) != 1)
		fail("resource");
	fclose(f);
	cfg_write(0x04, 2, cfg_read(0x04, 2) | 0x6); /* memory space, bus master */
	return map_phys(start, 4096);
}

static int edu_msi(char **argv, int argc)
{
	uint32_t dest = (uint32_t)num(argv[0]), data = (uint32_t)num(argv[1]);

	use_conf1 = argc > 2 && !strcmp(argv[2], "conf1");
	use_ecam = argc > 2 && !strcmp(argv[2], "ecam");
	if (use_conf1 && iopl(3))
		fail("iopl");
	edu_find();
	cfg_open();
	volatile uint32_t *bar = edu_bar0();
	unsigned cap = find_cap(CAP_MSI);
	uint32_t control = cfg_read(cap + 2, 2);
	bool wide = control & 0x80;
	cfg_write(cap + 4, 4, 0xFEE00000u | dest << 12);
	if (wide)
		cfg_write(cap + 8, 4, 0);
	cfg_write(cap + (wide ? 12 : 8), 2, data);
	cfg_write(cap + 2, 2, control | 1);
	printf("cairn-irq-attack: edu msi (%s) address 0x%x data 0x%x control 0x%x\n",
	       use_conf1  ? "conf1"
	       : use_ecam ? "ecam"
			  : "sysfs",
	       cfg_read(cap + 4, 4), cfg_read(cap + (wide ? 12 : 8), 2), cfg_read(cap + 2, 2));
	fflush(stdout);
	bar[EDU_IRQ_RAISE / 4] = 1;
	sleep_ms(200);
	bar[EDU_IRQ_ACK / 4] = 1;
	cfg_write(cap + 2, 2, control & ~1u);
	printf("cairn-irq-attack: edu msi raised, now disabled\n");
	return 0;
}

#define CAP_MSIX      0x11
#define VIRTIO_VENDOR 0x1af4

static unsigned long long bar_start(unsigned bar)
{
	char path[400], line[200];
	unsigned long long start = 0;
	snprintf(path, sizeof(path), "%s/resource", edu_dir);
	FILE *f = fopen(path, "r");
	for (unsigned i = 0; f && fgets(line, sizeof(line), f); i++)
		if (i == bar)
			sscanf(line, "%llx", &start);
	if (f)
		fclose(f);
	return start;
}

static int msix_virtio(char **argv)
{
	uint32_t dest = (uint32_t)num(argv[0]), data = (uint32_t)num(argv[1]);

	find_device(VIRTIO_VENDOR, 0);
	cfg_open();
	unsigned cap = find_cap(CAP_MSIX);
	uint32_t table = cfg_read(cap + 4, 4);
	unsigned entries = (cfg_read(cap + 2, 2) & 0x7FF) + 1, index = entries > 1 ? 1 : 0;
	unsigned long long at = bar_start(table & 7) + (table & ~7u) + 16 * index;
	volatile uint32_t *page = map_phys(at & ~4095ull, 4096);
	volatile uint32_t *entry = page + (at & 4095) / 4;
	uint32_t saved[4] = { entry[0], entry[1], entry[2], entry[3] };
	printf("cairn-irq-attack: msix entry %u was address 0x%x data 0x%x control 0x%x\n", index,
	       saved[0], saved[2], saved[3]);
	entry[3] = saved[3] | 1; /* the way Linux does it: masked while it changes */
	entry[0] = 0xFEE00000u | dest << 12;
	entry[1] = 0;
	entry[2] = data;
	entry[3] = 0;
	printf("cairn-irq-attack: msix entry %u now address 0x%x data 0x%x control 0x%x\n", index,
	       entry[0], entry[2], entry[3]);
	fflush(stdout);
	if (system("echo 3 > /proc/sys/vm/drop_caches; "
		   "dd if=/dev/vda of=/dev/null bs=4096 count=8 skip=100 2>/dev/null &") < 0)
		fail("dd");
	sleep_ms(1500);
	entry[3] = saved[3] | 1;
	entry[0] = saved[0];
	entry[1] = saved[1];
	entry[2] = saved[2];
	entry[3] = saved[3];
	printf("cairn-irq-attack: msix entry %u restored: control 0x%x\n", index, entry[3]);
	return 0;
}

/* Physical address of a locked page of ours, through /proc/self/pagemap. */
static uint64_t phys_of(void *p)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)p / 4096 * 8)) != 8)
		fail("pagemap");
	close(fd);
	return (entry & ((1ull << 55) - 1)) * 4096 + ((uintptr_t)p & 4095);
}

static void edu_dma(volatile uint32_t *bar, uint64_t src, uint64_t dst, uint32_t cmd)
{
	*(volatile uint64_t *)&bar[EDU_DMA_SRC / 4] = src;
	*(volatile uint64_t *)&bar[EDU_DMA_DST / 4] = dst;
	*(volatile uint64_t *)&bar[EDU_DMA_CNT / 4] = 4;
	*(volatile uint64_t *)&bar[EDU_DMA_CMD / 4] = cmd;
	for (int i = 0; i < 100 && (bar[EDU_DMA_CMD / 4] & 1); i++)
		sleep_ms(10);
}

static int edu_dma_msi(char **argv)
{
	uint32_t dest = (uint32_t)num(argv[0]), data = (uint32_t)num(argv[1]);

	edu_find();
	cfg_open();
	volatile uint32_t *bar = edu_bar0();
	uint32_t *word =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED || mlock(word, 4096))
		fail("buffer");
	*word = data;
	uint64_t pa = phys_of(word);
	edu_dma(bar, pa, EDU_DMA_BUF, 1);			/* RAM -> edu buffer */
	edu_dma(bar, EDU_DMA_BUF, 0xFEE00000u | dest << 12, 3); /* edu buffer -> "MSI" */
	printf("cairn-irq-attack: edu dma of 0x%x to 0x%x done\n", data, 0xFEE00000u | dest << 12);
	/* The same DMA into our own second page shows the engine works. */
	word[1024 - 1] = 0;
	edu_dma(bar, EDU_DMA_BUF, pa + 4 * 1023, 3);
	printf("cairn-irq-attack: edu dma self-check %s (0x%x)\n",
	       word[1023] == data ? "ok" : "FAILED", word[1023]);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "ioapic-rtc"))
		return ioapic_rtc(argv + 2);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "edu-msi"))
		return edu_msi(argv + 2, argc - 2);
	if (argc == 4 && !strcmp(argv[1], "msix-virtio"))
		return msix_virtio(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "edu-dma-msi"))
		return edu_dma_msi(argv + 2);
	fprintf(stderr,
		"usage: cairn-irq-attack ioapic-rtc DEST LOW | edu-msi DEST DATA [conf1|ecam] | "
		"msix-virtio DEST DATA | edu-dma-msi DEST DATA\n");
	return 2;
}
