/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's PCI functions (dm/pci/): header, BAR sizing and moves, MSI-X, hostile writes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dm/pci.h"
#include "harness.h"

#define DEV	 5
#define BAR0_SZ	 0x1000ull
#define BAR2_SZ	 0x4000ull /* 64-bit, holds the MSI-X table at 0x2000 and PBA at 0x3000 */
#define TABLE	 0x2000u
#define PBA	 0x3000u
#define NVEC	 4
#define MSI_ADDR 0xFEE01000ull

static struct dm_bus bus;
static struct dm_pci_func func;

/* What the device behind the BARs saw, and the MSIs sent. */
static struct {
	int calls;
	struct dm_access last;
} dev_seen;
static struct {
	int count;
	uint64_t addr;
	uint32_t data;
} msis;
static struct {
	int calls;
	unsigned int bar;
	bool mapped;
	uint64_t addr;
} moves;

static enum dm_io_result device_access(void *opaque, struct dm_access *a)
{
	dev_seen.calls++;
	dev_seen.last = *a;
	if (!a->write)
		a->value = 0x5A5A5A5A5A5A5A5Aull;
	return DM_IO_DONE;
}

static void send_msi(void *opaque, uint64_t addr, uint32_t data)
{
	msis.count++;
	msis.addr = addr;
	msis.data = data;
}

static void bar_changed(void *opaque, unsigned int bar, bool mapped, uint64_t addr)
{
	moves.calls++;
	moves.bar = bar;
	moves.mapped = mapped;
	moves.addr = addr;
}

/* A function at 00:05.0: BAR0 32-bit 4 KiB, BAR2 64-bit 16 KiB with MSI-X, a vendor capability. */
static void setup(void)
{
	const struct dm_pci_id id = { .vendor = 0x1AF4,
				      .device = 0x1042,
				      .subsys_vendor = 0x1AF4,
				      .subsys = 0x0002,
				      .class_code = 0x018000,
				      .revision = 1 };
	const uint8_t vendor_cap[8] = { DM_PCI_CAP_ID_VENDOR, 0, 8, 1, 2, 3, 4, 5 };
	uint8_t off;

	dm_bus_init(&bus);
	dm_pci_func_init(&func, &bus, DEV, 0, &id, "testfn");
	func.bar_changed = bar_changed;
	ASSERT_EQ(dm_pci_func_add_bar(&func, 0, DM_PCI_BAR_MEM32, BAR0_SZ, device_access, NULL), 0);
	ASSERT_EQ(dm_pci_func_add_bar(&func, 2, DM_PCI_BAR_MEM64, BAR2_SZ, device_access, NULL), 0);
	ASSERT_EQ(dm_pci_func_add_cap(&func, vendor_cap, sizeof(vendor_cap), &off), 0);
	ASSERT_EQ(dm_pci_func_add_msix(&func, 2, TABLE, PBA, NVEC, send_msi, NULL), 0);
	ASSERT_EQ(dm_pci_func_register(&func), 0);
}

static uint64_t access(enum dm_space space, uint64_t addr, unsigned int size, bool write,
		       uint64_t value)
{
	struct dm_access a = {
		.space = space, .addr = addr, .size = size, .write = write, .value = value
	};

	dm_bus_access(&bus, &a);
	return a.value;
}

static uint32_t cfg_rd(unsigned int reg, unsigned int size)
{
	return (uint32_t)access(DM_SPACE_PCI_CFG, DM_PCI_CFG_ADDR(0, DEV, 0, reg), size, false, 0);
}

static void cfg_wr(unsigned int reg, unsigned int size, uint32_t v)
{
	access(DM_SPACE_PCI_CFG, DM_PCI_CFG_ADDR(0, DEV, 0, reg), size, true, v);
}

static uint64_t mmio_rd(uint64_t addr, unsigned int size)
{
	return access(DM_SPACE_MMIO, addr, size, false, 0);
}

static void mmio_wr(uint64_t addr, unsigned int size, uint64_t v)
{
	access(DM_SPACE_MMIO, addr, size, true, v);
}

/* The offset of the capability with this ID, walking the list as Linux does; 0 if absent. */
static unsigned int find_cap(uint8_t id)
{
	unsigned int at = cfg_rd(DM_PCI_CAP_PTR, 1), hops = 0;

	while (at && hops++ < 48) {
		if (cfg_rd(at, 1) == id)
			return at;
		at = cfg_rd(at + 1, 1);
	}
	return 0;
}

