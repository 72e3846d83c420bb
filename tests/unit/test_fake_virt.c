/* SPDX-License-Identifier: BSD-3-Clause */
/* The fake vendor backend itself: nested map splits, rights, port traps, memory through guest_mem.c. */
#include <string.h>

#include "core/guest_mem.h"
#include "lib/errno.h"
#include "x86/boot_defs.h"
#include "x86/guest/entry_state.h"
#include "fake_virt.h"
#include "harness.h"

static struct vm *vm;

static void setup(void)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p" });
}

TEST(unmapping_inside_a_range_splits_it)
{
	uint64_t hpa;
	uint32_t rights;

	setup();
	ASSERT_EQ(virt_vm_unmap(vm, 0x3000, 0x2000), 0);
	EXPECT_EQ(virt_vm_translate(vm, 0x3000, &hpa, &rights), -ENOENT);
	EXPECT_EQ(virt_vm_translate(vm, 0x4FFF, &hpa, &rights), -ENOENT);
	EXPECT_EQ(virt_vm_translate(vm, 0x2FFF, &hpa, &rights), 0);
	EXPECT_EQ(hpa, vm->mem_hpa + 0x2FFF);
	EXPECT_EQ(virt_vm_translate(vm, 0x5000, &hpa, &rights), 0);
	EXPECT_EQ(hpa, vm->mem_hpa + 0x5000);
	EXPECT_EQ(rights, VIRT_MEM_RWX);
	const struct fake_event *e = fake_event_last(vm, FAKE_EV_UNMAP);
	ASSERT_NOT_NULL(e);
	EXPECT_EQ(e->a, 0x3000);
	EXPECT_EQ(e->c, 0x2000);
}

TEST(mapping_over_a_range_replaces_its_rights_there_only)
{
	uint64_t hpa;
	uint32_t rights;

	setup();
	ASSERT_EQ(virt_vm_map(vm, 0x8000, vm->mem_hpa + 0x8000, 0x1000, VIRT_MEM_READ), 0);
	EXPECT_EQ(virt_vm_translate(vm, 0x8800, &hpa, &rights), 0);
	EXPECT_EQ(rights, VIRT_MEM_READ);
	EXPECT_EQ(virt_vm_translate(vm, 0x9000, &hpa, &rights), 0);
	EXPECT_EQ(rights, VIRT_MEM_RWX);
	EXPECT_EQ(fake_event_last(vm, FAKE_EV_MAP)->d, VIRT_MEM_READ);
	EXPECT_EQ(virt_vm_map(vm, 0x8001, 0, 0x1000, VIRT_MEM_READ), -EINVAL);
}

TEST(guest_phys_copies_check_rights_and_ram)
{
	uint8_t buf[16] = { 1, 2, 3 }, back[16];

	setup();
	EXPECT_EQ(guest_phys_write(vm, 0x1FF8, buf, sizeof(buf)), 0); /* across a page */
	EXPECT_EQ(guest_phys_read(vm, 0x1FF8, back, sizeof(back)), 0);
	EXPECT_MEMEQ(back, buf, sizeof(buf));
	EXPECT_EQ(memcmp(fake_guest_ptr(vm, 0x1FF8), buf, sizeof(buf)), 0);
	ASSERT_EQ(virt_vm_map(vm, 0x8000, vm->mem_hpa + 0x8000, 0x1000, VIRT_MEM_READ), 0);
	EXPECT_EQ(guest_phys_write(vm, 0x8000, buf, 1), -EFAULT);
	EXPECT_EQ(guest_phys_read(vm, 0x8000, back, 1), 0);
	EXPECT_EQ(guest_phys_read(vm, FAKE_RAM_SIZE, back, 1), -EFAULT);
}

TEST(guest_virtual_reads_walk_the_identity_map)
{
	static const uint8_t bytes[] = { 0xDE, 0xAD, 0xBE, 0xEF };
	uint8_t back[4];

	setup();
	fake_guest_write(vm, 0x12345, bytes, sizeof(bytes));
	EXPECT_EQ(guest_virt_read(&vm->vcpus[0], 0x12345, back, sizeof(back)), 0);
	EXPECT_MEMEQ(back, bytes, sizeof(bytes));
	/* Above the 1 GiB the tables map: not present. */
	EXPECT_EQ(guest_virt_read(&vm->vcpus[0], 0x40000000, back, 1), -EFAULT);
}

TEST(ports_trap_by_default_and_the_log_records_changes)
{
	setup();
	EXPECT_TRUE(fake_vm_port_trapped(vm, 0x3F8));
	virt_vm_trap_io(vm, 0x3F8, 8, false);
	EXPECT_FALSE(fake_vm_port_trapped(vm, 0x3FF));
	EXPECT_TRUE(fake_vm_port_trapped(vm, 0x400));
	const struct fake_event *e = fake_event_last(vm, FAKE_EV_TRAP_IO);
	ASSERT_NOT_NULL(e);
	EXPECT_EQ(e->a, 0x3F8);
	EXPECT_EQ(e->d, 0);
	virt_vm_trap_io(vm, 0xFFFF, 4, false); /* clipped at the end of the port space */
	EXPECT_FALSE(fake_vm_port_trapped(vm, 0xFFFF));
}

TEST(efer_writes_follow_the_svm_rules)
{
	struct vcpu *vcpu;

	setup();
	vcpu = &vm->vcpus[0];
	EXPECT_EQ(virt_vcpu_set_efer(vcpu, EFER_LME | EFER_SVME | EFER_NXE), 0);
	EXPECT_EQ(virt_vcpu_efer(vcpu), EFER_LME | EFER_LMA | EFER_NXE); /* LMA kept, SVME hidden */
	EXPECT_EQ(virt_vcpu_set_efer(vcpu, 1ull << 20), -EINVAL);
	EXPECT_EQ(virt_vcpu_efer(vcpu), EFER_LME | EFER_LMA | EFER_NXE);
}

TEST(state_loads_give_cpl_mode_and_registers)
{
	struct vcpu_arch_state st;
	struct vcpu_mode mode;
	struct vcpu *vcpu;

	setup();
	vcpu = &vm->vcpus[0];
	entry_state_startup(&st, 0x9A);
	st.regs.rbx = 0x1234;
	ASSERT_EQ(virt_vcpu_set_state(vcpu, &st), 0);
	virt_vcpu_mode(vcpu, &mode);
	EXPECT_EQ(mode.cs_base, 0x9A000);
	EXPECT_FALSE(mode.long_mode_code);
	EXPECT_EQ(virt_vcpu_cpl(vcpu), 0);
	EXPECT_EQ(virt_vcpu_rip(vcpu), 0);
	EXPECT_EQ(vcpu->regs.rbx, 0x1234);

	st.cr0 |= CR0_PE;
	st.ss.access |= SEG_AR_DPL(3);
	ASSERT_EQ(virt_vcpu_set_state(vcpu, &st), 0);
	EXPECT_EQ(virt_vcpu_cpl(vcpu), 3);

	st.efer = 1ull << 20; /* a bit SVM cannot hold: refused, nothing changes */
	st.rip = 0x5555;
	EXPECT_EQ(virt_vcpu_set_state(vcpu, &st), -EINVAL);
	EXPECT_EQ(virt_vcpu_rip(vcpu), 0);
}
