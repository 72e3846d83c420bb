/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the FADT's power and reset registers (hypervisor/acpi/acpi_tables.c). */
#include <stdint.h>
#include <string.h>

#include "lib/errno.h"
#include "acpi/acpi.h"
#include "acpi_fixtures.h"
#include "bytes.h"
#include "harness.h"

#define FADT_LEN	276 /* ACPI 6 */
#define OFF_SMI_CMD	48
#define OFF_PM1A_CNT	64
#define OFF_PM1B_CNT	68
#define OFF_FLAGS	112
#define OFF_RESET_REG	116
#define OFF_RESET_VALUE 128
#define OFF_X_PM1A_CNT	172
#define OFF_X_PM1B_CNT	184
#define OFF_SLEEP_CNT	244
#define RESET_REG_SUP	(1U << 10)
#define GAS_MEMORY	0
#define GAS_IO		1
#define GAS_PCI_CONFIG	2

static struct acpi_fadt_info fadt;

static void put_gas(uint8_t *at, uint8_t space, uint8_t bits, uint64_t address)
{
	at[0] = space;
	at[1] = bits;
	at[2] = 0;
	at[3] = 1;
	put_le(at + 4, address, 8);
}

/* A q35-like FADT: SMI_CMD 0xB2 (enable 2, disable 3), PM1a control at 0x604, reset 0xCF9/0x0F. */
static struct acpi_sdt_header *fadt_q35(uint32_t len)
{
	struct acpi_sdt_header *t = table_new("FACP", len);
	uint8_t *raw = (uint8_t *)t;

	put_le(raw + OFF_SMI_CMD, 0xB2, 4);
	raw[52] = 2;
	raw[53] = 3;
	put_le(raw + OFF_PM1A_CNT, 0x604, 4);
	raw[89] = 2;
	put_le(raw + OFF_FLAGS, RESET_REG_SUP, 4);
	if (len >= 129) {
		put_gas(raw + OFF_RESET_REG, GAS_IO, 8, 0xCF9);
		raw[OFF_RESET_VALUE] = 0x0F;
	}
	return t;
}

static int parse(struct acpi_sdt_header *t)
{
	return acpi_parse_fadt(table_seal(t), &fadt);
}

TEST(fadt_q35_power_registers)
{
	ASSERT_EQ(parse(fadt_q35(FADT_LEN)), 0);
	EXPECT_EQ(fadt.pm1a_cnt.space, ACPI_REG_IO);
	EXPECT_EQ(fadt.pm1a_cnt.address, 0x604);
	EXPECT_EQ(fadt.pm1a_cnt.len, 2);
	EXPECT_EQ(fadt.pm1b_cnt.space, ACPI_REG_NONE);
	EXPECT_EQ(fadt.reset_reg.space, ACPI_REG_IO);
	EXPECT_EQ(fadt.reset_reg.address, 0xCF9);
	EXPECT_EQ(fadt.reset_value, 0x0F);
	EXPECT_EQ(fadt.smi_cmd_port, 0xB2);
	EXPECT_EQ(fadt.acpi_enable, 2);
	EXPECT_EQ(fadt.acpi_disable, 3);
	EXPECT_EQ(fadt.sleep_control.space, ACPI_REG_NONE);
}

TEST(fadt_reset_register_needs_the_flag_and_the_length)
{
	struct acpi_sdt_header *t = fadt_q35(FADT_LEN);

	put_le((uint8_t *)t + OFF_FLAGS, 0, 4);
	ASSERT_EQ(parse(t), 0);
	EXPECT_EQ(fadt.reset_reg.space, ACPI_REG_NONE);
	/* An ACPI 1.0 FADT (116 bytes) has no RESET_REG, but its PM1 blocks count. */
	ASSERT_EQ(parse(fadt_q35(116)), 0);
	EXPECT_EQ(fadt.reset_reg.space, ACPI_REG_NONE);
	EXPECT_EQ(fadt.pm1a_cnt.address, 0x604);
}

TEST(fadt_x_blocks_win_and_may_be_mmio)
{
	struct acpi_sdt_header *t = fadt_q35(FADT_LEN);
	uint8_t *raw = (uint8_t *)t;

	put_gas(raw + OFF_X_PM1A_CNT, GAS_IO, 16, 0x804);
	put_gas(raw + OFF_X_PM1B_CNT, GAS_MEMORY, 16, 0xFED80004);
	put_gas(raw + OFF_RESET_REG, GAS_MEMORY, 8, 0xFED80100);
	put_gas(raw + OFF_SLEEP_CNT, GAS_IO, 8, 0x900);
	ASSERT_EQ(parse(t), 0);
	EXPECT_EQ(fadt.pm1a_cnt.space, ACPI_REG_IO);
	EXPECT_EQ(fadt.pm1a_cnt.address, 0x804);
	EXPECT_EQ(fadt.pm1b_cnt.space, ACPI_REG_MEMORY);
	EXPECT_EQ(fadt.pm1b_cnt.address, 0xFED80004);
	EXPECT_EQ(fadt.reset_reg.space, ACPI_REG_MEMORY);
	EXPECT_EQ(fadt.reset_reg.address, 0xFED80100);
	EXPECT_EQ(fadt.sleep_control.space, ACPI_REG_IO);
	EXPECT_EQ(fadt.sleep_control.address, 0x900);
	/* A zero X_ address falls back to the 32-bit block. */
	put_gas(raw + OFF_X_PM1A_CNT, GAS_IO, 16, 0);
	put_le(raw + OFF_PM1B_CNT, 0x608, 4);
	put_gas(raw + OFF_X_PM1B_CNT, GAS_IO, 16, 0);
	ASSERT_EQ(parse(t), 0);
	EXPECT_EQ(fadt.pm1a_cnt.address, 0x604);
	EXPECT_EQ(fadt.pm1b_cnt.address, 0x608);
}

TEST(fadt_registers_out_of_range_are_ignored)
{
	struct acpi_sdt_header *t = fadt_q35(FADT_LEN);
	uint8_t *raw = (uint8_t *)t;

	put_gas(raw + OFF_X_PM1A_CNT, GAS_IO, 16, 0xFFFF); /* its second byte would pass 0xFFFF */
	put_gas(raw + OFF_RESET_REG, GAS_PCI_CONFIG, 8, 0xCF9);
	put_le(raw + OFF_SMI_CMD, 0x10000, 4);
	ASSERT_EQ(parse(t), 0);
	EXPECT_EQ(fadt.pm1a_cnt.space, ACPI_REG_NONE);
	EXPECT_EQ(fadt.reset_reg.space, ACPI_REG_NONE);
	EXPECT_EQ(fadt.smi_cmd_port, 0);
	put_gas(raw + OFF_X_PM1A_CNT, GAS_MEMORY, 16, 0xFFFFFFFFFFFFFFFFull);
	ASSERT_EQ(parse(t), 0);
	EXPECT_EQ(fadt.pm1a_cnt.space, ACPI_REG_NONE);
}
