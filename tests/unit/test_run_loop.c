/* SPDX-License-Identifier: BSD-3-Clause */
/* The run loop's mailbox (core/vcpu_run.c): INIT/SIPI, NMI, pause, reset and stop requests. */
#include "core/pcpu.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

static struct vm *vm;
static struct vcpu *vcpu;

static void setup(void)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .nvcpus = 2 });
	vcpu = &vm->vcpus[1];
}

/* How many times the vCPU entered the guest (each entry ends in one exit). */
static uint64_t entries(void)
{
	uint64_t n = 0;

	for (int r = 0; r < EXIT_REASON_COUNT; r++)
		n += vcpu->exits[r];
	return n;
}

TEST(a_running_vcpu_enters_the_guest)
{
	setup();
	fake_run(vcpu);
	EXPECT_EQ(entries(), 1); /* the fake's closing stop */
	EXPECT_EQ(fake_vcpu_retired_count(), 1);
}

TEST(init_parks_the_vcpu_until_a_startup_ipi)
{
	setup();
	pcpu_post(vcpu->pcpu, PCPU_REQ_INIT);
	fake_run(vcpu);
	EXPECT_EQ(vcpu->state, VCPU_OFFLINE);
	EXPECT_TRUE(vcpu->arch.wait_for_sipi);
	EXPECT_EQ(entries(), 0);

	vcpu->arch.sipi_vector = 0x10;
	pcpu_post(vcpu->pcpu, PCPU_REQ_SIPI);
	fake_run(vcpu);
	EXPECT_EQ(vcpu->state, VCPU_RUNNING);
	EXPECT_FALSE(vcpu->arch.wait_for_sipi);
	EXPECT_EQ(fake_vcpu(vcpu)->mode.cs_base, 0x10000);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, 0);
	EXPECT_EQ(entries(), 1);
}

TEST(startup_ipi_without_init_is_ignored)
{
	setup();
	vcpu->arch.sipi_vector = 0x10;
	pcpu_post(vcpu->pcpu, PCPU_REQ_SIPI);
	fake_run(vcpu);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
	EXPECT_EQ(fake_vcpu(vcpu)->mode.cs_base, 0);
}

TEST(nmi_request_is_injected_only_into_a_running_vcpu)
{
	setup();
	pcpu_post(vcpu->pcpu, PCPU_REQ_NMI);
	fake_run(vcpu);
	EXPECT_EQ(fake_vcpu(vcpu)->nmis_injected, 1);
	pcpu_post(vcpu->pcpu, PCPU_REQ_INIT | PCPU_REQ_NMI);
	fake_run(vcpu);
	EXPECT_EQ(fake_vcpu(vcpu)->nmis_injected, 1);
}

TEST(pause_holds_the_vcpu_and_resume_lets_it_run)
{
	setup();
	pcpu_post(vcpu->pcpu, PCPU_REQ_PAUSE);
	fake_run(vcpu);
	EXPECT_TRUE(vcpu->paused);
	EXPECT_EQ(entries(), 0);
	pcpu_post(vcpu->pcpu, PCPU_REQ_RESUME);
	fake_run(vcpu);
	EXPECT_FALSE(vcpu->paused);
	EXPECT_EQ(entries(), 1);
}

TEST(reset_and_stop_requests_reach_the_lifecycle)
{
	setup();
	pcpu_post(vcpu->pcpu, PCPU_REQ_RESET);
	fake_run(vcpu);
	EXPECT_EQ(fake_vcpu_reset_count(), 1);
	EXPECT_EQ(entries(), 1);
	pcpu_post(vcpu->pcpu, PCPU_REQ_STOP);
	fake_run(vcpu);
	EXPECT_EQ(entries(), 1); /* stopped before entering */
	EXPECT_EQ(fake_vcpu_retired_count(), 2);
}

TEST(a_halted_or_stopped_vcpu_never_enters)
{
	setup();
	vcpu->state = VCPU_HALTED;
	fake_run(vcpu);
	EXPECT_EQ(entries(), 0);
	vcpu->state = VCPU_STOPPED;
	fake_run(vcpu);
	EXPECT_EQ(entries(), 0);
	EXPECT_EQ(fake_vcpu_retired_count(), 1); /* the halted one was retired by its mailbox */
}