TEST(the_header_identifies_the_function_and_lists_its_capabilities)
{
	setup();
	EXPECT_EQ(cfg_rd(0, 4), 0x10421AF4u);
	EXPECT_EQ(cfg_rd(8, 4), 0x01800001u); /* class 01 80 00, revision 1 */
	EXPECT_EQ(cfg_rd(DM_PCI_HEADER_TYPE, 1), 0);
	EXPECT_EQ(cfg_rd(DM_PCI_SUBSYS_ID, 2), 0x0002);
	EXPECT_TRUE(cfg_rd(DM_PCI_STATUS, 2) & DM_PCI_STATUS_CAP_LIST);
	EXPECT_EQ(find_cap(DM_PCI_CAP_ID_VENDOR), 0x40);
	EXPECT_EQ(find_cap(DM_PCI_CAP_ID_MSIX), 0x48);
	EXPECT_EQ(cfg_rd(0x48 + 2, 2), NVEC - 1);
	EXPECT_EQ(cfg_rd(0x48 + 4, 4), TABLE | 2);
	EXPECT_EQ(cfg_rd(0x48 + 8, 4), PBA | 2);
	EXPECT_EQ(cfg_rd(0x100, 4), 0); /* extended space: nothing */
	/* Another function of the device is absent: all ones. */
	EXPECT_EQ((uint32_t)access(DM_SPACE_PCI_CFG, DM_PCI_CFG_ADDR(0, DEV, 1, 0), 4, false, 0),
		  0xFFFFFFFFu);
}

TEST(bars_size_by_all_ones_as_linux_probes_them)
{
	setup();
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0, 4), 0); /* not placed yet */
	cfg_wr(DM_PCI_BAR0, 4, 0xFFFFFFFF);
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0, 4), (uint32_t) ~(BAR0_SZ - 1));
	cfg_wr(DM_PCI_BAR0 + 8, 4, 0xFFFFFFFF);
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0 + 8, 4),
		  (uint32_t) ~(BAR2_SZ - 1) | DM_PCI_BAR_MEM_TYPE_64 | DM_PCI_BAR_MEM_PREFETCH);
	cfg_wr(DM_PCI_BAR0 + 12, 4, 0xFFFFFFFF);
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0 + 12, 4), 0xFFFFFFFFu);
	/* BAR1 (unused), BAR3 (BAR2's upper half, read above), BAR4, BAR5: nothing. */
	cfg_wr(DM_PCI_BAR0 + 4, 4, 0xFFFFFFFF);
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0 + 4, 4), 0);
	cfg_wr(DM_PCI_BAR0 + 16, 4, 0xFFFFFFFF);
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0 + 16, 4), 0);
	EXPECT_EQ(bus.count, 1); /* decoding is off: only config space is on the bus */
}

TEST(firmware_placement_aligns_each_bar_in_the_window)
{
	uint64_t next = DM_PCI_MMIO32_BASE + 0x100;

	setup();
	EXPECT_EQ(dm_pci_func_place_bars(&func, &next, DM_PCI_MMIO32_BASE + DM_PCI_MMIO32_SIZE), 0);
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0, 4), DM_PCI_MMIO32_BASE + 0x1000);
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0 + 8, 4) & ~0xFu, DM_PCI_MMIO32_BASE + 0x4000);
	EXPECT_EQ(next, DM_PCI_MMIO32_BASE + 0x8000);
	next = DM_PCI_MMIO32_BASE;
	EXPECT_EQ(dm_pci_func_place_bars(&func, &next, DM_PCI_MMIO32_BASE + 0x2000), -ENOSPC);
}

TEST(a_bar_is_decoded_only_with_the_memory_bit_and_moves_with_its_register)
{
	setup();
	cfg_wr(DM_PCI_BAR0, 4, 0xD0001000);
	EXPECT_EQ(mmio_rd(0xD0001000, 4), 0xFFFFFFFFu); /* memory space off: nobody answers */
	EXPECT_EQ(dev_seen.calls, 0);
	cfg_wr(DM_PCI_COMMAND, 2, DM_PCI_COMMAND_MEMORY);
	EXPECT_EQ(moves.calls, 1);
	EXPECT_EQ(moves.mapped, true);
	EXPECT_EQ(moves.addr, 0xD0001000);
	EXPECT_EQ(mmio_rd(0xD0001010, 4), 0x5A5A5A5Au);
	EXPECT_EQ(dev_seen.last.offset, 0x10); /* the device sees offsets in its BAR */
	cfg_wr(DM_PCI_BAR0, 4, 0xE0002345);    /* moved while decoded; low bits dropped */
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0, 4), 0xE0002000);
	EXPECT_EQ(mmio_rd(0xD0001010, 4), 0xFFFFFFFFu);
	mmio_wr(0xE0002FF8, 8, 7);
	EXPECT_EQ(dev_seen.last.offset, 0xFF8);
	EXPECT_EQ(dev_seen.last.value, 7);
	EXPECT_EQ(moves.addr, 0xE0002000);
	cfg_wr(DM_PCI_COMMAND, 2, 0);
	EXPECT_EQ(moves.mapped, false);
	EXPECT_EQ(mmio_rd(0xE0002000, 4), 0xFFFFFFFFu);
	EXPECT_EQ(bus.count, 1);
}

