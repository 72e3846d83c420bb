/* SPDX-License-Identifier: BSD-3-Clause */
/* The passed-through LAPIC's ICR filter (guest/lapic_pt.c), driven by trapped MOVs to the xAPIC page. */
#include "core/arch.h"
#include "core/pcpu.h"
#include "x86/guest/irq_route.h"
#include "x86/guest/lapic_pt.h"
#include "x86/lapic.h"
#include "fake_console.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define ICR_LOGICAL	(1u << 11)
#define ICR_ASSERT	(1u << 14)
#define SH_SELF		(1u << 18)
#define SH_ALL		(2u << 18)
#define SH_OTHERS	(3u << 18)
#define DM_LOWEST	0x100
#define DM_SMI		0x200
#define DM_EXTINT	0x700
#define APIC_OF(pcpu_i) ((pcpu_i) + FAKE_DEFAULT_APIC)

static struct vm *vm;

/* A 2-vCPU partition (pCPUs 0 and 1, APIC IDs 2 and 3) with its LAPIC attached. */
static void setup(void)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .nvcpus = 2 });
	ASSERT_EQ(lapic_pt_attach(vm), 0);
	fake_events_clear(vm);
}

/* `mov [rax], ebx` (89 18) at RIP with RAX = the register's address: the trapped write. */
static int guest_lapic_write(struct vcpu *vcpu, uint32_t reg, uint32_t value)
{
	static const uint8_t mov_store[] = { 0x89, 0x18 };
	struct vm_exit exit = {
		.reason = EXIT_MEM_FAULT,
		.mem = { .gpa = FAKE_LAPIC_BASE + reg, .write = true, .present = true }
	};

	fake_vcpu_put_insn(vcpu, mov_store, sizeof(mov_store));
	vcpu->regs.rax = FAKE_LAPIC_BASE + reg;
	vcpu->regs.rbx = value;
	return fake_run_exit(vcpu, &exit);
}

static void send_icr(struct vcpu *vcpu, uint32_t dest, uint32_t icr_low)
{
	EXPECT_EQ(guest_lapic_write(vcpu, LAPIC_REG_ICR_HI, dest << 24), 0);
	EXPECT_EQ(guest_lapic_write(vcpu, LAPIC_REG_ICR_LO, icr_low), 0);
}

TEST(attach_maps_the_xapic_page_read_only_and_traps_writes)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p" });
	ASSERT_EQ(lapic_pt_attach(vm), 0);
	const struct fake_map *m = fake_vm_map_at(vm, FAKE_LAPIC_BASE);
	ASSERT_NOT_NULL(m);
	EXPECT_EQ(m->hpa, FAKE_LAPIC_BASE);
	EXPECT_EQ(m->size, 0x1000);
	EXPECT_EQ(m->rights, VIRT_MEM_READ);
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_UNMAP), 1);
}

TEST(a_partition_is_built_with_its_own_lapic_read_only_and_its_writes_checked)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .nvcpus = 2 });
	ASSERT_EQ(arch_partition_build(vm), 0);
	const struct fake_map *m = fake_vm_map_at(vm, FAKE_LAPIC_BASE);
	ASSERT_NOT_NULL(m);
	EXPECT_EQ(m->hpa, FAKE_LAPIC_BASE);
	EXPECT_EQ(m->size, 0x1000);
	EXPECT_EQ(m->rights, VIRT_MEM_READ);
	/* Its timer is its own; an INIT to an APIC ID outside it goes nowhere. */
	EXPECT_EQ(guest_lapic_write(&vm->vcpus[0], LAPIC_REG_TIMER_INIT, 1000), 0);
	send_icr(&vm->vcpus[0], 0x40, ICR_ASSERT | 0x500);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(vm->arch.ipis_dropped, 1);
	EXPECT_EQ(fake_vm_fault_count(), 0);
}

