/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's request serving (dm/ioreq.c) against a fake request page, no kernel. */
#include <string.h>

#include "cairn/guest_boot.h"
#include "cairn/testdev.h"
#include "dm/ioreq.h"
#include "dm/power.h"
#include "dm/testdev.h"
#include "harness.h"

static struct acrn_io_request_buffer page __attribute__((aligned(4096)));
static struct dm_bus bus;
static struct dm_ioreq_stats stats;
static struct dm_power power;
static struct dm_testdev testdev;

/* A device that records what reached it and answers a fixed value. */
static struct {
	int calls;
	struct dm_access last;
	uint64_t answer;
} rec;

/* The finish callback plays the HSM's part: the request becomes COMPLETE. */
static uint32_t finished[64];
static int nfinished, finish_result;

static enum dm_io_result record(void *opaque, struct dm_access *a)
{
	rec.calls++;
	rec.last = *a;
	if (!a->write)
		a->value = rec.answer;
	return DM_IO_DONE;
}

static int finish(void *ctx, uint32_t vcpu)
{
	finished[nfinished++] = vcpu;
	__atomic_store_n(&page.req_slot[vcpu].processed, ACRN_IOREQ_STATE_COMPLETE,
			 __ATOMIC_RELEASE);
	return finish_result;
}

static void add(enum dm_space space, uint64_t start, uint64_t size)
{
	struct dm_region r = {
		.space = space, .start = start, .size = size, .access = record, .name = "rec"
	};

	dm_bus_add(&bus, &r);
}

static void setup(void)
{
	struct dm_region r;

	for (int i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		page.req_slot[i].processed = ACRN_IOREQ_STATE_FREE;
	add(DM_SPACE_PIO, 0x3F8, 8);
	add(DM_SPACE_MMIO, 0xFEB00000, 0x1000);
	add(DM_SPACE_PCI_CFG, DM_PCI_CFG_ADDR(0, 5, 0, 0), DM_PCI_CFG_FUNC_SIZE);
	dm_power_init(&power);
	r = dm_power_pm1_region(&power);
	dm_bus_add(&bus, &r);
	dm_testdev_init(&testdev);
	r = dm_testdev_pio_region(&testdev);
	dm_bus_add(&bus, &r);
	r = dm_testdev_mmio_region(&testdev);
	dm_bus_add(&bus, &r);
	r = dm_testdev_pci_region(&testdev);
	dm_bus_add(&bus, &r);
}

static struct acrn_io_request *pio(int slot, uint32_t dir, uint64_t port, uint64_t size,
				   uint32_t value)
{
	struct acrn_io_request *s = &page.req_slot[slot];

	memset(s, 0, sizeof(*s));
	s->type = ACRN_IOREQ_TYPE_PORTIO;
	s->reqs.pio_request = (struct acrn_pio_request){
		.direction = dir, .address = port, .size = size, .value = value
	};
	s->processed = ACRN_IOREQ_STATE_PROCESSING;
	return s;
}

static struct acrn_io_request *mmio(int slot, uint32_t dir, uint64_t addr, uint64_t size,
				    uint64_t value)
{
	struct acrn_io_request *s = &page.req_slot[slot];

	memset(s, 0, sizeof(*s));
	s->type = ACRN_IOREQ_TYPE_MMIO;
	s->reqs.mmio_request = (struct acrn_mmio_request){
		.direction = dir, .address = addr, .size = size, .value = value
	};
	s->processed = ACRN_IOREQ_STATE_PROCESSING;
	return s;
}

static struct acrn_io_request *pci(int slot, uint32_t dir, uint32_t b, uint32_t d, uint32_t f,
				   uint32_t reg, uint64_t size, uint32_t value)
{
	struct acrn_io_request *s = &page.req_slot[slot];

	memset(s, 0, sizeof(*s));
	s->type = ACRN_IOREQ_TYPE_PCICFG;
	s->reqs.pci_request = (struct acrn_pci_request){ .direction = dir,
							 .size = size,
							 .value = value,
							 .bus = b,
							 .dev = d,
							 .func = f,
							 .reg = reg };
	s->processed = ACRN_IOREQ_STATE_PROCESSING;
	return s;
}

static int serve(unsigned int nslots)
{
	return dm_ioreq_serve_page(page.req_slot, nslots, &bus, finish, NULL, &stats);
}

TEST(a_port_read_gets_its_value_and_is_finished)
{
	struct acrn_io_request *s;

	setup();
	rec.answer = 0xA5A5A5A5;
	s = pio(2, ACRN_IOREQ_DIR_READ, 0x3FD, 1, 0x12345678);
	EXPECT_EQ(serve(16), 1);
	EXPECT_EQ(rec.calls, 1);
	EXPECT_EQ(rec.last.space, DM_SPACE_PIO);
	EXPECT_EQ(rec.last.addr, 0x3FD);
	EXPECT_EQ(rec.last.offset, 5);
	EXPECT_EQ(rec.last.size, 1);
	EXPECT_FALSE(rec.last.write);
	EXPECT_EQ(s->reqs.pio_request.value, 0xA5); /* masked to the byte read */
	EXPECT_EQ(nfinished, 1);
	EXPECT_EQ(finished[0], 2);
	EXPECT_EQ(stats.served[ACRN_IOREQ_TYPE_PORTIO], 1);
	EXPECT_EQ(stats.bad, 0);
}

TEST(a_write_reaches_the_device_masked_and_the_slot_value_is_left_alone)
{
	struct acrn_io_request *s;

	setup();
	s = mmio(0, ACRN_IOREQ_DIR_WRITE, 0xFEB00010, 2, 0x1122334455667788ull);
	EXPECT_EQ(serve(1), 1);
	EXPECT_TRUE(rec.last.write);
	EXPECT_EQ(rec.last.value, 0x7788);
	EXPECT_EQ(rec.last.offset, 0x10);
	EXPECT_EQ(s->reqs.mmio_request.value, 0x1122334455667788ull);
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_COMPLETE); /* by the fake HSM */
}

