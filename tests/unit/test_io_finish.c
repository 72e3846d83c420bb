/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the decode and finish halves of port and MMIO exits (arch/x86/guest/io.c, mmio.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/guest_mem.h"
#include "core/io_emul.h"
#include "core/virt.h"
#include "core/vm.h"
#include "lib/errno.h"
#include "x86/guest/exit_handlers.h"
#include "x86/guest/io.h"
#include "x86/guest/mmio_insn_cache.h"
#include "harness.h"

/* --- host stand-ins for what io.c, mmio.c and io_emul.c call (local to this test) -------- */

static uint64_t rip;
static unsigned rip_writes;
static uint8_t code[16]; /* the guest's bytes at CS:RIP */
static size_t code_len;
static uint64_t counted_key;
static unsigned counted;

void virt_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap)
{
}

int virt_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights)
{
	return 0;
}

int virt_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	return 0;
}

uint64_t virt_vcpu_rip(struct vcpu *vcpu)
{
	return rip;
}

void virt_vcpu_set_rip(struct vcpu *vcpu, uint64_t new_rip)
{
	rip = new_rip;
	rip_writes++;
}

void virt_vcpu_mode(struct vcpu *vcpu, struct vcpu_mode *mode)
{
	*mode = (struct vcpu_mode){ .long_mode_code = true };
}

int guest_virt_read(struct vcpu *vcpu, uint64_t gva, void *dst, size_t len)
{
	if (gva < rip || gva - rip + len > code_len)
		return -EFAULT;
	memcpy(dst, code + (gva - rip), len);
	return 0;
}

/* Paging off: linear = guest-physical, and the code buffer is all the guest memory there is. */
int guest_virt_translate(struct vcpu *vcpu, const struct vcpu_mode *pg, uint64_t gva, uint64_t *gpa,
			 struct guest_walk_trace *trace)
{
	*gpa = gva;
	if (trace)
		trace->steps = 0;
	return 0;
}

int guest_phys_locate(struct vm *vm, uint64_t gpa, size_t len, uint32_t right, uint64_t *hpa)
{
	if (gpa < rip || gpa - rip + len > code_len)
		return -EFAULT;
	*hpa = (uint64_t)(uintptr_t)(code + (gpa - rip));
	return 0;
}

/* No cache here: every exit decodes what the code buffer holds (test_exit_mmio tests the cache). */
bool mmio_insn_cache_lookup(struct vcpu *vcpu, const struct vcpu_mode *mode, uint64_t linear_rip,
			    struct mmio_insn *insn)
{
	return false;
}

void mmio_insn_cache_fill(struct vcpu *vcpu, const struct vcpu_mode *mode, uint64_t linear_rip,
			  const struct mmio_insn_source *src, const uint8_t *bytes,
			  const struct mmio_insn *insn)
{
}

void vm_count_detail(struct exit_detail *table, size_t size, uint64_t key)
{
	counted++;
	counted_key = key;
}

int vcpu_fault(struct vcpu *vcpu, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vcpu->fault, sizeof(vcpu->fault), fmt, ap);
	va_end(ap);
	return -1;
}

/* --- fixtures ---------------------------------------------------------------------------- */

static struct vm vm;
static struct vcpu *vcpu = &vm.vcpus[0];

struct probe_dev {
	unsigned calls;
	struct io_access seen;
	uint64_t answer;
	int result;
};

static struct probe_dev dev;

static int probe_access(struct vcpu *v, void *opaque, struct io_access *access)
{
	struct probe_dev *d = opaque;

	d->calls++;
	d->seen = *access;
	if (!access->write)
		access->value = d->answer;
	return d->result ? vcpu_fault(v, "probe refused") : 0;
}

#define PORT	 0x510
#define MMIO_GPA 0xFEC00000ull

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	memset(&dev, 0, sizeof(dev));
	vm.name = "test";
	vm.nvcpus = 1;
	vm.vcpus[0] = (struct vcpu){ .vm = &vm };
	rip = 0x1000;
	rip_writes = 0;
	code_len = 0;
	counted = 0;
	struct io_handler port = {
		.bus = IO_BUS_PORT, .base = PORT, .size = 4, .access = probe_access, .opaque = &dev
	};
	struct io_handler page = { .bus = IO_BUS_MMIO,
				   .base = MMIO_GPA,
				   .size = 0x1000,
				   .access = probe_access,
				   .opaque = &dev };
	io_emul_add(&vm, &port);
	io_emul_add(&vm, &page);
}

