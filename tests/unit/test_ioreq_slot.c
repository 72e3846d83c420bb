/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for core/ioreq_slot.c: every state a slot can be in, legal and not, and hostile values. */
#include <string.h>

#include "core/ioreq_slot.h"
#include "lib/errno.h"
#include "harness.h"

static struct acrn_io_request_buffer page;

static struct io_access port(uint16_t addr, uint8_t size, bool write, uint64_t value)
{
	return (struct io_access){ IO_BUS_PORT, addr, size, write, value };
}

static struct io_access mmio(uint64_t addr, uint8_t size, bool write, uint64_t value)
{
	return (struct io_access){ IO_BUS_MMIO, addr, size, write, value };
}

TEST(a_port_write_is_posted_pending_with_its_fields)
{
	struct acrn_io_request *s = &page.req_slot[3];
	struct io_access a = port(0x3F8, 1, true, 0x1234);

	ioreq_page_reset(&page);
	EXPECT_EQ(ioreq_slot_post(s, &a, NULL, false), 0);
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_PENDING);
	EXPECT_EQ(s->type, ACRN_IOREQ_TYPE_PORTIO);
	EXPECT_EQ(s->completion_polling, 0);
	EXPECT_EQ(s->reqs.pio_request.direction, ACRN_IOREQ_DIR_WRITE);
	EXPECT_EQ(s->reqs.pio_request.address, 0x3F8);
	EXPECT_EQ(s->reqs.pio_request.size, 1);
	EXPECT_EQ(s->reqs.pio_request.value, 0x34); /* only the access's bytes leave */
}

TEST(an_mmio_read_in_polling_mode_carries_no_value)
{
	struct acrn_io_request *s = &page.req_slot[0];
	struct io_access a = mmio(0xFEB00010, 8, false, 0xDEADBEEF);

	ioreq_page_reset(&page);
	EXPECT_EQ(ioreq_slot_post(s, &a, NULL, true), 0);
	EXPECT_EQ(s->type, ACRN_IOREQ_TYPE_MMIO);
	EXPECT_EQ(s->completion_polling, 1);
	EXPECT_EQ(s->reqs.mmio_request.direction, ACRN_IOREQ_DIR_READ);
	EXPECT_EQ(s->reqs.mmio_request.address, 0xFEB00010);
	EXPECT_EQ(s->reqs.mmio_request.size, 8);
	EXPECT_EQ(s->reqs.mmio_request.value, 0);
}

TEST(a_pci_config_request_names_its_function)
{
	struct acrn_io_request *s = &page.req_slot[1];
	struct io_access a = port(0xCFE, 2, true, 0xABCD);
	struct ioreq_pci_target t = { .bus = 0, .dev = 3, .func = 1, .reg = 0x06 };

	ioreq_page_reset(&page);
	EXPECT_EQ(ioreq_slot_post(s, &a, &t, false), 0);
	EXPECT_EQ(s->type, ACRN_IOREQ_TYPE_PCICFG);
	EXPECT_EQ(s->reqs.pci_request.dev, 3);
	EXPECT_EQ(s->reqs.pci_request.func, 1);
	EXPECT_EQ(s->reqs.pci_request.reg, 0x06);
	EXPECT_EQ(s->reqs.pci_request.size, 2);
	EXPECT_EQ(s->reqs.pci_request.value, 0xABCD);
}

TEST(posting_into_a_slot_in_flight_is_refused)
{
	struct acrn_io_request *s = &page.req_slot[2];
	struct io_access a = port(0x80, 1, true, 1);
	static const uint32_t busy[] = { ACRN_IOREQ_STATE_PENDING, ACRN_IOREQ_STATE_PROCESSING,
					 ACRN_IOREQ_STATE_COMPLETE, 7, 0xFFFFFFFF };

	for (size_t i = 0; i < sizeof(busy) / sizeof(busy[0]); i++) {
		s->processed = busy[i];
		s->type = 0x55;
		EXPECT_EQ(ioreq_slot_post(s, &a, NULL, false), -EBUSY);
		EXPECT_EQ(s->type, 0x55); /* untouched */
		EXPECT_EQ(s->processed, busy[i]);
	}
}

