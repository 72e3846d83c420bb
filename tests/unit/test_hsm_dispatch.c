/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for hsm/dispatch.c: request checks, 0xCF8/0xCFC, range lookup and order, slot states. */
#include <string.h>

#include "../../hsm/dispatch.h"
#include "harness.h"

static struct acrn_io_request slot;

static void post_port(__u64 port, __u64 size, bool write, __u32 value)
{
	memset(&slot, 0, sizeof(slot));
	slot.type = ACRN_IOREQ_TYPE_PORTIO;
	slot.reqs.pio_request.direction = write ? ACRN_IOREQ_DIR_WRITE : ACRN_IOREQ_DIR_READ;
	slot.reqs.pio_request.address = port;
	slot.reqs.pio_request.size = size;
	slot.reqs.pio_request.value = value;
	slot.processed = ACRN_IOREQ_STATE_PENDING;
}

static void post_mmio(__u64 addr, __u64 size, bool write, __u64 value)
{
	memset(&slot, 0, sizeof(slot));
	slot.type = ACRN_IOREQ_TYPE_MMIO;
	slot.reqs.mmio_request.direction = write ? ACRN_IOREQ_DIR_WRITE : ACRN_IOREQ_DIR_READ;
	slot.reqs.mmio_request.address = addr;
	slot.reqs.mmio_request.size = size;
	slot.reqs.mmio_request.value = value;
	slot.processed = ACRN_IOREQ_STATE_PENDING;
}

static int owner_a, owner_b, owner_c, owner_d;

static struct hsm_range port_range(__u64 start, __u64 end, __u32 seq, void *owner)
{
	return (struct hsm_range){ ACRN_IOREQ_TYPE_PORTIO, seq, start, end, owner };
}

/* Dispatches the slot against `ranges` and returns the range index (-1: default client). */
static int route(const struct hsm_range *ranges, unsigned int n)
{
	struct acrn_io_request copy;
	__u32 latch = 0;
	int range = -2;

	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, ranges, n, &range, &copy), HSM_ROUTE);
	return range;
}

TEST(port_and_mmio_sizes_and_addresses_are_checked)
{
	static const struct {
		__u64 addr, size;
		bool ok;
	} ports[] = { { 0x60, 1, true },     { 0x3F8, 2, true },   { 0xCFC, 4, true },
		      { 0x60, 3, false },    { 0x60, 8, false },   { 0x60, 0, false },
		      { 0xFFFF, 1, true },   { 0xFFFF, 2, false }, { 0xFFFE, 4, false },
		      { 0x10000, 1, false }, { ~0ull, 1, false } };
	unsigned int i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		post_port(ports[i].addr, ports[i].size, false, 0);
		EXPECT_EQ(hsm_request_valid(&slot), ports[i].ok);
	}
	post_mmio(0xFEB00000, 8, true, 1);
	EXPECT_TRUE(hsm_request_valid(&slot));
	post_mmio(0xFEB00000, 16, true, 1);
	EXPECT_FALSE(hsm_request_valid(&slot));
	post_mmio(~0ull - 3, 8, false, 0); /* wraps past the top of the address space */
	EXPECT_FALSE(hsm_request_valid(&slot));
	post_mmio(~0ull - 7, 8, false, 0); /* ends exactly at the top */
	EXPECT_TRUE(hsm_request_valid(&slot));
}

TEST(unknown_types_and_directions_are_malformed)
{
	post_port(0x60, 1, false, 0);
	slot.type = 3; /* ACRN's hypervisor-only write-protect type, or any scribble */
	EXPECT_FALSE(hsm_request_valid(&slot));
	post_port(0x60, 1, false, 0);
	slot.reqs.pio_request.direction = 2;
	EXPECT_FALSE(hsm_request_valid(&slot));
}

