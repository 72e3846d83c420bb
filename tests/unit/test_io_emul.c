/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the I/O handler registry and the dispatcher in hypervisor/core/io_emul.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/io_emul.h"
#include "core/virt.h"
#include "core/vm.h"
#include "lib/errno.h"
#include "harness.h"

/* --- host stand-ins for what io_emul.c calls (local to this test) ----------------------- */

struct call_log {
	unsigned trap_io, map, unmap, forward;
	uint16_t trap_port;
	uint32_t trap_count;
	bool trap_on;
	uint64_t map_gpa, map_hpa, map_size;
	uint32_t map_rights;
	uint64_t unmap_gpa, unmap_size;
};

static struct call_log calls;
static bool forward_answer; /* what arch_io_forward() says */
static uint64_t forward_value;

void virt_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap)
{
	calls.trap_io++;
	calls.trap_port = port;
	calls.trap_count = count;
	calls.trap_on = trap;
}

int virt_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights)
{
	calls.map++;
	calls.map_gpa = gpa;
	calls.map_hpa = hpa;
	calls.map_size = size;
	calls.map_rights = rights;
	return 0;
}

int virt_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	calls.unmap++;
	calls.unmap_gpa = gpa;
	calls.unmap_size = size;
	return 0;
}

int vcpu_fault(struct vcpu *vcpu, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vcpu->fault, sizeof(vcpu->fault), fmt, ap);
	va_end(ap);
	return -1;
}

bool arch_io_forward(struct vcpu *vcpu, struct io_access *access)
{
	calls.forward++;
	if (forward_answer && !access->write)
		access->value = forward_value;
	return forward_answer;
}

/* --- fixtures ---------------------------------------------------------------------------- */

static struct vm vm;
static struct vcpu *vcpu = &vm.vcpus[0];

/* A device that records what it saw and answers reads with `answer`. */
struct probe_dev {
	unsigned calls;
	struct io_access seen;
	uint64_t value_on_entry;
	uint64_t answer;
	int result;
};

static int probe_access(struct vcpu *v, void *opaque, struct io_access *access)
{
	struct probe_dev *d = opaque;

	d->calls++;
	d->seen = *access;
	d->value_on_entry = access->value;
	if (!access->write)
		access->value = d->answer;
	return d->result ? vcpu_fault(v, "probe refused 0x%lx", access->addr) : 0;
}

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	memset(&calls, 0, sizeof(calls));
	vm.name = "test";
	vm.nvcpus = 1;
	vm.vcpus[0] = (struct vcpu){ .vm = &vm };
	forward_answer = false;
	forward_value = 0;
}

static struct io_handler port_handler(uint64_t base, uint64_t size, bool partial,
				      struct probe_dev *d)
{
	return (struct io_handler){ .bus = IO_BUS_PORT,
				    .base = base,
				    .size = size,
				    .partial = partial,
				    .access = probe_access,
				    .opaque = d };
}

static struct io_handler mmio_handler(uint64_t base, uint64_t size, struct probe_dev *d)
{
	return (struct io_handler){
		.bus = IO_BUS_MMIO, .base = base, .size = size, .access = probe_access, .opaque = d
	};
}

static struct io_access port_access(uint64_t port, uint8_t size, bool write, uint64_t value)
{
	return (struct io_access){ IO_BUS_PORT, port, size, write, value };
}

static struct io_access mmio_access(uint64_t gpa, uint8_t size, bool write, uint64_t value)
{
	return (struct io_access){ IO_BUS_MMIO, gpa, size, write, value };
}

/* --- the registry ------------------------------------------------------------------------ */

TEST(access_mask_per_size)
{
	struct io_access a = { .size = 1 };
	EXPECT_EQ(io_access_mask(&a), 0xFF);
	a.size = 2;
	EXPECT_EQ(io_access_mask(&a), 0xFFFF);
	a.size = 4;
	EXPECT_EQ(io_access_mask(&a), 0xFFFFFFFFull);
	a.size = 8;
	EXPECT_EQ(io_access_mask(&a), ~0ull);
}

TEST(port_handler_traps_its_range)
{
	struct probe_dev d = { 0 };
	struct io_handler h = port_handler(0x3F8, 8, false, &d);

	setup();
	EXPECT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_EQ(vm.io.count, 1);
	EXPECT_EQ(calls.trap_io, 1);
	EXPECT_EQ(calls.trap_port, 0x3F8);
	EXPECT_EQ(calls.trap_count, 8);
	EXPECT_TRUE(calls.trap_on);
}