/* Logical routes are the Service VM's: another VM's LDR stays 0, so it can join none. */
TEST(only_the_service_vm_sets_a_logical_id)
{
	uint32_t ldr, dfr;

	setup(); /* a partition */
	irq_route_set_logical_id(vm->vcpus[0].pcpu->id, 0, 0xFFFFFFFFu);
	EXPECT_EQ(guest_lapic_write(&vm->vcpus[0], LAPIC_REG_LDR, 0xFFu << 24), 0);
	EXPECT_EQ(guest_lapic_write(&vm->vcpus[0], LAPIC_REG_DFR, 0x0FFFFFFFu), 0);
	EXPECT_EQ(fake_lapic_write_count(LAPIC_REG_LDR), 0);
	EXPECT_EQ(fake_lapic_write_count(LAPIC_REG_DFR), 0);
	irq_route_get_logical_id(vm->vcpus[0].pcpu->id, &ldr, &dfr);
	EXPECT_EQ(ldr, 0);
	EXPECT_EQ(fake_vm_fault_count(), 0);

	struct vm *svc = fake_vm_create(&(struct fake_vm_spec){
		.name = "service", .kind = VM_KIND_SERVICE, .first_pcpu = 2 });
	ASSERT_EQ(lapic_pt_attach(svc), 0);
	EXPECT_EQ(guest_lapic_write(&svc->vcpus[0], LAPIC_REG_LDR, 0x01u << 24), 0);
	EXPECT_EQ(fake_lapic_write_count(LAPIC_REG_LDR), 1);
	irq_route_get_logical_id(svc->vcpus[0].pcpu->id, &ldr, &dfr);
	EXPECT_EQ(ldr, fake_lapic_get(LAPIC_REG_LDR));
}

TEST(fixed_ipi_inside_the_vm_is_sent_and_rip_advances)
{
	setup();
	struct vcpu *v0 = &vm->vcpus[0];
	send_icr(v0, APIC_OF(1), ICR_ASSERT | 0x40);
	ASSERT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(fake_lapic_ipi(0).dest, APIC_OF(1));
	EXPECT_EQ(fake_lapic_ipi(0).icr_low, ICR_ASSERT | ICR_DM_FIXED | 0x40);
	EXPECT_EQ(vm->arch.ipis_dropped, 0);
	EXPECT_EQ(fake_vcpu(v0)->rip, FAKE_CODE_GPA + 2 * 2);
	EXPECT_EQ(v0->exits[EXIT_MEM_FAULT], 2);
	EXPECT_EQ(fake_vm_fault_count(), 0);
}

TEST(lowest_priority_is_delivered_as_fixed)
{
	setup();
	send_icr(&vm->vcpus[0], APIC_OF(0), DM_LOWEST | 0x41);
	ASSERT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(fake_lapic_ipi(0).icr_low, ICR_DM_FIXED | 0x41);
}

TEST(destination_outside_the_vm_is_dropped_and_counted)
{
	setup();
	send_icr(&vm->vcpus[0], 9, ICR_ASSERT | 0x40);
	send_icr(&vm->vcpus[0], APIC_OF(1), ICR_DM_INIT | ICR_ASSERT);
	send_icr(&vm->vcpus[0], 0, ICR_DM_NMI);
	EXPECT_EQ(vm->arch.ipis_dropped, 2);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(fake_pcpu_posted(1), PCPU_REQ_INIT); /* only the one inside */
	EXPECT_EQ(fake_pcpu_posted(0), 0);
	EXPECT_TRUE(fake_console_contains("IPI 0x4040 to APIC ID 9 is outside the VM: dropped"));
}

TEST(logical_destinations_smi_and_extint_are_dropped)
{
	setup();
	send_icr(&vm->vcpus[0], 0x01, ICR_LOGICAL | 0x40);
	send_icr(&vm->vcpus[0], APIC_OF(1), DM_SMI);
	send_icr(&vm->vcpus[0], APIC_OF(1), DM_EXTINT);
	EXPECT_EQ(vm->arch.ipis_dropped, 3);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(fake_pcpu_post_count(), 0);
}

TEST(shorthands_expand_to_the_vms_own_cpus)
{
	setup();
	send_icr(&vm->vcpus[0], 0, SH_ALL | 0x50);
	ASSERT_EQ(fake_lapic_ipi_count(), 2);
	EXPECT_EQ(fake_lapic_ipi(0).dest, APIC_OF(0));
	EXPECT_EQ(fake_lapic_ipi(1).dest, APIC_OF(1));
	EXPECT_EQ(fake_lapic_ipi(1).icr_low, 0x50); /* shorthand gone: one physical IPI each */

	send_icr(&vm->vcpus[0], 0, SH_OTHERS | 0x51);
	ASSERT_EQ(fake_lapic_ipi_count(), 3);
	EXPECT_EQ(fake_lapic_ipi(2).dest, APIC_OF(1));
	EXPECT_EQ(fake_lapic_ipi(2).icr_low, 0x51);

	send_icr(&vm->vcpus[1], 0xFF, 0x52); /* the physical broadcast ID */
	EXPECT_EQ(fake_lapic_ipi_count(), 5);
	EXPECT_EQ(vm->arch.ipis_dropped, 0);
}