TEST(a_pci_request_from_the_hypervisor_is_checked_field_by_field)
{
	memset(&slot, 0, sizeof(slot));
	slot.type = ACRN_IOREQ_TYPE_PCICFG;
	slot.reqs.pci_request.size = 4;
	slot.reqs.pci_request.bus = 255;
	slot.reqs.pci_request.dev = 31;
	slot.reqs.pci_request.func = 7;
	slot.reqs.pci_request.reg = 0xFFC;
	EXPECT_TRUE(hsm_request_valid(&slot));
	slot.reqs.pci_request.reg = 0xFFE; /* runs past 4 KiB */
	EXPECT_FALSE(hsm_request_valid(&slot));
	slot.reqs.pci_request.reg = 0;
	slot.reqs.pci_request.func = 8;
	EXPECT_FALSE(hsm_request_valid(&slot));
	slot.reqs.pci_request.func = 0;
	slot.reqs.pci_request.dev = 32;
	EXPECT_FALSE(hsm_request_valid(&slot));
	slot.reqs.pci_request.dev = 0;
	slot.reqs.pci_request.bus = 256;
	EXPECT_FALSE(hsm_request_valid(&slot));
}

TEST(a_malformed_read_gets_all_ones_and_a_malformed_write_is_dropped)
{
	struct acrn_io_request copy;
	__u32 latch = 0;
	int range;

	post_port(0x60, 3, false, 0x12);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, NULL, 0, &range, &copy), HSM_BAD);
	EXPECT_EQ(slot.reqs.pio_request.value, 0xFFFFFFFFu);
	EXPECT_EQ(slot.reqs.mmio_request.value, ~0ull);
	EXPECT_EQ(slot.processed, ACRN_IOREQ_STATE_PENDING); /* the caller completes it */

	post_mmio(0x1000, 5, true, 0x1122334455667788ull);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, NULL, 0, &range, &copy), HSM_BAD);
	EXPECT_EQ(slot.reqs.mmio_request.value, 0x1122334455667788ull);
}

TEST(a_cf8_dword_write_latches_the_address_and_a_read_returns_it)
{
	struct acrn_io_request copy;
	__u32 latch = 0;
	int range;

	post_port(0xCF8, 4, true, 0x80001810);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, NULL, 0, &range, &copy), HSM_DONE);
	EXPECT_EQ(latch, 0x80001810u);
	post_port(0xCF8, 4, false, 0);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, NULL, 0, &range, &copy), HSM_DONE);
	EXPECT_EQ(slot.reqs.pio_request.value, 0x80001810u);
	EXPECT_EQ(slot.type, ACRN_IOREQ_TYPE_PORTIO);
}

TEST(a_cf8_byte_access_is_an_ordinary_port_access)
{
	struct hsm_range r = port_range(0xCF8, 0xCFB, 1, &owner_a);
	struct acrn_io_request copy;
	__u32 latch = 0x80000000;
	int range;

	post_port(0xCF8, 1, true, 0x12);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, &r, 1, &range, &copy), HSM_ROUTE);
	EXPECT_EQ(range, 0);
	EXPECT_EQ(latch, 0x80000000u);
}

TEST(config_data_with_the_address_disabled_reads_all_ones_masked)
{
	struct acrn_io_request copy;
	__u32 latch = 0x00001800; /* enable bit clear */
	int range;

	post_port(0xCFD, 1, false, 0);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, NULL, 0, &range, &copy), HSM_DONE);
	EXPECT_EQ(slot.reqs.pio_request.value, 0xFFu);
	post_port(0xCFC, 4, true, 0x1234);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, NULL, 0, &range, &copy), HSM_DONE);
	EXPECT_EQ(slot.reqs.pio_request.value, 0x1234u); /* a write is dropped, not answered */
}