TEST(an_mmio_read_answers_all_64_bits)
{
	struct acrn_io_request *s;

	setup();
	rec.answer = 0xFEDCBA9876543210ull;
	s = mmio(5, ACRN_IOREQ_DIR_READ, 0xFEB00FF8, 8, 0);
	EXPECT_EQ(serve(8), 1);
	EXPECT_EQ(s->reqs.mmio_request.value, 0xFEDCBA9876543210ull);
	EXPECT_EQ(stats.served[ACRN_IOREQ_TYPE_MMIO], 1);
}

TEST(a_pci_config_request_addresses_the_function_and_register)
{
	struct acrn_io_request *s;

	setup();
	rec.answer = 0xCAFE;
	s = pci(1, ACRN_IOREQ_DIR_READ, 0, 5, 0, 0x42, 2, 0);
	EXPECT_EQ(serve(2), 1);
	EXPECT_EQ(rec.last.space, DM_SPACE_PCI_CFG);
	EXPECT_EQ(rec.last.offset, 0x42);
	EXPECT_EQ(s->reqs.pci_request.value, 0xCAFE);
	EXPECT_EQ(stats.served[ACRN_IOREQ_TYPE_PCICFG], 1);
	s = pci(1, ACRN_IOREQ_DIR_READ, 0, 6, 0, 0, 4, 0); /* no such function */
	serve(2);
	EXPECT_EQ(s->reqs.pci_request.value, 0xFFFFFFFF);
}

TEST(only_processing_slots_of_the_default_client_are_served)
{
	static const uint32_t states[] = { ACRN_IOREQ_STATE_PENDING, ACRN_IOREQ_STATE_COMPLETE,
					   ACRN_IOREQ_STATE_FREE, 4, 0xFFFFFFFF };

	setup();
	for (unsigned int i = 0; i < 5; i++) {
		pio((int)i, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0);
		page.req_slot[i].processed = states[i];
	}
	pio(5, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0)->kernel_handled = 1; /* a range client's */
	pio(6, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0);
	EXPECT_EQ(serve(16), 1);
	EXPECT_EQ(nfinished, 1);
	EXPECT_EQ(finished[0], 6);
	for (unsigned int i = 0; i < 5; i++)
		EXPECT_EQ(page.req_slot[i].processed, states[i]); /* untouched */
	EXPECT_EQ(page.req_slot[5].processed, ACRN_IOREQ_STATE_PROCESSING);
}

