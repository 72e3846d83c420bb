/* SPDX-License-Identifier: BSD-3-Clause */
/* Exceptions, SVM instructions, HLT, cache flushes and fatal exits, through the fake backend. */
#include "fake_console.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define VECTOR_UD 6
#define VECTOR_PF 14
#define RFLAGS_IF (1ull << 9)

static struct vm *vm;
static struct vcpu *vcpu;

static void setup(void)
{
	vm = fake_vm_create(&(struct fake_vm_spec){ .name = "p" });
	vcpu = &vm->vcpus[0];
}

TEST(intercepted_exceptions_go_back_to_the_guest_with_their_error_code)
{
	setup();
	struct vm_exit pf = { .reason = EXIT_EXCEPTION,
			      .exception = { .vector = VECTOR_PF, .error_code = 6 } };
	EXPECT_EQ(fake_run_exit(vcpu, &pf), 0);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_PF);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_error_code, 6);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
}

TEST(svm_instructions_get_ud_and_a_rate_limited_line)
{
	setup();
	struct vm_exit vmrun = { .reason = EXIT_VIRT_INSN, .virt_insn.name = "VMRUN" };
	for (int i = 0; i < 12; i++)
		EXPECT_EQ(fake_run_exit(vcpu, &vmrun), 0);
	EXPECT_EQ(fake_vcpu(vcpu)->exceptions_injected, 12);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_UD);
	EXPECT_TRUE(fake_console_contains(
		"cairn: vm p: VMRUN at RIP 0x1000 is not available to guests: injecting #UD\n"));
	EXPECT_EQ(vm->log_bucket.suppressed_total, 2); /* a burst of 10 lines, then suppressed */
	EXPECT_EQ(vcpu->exits[EXIT_VIRT_INSN], 12);
}

TEST(hlt_advances_rip_and_parks_only_with_interrupts_off)
{
	setup();
	struct vm_exit hlt = { .reason = EXIT_HLT };
	EXPECT_EQ(fake_run_exit(vcpu, &hlt), 0);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 1);
	EXPECT_EQ(vcpu->state, VCPU_RUNNING);
	fake_vcpu(vcpu)->rflags &= ~RFLAGS_IF;
	EXPECT_EQ(fake_run_exit(vcpu, &hlt), 0);
	EXPECT_EQ(vcpu->state, VCPU_HALTED);
	EXPECT_TRUE(fake_console_contains("vCPU 0 halted with interrupts off"));
}

TEST(partition_cache_flushes_are_no_ops_skipping_the_decoded_length)
{
	static const uint8_t wbnoinvd[] = { 0xF3, 0x0F, 0x09 }, invd[] = { 0x0F, 0x08 };
	struct vm_exit flush = { .reason = EXIT_CACHE_FLUSH };

	setup();
	fake_vcpu_put_insn(vcpu, wbnoinvd, sizeof(wbnoinvd));
	EXPECT_EQ(fake_run_exit(vcpu, &flush), 0);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 3);
	fake_vcpu_put_insn(vcpu, invd, sizeof(invd));
	flush.cache.discard = true;
	EXPECT_EQ(fake_run_exit(vcpu, &flush), 0);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 5);
}

TEST(cache_flush_exit_at_something_else_faults)
{
	static const uint8_t nop[] = { 0x90, 0x90, 0x90 };

	setup();
	fake_vcpu_put_insn(vcpu, nop, sizeof(nop));
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_CACHE_FLUSH }), -1);
	EXPECT_STREQ(fake_vm_fault_text(NULL), "WBINVD exit at RIP 0x1000 that does not decode");
}

TEST(fatal_exits_fault_the_vm_with_their_reason)
{
	enum exit_reason reason;

	setup();
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_TRIPLE_FAULT }), -1);
	EXPECT_STREQ(fake_vm_fault_text(&reason), "triple fault (shutdown)");
	EXPECT_EQ(reason, EXIT_TRIPLE_FAULT);
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_INIT }), -1);
	EXPECT_STREQ(fake_vm_fault_text(NULL), "INIT signal received");
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_ENTRY_FAILED,
							 .vendor_code = 0xFFFFFFFF }),
		  -1);
	EXPECT_STREQ(fake_vm_fault_text(NULL),
		     "the CPU refused the guest state (exit code 0xffffffff)");
	EXPECT_EQ(
		fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_OTHER, .vendor_code = 0x7F }),
		-1);
	EXPECT_STREQ(fake_vm_fault_text(NULL), "unexpected exit (code 0x7f)");
	EXPECT_EQ(fake_vm_fault_count(), 4);
}

TEST(nmi_exit_lets_the_held_nmi_in_and_resumes)
{
	setup();
	EXPECT_EQ(fake_run_exit(vcpu, &(struct vm_exit){ .reason = EXIT_NMI }), 0);
	/* The queued NMI and the fake's closing stop NMI: both let the held NMI in. */
	EXPECT_EQ(fake_event_count(vm, FAKE_EV_TAKE_PENDING_NMI), 2);
	EXPECT_EQ(vcpu->exits[EXIT_NMI], 2);
	EXPECT_EQ(fake_vm_fault_count(), 0);
}