static struct vm_exit io_exit(uint16_t port, uint8_t size, bool in)
{
	struct vm_exit e = { .reason = EXIT_IO };

	e.io.port = port;
	e.io.size = size;
	e.io.in = in;
	e.io.next_rip = 0x1002;
	return e;
}

static struct vm_exit mmio_exit(uint64_t gpa, bool write, const uint8_t *insn, size_t len)
{
	struct vm_exit e = { .reason = EXIT_MEM_FAULT };

	memcpy(code, insn, len);
	code_len = len;
	e.mem.gpa = gpa;
	e.mem.write = write;
	e.mem.present = true;
	return e;
}

/* --- ports ------------------------------------------------------------------------------- */

TEST(in_byte_merges_into_al)
{
	setup();
	struct vm_exit e = io_exit(PORT, 1, true);
	vcpu->regs.rax = 0x1122334455667788ull;
	dev.answer = 0xFFFFFFAB; /* bits above the access are never the guest's */
	EXPECT_EQ(guest_io_exit(vcpu, &e), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x11223344556677ABull);
	EXPECT_EQ(rip, 0x1002);
	EXPECT_EQ(counted, 1);
	EXPECT_EQ(counted_key, PORT);
	EXPECT_FALSE(vcpu->arch.pending_io.active);
}

TEST(in_word_merges_into_ax)
{
	setup();
	struct vm_exit e = io_exit(PORT, 2, true);
	vcpu->regs.rax = 0x1122334455667788ull;
	dev.answer = 0xABCD;
	EXPECT_EQ(guest_io_exit(vcpu, &e), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x112233445566ABCDull);
	EXPECT_EQ(rip, 0x1002);
}

TEST(in_dword_zero_extends_into_rax)
{
	setup();
	struct vm_exit e = io_exit(PORT, 4, true);
	vcpu->regs.rax = 0x1122334455667788ull;
	dev.answer = 0xDEADBEEF;
	EXPECT_EQ(guest_io_exit(vcpu, &e), 0);
	EXPECT_EQ(vcpu->regs.rax, 0xDEADBEEFull);
	EXPECT_EQ(rip, 0x1002);
}

TEST(out_passes_the_low_bytes_of_rax)
{
	setup();
	struct vm_exit e = io_exit(PORT + 2, 2, false);
	vcpu->regs.rax = 0x1122334455667788ull;
	EXPECT_EQ(guest_io_exit(vcpu, &e), 0);
	EXPECT_EQ(dev.calls, 1);
	EXPECT_EQ(dev.seen.addr, PORT + 2);
	EXPECT_EQ(dev.seen.size, 2);
	EXPECT_TRUE(dev.seen.write);
	EXPECT_EQ(dev.seen.value, 0x7788);
	EXPECT_EQ(vcpu->regs.rax, 0x1122334455667788ull);
	EXPECT_EQ(rip, 0x1002);
}

TEST(unclaimed_in_reads_all_ones)
{
	setup();
	struct vm_exit e = io_exit(0x80, 1, true);
	vcpu->regs.rax = 0x1234;
	EXPECT_EQ(guest_io_exit(vcpu, &e), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x12FF);
	EXPECT_EQ(dev.calls, 0);
	EXPECT_EQ(rip, 0x1002);
}

TEST(string_io_faults_without_moving_rip)
{
	setup();
	struct vm_exit e = io_exit(PORT, 1, false);
	e.io.string = true;
	EXPECT_EQ(guest_io_exit(vcpu, &e), -1);
	EXPECT_STREQ(vcpu->fault, "string port I/O (INS/OUTS) on port 0x510 is not emulated");
	EXPECT_EQ(rip_writes, 0);
	EXPECT_EQ(counted, 0);
	EXPECT_EQ(dev.calls, 0);
}

