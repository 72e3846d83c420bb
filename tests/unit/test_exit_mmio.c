/* SPDX-License-Identifier: BSD-3-Clause */
/* Trapped MMIO through the fake: the MOV is fetched from fake guest memory, decoded and emulated. */
#include <string.h>

#include "core/io_emul.h"
#include "fake_console.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define DEV_GPA	 0xFED40000ull
#define DEV_SIZE 0x1000ull
#define OLD_REG	 0x1122334455667788ull

/* A test device: the last access it got, and what reads return (or a fault it reports). */
struct mmio_device {
	unsigned accesses;
	uint64_t offset;
	uint8_t size;
	bool write;
	uint64_t value;
	uint64_t answer;
	bool refuse;
};

static int device_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	struct mmio_device *d = opaque;

	d->accesses++;
	d->offset = access->addr - DEV_GPA;
	d->size = access->size;
	d->write = access->write;
	if (d->refuse)
		return vcpu_fault(vcpu, "device refused offset 0x%lx", (unsigned long)d->offset);
	if (access->write)
		d->value = access->value;
	else
		access->value = d->answer;
	return 0;
}

static struct vm *vm;
static struct vcpu *vcpu;
static struct mmio_device dev = { .answer = 0x8877665544332211ull };

/* The only place that knows how an MMIO handler is registered. */
static void setup(void)
{
	struct io_handler h = { .bus = IO_BUS_MMIO,
				.base = DEV_GPA,
				.size = DEV_SIZE,
				.access = device_access,
				.opaque = &dev };

	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p" });
	vcpu = &vm->vcpus[0];
	EXPECT_EQ(io_emul_add(vm, &h), 0);
}

/* The instruction at RIP faults on gpa (nothing is mapped there: not present). */
static int mmio_exit(const uint8_t *insn, size_t len, uint64_t gpa, bool write)
{
	struct vm_exit exit = { .reason = EXIT_MEM_FAULT, .mem = { .gpa = gpa, .write = write } };

	if (len)
		fake_vcpu_put_insn(vcpu, insn, len);
	return fake_run_exit(vcpu, &exit);
}

#define MMIO_EXIT(gpa, write, ...)                                                             \
	mmio_exit((const uint8_t[]){ __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }), (gpa), \
		  (write))

TEST(register_write_reaches_the_handler_at_its_offset)
{
	setup();
	vcpu->regs.rbx = OLD_REG;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA + 0x40, true, 0x89, 0x18), 0); /* mov [rax], ebx */
	EXPECT_EQ(dev.accesses, 1);
	EXPECT_EQ(dev.offset, 0x40);
	EXPECT_EQ(dev.size, 4);
	EXPECT_TRUE(dev.write);
	EXPECT_EQ(dev.value, 0x55667788);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 2);
	EXPECT_EQ(vm->mmio_pages[0].key, DEV_GPA + 0x40);
	EXPECT_EQ(vcpu->exits[EXIT_MEM_FAULT], 1);
}

TEST(write_sizes_and_immediates)
{
	setup();
	vcpu->regs.rbx = OLD_REG;
	vcpu->regs.rcx = OLD_REG;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA + 8, true, 0x48, 0x89, 0x18), 0); /* mov [rax], rbx */
	EXPECT_EQ(dev.size, 8);
	EXPECT_EQ(dev.value, OLD_REG);
	EXPECT_EQ(MMIO_EXIT(DEV_GPA + 2, true, 0x66, 0x89, 0x48, 0x02), 0); /* mov [rax+2], cx */
	EXPECT_EQ(dev.size, 2);
	EXPECT_EQ(dev.offset, 2);
	EXPECT_EQ(dev.value, 0x7788);
	EXPECT_EQ(MMIO_EXIT(DEV_GPA + 1, true, 0x88, 0x38), 0); /* mov [rax], bh */
	EXPECT_EQ(dev.size, 1);
	EXPECT_EQ(dev.value, 0x77);
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0xC6, 0x00, 0x5A), 0); /* mov byte [rax], 0x5a */
	EXPECT_EQ(dev.size, 1);
	EXPECT_EQ(dev.value, 0x5A);
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0xC7, 0x00, 0x01, 0x00, 0x00, 0x80), 0);
	EXPECT_EQ(dev.size, 4);
	EXPECT_EQ(dev.value, 0x80000001);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 3 + 4 + 2 + 3 + 6);
}

