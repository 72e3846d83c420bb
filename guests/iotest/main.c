/* SPDX-License-Identifier: BSD-3-Clause */
/* iotest: port, MMIO and PCI-config round trips to cairn-dm's test device, values checked both ways. */
#include "cairn/testdev.h"
#include "lib/string.h"
#include "args.h"
#include "console.h"
#include "cpu.h"
#include "guest.h"
#include "mmio_map.h"
#include "tsc.h"

#define DEFAULT_ROUNDS 10000
#define MAX_REPORTS    3 /* mismatches printed per kind */
#define PCI_CONF_ADDR  0xCF8
#define PCI_CONF_DATA  0xCFC

struct result {
	uint64_t rounds, wrong, dm_writes, dm_bad, cycles;
};

static uint64_t mask_of(unsigned int size)
{
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static void mmio_write(uint64_t addr, unsigned int size, uint64_t v)
{
	volatile void *p = (volatile void *)(uintptr_t)addr;

	switch (size) {
	case 1:
		asm volatile("movb %b1, %0" : "=m"(*(volatile uint8_t *)p) : "q"(v) : "memory");
		break;
	case 2:
		asm volatile("movw %w1, %0" : "=m"(*(volatile uint16_t *)p) : "r"(v) : "memory");
		break;
	case 4:
		asm volatile("movl %k1, %0" : "=m"(*(volatile uint32_t *)p) : "r"(v) : "memory");
		break;
	default:
		asm volatile("movq %1, %0" : "=m"(*(volatile uint64_t *)p) : "r"(v) : "memory");
		break;
	}
}

static uint64_t mmio_read(uint64_t addr, unsigned int size)
{
	volatile void *p = (volatile void *)(uintptr_t)addr;
	uint64_t v = 0;

	switch (size) {
	case 1: {
		uint8_t b;
		asm volatile("movb %1, %0" : "=q"(b) : "m"(*(volatile uint8_t *)p) : "memory");
		v = b;
		break;
	}
	case 2: {
		uint16_t w;
		asm volatile("movw %1, %0" : "=r"(w) : "m"(*(volatile uint16_t *)p) : "memory");
		v = w;
		break;
	}
	case 4: {
		uint32_t l;
		asm volatile("movl %1, %0" : "=r"(l) : "m"(*(volatile uint32_t *)p) : "memory");
		v = l;
		break;
	}
	default:
		asm volatile("movq %1, %0" : "=r"(v) : "m"(*(volatile uint64_t *)p) : "memory");
		break;
	}
	return v;
}

/* Round i: size sizes[i % n], at the next aligned place of the window; write, read, compare. */
static void round_trips(const char *kind, bool mmio, uint64_t rounds, struct result *r)
{
	static const unsigned int pio_sizes[] = { 1, 2, 4 };
	static const unsigned int mmio_sizes[] = { 1, 2, 4, 8 };
	const unsigned int *sizes = mmio ? mmio_sizes : pio_sizes;
	unsigned int nsizes = mmio ? 4 : 3;
	uint64_t base = mmio ? CAIRN_TESTDEV_MMIO_BASE : CAIRN_TESTDEV_PORT_BASE;
	uint64_t window = mmio ? CAIRN_TESTDEV_MMIO_WINDOW : CAIRN_TESTDEV_PORT_WINDOW;
	uint64_t start = rdtsc();

	memset(r, 0, sizeof(*r));
	for (uint64_t i = 0; i < rounds; i++) {
		unsigned int size = sizes[i % nsizes];
		uint64_t addr = base + (i * size) % window / size * size;
		uint64_t v = cairn_testdev_pattern(i) & mask_of(size), got, want;

		if (mmio)
			mmio_write(addr, size, v);
		else
			port_write((uint16_t)addr, (uint8_t)size, (uint32_t)v);
		got = mmio ? mmio_read(addr, size) : port_read((uint16_t)addr, (uint8_t)size);
		want = cairn_testdev_answer(addr, v) & mask_of(size);
		if (got != want && r->wrong++ < MAX_REPORTS)
			guest_printf(
				"iotest: %s round %lu: %u bytes at 0x%lx read 0x%lx, want 0x%lx\n",
				kind, i, size, addr, got, want);
	}
	r->cycles = rdtsc() - start;
	r->rounds = rounds;
	if (mmio) {
		r->dm_writes = mmio_read(base + CAIRN_TESTDEV_MMIO_WRITES, 8);
		r->dm_bad = mmio_read(base + CAIRN_TESTDEV_MMIO_BAD, 8);
	} else {
		r->dm_writes = inl((uint16_t)(base + CAIRN_TESTDEV_PORT_WRITES));
		r->dm_bad = inl((uint16_t)(base + CAIRN_TESTDEV_PORT_BAD));
	}
}

static bool result_ok(const char *kind, const struct result *r)
{
	bool ok = !r->wrong && !r->dm_bad && r->dm_writes == r->rounds;

	guest_printf("iotest: %s: %lu round trips, %lu cycles each, %lu wrong reads; "
		     "cairn-dm saw %lu writes, %lu bad\n",
		     kind, r->rounds, r->rounds ? r->cycles / r->rounds : 0, r->wrong, r->dm_writes,
		     r->dm_bad);
	if (r->rounds)
		guest_printf("iotest: %s: %lu ns each (TSC %lu kHz)\n", kind,
			     r->cycles / r->rounds * 1000000 / tsc_khz(), tsc_khz());
	return ok;
}

static uint32_t conf1(unsigned int dev, unsigned int reg)
{
	return 0x80000000u | (CAIRN_TESTDEV_PCI_BUS << 16) | (dev << 11) |
	       (CAIRN_TESTDEV_PCI_FUNC << 8) | (reg & 0xFC);
}

static uint32_t pci_read(unsigned int dev, unsigned int reg, unsigned int size)
{
	outl(PCI_CONF_ADDR, conf1(dev, reg));
	return port_read((uint16_t)(PCI_CONF_DATA + (reg & 3)), (uint8_t)size);
}

static void pci_write(unsigned int dev, unsigned int reg, unsigned int size, uint32_t v)
{
	outl(PCI_CONF_ADDR, conf1(dev, reg));
	port_write((uint16_t)(PCI_CONF_DATA + (reg & 3)), (uint8_t)size, v);
}

static unsigned int pci_check(const char *what, uint32_t got, uint32_t want)
{
	if (got == want)
		return 0;
	guest_printf("iotest: pci %s: read 0x%x, want 0x%x\n", what, got, want);
	return 1;
}

/* The function's IDs and class, a read-only write, the scratch area at every size, a hole. */
static unsigned int pci_tests(void)
{
	const unsigned int dev = CAIRN_TESTDEV_PCI_DEV, s = CAIRN_TESTDEV_PCI_SCRATCH;
	const uint32_t id = CAIRN_TESTDEV_PCI_VENDOR | (uint32_t)CAIRN_TESTDEV_PCI_DEVICE << 16;
	unsigned int failures = 0;

	failures += pci_check("id", pci_read(dev, 0, 4), id);
	failures += pci_check("device id (16-bit)", pci_read(dev, 2, 2), CAIRN_TESTDEV_PCI_DEVICE);
	failures += pci_check("class", pci_read(dev, 8, 4) >> 8, CAIRN_TESTDEV_PCI_CLASS);
	pci_write(dev, 0, 4, 0x12345678);
	failures += pci_check("id after a write", pci_read(dev, 0, 4), id);
	pci_write(dev, s, 4, 0xA1B2C3D4);
	failures += pci_check("scratch dword", pci_read(dev, s, 4), 0xA1B2C3D4);
	pci_write(dev, s + 5, 1, 0x5A);
	failures += pci_check("scratch byte", pci_read(dev, s + 5, 1), 0x5A);
	pci_write(dev, s + 6, 2, 0xBEEF);
	failures += pci_check("scratch word", pci_read(dev, s + 6, 2), 0xBEEF);
	failures += pci_check("scratch dword 1", pci_read(dev, s + 4, 4), 0xBEEF5A00);
	failures += pci_check("scratch byte 3", pci_read(dev, s + 3, 1), 0xA1);
	pci_write(dev, 4, 2, 0x0006);
	failures += pci_check("command", pci_read(dev, 4, 2), 0x0006);
	failures += pci_check("absent function", pci_read(dev + 1, 0, 4), 0xFFFFFFFF);
	return failures;
}

/* `only=pio` or `only=mmio`: that kind alone, no PCI checks (the benchmark's run). */
static bool parse_only(bool *do_pio, bool *do_mmio, bool *do_pci)
{
	char only[8];

	if (!arg_get("only", only, sizeof(only)))
		return true;
	*do_pci = false;
	if (!strcmp(only, "pio")) {
		*do_mmio = false;
		return true;
	}
	if (!strcmp(only, "mmio")) {
		*do_pio = false;
		return true;
	}
	guest_printf("iotest: only=%s: want pio or mmio\n", only);
	return false;
}

void guest_main(const struct cairn_start_info *si)
{
	uint64_t rounds = DEFAULT_ROUNDS;
	struct result pio = { 0 }, mmio = { 0 };
	unsigned int pci_failures = 0;
	bool pio_ok = true, mmio_ok = true, do_pio = true, do_mmio = true, do_pci = true;

	arg_u64("n", 10, &rounds);
	if (!parse_only(&do_pio, &do_mmio, &do_pci)) {
		guest_printf("iotest: FAILED\n");
		guest_poweroff();
	}
	guest_printf("iotest: %lu rounds each on ports 0x%x, MMIO 0x%lx, PCI 00:%02x.%u\n", rounds,
		     CAIRN_TESTDEV_PORT_BASE, (uint64_t)CAIRN_TESTDEV_MMIO_BASE,
		     CAIRN_TESTDEV_PCI_DEV, CAIRN_TESTDEV_PCI_FUNC);
	guest_map_uncached(CAIRN_TESTDEV_MMIO_BASE, 1); /* the loader maps only RAM */
	if (do_pio)
		round_trips("pio", false, rounds, &pio);
	if (do_mmio)
		round_trips("mmio", true, rounds, &mmio);
	if (do_pio)
		pio_ok = result_ok("pio", &pio);
	if (do_mmio)
		mmio_ok = result_ok("mmio", &mmio);
	if (do_pci) {
		pci_failures = pci_tests();
		guest_printf("iotest: pci config %s\n", pci_failures ? "FAILED" : "ok");
	}
	if (pio_ok && mmio_ok && !pci_failures)
		guest_printf("iotest: %lu pio %lu mmio ok\n", pio.rounds, mmio.rounds);
	else
		guest_printf("iotest: FAILED\n");
	guest_poweroff();
}