TEST(slots_beyond_the_vm_vcpus_are_not_looked_at)
{
	setup();
	pio(3, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0);
	EXPECT_EQ(serve(3), 0);
	EXPECT_EQ(serve(4), 1);
	pio(15, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0);
	EXPECT_EQ(serve(1000), 1); /* clamped to the page's 16 slots */
	EXPECT_EQ(finished[1], 15);
}

TEST(every_pending_slot_is_served_in_one_pass_in_order)
{
	setup();
	pio(0, ACRN_IOREQ_DIR_WRITE, 0x3F8, 1, 'a');
	mmio(7, ACRN_IOREQ_DIR_READ, 0xFEB00000, 4, 0);
	pci(15, ACRN_IOREQ_DIR_WRITE, 0, 5, 0, 0, 4, 1);
	EXPECT_EQ(serve(16), 3);
	EXPECT_EQ(nfinished, 3);
	EXPECT_EQ(finished[0], 0);
	EXPECT_EQ(finished[1], 7);
	EXPECT_EQ(finished[2], 15);
	EXPECT_EQ(serve(16), 0); /* all COMPLETE now: nothing twice */
}

/* Hostile requests: each answers all ones, is counted, never reaches a device. */
TEST(malformed_requests_answer_all_ones)
{
	struct acrn_io_request *s;

	setup();
	s = pio(0, ACRN_IOREQ_DIR_READ, 0x3F8, 3, 0); /* size 3 */
	serve(1);
	EXPECT_EQ(s->reqs.pio_request.value, 0xFFFFFFFF);
	pio(0, ACRN_IOREQ_DIR_READ, 0x3F8, 8, 0); /* 8-byte port access */
	serve(1);
	pio(0, ACRN_IOREQ_DIR_READ, 0x10000, 1, 0); /* beyond the port space */
	serve(1);
	pio(0, ACRN_IOREQ_DIR_READ, 0xFFFF, 2, 0); /* runs past it */
	serve(1);
	pio(0, 2, 0x3F8, 1, 0); /* neither read nor write */
	serve(1);
	s = mmio(0, ACRN_IOREQ_DIR_READ, ~0ull - 2, 8, 0); /* wraps */
	serve(1);
	EXPECT_EQ(s->reqs.mmio_request.value, ~0ull);
	mmio(0, ACRN_IOREQ_DIR_READ, 0xFEB00000, 16, 0);
	serve(1);
	pci(0, ACRN_IOREQ_DIR_READ, 256, 0, 0, 0, 4, 0);
	serve(1);
	pci(0, ACRN_IOREQ_DIR_READ, 0, 32, 0, 0, 4, 0);
	serve(1);
	pci(0, ACRN_IOREQ_DIR_READ, 0, 5, 8, 0, 4, 0);
	serve(1);
	pci(0, ACRN_IOREQ_DIR_READ, 0, 5, 0, 0xFFE, 4, 0); /* past the function's 4 KiB */
	serve(1);
	s = pio(0, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0);
	s->type = 7;
	serve(1);
	EXPECT_EQ(rec.calls, 0);
	EXPECT_EQ(stats.bad, 12);
	EXPECT_EQ(nfinished, 12); /* still finished: the vCPU must not wait forever */
	EXPECT_EQ(stats.served[0] + stats.served[1] + stats.served[2], 0);
}

TEST(a_failed_finish_is_counted)
{
	setup();
	finish_result = -22;
	pio(0, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0);
	EXPECT_EQ(serve(1), 1);
	EXPECT_EQ(stats.finish_errors, 1);
}

TEST(an_s5_write_powers_off_and_is_left_unfinished)
{
	struct acrn_io_request *s;

	setup();
	pio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_GUEST_PM1A_CNT_PORT, 2, 0x1400); /* S5, no SLP_EN */
	EXPECT_EQ(serve(4), 1);
	s = pio(1, ACRN_IOREQ_DIR_WRITE, CAIRN_GUEST_PM1A_CNT_PORT, 2, CAIRN_GUEST_PM1A_S5);
	pio(2, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0);
	EXPECT_EQ(serve(4), -1);
	EXPECT_EQ(nfinished, 1);
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_PROCESSING);
	EXPECT_EQ(power.exit_value, CAIRN_GUEST_PM1A_S5);
	EXPECT_EQ(rec.calls, 0); /* the pass stopped there */
}