TEST(a_64_bit_bar_moves_above_4g_and_a_clashing_bar_is_not_decoded)
{
	struct dm_region other = { .space = DM_SPACE_MMIO,
				   .start = 0xD0000000,
				   .size = 0x1000,
				   .access = device_access,
				   .name = "other" };

	setup();
	cfg_wr(DM_PCI_BAR0 + 8, 4, 0x40000000);
	cfg_wr(DM_PCI_BAR0 + 12, 4, 0x8);
	cfg_wr(DM_PCI_COMMAND, 2, DM_PCI_COMMAND_MEMORY);
	EXPECT_EQ(mmio_rd(0x840000000ull, 4), 0x5A5A5A5Au);
	ASSERT_EQ(dm_bus_add(&bus, &other), 0);
	cfg_wr(DM_PCI_BAR0, 4, 0xD0000000); /* on top of another device */
	EXPECT_EQ(func.bars[0].mapped, false);
	EXPECT_EQ(func.map_failures, 1);
	cfg_wr(DM_PCI_BAR0, 4, 0xD0004000);
	EXPECT_EQ(func.bars[0].mapped, true);
}

TEST(read_only_registers_stay_read_only)
{
	uint8_t before[DM_PCI_CFG_SIZE];

	setup();
	for (unsigned int r = 0; r < DM_PCI_CFG_SIZE; r++)
		before[r] = (uint8_t)cfg_rd(r, 1);
	for (unsigned int r = 0; r < DM_PCI_CFG_SIZE; r += 4)
		if (r < DM_PCI_BAR0 || r >= DM_PCI_BAR0 + 24)
			cfg_wr(r, 4, 0xFFFFFFFF);
	for (unsigned int r = 0; r < DM_PCI_CFG_SIZE; r++) {
		uint8_t now = (uint8_t)cfg_rd(r, 1);
		bool writable = r == DM_PCI_COMMAND || r == DM_PCI_COMMAND + 1 || r == 0x0C ||
				r == 0x0D || r == DM_PCI_INT_LINE || r == 0x48 + 3 ||
				(r >= DM_PCI_BAR0 && r < DM_PCI_BAR0 + 24);

		if (!writable && now != before[r])
			EXPECT_EQ(r, 0x1000); /* names the register that changed */
	}
	EXPECT_EQ(cfg_rd(DM_PCI_COMMAND, 2),
		  DM_PCI_COMMAND_MEMORY | DM_PCI_COMMAND_MASTER | DM_PCI_COMMAND_INTX_OFF);
	EXPECT_EQ(cfg_rd(0x48 + 2, 2),
		  (NVEC - 1) | DM_PCI_MSIX_CTRL_ENABLE | DM_PCI_MSIX_CTRL_MASKALL);
}

/* BAR2 decoded at 0xD0010000, MSI-X enabled, vector 1 programmed and unmasked. */
static void msix_ready(void)
{
	setup();
	cfg_wr(DM_PCI_BAR0 + 8, 4, 0xD0010000);
	cfg_wr(DM_PCI_COMMAND, 2, DM_PCI_COMMAND_MEMORY | DM_PCI_COMMAND_MASTER);
	cfg_wr(0x48 + 2, 2, DM_PCI_MSIX_CTRL_ENABLE | DM_PCI_MSIX_CTRL_MASKALL);
	mmio_wr(0xD0010000 + TABLE + 16, 4, (uint32_t)MSI_ADDR);
	mmio_wr(0xD0010000 + TABLE + 20, 4, 0);
	mmio_wr(0xD0010000 + TABLE + 24, 4, 0x41);
	mmio_wr(0xD0010000 + TABLE + 28, 4, 0);
	cfg_wr(0x48 + 2, 2, DM_PCI_MSIX_CTRL_ENABLE);
}