TEST(read_lands_in_the_decoded_register)
{
	setup();
	vcpu->regs.rcx = OLD_REG;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA + 0x20, false, 0x8B, 0x08), 0); /* mov ecx, [rax] */
	EXPECT_FALSE(dev.write);
	EXPECT_EQ(dev.size, 4);
	EXPECT_EQ(dev.offset, 0x20);
	EXPECT_EQ(vcpu->regs.rcx, 0x44332211ull); /* 32-bit destination zero-extends */
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 2);

	vcpu->regs.r9 = OLD_REG;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, false, 0x4C, 0x8B, 0x08), 0); /* mov r9, [rax] */
	EXPECT_EQ(vcpu->regs.r9, dev.answer);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 5);
}

TEST(narrow_reads_merge_and_movzx_widens)
{
	setup();
	vcpu->regs.rax = OLD_REG;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, false, 0x8A, 0x20), 0); /* mov ah, [rax] */
	EXPECT_EQ(vcpu->regs.rax, 0x1122334455661188ull);
	vcpu->regs.rdx = OLD_REG;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, false, 0x66, 0x8B, 0x10), 0); /* mov dx, [rax] */
	EXPECT_EQ(vcpu->regs.rdx, 0x1122334455662211ull);
	vcpu->regs.rdx = OLD_REG;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, false, 0x0F, 0xB7, 0x10), 0); /* movzx edx, word [rax] */
	EXPECT_EQ(dev.size, 2);
	EXPECT_EQ(vcpu->regs.rdx, 0x2211ull);
}

TEST(direction_mismatch_faults_without_touching_the_device)
{
	setup();
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, false, 0x89, 0x18), -1); /* a store, reported as a read */
	EXPECT_STREQ(fake_vm_fault_text(NULL),
		     "access to 0xfed40000: decoded direction disagrees with the fault");
	EXPECT_EQ(dev.accesses, 0);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
}

TEST(undecodable_or_unfetchable_instructions_fault)
{
	setup();
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x01, 0x18), -1); /* add [rax], ebx */
	EXPECT_TRUE(strstr(fake_vm_fault_text(NULL), "cannot emulate the access to 0xfed40000") ==
		    fake_vm_fault_text(NULL));
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x89, 0x20), -1); /* mov [rax], esp */
	EXPECT_STREQ(fake_vm_fault_text(NULL), "access to 0xfed40000 through RSP is not emulated");
	fake_vcpu(vcpu)->rip = 0x7FFFF000; /* RIP outside RAM: nothing to fetch */
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA, true), -1);
	EXPECT_EQ(dev.accesses, 0);
	EXPECT_EQ(fake_vm_fault_count(), 3);
}

TEST(instruction_across_the_end_of_ram_is_decoded_from_what_is_mapped)
{
	setup();
	/* The two bytes end exactly at the end of RAM: the fetch must not need 15 bytes. */
	fake_vcpu(vcpu)->rip = FAKE_RAM_SIZE - 2;
	vcpu->regs.rbx = 0xABCD;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x89, 0x18), 0);
	EXPECT_EQ(dev.value, 0xABCD);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_RAM_SIZE);
}

TEST(sixteen_bit_code_decodes_at_cs_base_plus_rip)
{
	setup();
	struct virt_vcpu *f = fake_vcpu(vcpu);
	f->mode = (struct vcpu_mode){ .cs_base = 0x10000 }; /* real mode, paging off */
	f->efer = 0;
	f->rip = 0x100;
	vcpu->regs.rbx = OLD_REG;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x67, 0x89, 0x18), 0); /* mov [eax], bx */
	EXPECT_EQ(dev.size, 2);
	EXPECT_EQ(dev.value, 0x7788);
	EXPECT_EQ(f->rip, 0x103);
	/* 16-bit addressing ([si]) is not decoded: a fault, not a guess. */
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x89, 0x1C), -1);
	EXPECT_EQ(dev.accesses, 1);
}

