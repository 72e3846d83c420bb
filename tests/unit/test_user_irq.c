/* SPDX-License-Identifier: BSD-3-Clause */
/* A User VM's interrupts through the fake: the virtual IOAPIC, HC_SET_IRQLINE and HC_INJECT_MSI. */
#include "cairn/acrn.h"
#include "cairn/hypercall.h"
#include "core/ioreq.h"
#include "x86/guest/vioapic.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define SVC_PCPU    8
#define USER_PCPU   2
#define USER_APIC1  (USER_PCPU + 1 + FAKE_DEFAULT_APIC) /* vCPU 1's pCPU */
#define MSI_GPA	    0x9000ull
#define VECTOR_UD   6
#define VMCALL_EXIT ((struct vm_exit){ .reason = EXIT_EXCEPTION, .exception.vector = VECTOR_UD })
#define PIN	    4

static const uint8_t vmcall[] = { 0x0F, 0x01, 0xC1 };
static struct vm *svc, *user;

static void setup(void)
{
	svc = fake_vm_create(&(struct fake_vm_spec){
		.name = "svc", .kind = VM_KIND_SERVICE, .first_pcpu = SVC_PCPU });
	user = fake_vm_create(&(struct fake_vm_spec){
		.name = "u", .kind = VM_KIND_USER, .nvcpus = 2, .first_pcpu = USER_PCPU });
	user->creator = svc;
	EXPECT_EQ(ioreq_vm_init(user, 0), 0);
}

static int64_t svc_call(uint64_t id, uint64_t p1, uint64_t p2)
{
	struct vcpu *v = &svc->vcpus[0];

	fake_vcpu_put_insn(v, vmcall, sizeof(vmcall));
	v->regs = (struct vcpu_regs){ .r8 = id, .rdi = p1, .rsi = p2 };
	EXPECT_EQ(fake_run_exit(v, &VMCALL_EXIT), 0);
	return (int64_t)v->regs.rax;
}

static int64_t irqline(uint32_t gsi, uint64_t op)
{
	return svc_call(HC_SET_IRQLINE, user->id, op << 32 | gsi);
}

/* The User VM's vCPU 0 writes or reads a dword of its IOAPIC (mov [rax], ebx / mov ebx, [rax]). */
static void mmio_write(uint64_t offset, uint32_t value)
{
	struct vcpu *v = &user->vcpus[0];
	struct vm_exit exit = { .reason = EXIT_MEM_FAULT,
				.mem = { .gpa = VIOAPIC_BASE + offset, .write = true } };

	fake_vcpu_put_insn(v, (const uint8_t[]){ 0x89, 0x18 }, 2);
	v->regs.rbx = value;
	EXPECT_EQ(fake_run_exit(v, &exit), 0);
}

static uint32_t mmio_read(uint64_t offset)
{
	struct vcpu *v = &user->vcpus[0];
	struct vm_exit exit = { .reason = EXIT_MEM_FAULT, .mem = { .gpa = VIOAPIC_BASE + offset } };

	fake_vcpu_put_insn(v, (const uint8_t[]){ 0x8B, 0x18 }, 2);
	EXPECT_EQ(fake_run_exit(v, &exit), 0);
	return (uint32_t)v->regs.rbx;
}

static void reg_write(uint32_t reg, uint32_t value)
{
	mmio_write(VIOAPIC_REGSEL, reg);
	mmio_write(VIOAPIC_WIN, value);
}

static uint32_t reg_read(uint32_t reg)
{
	mmio_write(VIOAPIC_REGSEL, reg);
	return mmio_read(VIOAPIC_WIN);
}

static void program(uint32_t pin, uint32_t low, uint32_t dest)
{
	reg_write(VIOAPIC_REG_RTE0 + 2 * pin + 1, dest << 24);
	reg_write(VIOAPIC_REG_RTE0 + 2 * pin, low);
}

/* --- registers ------------------------------------------------------------------------------ */

TEST(version_id_and_arbitration)
{
	setup();
	EXPECT_EQ(reg_read(VIOAPIC_REG_VER), 0x00170011u); /* 24 entries, version 0x11 */
	EXPECT_EQ(reg_read(VIOAPIC_REG_ID), 0);
	reg_write(VIOAPIC_REG_ID, 0xFFFFFFFFu);
	EXPECT_EQ(reg_read(VIOAPIC_REG_ID), 0x0F000000u);
	EXPECT_EQ(reg_read(VIOAPIC_REG_ARB), 0x0F000000u);
	reg_write(VIOAPIC_REG_VER, 0);
	EXPECT_EQ(reg_read(VIOAPIC_REG_VER), 0x00170011u);
	EXPECT_EQ(mmio_read(VIOAPIC_REGSEL), VIOAPIC_REG_VER);
}

