/* SPDX-License-Identifier: BSD-3-Clause */
/* The Service VM's pCPUs given back (HC_SERVICE_VM_OFFLINE_CPU) and taken back (INIT), on the fake. */
#include "cairn/hypercall.h"
#include "core/pcpu.h"
#include "lib/errno.h"
#include "x86/guest/lapic_pt.h"
#include "x86/lapic.h"
#include "fake_console.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define VMCALL_EXIT   ((struct vm_exit){ .reason = EXIT_EXCEPTION, .exception.vector = 6 })
#define UNTOUCHED_RAX 0x5A5A5A5A5A5A5A5Aull
#define APIC_OF(i)    ((i) + FAKE_DEFAULT_APIC)
#define ICR_ASSERT    (1u << 14)
#define HLT	      0xF4
#define RFLAGS_IF     (1ull << 9)

static const uint8_t vmcall[] = { 0x0F, 0x01, 0xC1 };
static struct vm *svc;

/* The Service VM on pCPUs 0-2 (APIC IDs 2-4), its LAPIC attached. */
static void setup(void)
{
	svc = fake_vm_create(
		&(struct fake_vm_spec){ .name = "service", .kind = VM_KIND_SERVICE, .nvcpus = 3 });
	ASSERT_EQ(lapic_pt_attach(svc), 0);
}

static int64_t hypercall(struct vcpu *vcpu, uint64_t id, uint64_t p1)
{
	fake_vcpu_put_insn(vcpu, vmcall, sizeof(vmcall));
	vcpu->regs = (struct vcpu_regs){ .rax = UNTOUCHED_RAX, .r8 = id, .rdi = p1 };
	EXPECT_EQ(fake_run_exit(vcpu, &VMCALL_EXIT), 0);
	return (int64_t)vcpu->regs.rax;
}

/* Linux's offline loop: interrupted just past an HLT, interrupts off. */
static void put_in_hlt_loop(struct vcpu *vcpu, bool interrupts_off)
{
	uint8_t hlt = HLT;

	fake_guest_write(vcpu->vm, FAKE_CODE_GPA + 0x100, &hlt, 1);
	fake_vcpu(vcpu)->rip = FAKE_CODE_GPA + 0x101;
	fake_vcpu(vcpu)->rflags = interrupts_off ? 0x2 : 0x2 | RFLAGS_IF;
}

/* The target pCPU, while the caller waits: serves its mailbox as its run loop would. */
static void serve_pcpu(void *ctx)
{
	struct vcpu *vcpu = ctx;

	if (vcpu->pcpu->mailbox & PCPU_REQ_OFFLINE)
		fake_run(vcpu);
}

/*
 * Retired by the request: its run loop left before entering the guest (a fake run that enters
 * ends with the stop NMI, counted in exits[EXIT_NMI]), and vcpu_retire() was called for it.
 */
static bool retired_by_offline(struct vcpu *vcpu)
{
	return vcpu->exits[EXIT_NMI] == 0 && fake_vcpu_retired_count() > 0;
}

TEST(an_offline_vcpu_is_retired_and_answers_0)
{
	setup();
	struct vcpu *v2 = &svc->vcpus[2];
	put_in_hlt_loop(v2, true);
	fake_set_relax_hook(serve_pcpu, v2);
	EXPECT_EQ(hypercall(&svc->vcpus[0], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(2)), 0);
	EXPECT_EQ(retired_by_offline(v2), true);
	EXPECT_EQ(v2->pcpu->mailbox, 0);
	EXPECT_EQ(fake_vcpu(&svc->vcpus[0])->rip, FAKE_CODE_GPA + 3);
}

TEST(a_vcpu_waiting_for_a_startup_ipi_is_offline_too)
{
	setup();
	struct vcpu *v1 = &svc->vcpus[1];
	v1->state = VCPU_OFFLINE;
	fake_set_relax_hook(serve_pcpu, v1);
	EXPECT_EQ(hypercall(&svc->vcpus[2], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(1)), 0);
	EXPECT_EQ(retired_by_offline(v1), true);
}

