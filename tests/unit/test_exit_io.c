/* SPDX-License-Identifier: BSD-3-Clause */
/* Port I/O exits through the fake: handler calls, RAX merging, empty bus, string I/O, next RIP. */
#include "core/io_emul.h"
#include "fake_console.h"
#include "fake_cpu.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define DEV_PORT  0x510
#define DEV_PORTS 8
#define NEXT_RIP  0x2345ull
#define OLD_RAX	  0x1122334455667788ull

/* A test device: what it was last asked, and what it answers to reads. */
struct port_device {
	unsigned reads, writes;
	uint16_t port;
	uint8_t size;
	uint32_t written;
	uint32_t answer;
};

static int device_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	struct port_device *d = opaque;

	d->port = (uint16_t)access->addr;
	d->size = access->size;
	if (access->write) {
		d->writes++;
		d->written = (uint32_t)access->value;
	} else {
		d->reads++;
		access->value = d->answer;
	}
	return 0;
}

/* The only place that knows how a port handler is registered. */
static void add_port_device(struct vm *vm, uint16_t port, uint16_t count, bool partial,
			    struct port_device *d)
{
	struct io_handler h = { .bus = IO_BUS_PORT,
				.base = port,
				.size = count,
				.partial = partial,
				.access = device_access,
				.opaque = d };
	EXPECT_EQ(io_emul_add(vm, &h), 0);
}

static struct vm *vm;
static struct vcpu *vcpu;
static struct port_device dev = { .answer = 0xCAFEF00D };

static void setup(enum vm_kind kind)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .kind = kind });
	vcpu = &vm->vcpus[0];
	add_port_device(vm, DEV_PORT, DEV_PORTS, false, &dev);
}

static int port_exit(uint16_t port, uint8_t size, bool in, bool string)
{
	struct vm_exit exit = { .reason = EXIT_IO,
				.io = { .port = port,
					.size = size,
					.in = in,
					.string = string,
					.next_rip = NEXT_RIP } };
	return fake_run_exit(vcpu, &exit);
}

TEST(registering_traps_the_ports)
{
	setup(VM_KIND_PRE_LAUNCHED);
	const struct fake_event *e = fake_event_last(vm, FAKE_EV_TRAP_IO);
	ASSERT_NOT_NULL(e);
	EXPECT_EQ(e->a, DEV_PORT);
	EXPECT_EQ(e->c, DEV_PORTS);
	EXPECT_EQ(e->d, 1);
	EXPECT_TRUE(fake_vm_port_trapped(vm, DEV_PORT + DEV_PORTS - 1));
}

TEST(out_reaches_the_handler_with_port_size_and_value)
{
	setup(VM_KIND_PRE_LAUNCHED);
	vcpu->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(DEV_PORT + 2, 2, false, false), 0);
	EXPECT_EQ(dev.writes, 1);
	EXPECT_EQ(dev.port, DEV_PORT + 2);
	EXPECT_EQ(dev.size, 2);
	EXPECT_EQ(dev.written, 0x7788); /* only the access's bytes of RAX */
	EXPECT_EQ(vcpu->regs.rax, OLD_RAX);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, NEXT_RIP);
	EXPECT_EQ(vcpu->exits[EXIT_IO], 1);
	EXPECT_EQ(vm->io_ports[0].key, DEV_PORT + 2);
	EXPECT_EQ(vm->io_ports[0].count, 1);
}

TEST(in_merges_into_rax_by_size)
{
	setup(VM_KIND_PRE_LAUNCHED);
	vcpu->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(DEV_PORT, 1, true, false), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x112233445566770Dull);
	vcpu->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(DEV_PORT, 2, true, false), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x112233445566F00Dull);
	vcpu->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(DEV_PORT + 4, 4, true, false), 0);
	EXPECT_EQ(vcpu->regs.rax, 0xCAFEF00Dull); /* a 32-bit IN zero-extends */
	EXPECT_EQ(dev.reads, 3);
	EXPECT_EQ(dev.port, DEV_PORT + 4);
	EXPECT_EQ(dev.size, 4);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, NEXT_RIP);
}

TEST(unclaimed_in_reads_all_ones_and_out_is_dropped)
{
	setup(VM_KIND_PRE_LAUNCHED);
	vcpu->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(0x80, 1, true, false), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x11223344556677FFull);
	vcpu->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(0x70, 4, true, false), 0);
	EXPECT_EQ(vcpu->regs.rax, 0xFFFFFFFFull);
	EXPECT_EQ(port_exit(0x70, 1, false, false), 0);
	/* An access that only overlaps a non-partial device is not the device's. */
	EXPECT_EQ(port_exit(DEV_PORT + DEV_PORTS - 1, 2, false, false), 0);
	EXPECT_EQ(dev.reads + dev.writes, 0);
	EXPECT_EQ(fake_cpu_port_count(), 0); /* nothing reached the hardware */
	EXPECT_EQ(fake_vm_fault_count(), 0);
}

TEST(string_io_faults_the_vm_with_a_message)
{
	setup(VM_KIND_PRE_LAUNCHED);
	EXPECT_EQ(port_exit(DEV_PORT, 1, false, true), -1);
	EXPECT_STREQ(fake_vm_fault_text(NULL),
		     "string port I/O (INS/OUTS) on port 0x510 is not emulated");
	EXPECT_EQ(dev.writes, 0);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
}

TEST(partial_handler_gets_the_whole_overlapping_access)
{
	struct port_device cfg = { .answer = 0x80000000 };

	setup(VM_KIND_PRE_LAUNCHED);
	add_port_device(vm, 0xCF9, 1, true, &cfg);
	vcpu->regs.rax = 0x80001234;
	EXPECT_EQ(port_exit(0xCF8, 4, false, false), 0);
	EXPECT_EQ(cfg.writes, 1);
	EXPECT_EQ(cfg.port, 0xCF8);
	EXPECT_EQ(cfg.size, 4);
	EXPECT_EQ(cfg.written, 0x80001234);
}

TEST(service_vm_unclaimed_ports_go_to_the_hardware)
{
	setup(VM_KIND_SERVICE);
	vm->arch.owns_ports = true;
	fake_cpu_set_port(0xCF8, 0x8000F800);
	vcpu->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(0xCF8, 4, true, false), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x8000F800);
	vcpu->regs.rax = 0xAB;
	EXPECT_EQ(port_exit(0x80, 1, false, false), 0);
	struct fake_port_access last = fake_cpu_last_port();
	EXPECT_EQ(last.port, 0x80);
	EXPECT_EQ(last.size, 1);
	EXPECT_FALSE(last.in);
	EXPECT_EQ(last.value, 0xAB);
	/* Its emulated devices still come first. */
	EXPECT_EQ(port_exit(DEV_PORT, 1, false, false), 0);
	EXPECT_EQ(dev.writes, 1);
	EXPECT_EQ(fake_cpu_port_count(), 2);
}