TEST(the_hypervisors_crash_notice_is_told_from_a_power_off)
{
	setup();
	pio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_GUEST_PM1A_CNT_PORT, 2, CAIRN_GUEST_PM1A_S5);
	EXPECT_EQ(serve(1), -1);
	EXPECT_FALSE(power.crashed);
	setup();
	pio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_GUEST_PM1A_CNT_PORT, 2,
	    CAIRN_GUEST_PM1A_S5 | CAIRN_GUEST_PM1A_CRASHED);
	EXPECT_EQ(serve(1), -1);
	EXPECT_TRUE(power.crashed);
}

TEST(other_sleep_states_do_not_power_off)
{
	struct acrn_io_request *s;

	setup();
	pio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_GUEST_PM1A_CNT_PORT, 2,
	    CAIRN_GUEST_PM1A_SLP_EN | 3 << 10);
	EXPECT_EQ(serve(1), 1); /* S3: kept, not a power-off */
	s = pio(0, ACRN_IOREQ_DIR_READ, CAIRN_GUEST_PM1A_CNT_PORT, 2, 0);
	serve(1);
	EXPECT_EQ(s->reqs.pio_request.value, 3 << 10); /* SLP_EN reads as 0 */
}

TEST(the_s5_write_may_come_a_byte_at_a_time)
{
	setup();
	pio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_GUEST_PM1A_CNT_PORT, 1, 0x00);
	EXPECT_EQ(serve(1), 1);
	pio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_GUEST_PM1A_CNT_PORT + 1, 1, CAIRN_GUEST_PM1A_S5 >> 8);
	EXPECT_EQ(serve(1), -1);
}

/* The test device through requests, as the iotest guest drives it. */
TEST(the_test_device_checks_writes_and_answers_reads)
{
	struct acrn_io_request *s;
	const uint64_t port = CAIRN_TESTDEV_PORT_BASE + 2;
	const uint32_t v0 = (uint32_t)(cairn_testdev_pattern(0) & 0xFFFF);

	setup();
	pio(0, ACRN_IOREQ_DIR_WRITE, port, 2, v0);
	serve(1);
	s = pio(0, ACRN_IOREQ_DIR_READ, port, 2, 0);
	serve(1);
	EXPECT_EQ(s->reqs.pio_request.value, cairn_testdev_answer(port, v0) & 0xFFFF);
	pio(0, ACRN_IOREQ_DIR_WRITE, port, 2, v0); /* round 1 must carry pattern(1) */
	serve(1);
	s = pio(0, ACRN_IOREQ_DIR_READ, CAIRN_TESTDEV_PORT_BASE + CAIRN_TESTDEV_PORT_WRITES, 4, 0);
	serve(1);
	EXPECT_EQ(s->reqs.pio_request.value, 2);
	s = pio(0, ACRN_IOREQ_DIR_READ, CAIRN_TESTDEV_PORT_BASE + CAIRN_TESTDEV_PORT_BAD, 4, 0);
	serve(1);
	EXPECT_EQ(s->reqs.pio_request.value, 1);
	s = mmio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_TESTDEV_MMIO_BASE, 8, cairn_testdev_pattern(0));
	serve(1);
	s = mmio(0, ACRN_IOREQ_DIR_READ, CAIRN_TESTDEV_MMIO_BASE + 8, 8, 0);
	serve(1);
	EXPECT_EQ(s->reqs.mmio_request.value,
		  cairn_testdev_answer(CAIRN_TESTDEV_MMIO_BASE + 8, cairn_testdev_pattern(0)));
	mmio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_TESTDEV_MMIO_BASE + CAIRN_TESTDEV_MMIO_BAD, 8, 0);
	serve(1); /* a counter is read-only: a bad write */
	s = mmio(0, ACRN_IOREQ_DIR_READ, CAIRN_TESTDEV_MMIO_BASE + CAIRN_TESTDEV_MMIO_BAD, 8, 0);
	serve(1);
	EXPECT_EQ(s->reqs.mmio_request.value, 1);
	EXPECT_EQ(testdev.mmio.writes, 1);
	EXPECT_EQ(testdev.pio.bad, 1);
}