TEST(entries_start_masked_and_keep_only_their_writable_bits)
{
	setup();
	for (uint32_t pin = 0; pin < VIOAPIC_PINS; pin++) {
		EXPECT_EQ(reg_read(VIOAPIC_REG_RTE0 + 2 * pin), 0x00010000u);
		EXPECT_EQ(reg_read(VIOAPIC_REG_RTE0 + 2 * pin + 1), 0);
	}
	reg_write(VIOAPIC_REG_RTE0 + 2 * PIN, 0xFFFFFFFFu);
	EXPECT_EQ(reg_read(VIOAPIC_REG_RTE0 + 2 * PIN), 0x0001AFFFu); /* not status, remote IRR */
	reg_write(VIOAPIC_REG_RTE0 + 2 * PIN + 1, 0xFFFFFFFFu);
	EXPECT_EQ(reg_read(VIOAPIC_REG_RTE0 + 2 * PIN + 1), 0xFF000000u);
	EXPECT_EQ(reg_read(VIOAPIC_REG_RTE0 + 2 * PIN + 2), 0x00010000u); /* the next one */
	/* Past the last entry, and an unknown register: read 0, writes lost. */
	reg_write(VIOAPIC_REG_RTE0 + 2 * VIOAPIC_PINS, 0x1234);
	EXPECT_EQ(reg_read(VIOAPIC_REG_RTE0 + 2 * VIOAPIC_PINS), 0);
	EXPECT_EQ(reg_read(0x05), 0);
	EXPECT_EQ(reg_read(0xFF), 0);
	EXPECT_EQ(mmio_read(0x20), 0); /* no register there */
}

/* --- HC_SET_IRQLINE ---------------------------------------------------------------------------- */

TEST(edge_pin_delivers_on_rising_edges_only)
{
	setup();
	program(PIN, 0x30, USER_APIC1);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_SET_HIGH), 0);
	ASSERT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(fake_lapic_ipi(0).dest, USER_APIC1);
	EXPECT_EQ(fake_lapic_ipi(0).icr_low, 0x30);	      /* fixed, physical */
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_SET_HIGH), 0); /* already high */
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_SET_LOW), 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_RAISING_PULSE), 0); /* low -> high -> low */
	EXPECT_EQ(fake_lapic_ipi_count(), 2);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_FALLING_PULSE), 0); /* low -> low -> high */
	EXPECT_EQ(fake_lapic_ipi_count(), 3);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_FALLING_PULSE), 0); /* high -> low -> high */
	EXPECT_EQ(fake_lapic_ipi_count(), 4);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_RAISING_PULSE), 0); /* high -> high -> low */
	EXPECT_EQ(fake_lapic_ipi_count(), 4);
	EXPECT_EQ(user->arch.vioapic.delivered, 4);
	EXPECT_EQ(user->arch.vioapic.dropped, 0);
}

TEST(level_pin_delivers_each_time_it_is_set_high)
{
	setup();
	program(PIN, (uint32_t)VIOAPIC_RTE_LEVEL | 0x31, USER_APIC1);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_SET_HIGH), 0);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_SET_HIGH), 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 2);
	EXPECT_EQ(fake_lapic_ipi(1).icr_low, 0x31); /* sent as an edge: no EOI broadcast */
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_SET_LOW), 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 2);
}

TEST(masked_pins_lose_their_edges)
{
	setup();
	program(PIN, (uint32_t)VIOAPIC_RTE_MASKED | 0x30, USER_APIC1);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_SET_HIGH), 0);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_RAISING_PULSE), 0);
	program(PIN, 0x30, USER_APIC1); /* unmasked while high: no edge, nothing */
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(user->arch.vioapic.dropped, 0);
}

static void expect_dropped(uint32_t low, uint32_t dest)
{
	setup();
	program(PIN, low, dest);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_RAISING_PULSE), 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(user->arch.vioapic.dropped, 1);
}

TEST(a_destination_outside_the_vm_is_dropped)
{
	expect_dropped(0x30, SVC_PCPU + FAKE_DEFAULT_APIC);
}

TEST(logical_destinations_are_dropped)
{
	expect_dropped((uint32_t)VIOAPIC_RTE_LOGICAL | 0x30, USER_APIC1); /* a real ID, logically */
}

TEST(nmi_smi_init_and_extint_entries_are_dropped)
{
	expect_dropped(0x400 | 0x30, USER_APIC1); /* NMI */
}

TEST(vectors_below_16_are_dropped)
{
	expect_dropped(0x0F, USER_APIC1);
}

TEST(lowest_priority_goes_to_the_named_cpu_as_fixed)
{
	setup();
	program(PIN, 0x100 | 0x40, USER_APIC1);
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_RAISING_PULSE), 0);
	ASSERT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(fake_lapic_ipi(0).icr_low, 0x40);
}