TEST(config_data_with_the_address_enabled_becomes_a_pci_request)
{
	/* bus 3, device 5, function 2, register 0x44, extended register bits 0x300 */
	__u32 latch = 0x80000000u | (0x3u << 24) | (3u << 16) | (5u << 11) | (2u << 8) | 0x44u;
	struct hsm_range r = port_range(0xC00, 0xCFF, 1, &owner_a);
	struct acrn_io_request copy;
	int range;

	post_port(0xCFE, 2, true, 0xBEEF);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, &r, 1, &range, &copy), HSM_ROUTE);
	EXPECT_EQ(range, -1); /* the default client's, even inside a port range */
	EXPECT_EQ(slot.type, ACRN_IOREQ_TYPE_PCICFG);
	EXPECT_EQ(slot.reqs.pci_request.bus, 3);
	EXPECT_EQ(slot.reqs.pci_request.dev, 5);
	EXPECT_EQ(slot.reqs.pci_request.func, 2);
	EXPECT_EQ(slot.reqs.pci_request.reg, 0x344 + 2);
	EXPECT_EQ(slot.reqs.pci_request.size, 2);
	EXPECT_EQ(slot.reqs.pci_request.value, 0xBEEFu);
	EXPECT_EQ(slot.reqs.pci_request.direction, ACRN_IOREQ_DIR_WRITE);
	EXPECT_EQ(copy.type, ACRN_IOREQ_TYPE_PCICFG);
	EXPECT_EQ(copy.reqs.pci_request.reg, 0x346);
}

TEST(a_config_data_access_past_0xcff_is_not_pci_config)
{
	struct acrn_io_request copy;
	__u32 latch = 0x80000000u;
	int range;

	post_port(0xCFD, 4, false, 0);
	EXPECT_EQ(hsm_dispatch_slot(&slot, &latch, NULL, 0, &range, &copy), HSM_ROUTE);
	EXPECT_EQ(slot.type, ACRN_IOREQ_TYPE_PORTIO);
}

TEST(overlapping_ranges_go_to_the_first_client_created_that_holds_the_whole_access)
{
	struct hsm_range t[4];
	unsigned int n = 0;
	struct hsm_range a = port_range(0x100, 0x1FF, 1, &owner_a);
	struct hsm_range b = port_range(0x180, 0x27F, 2, &owner_b);

	/* created A then B, but B's range added first: the table still puts A first */
	EXPECT_EQ(hsm_ranges_insert(t, &n, 4, &b), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 4, &a), 0);
	ASSERT_EQ(n, 2);
	EXPECT_EQ(t[0].owner, &owner_a);

	post_port(0x180, 1, false, 0);
	EXPECT_EQ(route(t, n), 0); /* both hold it: A, created first */
	post_port(0x1FE, 4, false, 0);
	EXPECT_EQ(route(t, n), 1); /* runs past A's end: only B holds all of it */
	post_port(0x27E, 4, false, 0);
	EXPECT_EQ(route(t, n), -1); /* runs past B's end too: the default client */
	post_port(0xFF, 2, false, 0);
	EXPECT_EQ(route(t, n), -1); /* starts below A */
}

TEST(adjacent_ranges_split_at_their_boundary_and_a_straddling_access_goes_to_the_default)
{
	struct hsm_range t[4];
	unsigned int n = 0;
	struct hsm_range c = port_range(0x300, 0x30F, 1, &owner_c);
	struct hsm_range d = port_range(0x310, 0x31F, 2, &owner_d);

	EXPECT_EQ(hsm_ranges_insert(t, &n, 4, &c), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 4, &d), 0);
	post_port(0x30E, 2, true, 0);
	EXPECT_EQ(route(t, n), 0);
	post_port(0x30F, 1, true, 0);
	EXPECT_EQ(route(t, n), 0);
	post_port(0x30F, 2, true, 0);
	EXPECT_EQ(route(t, n), -1);
	post_port(0x310, 1, true, 0);
	EXPECT_EQ(route(t, n), 1);
	post_port(0x31C, 4, true, 0);
	EXPECT_EQ(route(t, n), 1);
	post_port(0x31F, 2, true, 0);
	EXPECT_EQ(route(t, n), -1);
	post_port(0x2FF, 1, true, 0);
	EXPECT_EQ(route(t, n), -1);
}