TEST(the_test_function_has_its_ids_a_read_only_header_and_scratch)
{
	struct acrn_io_request *s;
	const uint32_t d = CAIRN_TESTDEV_PCI_DEV, scratch = CAIRN_TESTDEV_PCI_SCRATCH;

	setup();
	s = pci(0, ACRN_IOREQ_DIR_READ, 0, d, 0, 0, 4, 0);
	serve(1);
	EXPECT_EQ(s->reqs.pci_request.value,
		  CAIRN_TESTDEV_PCI_VENDOR | (uint32_t)CAIRN_TESTDEV_PCI_DEVICE << 16);
	pci(0, ACRN_IOREQ_DIR_WRITE, 0, d, 0, 0, 4, 0x12345678);
	serve(1);
	s = pci(0, ACRN_IOREQ_DIR_READ, 0, d, 0, 2, 2, 0);
	serve(1);
	EXPECT_EQ(s->reqs.pci_request.value, CAIRN_TESTDEV_PCI_DEVICE);
	s = pci(0, ACRN_IOREQ_DIR_READ, 0, d, 0, 4, 4, 0); /* the ID write went nowhere else */
	serve(1);
	EXPECT_EQ(s->reqs.pci_request.value, 0);
	pci(0, ACRN_IOREQ_DIR_WRITE, 0, d, 0, scratch + 1, 2, 0xBEEF);
	serve(1);
	s = pci(0, ACRN_IOREQ_DIR_READ, 0, d, 0, scratch, 4, 0);
	serve(1);
	EXPECT_EQ(s->reqs.pci_request.value, 0x00BEEF00);
	s = pci(0, ACRN_IOREQ_DIR_READ, 0, d, 0, 8, 4, 0);
	serve(1);
	EXPECT_EQ(s->reqs.pci_request.value, (uint32_t)CAIRN_TESTDEV_PCI_CLASS << 8);
	s = pci(0, ACRN_IOREQ_DIR_READ, 0, d, 0, 0x100, 4, 0); /* extended space: zeros */
	serve(1);
	EXPECT_EQ(s->reqs.pci_request.value, 0);
}

TEST(handle_serves_a_copy_as_range_clients_do)
{
	struct acrn_io_request req = { .type = ACRN_IOREQ_TYPE_PORTIO };
	uint64_t value = 0;
	bool bad = true;

	setup();
	rec.answer = 0x77;
	req.reqs.pio_request = (struct acrn_pio_request){ .direction = ACRN_IOREQ_DIR_READ,
							  .address = 0x3F9,
							  .size = 1 };
	EXPECT_EQ(dm_ioreq_handle(&bus, &req, &value, &bad), DM_IO_DONE);
	EXPECT_FALSE(bad);
	EXPECT_EQ(value, 0x77);
	req.reqs.pio_request.size = 0;
	dm_ioreq_handle(&bus, &req, &value, &bad);
	EXPECT_TRUE(bad);
	EXPECT_EQ(value, ~0ull);
}

/* --- Exit-less serving: cairn-dm claims PENDING slots itself (dm_ioreq_poll_page) --- */

static uint32_t latch;

static int poll_page(unsigned int nslots)
{
	return dm_ioreq_poll_page(page.req_slot, nslots, &bus, &latch, &stats);
}

static struct acrn_io_request *pending(struct acrn_io_request *s)
{
	s->processed = ACRN_IOREQ_STATE_PENDING;
	return s;
}

TEST(exitless_claims_a_pending_slot_serves_it_and_marks_it_complete)
{
	struct acrn_io_request *s;

	setup();
	rec.answer = 0x5A;
	s = pending(pio(3, ACRN_IOREQ_DIR_READ, 0x3FD, 1, 0));
	EXPECT_EQ(poll_page(16), 1);
	EXPECT_EQ(rec.calls, 1);
	EXPECT_EQ(s->reqs.pio_request.value, 0x5A);
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_COMPLETE);
	EXPECT_EQ(nfinished, 0);     /* no HSM, no ioctl */
	EXPECT_EQ(poll_page(16), 0); /* COMPLETE is the hypervisor's to take */
	EXPECT_EQ(rec.calls, 1);
}

