/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cairn-edu-msi: programs QEMU's `edu` device's MSI capability the way a driver would and makes
 * the device raise its interrupt, for the interrupt remapping test (docs/interrupt-remapping.md).
 *
 *   cairn-edu-msi APIC VECTOR   MSI at APIC ID APIC (physical, fixed) with VECTOR, enabled; the
 *                               device raises one interrupt (BAR0 register 0x60), then MSI is
 *                               disabled again. Prints what the capability reads back.
 *
 * No driver owns the vector, so Linux reports the interrupt as "No irq handler for vector"
 * (CPU.VECTOR in decimal) on the console: that line shows the interrupt arrived.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "pci_sysfs.h"

#define EDU_VENDOR    0x1234
#define EDU_DEVICE    0x11e8
#define EDU_BAR_SIZE  (1 << 20)
#define REG_RAISE_IRQ 0x60
#define REG_ACK_IRQ   0x64
#define CAP_POINTER   0x34
#define CAP_ID_MSI    0x05
#define MSI_ENABLE    0x1
#define MSI_64BIT     0x80
#define MSI_ADDR_BASE 0xFEE00000u

static char bdf[300];
static int config;

static void fail(const char *what)
{
	printf("edu-msi: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void find_edu(void)
{
	if (pci_sysfs_find(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf))) {
		printf("edu-msi: no edu device\n");
		exit(1);
	}
}

static uint32_t cfg_read(unsigned off, unsigned size)
{
	uint32_t v = 0;

	if (pread(config, &v, size, off) != (ssize_t)size)
		fail("config read");
	return v;
}

static void cfg_write(unsigned off, unsigned size, uint32_t v)
{
	if (pwrite(config, &v, size, off) != (ssize_t)size)
		fail("config write");
}

static unsigned find_msi(void)
{
	unsigned at = cfg_read(CAP_POINTER, 1) & 0xFC;

	for (int i = 0; at && i < 48; i++) {
		if (cfg_read(at, 1) == CAP_ID_MSI)
			return at;
		at = cfg_read(at + 1, 1) & 0xFC;
	}
	printf("edu-msi: no MSI capability\n");
	exit(1);
}

int main(int argc, char **argv)
{
	char path[600];
	struct timespec pause = { 0, 200 * 1000 * 1000 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		printf("usage: cairn-edu-msi APIC VECTOR\n");
		return 2;
	}
	unsigned apic = (unsigned)strtoul(argv[1], NULL, 0) & 0xFF;
	unsigned vector = (unsigned)strtoul(argv[2], NULL, 0) & 0xFF;
	find_edu();
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	config = open(path, O_RDWR);
	if (config < 0)
		fail("open config");
	cfg_write(4, 2, cfg_read(4, 2) | 0x6); /* memory space, bus master (MSIs are writes) */
	unsigned cap = find_msi();
	unsigned control = cfg_read(cap + 2, 2);
	unsigned data_at = (control & MSI_64BIT) ? 12 : 8;
	cfg_write(cap + 2, 2, control & ~(MSI_ENABLE | 0x70)); /* off, one vector */
	cfg_write(cap + 4, 4, MSI_ADDR_BASE | apic << 12);
	if (control & MSI_64BIT)
		cfg_write(cap + 8, 4, 0);
	cfg_write(cap + data_at, 2, vector);
	cfg_write(cap + 2, 2, (control & ~0x70) | MSI_ENABLE);
	printf("edu-msi: device %s: MSI to APIC ID %u vector 0x%x enabled; the device holds "
	       "address 0x%x data 0x%x\n",
	       bdf, apic, vector, cfg_read(cap + 4, 4), cfg_read(cap + data_at, 2));

	/* The console line out before the kernel's own line about the interrupt can cut into it. */
	tcdrain(STDOUT_FILENO);
	nanosleep(&pause, NULL);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	int fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		fail("open resource0");
	volatile uint8_t *bar = mmap(NULL, EDU_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED)
		fail("mmap resource0");
	*(volatile uint32_t *)(bar + REG_RAISE_IRQ) = 1;
	nanosleep(&pause, NULL);
	*(volatile uint32_t *)(bar + REG_ACK_IRQ) = 1;
	printf("edu-msi: interrupt raised\n");
	cfg_write(cap + 2, 2, control & ~MSI_ENABLE);
	printf("edu-msi: MSI disabled; the device holds address 0x%x data 0x%x\n",
	       cfg_read(cap + 4, 4), cfg_read(cap + data_at, 2));
	return 0;
}