TEST(a_port_range_never_takes_mmio_at_the_same_address)
{
	struct hsm_range t[2];
	unsigned int n = 0;
	struct hsm_range p = port_range(0x0, 0xFFFF, 1, &owner_a);
	struct hsm_range m = { ACRN_IOREQ_TYPE_MMIO, 2, 0x1000, 0x1FFF, &owner_b };

	EXPECT_EQ(hsm_ranges_insert(t, &n, 2, &p), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 2, &m), 0);
	post_mmio(0x1000, 8, false, 0);
	EXPECT_EQ(route(t, n), 1);
	post_mmio(0x1FFC, 8, false, 0);
	EXPECT_EQ(route(t, n), -1);
	post_mmio(0x10, 4, false, 0);
	EXPECT_EQ(route(t, n), -1);
	post_port(0x1000, 4, false, 0);
	EXPECT_EQ(route(t, n), 0);
}

TEST(range_checks_and_a_full_table)
{
	struct hsm_range t[2];
	unsigned int n = 0;
	struct hsm_range r = port_range(0x10, 0x1F, 1, &owner_a);

	EXPECT_EQ(hsm_range_check(ACRN_IOREQ_TYPE_PORTIO, 0x10, 0xF), -EINVAL);
	EXPECT_EQ(hsm_range_check(ACRN_IOREQ_TYPE_PORTIO, 0x10, 0x10000), -EINVAL);
	EXPECT_EQ(hsm_range_check(ACRN_IOREQ_TYPE_PCICFG, 0, 0xFF), -EINVAL);
	EXPECT_EQ(hsm_range_check(7, 0, 0xFF), -EINVAL);
	EXPECT_EQ(hsm_range_check(ACRN_IOREQ_TYPE_MMIO, 0, ~0ull), 0);
	EXPECT_EQ(hsm_range_check(ACRN_IOREQ_TYPE_PORTIO, 5, 5), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 2, &r), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 2, &r), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 2, &r), -ENOSPC);
	r.end = 0x5;
	n = 0;
	EXPECT_EQ(hsm_ranges_insert(t, &n, 2, &r), -EINVAL);
	EXPECT_EQ(n, 0);
}

TEST(removing_a_client_keeps_the_others_in_order)
{
	struct hsm_range t[5];
	unsigned int n = 0;
	struct hsm_range a1 = port_range(0x10, 0x1F, 1, &owner_a);
	struct hsm_range b1 = port_range(0x10, 0x2F, 2, &owner_b);
	struct hsm_range a2 = port_range(0x40, 0x4F, 1, &owner_a);
	struct hsm_range c1 = port_range(0x40, 0x5F, 3, &owner_c);

	EXPECT_EQ(hsm_ranges_insert(t, &n, 5, &a1), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 5, &b1), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 5, &c1), 0);
	EXPECT_EQ(hsm_ranges_insert(t, &n, 5, &a2), 0); /* later range of the first client */
	ASSERT_EQ(n, 4);
	EXPECT_EQ(t[1].start, 0x40); /* a2 sits with a1, ahead of b1 */
	post_port(0x44, 1, false, 0);
	EXPECT_EQ(route(t, n), 1);

	EXPECT_EQ(hsm_ranges_remove_owner(t, &n, &owner_a), 2);
	ASSERT_EQ(n, 2);
	EXPECT_EQ(t[0].owner, &owner_b);
	EXPECT_EQ(t[1].owner, &owner_c);
	post_port(0x10, 1, false, 0);
	EXPECT_EQ(route(t, n), 0);
	post_port(0x44, 1, false, 0);
	EXPECT_EQ(route(t, n), 1);

	EXPECT_EQ(hsm_ranges_remove(t, &n, &owner_c, ACRN_IOREQ_TYPE_PORTIO, 0x40, 0x5E), -ENOENT);
	EXPECT_EQ(hsm_ranges_remove(t, &n, &owner_b, ACRN_IOREQ_TYPE_PORTIO, 0x40, 0x5F), -ENOENT);
	EXPECT_EQ(hsm_ranges_remove(t, &n, &owner_c, ACRN_IOREQ_TYPE_PORTIO, 0x40, 0x5F), 0);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(hsm_ranges_remove_owner(t, &n, &owner_d), 0);
}