TEST(exitless_leaves_slots_in_any_other_state_alone)
{
	static const uint32_t states[] = { ACRN_IOREQ_STATE_PROCESSING, ACRN_IOREQ_STATE_COMPLETE,
					   ACRN_IOREQ_STATE_FREE, 4, 0xFFFFFFFF };

	setup();
	for (unsigned int i = 0; i < 5; i++) {
		pio((int)i, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0x77);
		page.req_slot[i].processed = states[i];
	}
	EXPECT_EQ(poll_page(16), 0);
	EXPECT_EQ(rec.calls, 0);
	for (unsigned int i = 0; i < 5; i++) {
		EXPECT_EQ(page.req_slot[i].processed, states[i]);
		EXPECT_EQ(page.req_slot[i].reqs.pio_request.value, 0x77);
	}
}

TEST(exitless_applies_the_pci_type1_latch_as_the_hsm_would)
{
	struct acrn_io_request *s;

	setup();
	latch = 0;
	/* latch off: data reads all ones, reaches nothing */
	s = pending(pio(0, ACRN_IOREQ_DIR_READ, 0xCFC, 4, 0));
	EXPECT_EQ(poll_page(1), 1);
	EXPECT_EQ(s->reqs.pio_request.value, 0xFFFFFFFF);
	EXPECT_EQ(rec.calls, 0);
	/* bus 0, device 5, function 0, register 0x40; the latch reads back */
	pending(pio(0, ACRN_IOREQ_DIR_WRITE, 0xCF8, 4, 0x80000000u | 5 << 11 | 0x40));
	EXPECT_EQ(poll_page(1), 1);
	s = pending(pio(0, ACRN_IOREQ_DIR_READ, 0xCF8, 4, 0));
	EXPECT_EQ(poll_page(1), 1);
	EXPECT_EQ(s->reqs.pio_request.value, 0x80000000u | 5 << 11 | 0x40);
	EXPECT_EQ(rec.calls, 0);
	rec.answer = 0xBEEF;
	s = pending(pio(0, ACRN_IOREQ_DIR_READ, 0xCFE, 2, 0)); /* register 0x42 */
	EXPECT_EQ(poll_page(1), 1);
	EXPECT_EQ(rec.calls, 1);
	EXPECT_EQ(rec.last.space, DM_SPACE_PCI_CFG);
	EXPECT_EQ(rec.last.offset, 0x42);
	EXPECT_EQ(rec.last.size, 2);
	EXPECT_EQ(s->reqs.pio_request.value, 0xBEEF);
	EXPECT_EQ(stats.served[ACRN_IOREQ_TYPE_PCICFG], 1);
	/* a data access running past 0xCFF is an ordinary port access (nobody there) */
	s = pending(pio(0, ACRN_IOREQ_DIR_READ, 0xCFE, 4, 0));
	EXPECT_EQ(poll_page(1), 1);
	EXPECT_EQ(rec.calls, 1);
	EXPECT_EQ(s->reqs.pio_request.value, 0xFFFFFFFF);
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_COMPLETE);
}

TEST(exitless_answers_a_malformed_request_all_ones_and_completes_it)
{
	struct acrn_io_request *s;

	setup();
	s = pending(mmio(1, ACRN_IOREQ_DIR_READ, 0xFEB00000, 3, 0));
	EXPECT_EQ(poll_page(2), 1);
	EXPECT_EQ(s->reqs.mmio_request.value, ~0ull);
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_COMPLETE);
	EXPECT_EQ(stats.bad, 1);
	EXPECT_EQ(rec.calls, 0);
}

TEST(exitless_stops_at_a_power_off_and_leaves_it_processing)
{
	struct acrn_io_request *s, *after;

	setup();
	s = pending(
		pio(0, ACRN_IOREQ_DIR_WRITE, CAIRN_GUEST_PM1A_CNT_PORT, 2, CAIRN_GUEST_PM1A_S5));
	after = pending(pio(1, ACRN_IOREQ_DIR_READ, 0x3F8, 1, 0));
	EXPECT_EQ(poll_page(2), -1);
	EXPECT_EQ(s->processed, ACRN_IOREQ_STATE_PROCESSING);
	EXPECT_EQ(after->processed, ACRN_IOREQ_STATE_PENDING);
	EXPECT_EQ(power.exit_value, CAIRN_GUEST_PM1A_S5);
}