TEST(mmio_handler_traps_no_port)
{
	struct probe_dev d = { 0 };
	struct io_handler h = mmio_handler(0xFEC00000, 0x1000, &d);

	setup();
	EXPECT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_EQ(calls.trap_io, 0);
	EXPECT_EQ(calls.map + calls.unmap, 0);
}

TEST(port_exact_match_needs_the_whole_access_inside)
{
	struct probe_dev d = { 0 };
	struct io_handler h = port_handler(0x3F8, 8, false, &d);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	const struct io_handler *got = io_emul_find(&vm, IO_BUS_PORT, 0x3F8, 1);
	EXPECT_TRUE(got == &vm.io.handlers[0]);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0x3FF, 1) == &vm.io.handlers[0]);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0x3FC, 4) == &vm.io.handlers[0]);
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_PORT, 0x3FF, 2)); /* runs past the end */
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_PORT, 0x3F7, 1));
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_PORT, 0x3F6, 4)); /* overlaps, not partial */
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_PORT, 0x400, 1));
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_MMIO, 0x3F8, 1)); /* the other bus */
}

TEST(port_partial_match_takes_overlapping_accesses)
{
	struct probe_dev d = { 0 };
	struct io_handler h = port_handler(0xCF9, 1, true, &d);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0xCF9, 1) == &vm.io.handlers[0]);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0xCF8, 4) == &vm.io.handlers[0]);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0xCF8, 2) == &vm.io.handlers[0]);
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_PORT, 0xCF8, 1));
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_PORT, 0xCFA, 2));
}

/* The Service VM's 0xCF8-0xCFB: the reset guard (partial, at 0xCF9) first, then conf1's. */
TEST(containing_handler_beats_partial_one_registered_earlier)
{
	struct probe_dev guard = { 0 }, conf1 = { 0 };
	struct io_handler g = port_handler(0xCF9, 1, true, &guard);
	struct io_handler c = port_handler(0xCF8, 4, false, &conf1);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &g), 0);
	ASSERT_EQ(io_emul_add(&vm, &c), 0);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0xCF8, 4)->opaque == &conf1);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0xCF8, 2)->opaque == &conf1);
	/* Both contain a byte at 0xCF9: the first registered serves it. */
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0xCF9, 1)->opaque == &guard);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_PORT, 0xCFB, 1)->opaque == &conf1);
}

TEST(mmio_range_matches_on_the_first_byte)
{
	struct probe_dev d = { 0 };
	struct io_handler h = mmio_handler(0xFEC00000, 0x1000, &d);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_MMIO, 0xFEC00000, 4) == &vm.io.handlers[0]);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_MMIO, 0xFEC00FFF, 1) == &vm.io.handlers[0]);
	/* An access that starts inside and runs past the end is the handler's to refuse. */
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_MMIO, 0xFEC00FFC, 8) == &vm.io.handlers[0]);
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_MMIO, 0xFEC01000, 1));
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_MMIO, 0xFEBFFFFF, 1));
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_PORT, 0xFEC00000 & 0xFFFF, 1));
}

TEST(overlapping_mmio_ranges_first_registered_serves)
{
	struct probe_dev big = { 0 }, small = { 0 };
	struct io_handler b = mmio_handler(0xE0000000, 0x100000, &big);
	struct io_handler s = mmio_handler(0xE0008000, 0x1000, &small);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &b), 0);
	ASSERT_EQ(io_emul_add(&vm, &s), 0);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_MMIO, 0xE0008010, 4)->opaque == &big);
	setup();
	ASSERT_EQ(io_emul_add(&vm, &s), 0);
	ASSERT_EQ(io_emul_add(&vm, &b), 0);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_MMIO, 0xE0008010, 4)->opaque == &small);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_MMIO, 0xE0009000, 4)->opaque == &big);
}