TEST(waiting_while_the_service_vm_has_it)
{
	struct acrn_io_request *s = &page.req_slot[4];
	struct io_access a = port(0x60, 1, false, 0);

	ioreq_page_reset(&page);
	EXPECT_EQ(ioreq_slot_post(s, &a, NULL, false), 0);
	EXPECT_EQ(ioreq_slot_check(s, &a, NULL), IOREQ_SLOT_WAITING);
	s->processed = ACRN_IOREQ_STATE_PROCESSING;
	EXPECT_EQ(ioreq_slot_check(s, &a, NULL), IOREQ_SLOT_WAITING);
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_PROCESSING);
}

TEST(a_completed_read_takes_only_its_bytes_and_frees_the_slot)
{
	struct acrn_io_request *s = &page.req_slot[5];
	struct io_access a = port(0x71, 2, false, 0);

	ioreq_page_reset(&page);
	EXPECT_EQ(ioreq_slot_post(s, &a, NULL, false), 0);
	s->reqs.pio_request.value = 0xCAFEBABE; /* the Service VM answers more than 2 bytes */
	s->reqs.pio_request.address = 0x1234;	/* and scribbles on the request */
	s->processed = ACRN_IOREQ_STATE_COMPLETE;
	EXPECT_EQ(ioreq_slot_check(s, &a, NULL), IOREQ_SLOT_DONE);
	EXPECT_EQ(a.value, 0xBABE);
	EXPECT_EQ(a.addr, 0x71); /* the access is the hypervisor's own copy */
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_FREE);
}

TEST(a_completed_mmio_read_of_eight_bytes)
{
	struct acrn_io_request *s = &page.req_slot[6];
	struct io_access a = mmio(0x1000, 8, false, 0);

	ioreq_page_reset(&page);
	EXPECT_EQ(ioreq_slot_post(s, &a, NULL, true), 0);
	s->reqs.mmio_request.value = 0x0123456789ABCDEFull;
	s->processed = ACRN_IOREQ_STATE_COMPLETE;
	EXPECT_EQ(ioreq_slot_check(s, &a, NULL), IOREQ_SLOT_DONE);
	EXPECT_EQ(a.value, 0x0123456789ABCDEFull);
}

TEST(a_completed_write_keeps_its_value)
{
	struct acrn_io_request *s = &page.req_slot[7];
	struct io_access a = mmio(0x2000, 4, true, 0x11223344);

	ioreq_page_reset(&page);
	EXPECT_EQ(ioreq_slot_post(s, &a, NULL, false), 0);
	s->reqs.mmio_request.value = 0x99;
	s->processed = ACRN_IOREQ_STATE_COMPLETE;
	EXPECT_EQ(ioreq_slot_check(s, &a, NULL), IOREQ_SLOT_DONE);
	EXPECT_EQ(a.value, 0x11223344);
}

TEST(a_state_that_cannot_happen_is_broken_and_left_alone)
{
	struct acrn_io_request *s = &page.req_slot[8];
	struct io_access a = port(0x60, 1, false, 0);
	static const uint32_t bad[] = { ACRN_IOREQ_STATE_FREE, 4, 0x80000000u, 0xFFFFFFFFu };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ioreq_page_reset(&page);
		EXPECT_EQ(ioreq_slot_post(s, &a, NULL, false), 0);
		s->processed = bad[i];
		a.value = 0x77;
		EXPECT_EQ(ioreq_slot_check(s, &a, NULL), IOREQ_SLOT_BROKEN);
		EXPECT_EQ(a.value, 0x77);
		EXPECT_EQ(s->processed, bad[i]);
	}
}

TEST(a_reset_frees_every_slot)
{
	for (size_t i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		page.req_slot[i].processed = (uint32_t)i % 3;
	ioreq_page_reset(&page);
	for (size_t i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		EXPECT_EQ(page.req_slot[i].processed, ACRN_IOREQ_STATE_FREE);
}
