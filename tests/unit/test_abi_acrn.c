/* SPDX-License-Identifier: BSD-3-Clause */
/* Cairn's ACRN ABI headers against Linux's <linux/acrn.h>: every size, offset and ioctl number. */
#include <stdio.h>
#include <string.h>

#include "abi_acrn_facts.h"
#include "harness.h"

TEST(both_sides_list_the_same_facts)
{
	EXPECT_EQ(abi_facts_cairn_count, abi_facts_linux_count);
	for (size_t i = 0; i < abi_facts_cairn_count && i < abi_facts_linux_count; i++)
		EXPECT_STREQ(abi_facts_cairn[i].name, abi_facts_linux[i].name);
	EXPECT_TRUE(abi_facts_cairn_count > 100);
}

TEST(every_size_offset_and_number_matches_linux)
{
	unsigned mismatches = 0;

	for (size_t i = 0; i < abi_facts_cairn_count && i < abi_facts_linux_count; i++) {
		const struct abi_fact *ours = &abi_facts_cairn[i], *theirs = &abi_facts_linux[i];
		if (ours->value == theirs->value)
			continue;
		printf("%s: Cairn 0x%llx, Linux 0x%llx\n", ours->name,
		       (unsigned long long)ours->value, (unsigned long long)theirs->value);
		mismatches++;
	}
	EXPECT_EQ(mismatches, 0);
}

TEST(the_request_page_is_what_the_hypervisor_and_hsm_share)
{
	static const char *const wanted[] = { "sizeof(struct acrn_io_request)",
					      "sizeof(struct acrn_io_request_buffer)",
					      "offsetof(struct acrn_io_request, processed)" };
	static const uint64_t values[] = { 256, 4096, 136 };

	for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++)
		for (size_t i = 0; i < abi_facts_cairn_count; i++)
			if (strcmp(abi_facts_cairn[i].name, wanted[w]) == 0)
				EXPECT_EQ(abi_facts_cairn[i].value, values[w]);
}