TEST(handler_fault_stops_the_vm_and_rip_stays)
{
	setup();
	dev.refuse = true;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA + 0x10, true, 0x89, 0x18), -1);
	EXPECT_STREQ(fake_vm_fault_text(NULL), "device refused offset 0x10");
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
}

TEST(faults_outside_any_device_or_fetches_stop_the_vm)
{
	enum exit_reason reason;

	setup();
	EXPECT_EQ(MMIO_EXIT(0xFEB00000, true, 0x89, 0x18), -1);
	EXPECT_STREQ(fake_vm_fault_text(&reason),
		     "access to (write) guest-physical 0xfeb00000, which is not mapped in its "
		     "memory");
	EXPECT_EQ(reason, EXIT_MEM_FAULT);
	struct vm_exit fetch = { .reason = EXIT_MEM_FAULT,
				 .mem = { .gpa = DEV_GPA, .fetch = true } };
	EXPECT_EQ(fake_run_exit(vcpu, &fetch), -1);
	EXPECT_TRUE(strstr(fake_vm_fault_text(NULL), "instruction fetch from") != NULL);
	EXPECT_EQ(dev.accesses, 0);
}

TEST(an_event_delivery_reaching_the_device_stops_the_vm_without_emulating_rip)
{
	setup();
	/* A decodable store at RIP, but the fault is INT3's push onto a stack in the device. */
	fake_vcpu_put_insn(vcpu, (const uint8_t[]){ 0x89, 0x18 }, 2);
	struct vm_exit exit = { .reason = EXIT_MEM_FAULT,
				.delivering = true,
				.delivering_vector = 3,
				.mem = { .gpa = DEV_GPA + 0x3F8, .write = true, .present = true } };
	EXPECT_EQ(fake_run_exit(vcpu, &exit), -1);
	EXPECT_STREQ(
		fake_vm_fault_text(NULL),
		"delivering vector 3, the CPU wrote emulated guest-physical 0xfed403f8 (an IDT, "
		"GDT or stack in device memory)");
	EXPECT_EQ(dev.accesses, 0);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
	/* The same store, by the instruction itself: emulated. */
	exit.delivering = false;
	EXPECT_EQ(fake_run_exit(vcpu, &exit), 0);
	EXPECT_EQ(dev.accesses, 1);
}

/* --- The per-vCPU cache of the last trapped instruction (x86/guest/mmio_insn_cache.c) --- */

#define PTE_PRESENT_RW_USER 0x7ull
#define PTE_LARGE	    0x80ull
#define PTE_ACCESSED_BIT    0x20ull
#define PDPT_GPA	    (FAKE_PAGE_TABLES + PAGE_SIZE) /* the fake's identity map */
#define SPARE_PD	    0x100000ull			   /* free fake RAM for test tables */
#define SPARE_PT	    0x101000ull
#define OTHER_CODE	    0x5000ull

static uint64_t pdpte0(void)
{
	uint64_t e;
	memcpy(&e, fake_guest_ptr(vm, PDPT_GPA), sizeof(e));
	return e;
}

static void set_pdpte0(uint64_t e)
{
	fake_guest_write(vm, PDPT_GPA, &e, sizeof(e));
}

static const struct mmio_insn_cache *cache(void)
{
	return &vcpu->arch.mmio_insn_cache;
}