TEST(a_running_vcpu_answers_ebusy_and_keeps_running)
{
	setup();
	struct vcpu *v2 = &svc->vcpus[2];
	put_in_hlt_loop(v2, false); /* idle HLT: interrupts on */
	fake_set_relax_hook(serve_pcpu, v2);
	EXPECT_EQ(hypercall(&svc->vcpus[0], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(2)), -EBUSY);
	/* Interrupts off but not at an HLT (the byte before RIP is something else). */
	fake_vcpu(v2)->rflags = 0x2;
	fake_vcpu(v2)->rip = FAKE_CODE_GPA + 0x102;
	EXPECT_EQ(hypercall(&svc->vcpus[0], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(2)), -EBUSY);
	EXPECT_EQ(retired_by_offline(v2), false);
	/* Asked every 10 ms for 1 s each time, served every question, then went on running. */
	EXPECT_TRUE(v2->exits[EXIT_NMI] >= 2 * 90 && v2->exits[EXIT_NMI] <= 2 * 102);
	EXPECT_EQ(v2->state, VCPU_RUNNING);
	EXPECT_TRUE(fake_console_contains("pCPU 2 not given back: vCPU 2 is not offline"));
}

/* Not parked at the first question (Linux's dying CPU is a few instructions short of its HLT). */
static void park_on_the_third_question(void *ctx)
{
	struct vcpu *vcpu = ctx;

	if (!(vcpu->pcpu->mailbox & PCPU_REQ_OFFLINE))
		return;
	if (vcpu->exits[EXIT_NMI] == 2)
		put_in_hlt_loop(vcpu, true);
	fake_run(vcpu);
}

TEST(a_vcpu_parked_a_little_after_the_question_is_retired)
{
	setup();
	struct vcpu *v2 = &svc->vcpus[2];
	put_in_hlt_loop(v2, false);
	fake_set_relax_hook(park_on_the_third_question, v2);
	EXPECT_EQ(hypercall(&svc->vcpus[0], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(2)), 0);
	EXPECT_EQ(v2->exits[EXIT_NMI], 2); /* two questions answered busy, the third retired it */
	EXPECT_TRUE(fake_vcpu_retired_count() > 0);
	EXPECT_TRUE(fake_relax_count() < 100);
}

TEST(boot_pcpu_unknown_apic_ids_and_the_caller_itself_are_refused)
{
	setup();
	fake_set_relax_hook(serve_pcpu, &svc->vcpus[2]);
	put_in_hlt_loop(&svc->vcpus[0], true);
	EXPECT_EQ(hypercall(&svc->vcpus[1], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(0)), -EINVAL);
	EXPECT_EQ(hypercall(&svc->vcpus[1], HC_SERVICE_VM_OFFLINE_CPU, 99), -EINVAL);
	EXPECT_EQ(hypercall(&svc->vcpus[1], HC_SERVICE_VM_OFFLINE_CPU, 1ull << 32 | APIC_OF(2)),
		  -EINVAL);
	EXPECT_EQ(hypercall(&svc->vcpus[1], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(1)), -EBUSY);
	EXPECT_EQ(fake_pcpu_post_count(), 0);
	/* A vCPU already given back: nothing of the Service VM's is left there. */
	svc->vcpus[2].pcpu->vcpu = NULL;
	EXPECT_EQ(hypercall(&svc->vcpus[1], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(2)), -EINVAL);
	EXPECT_EQ(fake_pcpu_post_count(), 0);
}

TEST(only_the_service_vm_may_give_pcpus_back)
{
	struct vm *p = fake_vm_create(&(struct fake_vm_spec){
		.name = "p", .flags = VM_FLAG_HYPERCALLS, .nvcpus = 2, .first_pcpu = 4 });

	put_in_hlt_loop(&p->vcpus[1], true);
	EXPECT_EQ(hypercall(&p->vcpus[0], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(5)), -EPERM);
	EXPECT_EQ(fake_pcpu_post_count(), 0);
}

TEST(no_answer_in_time_is_ebusy_and_a_late_request_does_nothing)
{
	setup();
	struct vcpu *v2 = &svc->vcpus[2];
	put_in_hlt_loop(v2, true);
	EXPECT_EQ(hypercall(&svc->vcpus[0], HC_SERVICE_VM_OFFLINE_CPU, APIC_OF(2)), -EBUSY);
	EXPECT_TRUE(fake_relax_count() >= 1000); /* 1 s at 1 ms a round */
	fake_run(v2);				 /* the pCPU finally looks at its mailbox */
	EXPECT_EQ(retired_by_offline(v2), false);
	EXPECT_EQ(v2->exits[EXIT_NMI], 1);
}