TEST(impossible_port_size_faults)
{
	setup();
	struct vm_exit e = io_exit(PORT, 8, true);
	EXPECT_EQ(guest_io_exit(vcpu, &e), -1);
	EXPECT_EQ(rip_writes, 0);
	EXPECT_EQ(dev.calls, 0);
}

TEST(refused_port_access_faults_and_leaves_nothing_pending)
{
	setup();
	struct vm_exit e = io_exit(PORT, 1, true);
	dev.result = -1;
	vcpu->regs.rax = 0x55;
	EXPECT_EQ(guest_io_exit(vcpu, &e), -1);
	EXPECT_STREQ(vcpu->fault, "probe refused");
	EXPECT_EQ(vcpu->regs.rax, 0x55);
	EXPECT_EQ(rip_writes, 0);
	EXPECT_FALSE(vcpu->arch.pending_io.active);
}

/* The next issue's order: decode now; the answer and the finish come on a later exit. */
TEST(port_decode_and_finish_run_apart)
{
	setup();
	struct vm_exit e = io_exit(0x70, 1, true);
	vcpu->regs.rax = 0xAAAA;
	ASSERT_EQ(guest_io_decode(vcpu, &e), 0);
	EXPECT_TRUE(vcpu->arch.pending_io.active);
	EXPECT_EQ(vcpu->arch.pending_io.access.addr, 0x70);
	EXPECT_EQ(vcpu->arch.pending_io.access.size, 1);
	EXPECT_FALSE(vcpu->arch.pending_io.access.write);
	EXPECT_EQ(rip_writes, 0);
	struct io_access answered = vcpu->arch.pending_io.access;
	answered.value = 0x42;
	EXPECT_EQ(guest_io_finish(vcpu, &answered), 0);
	EXPECT_EQ(vcpu->regs.rax, 0xAA42);
	EXPECT_EQ(rip, 0x1002);
	/* A second answer to the same access is refused, RIP and RAX untouched. */
	EXPECT_EQ(guest_io_finish(vcpu, &answered), -1);
	EXPECT_EQ(rip_writes, 1);
	EXPECT_EQ(vcpu->regs.rax, 0xAA42);
}

TEST(finish_of_the_wrong_bus_is_refused)
{
	setup();
	struct vm_exit e = io_exit(PORT, 4, true);
	ASSERT_EQ(guest_io_decode(vcpu, &e), 0);
	EXPECT_EQ(guest_mmio_finish(vcpu, &vcpu->arch.pending_io.access), -1);
	EXPECT_EQ(rip_writes, 0);
	EXPECT_EQ(guest_io_finish(vcpu, &vcpu->arch.pending_io.access), 0);
}

TEST(finish_of_another_access_is_refused)
{
	setup();
	struct vm_exit e = io_exit(PORT, 2, true);
	vcpu->regs.rax = 0x1111;
	ASSERT_EQ(guest_io_decode(vcpu, &e), 0);
	struct io_access other = vcpu->arch.pending_io.access;
	other.size = 4;
	EXPECT_EQ(guest_io_finish(vcpu, &other), -1);
	other = vcpu->arch.pending_io.access;
	other.addr = PORT + 1;
	EXPECT_EQ(guest_io_finish(vcpu, &other), -1);
	other = vcpu->arch.pending_io.access;
	other.write = true;
	EXPECT_EQ(guest_io_finish(vcpu, &other), -1);
	EXPECT_STREQ(vcpu->fault, "port I/O finished that is not the one pending");
	EXPECT_EQ(rip_writes, 0);
	EXPECT_EQ(vcpu->regs.rax, 0x1111);
	other = vcpu->arch.pending_io.access;
	other.value = 0x2222;
	EXPECT_EQ(guest_io_finish(vcpu, &other), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x2222);
}

/* --- MMIO -------------------------------------------------------------------------------- */