TEST(msix_vectors_reset_masked_and_table_reads_back)
{
	msix_ready();
	EXPECT_EQ(mmio_rd(0xD0010000 + TABLE + 12, 4), DM_PCI_MSIX_VECTOR_MASKED);
	EXPECT_EQ(mmio_rd(0xD0010000 + TABLE + 16, 8), MSI_ADDR);
	EXPECT_EQ(mmio_rd(0xD0010000 + TABLE + 24, 8), 0x41);
	mmio_wr(0xD0010000 + TABLE + 28, 4, 0xFFFFFFFF); /* only the mask bit sticks */
	EXPECT_EQ(mmio_rd(0xD0010000 + TABLE + 28, 4), DM_PCI_MSIX_VECTOR_MASKED);
	EXPECT_EQ(mmio_rd(0xD0010000 + TABLE + 17, 2), 0); /* misaligned: nothing */
	EXPECT_EQ(dev_seen.calls, 0);			   /* the table is not the device's */
}

TEST(msix_delivers_holds_while_masked_and_releases_on_unmask)
{
	msix_ready();
	EXPECT_EQ(dm_pci_msix_fire(&func, 1), 0);
	EXPECT_EQ(msis.count, 1);
	EXPECT_EQ(msis.addr, MSI_ADDR);
	EXPECT_EQ(msis.data, 0x41);
	mmio_wr(0xD0010000 + TABLE + 28, 4, 1); /* mask vector 1 */
	EXPECT_EQ(dm_pci_msix_fire(&func, 1), 1);
	EXPECT_EQ(msis.count, 1);
	EXPECT_EQ(mmio_rd(0xD0010000 + PBA, 8), 2);
	mmio_wr(0xD0010000 + PBA, 8, 0); /* the PBA is read-only */
	EXPECT_EQ(mmio_rd(0xD0010000 + PBA, 8), 2);
	mmio_wr(0xD0010000 + TABLE + 28, 4, 0);
	EXPECT_EQ(msis.count, 2);
	EXPECT_EQ(mmio_rd(0xD0010000 + PBA, 8), 0);
	/* The function mask holds every vector, and clearing it releases them. */
	cfg_wr(0x48 + 2, 2, DM_PCI_MSIX_CTRL_ENABLE | DM_PCI_MSIX_CTRL_MASKALL);
	EXPECT_EQ(dm_pci_msix_fire(&func, 1), 1);
	EXPECT_EQ(dm_pci_msix_fire(&func, 0), 1);
	EXPECT_EQ(mmio_rd(0xD0010000 + PBA, 8), 3);
	cfg_wr(0x48 + 2, 2, DM_PCI_MSIX_CTRL_ENABLE);
	EXPECT_EQ(msis.count, 3); /* vector 1; vector 0 is still masked on its own */
	EXPECT_EQ(mmio_rd(0xD0010000 + PBA, 8), 1);
}

TEST(msix_refuses_what_it_cannot_send)
{
	msix_ready();
	EXPECT_EQ(dm_pci_msix_fire(&func, NVEC), -EINVAL);
	mmio_wr(0xD0010000 + TABLE + 16, 4, 0xD0000000); /* not the LAPIC window */
	EXPECT_EQ(dm_pci_msix_fire(&func, 1), -EFAULT);
	mmio_wr(0xD0010000 + TABLE + 16, 4, (uint32_t)MSI_ADDR);
	mmio_wr(0xD0010000 + TABLE + 20, 4, 1); /* above 4 GiB */
	EXPECT_EQ(dm_pci_msix_fire(&func, 1), -EFAULT);
	cfg_wr(0x48 + 2, 2, 0);
	EXPECT_EQ(dm_pci_msix_fire(&func, 1), -ENODEV);
	EXPECT_EQ(msis.count, 0);
}