/* `mov [rax], ebx` at RIP, RAX = the xAPIC register: a trapped LAPIC write. */
static void guest_lapic_write(struct vcpu *vcpu, uint32_t reg, uint32_t value)
{
	static const uint8_t mov_store[] = { 0x89, 0x18 };
	struct vm_exit exit = {
		.reason = EXIT_MEM_FAULT,
		.mem = { .gpa = FAKE_LAPIC_BASE + reg, .write = true, .present = true }
	};

	fake_vcpu_put_insn(vcpu, mov_store, sizeof(mov_store));
	vcpu->regs.rax = FAKE_LAPIC_BASE + reg;
	vcpu->regs.rbx = value;
	EXPECT_EQ(fake_run_exit(vcpu, &exit), 0);
}

static void send_ipi(struct vcpu *from, uint32_t apic_id, uint32_t icr_low)
{
	guest_lapic_write(from, LAPIC_REG_ICR_HI, apic_id << 24);
	guest_lapic_write(from, LAPIC_REG_ICR_LO, icr_low);
}

/* What vcpu_retire() leaves (the fake's only counts): the vCPU stopped, its pCPU free. */
static void retired(struct vcpu *vcpu)
{
	vcpu->state = VCPU_STOPPED;
	vcpu->pcpu->vcpu = NULL;
}

TEST(init_takes_a_free_pcpu_back_and_sipi_starts_it)
{
	setup();
	struct vcpu *v0 = &svc->vcpus[0], *v2 = &svc->vcpus[2];
	retired(v2);
	send_ipi(v0, APIC_OF(2), ICR_ASSERT | ICR_DM_INIT);
	EXPECT_EQ(v2->pcpu->vcpu, v2);
	EXPECT_EQ(v2->state, VCPU_OFFLINE);
	EXPECT_EQ(fake_pcpu_posted(2), PCPU_REQ_RUN | PCPU_REQ_INIT);
	send_ipi(v0, APIC_OF(2), ICR_DM_STARTUP | 0x9A);
	fake_run(v2); /* its pCPU: the run loop serves INIT, then the STARTUP IPI */
	EXPECT_EQ(v2->state, VCPU_RUNNING);
	EXPECT_EQ(fake_vcpu(v2)->state.cs.base, 0x9A000);
	EXPECT_EQ(svc->arch.ipis_dropped, 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
}

TEST(a_pcpu_held_by_another_vm_is_not_taken_and_its_ipis_are_dropped)
{
	setup();
	struct vcpu *v0 = &svc->vcpus[0], *v2 = &svc->vcpus[2];
	struct vcpu other = { 0 };
	retired(v2);
	v2->pcpu->vcpu = &other; /* a User VM's vCPU runs there now */
	send_ipi(v0, APIC_OF(2), ICR_ASSERT | ICR_DM_INIT);
	send_ipi(v0, APIC_OF(2), ICR_DM_STARTUP | 0x9A);
	send_ipi(v0, APIC_OF(2), ICR_DM_FIXED | 0x40);
	send_ipi(v0, APIC_OF(2), ICR_DM_NMI);
	EXPECT_EQ(v2->pcpu->vcpu, &other);
	EXPECT_EQ(v2->state, VCPU_STOPPED);
	EXPECT_EQ(fake_pcpu_posted(2), 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(svc->arch.ipis_dropped, 4);
	EXPECT_TRUE(fake_console_contains("pCPU 2 is not free: start IPI for vCPU 2 dropped"));
}

TEST(a_free_pcpu_is_not_reached_by_anything_but_init)
{
	setup();
	struct vcpu *v0 = &svc->vcpus[0], *v2 = &svc->vcpus[2];
	retired(v2);
	send_ipi(v0, APIC_OF(2), ICR_DM_FIXED | 0x40);
	send_ipi(v0, APIC_OF(2), ICR_DM_STARTUP | 0x9A);
	send_ipi(v0, APIC_OF(2), ICR_DM_INIT); /* de-assert: not a start */
	EXPECT_NULL(v2->pcpu->vcpu);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(fake_pcpu_posted(2), 0);
	EXPECT_EQ(svc->arch.ipis_dropped, 3);
}