TEST(mmio_read_lands_in_the_decoded_register)
{
	static const uint8_t mov_ecx_load[] = {
		0x8B, 0x88, 0x10, 0x00, 0x00, 0x00
	}; /* mov ecx,[rax+0x10] */
	setup();
	struct vm_exit e = mmio_exit(MMIO_GPA + 0x10, false, mov_ecx_load, sizeof(mov_ecx_load));
	vcpu->regs.rcx = 0xFFFFFFFFFFFFFFFFull;
	dev.answer = 0x12345678;
	EXPECT_EQ(guest_mmio_exit(vcpu, &e), 0);
	EXPECT_EQ(dev.seen.addr, MMIO_GPA + 0x10);
	EXPECT_EQ(dev.seen.size, 4);
	EXPECT_FALSE(dev.seen.write);
	EXPECT_EQ(vcpu->regs.rcx, 0x12345678ull); /* 32-bit destination zero-extends */
	EXPECT_EQ(rip, 0x1000 + sizeof(mov_ecx_load));
	EXPECT_EQ(counted_key, MMIO_GPA + 0x10);
}

TEST(mmio_byte_read_into_high_byte_register_merges)
{
	static const uint8_t mov_ah_load[] = { 0x8A, 0x20 }; /* mov ah,[rax] */
	setup();
	struct vm_exit e = mmio_exit(MMIO_GPA, false, mov_ah_load, sizeof(mov_ah_load));
	vcpu->regs.rax = 0x1122334455667788ull;
	dev.answer = 0xAB;
	EXPECT_EQ(guest_mmio_exit(vcpu, &e), 0);
	EXPECT_EQ(vcpu->regs.rax, 0x112233445566AB88ull);
	EXPECT_EQ(rip, 0x1002);
}

TEST(mmio_write_takes_the_source_register)
{
	static const uint8_t mov_store_dx[] = { 0x66, 0x89, 0x11 }; /* mov [rcx],dx */
	setup();
	struct vm_exit e = mmio_exit(MMIO_GPA + 0x20, true, mov_store_dx, sizeof(mov_store_dx));
	vcpu->regs.rdx = 0x1122334455667788ull;
	EXPECT_EQ(guest_mmio_exit(vcpu, &e), 0);
	EXPECT_TRUE(dev.seen.write);
	EXPECT_EQ(dev.seen.size, 2);
	EXPECT_EQ(dev.seen.value, 0x7788);
	EXPECT_EQ(rip, 0x1003);
}

TEST(mmio_direction_mismatch_faults)
{
	static const uint8_t mov_load[] = { 0x8B, 0x00 }; /* mov eax,[rax] */
	setup();
	struct vm_exit e = mmio_exit(MMIO_GPA, true, mov_load, sizeof(mov_load));
	EXPECT_EQ(guest_mmio_exit(vcpu, &e), -1);
	EXPECT_STREQ(vcpu->fault,
		     "access to 0xfec00000: decoded direction disagrees with the fault");
	EXPECT_EQ(dev.calls, 0);
	EXPECT_EQ(rip_writes, 0);
	EXPECT_FALSE(vcpu->arch.pending_io.active);
}

TEST(mmio_decode_and_finish_run_apart)
{
	static const uint8_t mov_r9_load[] = { 0x4C, 0x8B, 0x08 }; /* mov r9,[rax] */
	setup();
	struct vm_exit e = mmio_exit(MMIO_GPA + 8, false, mov_r9_load, sizeof(mov_r9_load));
	ASSERT_EQ(guest_mmio_decode(vcpu, &e), 0);
	EXPECT_EQ(vcpu->arch.pending_io.access.size, 8);
	EXPECT_EQ(rip_writes, 0);
	rip = 0xBAD; /* finish uses the RIP decode recorded, not whatever is current */
	struct io_access answered = vcpu->arch.pending_io.access;
	answered.value = 0x0102030405060708ull;
	EXPECT_EQ(guest_io_finish(vcpu, &answered), -1); /* not a port access */
	EXPECT_EQ(guest_mmio_finish(vcpu, &answered), 0);
	EXPECT_EQ(vcpu->regs.r9, 0x0102030405060708ull);
	EXPECT_EQ(rip, 0x1003);
	EXPECT_EQ(guest_mmio_finish(vcpu, &answered), -1);
}
