/* SPDX-License-Identifier: BSD-3-Clause */
/* The Cairn service device's configuration space: IDs, class, the MSI capability, write masks. */
#include "cairn/service_dev.h"
#include "drivers/pci_host.h"
#include "x86/guest/service_dev.h"
#include "fake_console.h"
#include "fake_virt.h"
#include "harness.h"

static struct vm *svc;

static void setup(void)
{
	svc = fake_vm_create(&(struct fake_vm_spec){ .name = "svc", .kind = VM_KIND_SERVICE });
	service_dev_place(svc, PCI_BDF(0, 5, 0));
}

TEST(placed_where_told_and_said_so)
{
	setup();
	EXPECT_TRUE(fake_console_contains("cairn: service device at 00:05.0\n"));
	EXPECT_TRUE(service_dev_at(svc, PCI_BDF(0, 5, 0)));
	EXPECT_FALSE(service_dev_at(svc, PCI_BDF(0, 5, 1)));
	EXPECT_FALSE(service_dev_at(svc, PCI_BDF(1, 5, 0)));
	struct vm *other = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .first_pcpu = 4 });
	EXPECT_FALSE(service_dev_at(other, PCI_BDF(0, 5, 0)));
}

TEST(header_ids_class_and_capability_pointer)
{
	setup();
	EXPECT_EQ(service_dev_cfg_read(0x00, 4), 0x5E01CA12u);
	EXPECT_EQ(service_dev_cfg_read(0x00, 2), CAIRN_SERVICE_DEV_VENDOR);
	EXPECT_EQ(service_dev_cfg_read(0x02, 2), CAIRN_SERVICE_DEV_DEVICE);
	EXPECT_EQ(service_dev_cfg_read(0x01, 1), 0xCA);
	EXPECT_EQ(service_dev_cfg_read(0x04, 4), 0x00100000u); /* status: capability list */
	EXPECT_EQ(service_dev_cfg_read(0x08, 4), 0x08800001u); /* class 088000, revision 1 */
	EXPECT_EQ(service_dev_cfg_read(0x0C, 4), 0);	       /* header type 0, one function */
	EXPECT_EQ(service_dev_cfg_read(0x2C, 4), 0);
	EXPECT_EQ(service_dev_cfg_read(0x34, 1), CAIRN_SERVICE_DEV_MSI_CAP);
	EXPECT_EQ(service_dev_cfg_read(0x3C, 4), 0); /* interrupt pin 0: no INTx */
	/* MSI: ID 5, last capability, 64-bit, one vector, disabled. */
	EXPECT_EQ(service_dev_cfg_read(0x40, 4), 0x00800005u);
	for (uint16_t off = 0x44; off < 0x50; off += 4)
		EXPECT_EQ(service_dev_cfg_read(off, 4), 0);
	EXPECT_EQ(service_dev_cfg_read(0x100, 4), 0); /* extended space (ECAM): nothing */
	EXPECT_EQ(service_dev_cfg_read(0xFFC, 4), 0);
	EXPECT_EQ(service_dev_cfg_read(0x4E, 4), 0); /* runs past the capability */
}

TEST(bars_read_zero_after_sizing)
{
	setup();
	for (uint16_t bar = 0x10; bar < 0x28; bar += 4) {
		service_dev_cfg_write(bar, 4, 0xFFFFFFFFu);
		EXPECT_EQ(service_dev_cfg_read(bar, 4), 0);
	}
	service_dev_cfg_write(0x30, 4, 0xFFFFFFFFu); /* expansion ROM */
	EXPECT_EQ(service_dev_cfg_read(0x30, 4), 0);
}

TEST(only_command_and_msi_bits_are_writable)
{
	setup();
	/* Every byte of the header and capability written with ones, then with zeros. */
	for (uint16_t off = 0; off < 0x50; off += 4)
		service_dev_cfg_write(off, 4, 0xFFFFFFFFu);
	EXPECT_EQ(service_dev_cfg_read(0x00, 4), 0x5E01CA12u);
	EXPECT_EQ(service_dev_cfg_read(0x04, 4), 0x00100407u); /* I/O, mem, master, INTx off */
	EXPECT_EQ(service_dev_cfg_read(0x08, 4), 0x08800001u);
	EXPECT_EQ(service_dev_cfg_read(0x34, 4), 0x40);
	EXPECT_EQ(service_dev_cfg_read(0x3C, 4), 0);
	EXPECT_EQ(service_dev_cfg_read(0x40, 4), 0x00F10005u); /* enable, MME; 64-bit stays */
	EXPECT_EQ(service_dev_cfg_read(0x44, 4), 0xFFFFFFFCu); /* dword-aligned address */
	EXPECT_EQ(service_dev_cfg_read(0x48, 4), 0xFFFFFFFFu);
	EXPECT_EQ(service_dev_cfg_read(0x4C, 4), 0x0000FFFFu); /* 16-bit data */
	for (uint16_t off = 0; off < 0x50; off += 4)
		service_dev_cfg_write(off, 4, 0);
	EXPECT_EQ(service_dev_cfg_read(0x04, 4), 0x00100000u);
	EXPECT_EQ(service_dev_cfg_read(0x40, 4), 0x00800005u);
	EXPECT_EQ(service_dev_cfg_read(0x44, 4), 0);
}

TEST(byte_and_word_writes_merge_and_a_reset_clears)
{
	setup();
	service_dev_cfg_write(0x4D, 1, 0x12);
	service_dev_cfg_write(0x4C, 1, 0x34);
	EXPECT_EQ(service_dev_cfg_read(0x4C, 2), 0x1234);
	service_dev_cfg_write(0x42, 1, 0x01);
	EXPECT_EQ(service_dev_cfg_read(0x42, 2), 0x0081);
	service_dev_cfg_write(0x45, 2, 0xE0FE); /* address bytes 1-2 */
	EXPECT_EQ(service_dev_cfg_read(0x44, 4), 0x00E0FE00u);
	service_dev_cfg_write(0x4C, 3, 0xFFFF); /* an impossible size changes nothing */
	EXPECT_EQ(service_dev_cfg_read(0x4C, 2), 0x1234);
	EXPECT_EQ(service_dev_cfg_read(0x4C, 3), 0xFFFFFFFFu);
	service_dev_reset();
	EXPECT_EQ(service_dev_cfg_read(0x40, 4), 0x00800005u);
	EXPECT_EQ(service_dev_cfg_read(0x4C, 2), 0);
	EXPECT_EQ(service_dev_cfg_read(0x00, 4), 0x5E01CA12u);
}