TEST(self_shorthand_goes_to_the_own_lapic_fixed_only)
{
	setup();
	send_icr(&vm->vcpus[0], 0, SH_SELF | 0x60);
	EXPECT_EQ(fake_lapic_write_count(LAPIC_REG_ICR_LO), 1);
	EXPECT_EQ(fake_lapic_get(LAPIC_REG_ICR_LO), SH_SELF | 0x60);
	send_icr(&vm->vcpus[0], 0, SH_SELF | ICR_DM_NMI);
	EXPECT_EQ(fake_lapic_write_count(LAPIC_REG_ICR_LO), 1);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
}

TEST(init_and_startup_are_emulated_by_mailbox)
{
	setup();
	struct vcpu *v1 = &vm->vcpus[1];
	send_icr(&vm->vcpus[0], APIC_OF(1), ICR_DM_INIT); /* de-assert: nothing */
	EXPECT_EQ(fake_pcpu_post_count(), 0);
	send_icr(&vm->vcpus[0], APIC_OF(1), ICR_DM_INIT | ICR_ASSERT);
	EXPECT_EQ(fake_pcpu_posted(1), PCPU_REQ_INIT);
	send_icr(&vm->vcpus[0], APIC_OF(1), ICR_DM_STARTUP | 0x9A);
	EXPECT_EQ(fake_pcpu_posted(1), PCPU_REQ_INIT | PCPU_REQ_SIPI);
	EXPECT_EQ(v1->arch.sipi_vector, 0x9A);
	EXPECT_EQ(fake_lapic_ipi_count(), 0); /* never a real INIT or SIPI */

	/* The target's own run loop then takes them: INIT parks it, SIPI starts it at 9A00:0. */
	fake_run_exit(v1, &(struct vm_exit){ .reason = EXIT_HLT });
	EXPECT_EQ(fake_event_last(vm, FAKE_EV_SET_STATE)->b, 0x9A000);
	EXPECT_EQ(fake_vcpu(v1)->mode.cs_base, 0x9A000);
}

TEST(nmi_goes_by_mailbox_not_as_a_real_nmi)
{
	setup();
	send_icr(&vm->vcpus[0], APIC_OF(1), ICR_DM_NMI);
	EXPECT_EQ(fake_pcpu_posted(1), PCPU_REQ_NMI);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	/* The target injects it into its guest when it next serves its mailbox. */
	fake_run_exit(&vm->vcpus[1], &(struct vm_exit){ .reason = EXIT_NMI });
	EXPECT_EQ(fake_vcpu(&vm->vcpus[1])->nmis_injected, 1);
}

TEST(lvt_writes_with_init_smi_or_startup_mode_fault_the_vm)
{
	setup();
	EXPECT_EQ(guest_lapic_write(&vm->vcpus[0], LAPIC_REG_LVT_LINT0, 0x700), 0); /* ExtINT */
	EXPECT_EQ(fake_lapic_get(LAPIC_REG_LVT_LINT0), 0x700);
	EXPECT_EQ(guest_lapic_write(&vm->vcpus[0], LAPIC_REG_LVT_LINT1, ICR_DM_INIT), -1);
	EXPECT_STREQ(fake_vm_fault_text(NULL), "LVT 0x360 write with delivery mode 5");
	EXPECT_EQ(fake_lapic_get(LAPIC_REG_LVT_LINT1), 0);
}

TEST(apic_id_writes_are_ignored)
{
	setup();
	fake_lapic_set(LAPIC_REG_ID, APIC_OF(0) << 24);
	EXPECT_EQ(guest_lapic_write(&vm->vcpus[0], LAPIC_REG_ID, 7u << 24), 0);
	EXPECT_EQ(fake_lapic_get(LAPIC_REG_ID), APIC_OF(0) << 24);
}