TEST(slot_states_move_pending_processing_complete)
{
	post_port(0x60, 1, false, 0);
	EXPECT_TRUE(hsm_slot_pending(&slot));
	hsm_slot_take(&slot, true);
	EXPECT_EQ(slot.processed, ACRN_IOREQ_STATE_PROCESSING);
	EXPECT_EQ(slot.kernel_handled, 1);
	EXPECT_FALSE(hsm_slot_pending(&slot));
	EXPECT_EQ(hsm_slot_finish(&slot), 0);
	EXPECT_EQ(slot.processed, ACRN_IOREQ_STATE_COMPLETE);
	EXPECT_FALSE(hsm_slot_pending(&slot));
	EXPECT_EQ(hsm_slot_finish(&slot), 0); /* already COMPLETE (the client wrote it): still 0 */
	EXPECT_EQ(slot.processed, ACRN_IOREQ_STATE_COMPLETE);

	post_port(0x60, 1, false, 0);
	slot.kernel_handled = 1; /* left over, or scribbled */
	hsm_slot_take(&slot, false);
	EXPECT_EQ(slot.kernel_handled, 0);
	slot.processed = ACRN_IOREQ_STATE_FREE;
	EXPECT_FALSE(hsm_slot_pending(&slot));
	slot.processed = 0x1234; /* no such state */
	EXPECT_FALSE(hsm_slot_pending(&slot));
}

TEST(an_answer_is_masked_to_the_access_and_never_written_for_a_write)
{
	struct acrn_io_request copy;

	post_port(0x60, 2, false, 0);
	copy = slot;
	hsm_slot_answer(&slot, &copy, 0xFFFFFFFFFFFF1234ull);
	EXPECT_EQ(slot.reqs.pio_request.value, 0x1234u);

	post_mmio(0x1000, 4, false, 0);
	copy = slot;
	hsm_slot_answer(&slot, &copy, 0x1122334455667788ull);
	EXPECT_EQ(slot.reqs.mmio_request.value, 0x55667788ull);

	post_mmio(0x1000, 8, true, 0xAB);
	copy = slot;
	hsm_slot_answer(&slot, &copy, 0x1234);
	EXPECT_EQ(slot.reqs.mmio_request.value, 0xABull);
}

TEST(only_the_copy_decides_the_size_of_the_answer)
{
	struct acrn_io_request copy;

	post_port(0x60, 1, false, 0);
	copy = slot;
	slot.reqs.pio_request.size = 4; /* userspace rewrote the slot after dispatch */
	hsm_slot_answer(&slot, &copy, 0xAABBCCDD);
	EXPECT_EQ(slot.reqs.pio_request.value, 0xDDu);
}

TEST(size_masks)
{
	EXPECT_EQ(hsm_size_mask(1), 0xFFull);
	EXPECT_EQ(hsm_size_mask(2), 0xFFFFull);
	EXPECT_EQ(hsm_size_mask(4), 0xFFFFFFFFull);
	EXPECT_EQ(hsm_size_mask(8), ~0ull);
	EXPECT_EQ(hsm_size_mask(0), 0);
	EXPECT_EQ(hsm_size_mask(9), 0);
}

TEST(finishing_a_slot_that_is_not_in_flight_leaves_it_alone)
{
	static const __u32 states[] = { ACRN_IOREQ_STATE_FREE, ACRN_IOREQ_STATE_PENDING, 7,
					0xFFFFFFFFu };
	unsigned int i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		post_port(0x60, 1, false, 0);
		slot.processed = states[i];
		EXPECT_EQ(hsm_slot_finish(&slot), -EINVAL);
		EXPECT_EQ(slot.processed, states[i]);
	}
}