TEST(the_same_instruction_again_is_a_cache_hit_with_fresh_operands)
{
	setup();
	vcpu->regs.rbx = 0x11;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA + 0x40, true, 0x89, 0x18), 0); /* mov [rax], ebx */
	EXPECT_EQ(cache()->hits, 0);
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	vcpu->regs.rbx = 0x22;
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA + 0x80, true), 0);
	EXPECT_EQ(cache()->hits, 1);
	EXPECT_EQ(dev.accesses, 2);
	EXPECT_EQ(dev.offset, 0x80); /* the address is the fault's, not the cached one's */
	EXPECT_EQ(dev.value, 0x22);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 2);
	/* A read through the cached instruction lands in its register. */
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, false, 0x8B, 0x18), 0); /* mov ebx, [rax]: new bytes, a miss */
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	vcpu->regs.rbx = 0;
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA, false), 0);
	EXPECT_EQ(cache()->hits, 2);
	EXPECT_EQ(vcpu->regs.rbx, 0x44332211);
}

TEST(new_bytes_at_the_same_rip_are_decoded_afresh)
{
	setup();
	vcpu->regs.rbx = 0x11;
	vcpu->regs.rcx = 0x33;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x89, 0x18), 0); /* mov [rax], ebx */
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x89, 0x08), 0); /* mov [rax], ecx */
	EXPECT_EQ(cache()->hits, 0);
	EXPECT_EQ(dev.value, 0x33);
	/* Bytes that no longer decode fault, whatever was cached for that RIP. */
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x01, 0x08), -1); /* add [rax], ecx */
	EXPECT_EQ(dev.accesses, 2);
}

TEST(a_changed_guest_page_table_sends_the_same_rip_elsewhere)
{
	setup();
	vcpu->regs.rbx = 0x11;
	vcpu->regs.rcx = 0x33;
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x89, 0x18), 0); /* mov [rax], ebx at 0x1000 */
	/* The guest remaps virtual 0x1000 through 4 KiB tables to a page holding another MOV. */
	uint64_t pde = SPARE_PT | PTE_PRESENT_RW_USER, pte_code = OTHER_CODE | PTE_PRESENT_RW_USER;
	fake_guest_write(vm, SPARE_PD, &pde, sizeof(pde));
	fake_guest_write(vm, SPARE_PT + 8, &pte_code, sizeof(pte_code));
	fake_guest_write(vm, OTHER_CODE, (const uint8_t[]){ 0x89, 0x08 }, 2); /* mov [rax], ecx */
	set_pdpte0(SPARE_PD | PTE_PRESENT_RW_USER);
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA, true), 0);
	EXPECT_EQ(cache()->hits, 0);
	EXPECT_EQ(dev.value, 0x33);
	/* And a mapping taken away is a fault, not the cached instruction. */
	uint64_t none = 0;
	fake_guest_write(vm, SPARE_PT + 8, &none, sizeof(none));
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA, true), -1);
	EXPECT_EQ(dev.accesses, 2);
}

TEST(accessed_and_dirty_bits_do_not_invalidate_the_cache)
{
	setup();
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x89, 0x18), 0);
	set_pdpte0(pdpte0() | PTE_ACCESSED_BIT | 0x40);
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA, true), 0);
	EXPECT_EQ(cache()->hits, 1);
}

TEST(a_nested_mapping_change_or_another_mode_misses)
{
	setup();
	EXPECT_EQ(MMIO_EXIT(DEV_GPA, true, 0x89, 0x18), 0);
	/* Any change to the VM's nested mapping, even elsewhere, drops what was cached. */
	EXPECT_EQ(virt_vm_unmap(vm, 0x1F0000, PAGE_SIZE), 0);
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA, true), 0);
	EXPECT_EQ(cache()->hits, 0);
	/* Another CR3 with the same tables' contents: a miss too (the key is the mode). */
	fake_guest_write(vm, SPARE_PD, fake_guest_ptr(vm, FAKE_PAGE_TABLES), PAGE_SIZE);
	fake_vcpu(vcpu)->mode.cr3 = SPARE_PD;
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA, true), 0);
	EXPECT_EQ(cache()->hits, 0);
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA;
	EXPECT_EQ(mmio_exit(NULL, 0, DEV_GPA, true), 0);
	EXPECT_EQ(cache()->hits, 1);
	EXPECT_EQ(dev.accesses, 4);
}
