/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's AML writer (dm/boot/aml.c): encodings, package lengths, overflow. */
#include <string.h>

#include "dm/aml.h"
#include "harness.h"

static uint8_t buf[8192];

TEST(integers_take_their_shortest_encoding)
{
	static const uint8_t want[] = { 0x00, 0x01, 0x0A, 0x02, 0x0A, 0xFF, 0x0B, 0x00,
					0x01, 0x0C, 0x00, 0x00, 0x01, 0x00, 0x0E, 0x00,
					0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 2);
	aml_integer(&a, 0xFF);
	aml_integer(&a, 0x100);
	aml_integer(&a, 0x10000);
	aml_integer(&a, 0x100000000ull);
	EXPECT_EQ(a.len, sizeof(want));
	EXPECT_MEMEQ(buf, want, sizeof(want));
}

TEST(names_are_padded_segments_with_prefixes)
{
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_name_string(&a, "\\_SB");
	aml_name_string(&a, "PCI0");
	aml_name_string(&a, "\\_SB.PCI0");
	aml_name_string(&a, "\\_SB.PCI0.COM");
	EXPECT_EQ(a.len, 5 + 4 + 10 + 15);
	EXPECT_MEMEQ(buf, "\\_SB_PCI0\\\x2E_SB_PCI0\\\x2F\x03_SB_PCI0COM_", a.len);
}

TEST(eisa_ids_are_compressed)
{
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_eisa_id(&a, "PNP0A03");
	aml_eisa_id(&a, "PNP0501");
	EXPECT_MEMEQ(buf, "\x0C\x41\xD0\x0A\x03\x0C\x41\xD0\x05\x01", 10);
}

/* A package's length counts its own PkgLength bytes: 1 byte to 63, 2 bytes to 4095. */
TEST(package_lengths_shrink_to_fit_and_grow_past_63)
{
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_mark m = aml_package(&a, 0);
	aml_close(&a, m);
	EXPECT_EQ(a.len, 3);
	EXPECT_MEMEQ(buf, "\x12\x02\x00", 3);

	aml_init(&a, buf, sizeof(buf));
	m = aml_package(&a, 61); /* 1 + 61 elements + 1 length byte = 63 */
	for (int i = 0; i < 61; i++)
		aml_integer(&a, 0);
	aml_close(&a, m);
	EXPECT_EQ(a.len, 64);
	EXPECT_EQ(buf[1], 63);

	aml_init(&a, buf, sizeof(buf));
	m = aml_package(&a, 62); /* 64 with one length byte: needs two, 65 */
	for (int i = 0; i < 62; i++)
		aml_integer(&a, 0);
	aml_close(&a, m);
	EXPECT_EQ(a.len, 66);
	EXPECT_EQ(buf[1], 0x40 | (65 & 0xF));
	EXPECT_EQ(buf[2], 65 >> 4);
	EXPECT_EQ(buf[3], 62);

	aml_init(&a, buf, sizeof(buf));
	m = aml_scope(&a, "\\_SB");
	for (int i = 0; i < 5000; i++)
		aml_integer(&a, 0);
	aml_close(&a, m);
	/* 5 name bytes + 5000 + 3 length bytes = 5008 (over 4095: three bytes) */
	EXPECT_EQ(a.len, 1 + 3 + 5 + 5000);
	EXPECT_EQ(buf[1], 0x80 | (5008 & 0xF));
	EXPECT_EQ(buf[2], (5008 >> 4) & 0xFF);
	EXPECT_EQ(buf[3], 5008 >> 12);
}

TEST(resource_buffers_carry_their_size_and_end_tag)
{
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_mark m = aml_resources(&a);
	aml_res_irq(&a, 4);
	aml_resources_end(&a, m);
	/* BufferOp, PkgLength 9, WordConst 5, IRQ mask 0x0010, end tag */
	EXPECT_EQ(a.len, 10);
	EXPECT_MEMEQ(buf, "\x11\x09\x0B\x05\x00\x22\x10\x00\x79\x00", 10);
}

TEST(overflow_is_sticky_and_never_writes_past_the_buffer)
{
	uint8_t small[8] = { 0 };
	struct aml a;

	aml_init(&a, small, 6);
	aml_mark m = aml_device(&a, "PCI0");
	aml_integer(&a, 0x12345678);
	aml_close(&a, m);
	EXPECT_TRUE(a.overflow);
	EXPECT_TRUE(a.len <= 6);
	EXPECT_EQ(small[6], 0);
	EXPECT_EQ(small[7], 0);
}