TEST(nothing_is_delivered_to_a_vm_that_is_not_running)
{
	setup();
	program(PIN, 0x30, USER_APIC1);
	user->state = VM_CREATED;
	EXPECT_EQ(irqline(PIN, ACRN_IRQLINE_OP_SET_HIGH), 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(user->arch.vioapic.dropped, 1);
}

TEST(set_irqline_checks_gsi_op_and_vmid)
{
	setup();
	struct vm *part = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .first_pcpu = 20 });

	EXPECT_EQ(irqline(VIOAPIC_PINS, ACRN_IRQLINE_OP_SET_HIGH), HC_EINVAL);
	EXPECT_EQ(irqline(0xFFFFFFFFu, ACRN_IRQLINE_OP_SET_HIGH), HC_EINVAL);
	EXPECT_EQ(irqline(PIN, 4), HC_EINVAL);
	EXPECT_EQ(irqline(PIN, 0xFFFFFFFFull), HC_EINVAL);
	EXPECT_EQ(svc_call(HC_SET_IRQLINE, 77, PIN), HC_EINVAL);
	EXPECT_EQ(svc_call(HC_SET_IRQLINE, part->id, PIN), HC_EPERM);
	/* A User VM whose devices were never attached has no IOAPIC. */
	struct vm *bare = fake_vm_create(
		&(struct fake_vm_spec){ .name = "b", .kind = VM_KIND_USER, .first_pcpu = 30 });
	bare->creator = svc;
	EXPECT_EQ(svc_call(HC_SET_IRQLINE, bare->id, PIN), HC_EINVAL);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
}

/* --- HC_INJECT_MSI ---------------------------------------------------------------------------- */

static int64_t inject(uint64_t address, uint64_t data)
{
	struct acrn_msi_entry msi = { address, data };

	fake_guest_write(svc, MSI_GPA, &msi, sizeof(msi));
	return svc_call(HC_INJECT_MSI, user->id, MSI_GPA);
}

TEST(inject_msi_sends_a_fixed_ipi_to_the_named_vcpu)
{
	setup();
	EXPECT_EQ(inject(0xFEE00000u | (USER_APIC1 << 12) | 8, 0x4041), 0); /* RH ignored, level */
	ASSERT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(fake_lapic_ipi(0).dest, USER_APIC1);
	EXPECT_EQ(fake_lapic_ipi(0).icr_low, 0x41);
	EXPECT_EQ(inject(0xFEE00000u | ((USER_APIC1 - 1) << 12), 0x0100 | 0x10), 0); /* lowest */
	EXPECT_EQ(fake_lapic_ipi(1).dest, USER_APIC1 - 1);
	EXPECT_EQ(fake_lapic_ipi(1).icr_low, 0x10);
}

TEST(inject_msi_checks_every_argument)
{
	setup();
	struct vm *part = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .first_pcpu = 20 });
	uint64_t good = 0xFEE00000u | (USER_APIC1 << 12);

	EXPECT_EQ(inject(good, 0x0F), HC_EINVAL);			      /* vector < 16 */
	EXPECT_EQ(inject(good | 4, 0x41), HC_EINVAL);			      /* logical */
	EXPECT_EQ(inject(0xFED00000u | (USER_APIC1 << 12), 0x41), HC_EINVAL); /* not 0xFEE */
	EXPECT_EQ(inject(good | (1ull << 32), 0x41), HC_EINVAL);	      /* upper half */
	EXPECT_EQ(inject(0xFEE00000u | ((SVC_PCPU + FAKE_DEFAULT_APIC) << 12), 0x41), HC_EINVAL);
	EXPECT_EQ(inject(0xFEEFF000u, 0x41), HC_EINVAL);  /* broadcast: not one vCPU */
	EXPECT_EQ(inject(good, 0x200 | 0x41), HC_EINVAL); /* SMI */
	EXPECT_EQ(inject(good, 0x400 | 0x41), HC_EINVAL); /* NMI */
	EXPECT_EQ(inject(good, 0x500 | 0x41), HC_EINVAL); /* INIT */
	EXPECT_EQ(inject(good, 0x700 | 0x41), HC_EINVAL); /* ExtINT */
	EXPECT_EQ(svc_call(HC_INJECT_MSI, user->id, FAKE_RAM_SIZE - 8), HC_EFAULT);
	EXPECT_EQ(svc_call(HC_INJECT_MSI, 77, MSI_GPA), HC_EINVAL);
	EXPECT_EQ(svc_call(HC_INJECT_MSI, part->id, MSI_GPA), HC_EPERM);
	EXPECT_EQ(svc_call(HC_INJECT_MSI, svc->id, MSI_GPA), HC_EPERM);
	user->state = VM_CREATED;
	EXPECT_EQ(inject(good, 0x41), HC_EINVAL);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
}