TEST(overflow_returns_enospc_and_changes_nothing)
{
	struct probe_dev d = { 0 };

	setup();
	for (unsigned i = 0; i < MAX_IO_HANDLERS; i++) {
		struct io_handler h = i % 2 ? port_handler(0x100 + i, 1, false, &d)
					    : mmio_handler(0x100000 + 0x1000ull * i, 0x1000, &d);
		EXPECT_EQ(io_emul_add(&vm, &h), 0);
	}
	EXPECT_EQ(vm.io.count, MAX_IO_HANDLERS);
	unsigned traps = calls.trap_io;
	struct io_handler port = port_handler(0x80, 1, false, &d);
	struct io_handler page = mmio_handler(0xFED00000, 0x1000, &d);
	EXPECT_EQ(io_emul_add(&vm, &port), -ENOSPC);
	EXPECT_EQ(io_emul_add(&vm, &page), -ENOSPC);
	EXPECT_EQ(io_emul_trap_writes(&vm, &page), -ENOSPC);
	EXPECT_EQ(vm.io.count, MAX_IO_HANDLERS);
	EXPECT_EQ(calls.trap_io, traps);       /* port 0x80 still goes to the hardware */
	EXPECT_EQ(calls.map + calls.unmap, 0); /* the page's mapping is untouched */
	EXPECT_NULL(io_emul_find(&vm, IO_BUS_PORT, 0x80, 1));
}

TEST(bad_ranges_are_einval)
{
	struct probe_dev d = { 0 };
	struct io_handler empty = port_handler(0x60, 0, false, &d);
	struct io_handler past_ports = port_handler(0xFFFE, 4, false, &d);
	struct io_handler beyond_ports = port_handler(0x10000, 1, false, &d);
	struct io_handler partial_mmio = mmio_handler(0xFED00000, 0x1000, &d);
	struct io_handler wraps = mmio_handler(0xFFFFFFFFFFFFF000ull, 0x2000, &d);
	struct io_handler no_callback = port_handler(0x60, 1, false, &d);

	partial_mmio.partial = true;
	no_callback.access = NULL;
	setup();
	EXPECT_EQ(io_emul_add(&vm, &empty), -EINVAL);
	EXPECT_EQ(io_emul_add(&vm, &past_ports), -EINVAL);
	EXPECT_EQ(io_emul_add(&vm, &beyond_ports), -EINVAL);
	EXPECT_EQ(io_emul_add(&vm, &partial_mmio), -EINVAL);
	EXPECT_EQ(io_emul_add(&vm, &wraps), -EINVAL);
	EXPECT_EQ(io_emul_add(&vm, &no_callback), -EINVAL);
	EXPECT_EQ(vm.io.count, 0);
	EXPECT_EQ(calls.trap_io, 0);
	struct io_handler last_port = port_handler(0xFFFF, 1, false, &d);
	EXPECT_EQ(io_emul_add(&vm, &last_port), 0);
}

TEST(trap_writes_maps_the_pages_read_only_identity)
{
	struct probe_dev d = { 0 };
	struct io_handler h = mmio_handler(0xFED00000, 0x1000, &d);
	struct io_handler port = port_handler(0x60, 1, false, &d);

	setup();
	EXPECT_EQ(io_emul_trap_writes(&vm, &port), -EINVAL);
	EXPECT_EQ(calls.map + calls.unmap, 0);
	EXPECT_EQ(io_emul_trap_writes(&vm, &h), 0);
	EXPECT_EQ(calls.unmap, 1);
	EXPECT_EQ(calls.unmap_gpa, 0xFED00000);
	EXPECT_EQ(calls.unmap_size, 0x1000);
	EXPECT_EQ(calls.map, 1);
	EXPECT_EQ(calls.map_gpa, 0xFED00000);
	EXPECT_EQ(calls.map_hpa, 0xFED00000);
	EXPECT_EQ(calls.map_size, 0x1000);
	EXPECT_EQ(calls.map_rights, VIRT_MEM_READ);
	EXPECT_TRUE(io_emul_find(&vm, IO_BUS_MMIO, 0xFED00010, 4) == &vm.io.handlers[0]);
}

/* --- the dispatcher ---------------------------------------------------------------------- */

TEST(claimed_read_is_handled_and_masked_to_its_size)
{
	struct probe_dev d = { .answer = 0x12345678 };
	struct io_handler h = port_handler(0x3F8, 8, false, &d);
	struct io_access a = port_access(0x3FD, 1, false, 0);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_EQ(io_emulate(vcpu, &a), IO_EMUL_HANDLED);
	EXPECT_EQ(d.calls, 1);
	EXPECT_EQ(d.seen.addr, 0x3FD);
	EXPECT_EQ(d.seen.size, 1);
	EXPECT_FALSE(d.seen.write);
	EXPECT_EQ(d.value_on_entry, 0xFF); /* reads start as an empty bus */
	EXPECT_EQ(a.value, 0x78);
	EXPECT_EQ(calls.forward, 0);
}