TEST(bad_setups_are_refused)
{
	const struct dm_pci_id id = { .vendor = 1 };
	uint8_t cap[192] = { DM_PCI_CAP_ID_VENDOR }, off;

	dm_bus_init(&bus);
	dm_pci_func_init(&func, &bus, 1, 0, &id, "bad");
	EXPECT_EQ(dm_pci_func_add_bar(&func, 0, DM_PCI_BAR_MEM32, 0x1800, NULL, NULL), -EINVAL);
	EXPECT_EQ(dm_pci_func_add_bar(&func, 0, DM_PCI_BAR_MEM32, 0x800, NULL, NULL), -EINVAL);
	EXPECT_EQ(dm_pci_func_add_bar(&func, 5, DM_PCI_BAR_MEM64, 0x1000, NULL, NULL), -EINVAL);
	EXPECT_EQ(dm_pci_func_add_bar(&func, 6, DM_PCI_BAR_MEM32, 0x1000, NULL, NULL), -EINVAL);
	EXPECT_EQ(dm_pci_func_add_bar(&func, 0, DM_PCI_BAR_MEM64, 0x1000, NULL, NULL), 0);
	EXPECT_EQ(dm_pci_func_add_bar(&func, 1, DM_PCI_BAR_MEM32, 0x1000, NULL, NULL), -EINVAL);
	EXPECT_EQ(dm_pci_func_add_msix(&func, 0, 0, 0x800, 65, send_msi, NULL), -EINVAL);
	EXPECT_EQ(dm_pci_func_add_msix(&func, 0, 0, 0x20, 4, send_msi, NULL),
		  -EINVAL); /* overlap */
	EXPECT_EQ(dm_pci_func_add_msix(&func, 0, 0xFF8, 0, 4, send_msi, NULL), -EINVAL); /* past */
	EXPECT_EQ(dm_pci_func_add_msix(&func, 2, 0, 0x800, 4, send_msi, NULL),
		  -EINVAL); /* no BAR */
	EXPECT_EQ(dm_pci_func_add_cap(&func, cap, 1, &off), -EINVAL);
	EXPECT_EQ(dm_pci_func_add_cap(&func, cap, 192, &off), 0); /* up to the last byte */
	EXPECT_EQ(dm_pci_func_add_cap(&func, cap, 2, &off), -ENOSPC);
}

/* xorshift64*: deterministic, so a failure repeats with the same inputs. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

/* What no guest write may change: identity, list, BAR types and alignment, the bus view. */
static bool invariants_hold(const uint8_t *header)
{
	size_t mapped = 0;

	for (unsigned int r = 0; r < 0x10; r++)
		if (r != DM_PCI_COMMAND && r != DM_PCI_COMMAND + 1 && r != 0x0C && r != 0x0D &&
		    cfg_rd(r, 1) != header[r])
			return false;
	if (find_cap(DM_PCI_CAP_ID_VENDOR) != 0x40 || find_cap(DM_PCI_CAP_ID_MSIX) != 0x48 ||
	    cfg_rd(0x48 + 4, 4) != (TABLE | 2) || cfg_rd(DM_PCI_BAR0 + 4, 4) != 0)
		return false;
	if ((cfg_rd(DM_PCI_BAR0, 4) & (BAR0_SZ - 1)) != 0 ||
	    (cfg_rd(DM_PCI_BAR0 + 8, 4) & (BAR2_SZ - 1)) != 0xC)
		return false;
	for (unsigned int i = 0; i < DM_PCI_BARS; i++) {
		const struct dm_pci_bar *b = &func.bars[i];
		struct dm_region r;

		if (!b->mapped)
			continue;
		mapped++;
		if (!dm_bus_find(&bus, DM_SPACE_MMIO, b->mapped_addr, 1, &r) || r.opaque != b ||
		    r.size != b->size || b->mapped_addr != b->addr ||
		    !(cfg_rd(DM_PCI_COMMAND, 2) & DM_PCI_COMMAND_MEMORY))
			return false;
	}
	return bus.count == 1 + mapped;
}

TEST(random_config_and_bar_writes_never_break_the_function)
{
	static const unsigned int sizes[] = { 1, 2, 4 };
	uint64_t s = 0x243F6A8885A308D3ull;
	uint8_t header[0x10];
	unsigned int broken = 0, decoded = 0;

	setup();
	for (unsigned int r = 0; r < sizeof(header); r++)
		header[r] = (uint8_t)cfg_rd(r, 1);
	for (int round = 0; round < 50000; round++) {
		uint64_t r = next_random(&s);
		unsigned int size = sizes[r % 3];
		unsigned int reg = (unsigned int)(r >> 8) % (0x110 - size + 1);
		uint64_t v = next_random(&s);

		/* Aim at the interesting registers half of the time. */
		if (r & (1ull << 40))
			reg = (r & (1ull << 41)) ? DM_PCI_BAR0 + (reg % 24) : 0x48 + reg % 12;
		if (reg + size > DM_PCI_CFG_FUNC_SIZE)
			reg = 0;
		cfg_wr(reg, size, (uint32_t)v);
		if (func.bars[2].mapped)
			mmio_wr(func.bars[2].addr + TABLE + ((v >> 40) % 0x50), 4, v >> 8);
		if (func.msix.enabled)
			dm_pci_msix_fire(&func, (uint16_t)((v >> 50) % 8));
		broken += !invariants_hold(header);
		decoded += func.bars[2].mapped;
	}
	EXPECT_EQ(broken, 0);
	EXPECT_TRUE(decoded > 1000); /* the writes did reach the decoding paths */
	EXPECT_TRUE(msis.count + func.msix.held + func.msix.dropped > 0);
}