TEST(claimed_write_gets_the_value_masked)
{
	struct probe_dev d = { 0 };
	struct io_handler h = mmio_handler(0xFEE00000, 0x1000, &d);
	struct io_access a = mmio_access(0xFEE00300, 2, true, 0xAABBCCDD);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_EQ(io_emulate(vcpu, &a), IO_EMUL_HANDLED);
	EXPECT_EQ(d.seen.addr, 0xFEE00300);
	EXPECT_TRUE(d.seen.write);
	EXPECT_EQ(d.seen.value, 0xCCDD);
	EXPECT_EQ(a.value, 0xCCDD);
}

TEST(qword_mmio_read_keeps_all_bits)
{
	struct probe_dev d = { .answer = 0x1122334455667788ull };
	struct io_handler h = mmio_handler(0xFED00000, 0x1000, &d);
	struct io_access a = mmio_access(0xFED000F0, 8, false, 0);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_EQ(io_emulate(vcpu, &a), IO_EMUL_HANDLED);
	EXPECT_EQ(a.value, 0x1122334455667788ull);
}

TEST(handler_refusal_is_a_fault)
{
	struct probe_dev d = { .result = -1 };
	struct io_handler h = mmio_handler(0xFEC00000, 0x1000, &d);
	struct io_access a = mmio_access(0xFEC00010, 1, true, 1);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_EQ(io_emulate(vcpu, &a), IO_EMUL_FAULT);
	EXPECT_STREQ(vcpu->fault, "probe refused 0xfec00010");
}

TEST(unclaimed_port_read_floats_high)
{
	struct io_access b = port_access(0x80, 1, false, 0x1234);
	struct io_access w = port_access(0x80, 2, false, 0);
	struct io_access d = port_access(0x80, 4, false, 0);

	setup();
	EXPECT_EQ(io_emulate(vcpu, &b), IO_EMUL_HANDLED);
	EXPECT_EQ(b.value, 0xFF);
	EXPECT_EQ(io_emulate(vcpu, &w), IO_EMUL_HANDLED);
	EXPECT_EQ(w.value, 0xFFFF);
	EXPECT_EQ(io_emulate(vcpu, &d), IO_EMUL_HANDLED);
	EXPECT_EQ(d.value, 0xFFFFFFFFull);
	EXPECT_EQ(calls.forward, 3); /* the architecture was asked first, and declined */
}

TEST(unclaimed_port_write_is_dropped)
{
	struct probe_dev d = { 0 };
	struct io_handler h = port_handler(0x3F8, 8, false, &d);
	struct io_access a = port_access(0x2F8, 1, true, 0x41);

	setup();
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_EQ(io_emulate(vcpu, &a), IO_EMUL_HANDLED);
	EXPECT_EQ(d.calls, 0);
	EXPECT_EQ(vcpu->fault[0], '\0');
}

TEST(unclaimed_access_the_architecture_owns_is_forwarded)
{
	struct io_access a = port_access(0xCFA, 2, false, 0);
	struct io_access w = port_access(0xCFA, 2, true, 0x12345);

	setup();
	forward_answer = true;
	forward_value = 0xABCDEF;
	EXPECT_EQ(io_emulate(vcpu, &a), IO_EMUL_FORWARDED);
	EXPECT_EQ(a.value, 0xCDEF);
	EXPECT_EQ(io_emulate(vcpu, &w), IO_EMUL_FORWARDED);
	EXPECT_EQ(w.value, 0x2345);
	EXPECT_EQ(calls.forward, 2);
}

TEST(claimed_access_is_never_forwarded)
{
	struct probe_dev d = { .answer = 7 };
	struct io_handler h = port_handler(0xCF8, 4, false, &d);
	struct io_access a = port_access(0xCF8, 4, false, 0);

	setup();
	forward_answer = true;
	ASSERT_EQ(io_emul_add(&vm, &h), 0);
	EXPECT_EQ(io_emulate(vcpu, &a), IO_EMUL_HANDLED);
	EXPECT_EQ(a.value, 7);
	EXPECT_EQ(calls.forward, 0);
}

TEST(unclaimed_mmio_is_a_fault)
{
	struct io_access a = mmio_access(0xFED40000, 4, false, 0);

	setup();
	EXPECT_EQ(io_emulate(vcpu, &a), IO_EMUL_FAULT);
	EXPECT_STREQ(vcpu->fault, "access to 0xfed40000: no device is emulated there");
}
