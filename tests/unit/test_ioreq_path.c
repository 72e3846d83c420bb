/* SPDX-License-Identifier: BSD-3-Clause */
/* The I/O request path through the fake: a User VM posts, a simulated Service VM answers, finish. */
#include <string.h>

#include "cairn/acrn.h"
#include "cairn/guest_boot.h"
#include "cairn/hypercall.h"
#include "core/ioreq.h"
#include "lib/errno.h"
#include "drivers/pci_host.h"
#include "x86/guest/service_dev.h"
#include "fake_console.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define SVC_PCPU      8
#define SVC_APIC      (SVC_PCPU + FAKE_DEFAULT_APIC)
#define USER_PCPU     2
#define PAGE_GPA      0x100000ull /* the request page, in the Service VM's RAM */
#define ARG_GPA	      0x9000ull	  /* the u64 holding PAGE_GPA */
#define UPCALL_VECTOR 0x41
#define SERVICE_BDF   PCI_BDF(0, 4, 0)
#define DEV_PORT      0x3F8
#define MMIO_GPA      0xD0000000ull
#define NEXT_RIP      0x1002ull
#define OLD_RAX	      0x1122334455667788ull
#define VECTOR_UD     6
#define VMCALL_EXIT   ((struct vm_exit){ .reason = EXIT_EXCEPTION, .exception.vector = VECTOR_UD })

static const uint8_t vmcall[] = { 0x0F, 0x01, 0xC1 };
static struct vm *svc, *user;

/* A Service VM with an enabled service device, and its User VM (2 vCPUs), no page yet. */
static void setup_flags(uint64_t vm_flag)
{
	svc = fake_vm_create(&(struct fake_vm_spec){
		.name = "svc", .kind = VM_KIND_SERVICE, .first_pcpu = SVC_PCPU });
	svc->ram[0] = (struct ram_range){ 0, FAKE_RAM_SIZE };
	svc->nram = 1;
	user = fake_vm_create(&(struct fake_vm_spec){
		.name = "u", .kind = VM_KIND_USER, .nvcpus = 2, .first_pcpu = USER_PCPU });
	user->creator = svc;
	EXPECT_EQ(ioreq_vm_init(user, vm_flag), 0);
	service_dev_place(svc, SERVICE_BDF);
	service_dev_cfg_write(0x44, 4, 0xFEE00000u | (SVC_APIC << 12));
	service_dev_cfg_write(0x48, 4, 0);
	service_dev_cfg_write(0x4C, 2, UPCALL_VECTOR);
	service_dev_cfg_write(0x42, 2, 1); /* MSI enable */
}

static void setup(bool polling)
{
	setup_flags(polling ? GUEST_FLAG_IO_COMPLETION_POLLING : 0);
}

/* A hypercall from the Service VM's vCPU 0 (VMCALL, ACRN's registers). */
static int64_t svc_call(uint64_t id, uint64_t p1, uint64_t p2)
{
	struct vcpu *v = &svc->vcpus[0];

	fake_vcpu_put_insn(v, vmcall, sizeof(vmcall));
	v->regs = (struct vcpu_regs){ .r8 = id, .rdi = p1, .rsi = p2 };
	EXPECT_EQ(fake_run_exit(v, &VMCALL_EXIT), 0);
	return (int64_t)v->regs.rax;
}

static int64_t set_page(uint64_t page_gpa)
{
	fake_guest_write(svc, ARG_GPA, &page_gpa, sizeof(page_gpa));
	return svc_call(HC_SET_IOREQ_BUFFER, user->id, ARG_GPA);
}

static struct acrn_io_request *slot(uint32_t i)
{
	return &((struct acrn_io_request_buffer *)fake_guest_ptr(svc, PAGE_GPA))->req_slot[i];
}

static int port_exit(struct vcpu *v, uint16_t port, uint8_t size, bool in)
{
	struct vm_exit exit = {
		.reason = EXIT_IO,
		.io = { .port = port, .size = size, .in = in, .next_rip = NEXT_RIP }
	};
	return fake_run_exit(v, &exit);
}

static int mmio_exit(struct vcpu *v, const uint8_t *insn, size_t len, uint64_t gpa, bool write)
{
	struct vm_exit exit = { .reason = EXIT_MEM_FAULT, .mem = { .gpa = gpa, .write = write } };

	fake_vcpu_put_insn(v, insn, len);
	return fake_run_exit(v, &exit);
}

/* --- the simulated Service VM, run whenever the User VM's pCPU waits ---------------------- */

enum play {
	ANSWER_AND_NOTIFY,  /* COMPLETE with `value`, then HC_NOTIFY_REQUEST_FINISH */
	ANSWER_ONLY,	    /* COMPLETE with `value` (polling) */
	ANSWER_LATE_NOTIFY, /* COMPLETE with `value`; the notification on the next turn */
	NOTIFY_EARLY, /* first a notification with the slot still PENDING, then as the first */
	WRITE_STATE,  /* `state` into processed, then a notification */
	POST_STOP,    /* the VM is destroyed: STOP in the vCPU's mailbox */
	POST_RESET,
	REPLACE_PAGE, /* HC_SET_IOREQ_BUFFER while in flight (then as the first) */
};

struct service_vm_play {
	enum play play;
	uint32_t vcpu;
	uint64_t value;
	uint32_t state;
	unsigned turns;
	bool done;
	/* What the Service VM saw in the slot on its first turn. */
	struct acrn_io_request seen;
	int64_t notify_result, replace_result;
};

static void answer(struct service_vm_play *p, bool notify)
{
	struct acrn_io_request *s = slot(p->vcpu);

	if (s->type == ACRN_IOREQ_TYPE_MMIO)
		s->reqs.mmio_request.value = p->value;
	else
		s->reqs.pio_request.value = (uint32_t)p->value;
	__atomic_store_n(&s->processed, ACRN_IOREQ_STATE_COMPLETE, __ATOMIC_RELEASE);
	if (notify)
		p->notify_result = svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, p->vcpu);
}

static bool play_service_vm(void *arg, bool spinning)
{
	struct service_vm_play *p = arg;
	struct vcpu *v = &user->vcpus[p->vcpu];

	if (p->done)
		return false; /* nothing more: the run ends */
	if (p->turns++ == 0)
		p->seen = *slot(p->vcpu);
	switch (p->play) {
	case NOTIFY_EARLY:
		if (p->turns == 1) {
			p->notify_result = svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, p->vcpu);
			return true;
		}
		/* fall through */
	case ANSWER_AND_NOTIFY:
		answer(p, true);
		break;
	case ANSWER_LATE_NOTIFY:
		if (p->turns == 1) {
			answer(p, false);
			return true;
		}
		p->notify_result = svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, p->vcpu);
		break;
	case ANSWER_ONLY:
		if (!spinning)
			return false; /* polling must not wait for a signal */
		answer(p, false);
		break;
	case WRITE_STATE:
		__atomic_store_n(&slot(p->vcpu)->processed, p->state, __ATOMIC_RELEASE);
		if (!spinning)
			svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, p->vcpu);
		break;
	case POST_STOP:
		pcpu_post(v->pcpu, PCPU_REQ_STOP);
		break;
	case POST_RESET:
		pcpu_post(v->pcpu, PCPU_REQ_RESET);
		break;
	case REPLACE_PAGE:
		p->replace_result = set_page(PAGE_GPA + PAGE_SIZE);
		answer(p, true);
		break;
	}
	p->done = true;
	return true;
}

static void play(struct service_vm_play *p)
{
	fake_set_wait_hook(play_service_vm, p);
}

/* --- HC_SET_IOREQ_BUFFER ------------------------------------------------------------------ */

TEST(set_ioreq_buffer_frees_every_slot)
{
	setup(false);
	memset(fake_guest_ptr(svc, PAGE_GPA), 0x5A, PAGE_SIZE);
	EXPECT_EQ(set_page(PAGE_GPA), 0);
	for (uint32_t i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		EXPECT_EQ(slot(i)->processed, ACRN_IOREQ_STATE_FREE);
	EXPECT_EQ(slot(0)->type, 0x5A5A5A5A); /* only the states are the hypervisor's */
}

TEST(set_ioreq_buffer_checks_its_arguments)
{
	setup(false);
	struct vm *part = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .first_pcpu = 20 });

	svc->ram[0] = (struct ram_range){ 0, FAKE_RAM_SIZE / 2 };
	EXPECT_EQ(set_page(PAGE_GPA + 0x800), HC_EINVAL);	   /* not page aligned */
	EXPECT_EQ(set_page(FAKE_RAM_SIZE / 2), HC_EINVAL);	   /* outside its RAM map */
	EXPECT_EQ(set_page(FAKE_RAM_SIZE / 2 - 0x800), HC_EINVAL); /* straddles its end */
	EXPECT_EQ(set_page(0xFFFFFFFFFFFFF000ull), HC_EINVAL);
	EXPECT_EQ(svc_call(HC_SET_IOREQ_BUFFER, user->id, FAKE_RAM_SIZE + 0x1000), HC_EFAULT);
	EXPECT_EQ(svc_call(HC_SET_IOREQ_BUFFER, 99, ARG_GPA), HC_EINVAL);
	EXPECT_EQ(svc_call(HC_SET_IOREQ_BUFFER, part->id, ARG_GPA), HC_EPERM);
	EXPECT_EQ(svc_call(HC_SET_IOREQ_BUFFER, svc->id, ARG_GPA), HC_EPERM);
	EXPECT_NULL(user->ioreq.page);
	/* RAM it has, but mapped read-only for it: refused too. */
	svc->ram[0] = (struct ram_range){ 0, FAKE_RAM_SIZE };
	EXPECT_EQ(virt_vm_map(svc, PAGE_GPA, svc->mem_hpa + PAGE_GPA, PAGE_SIZE, VIRT_MEM_READ), 0);
	EXPECT_EQ(set_page(PAGE_GPA), HC_EINVAL);
	EXPECT_EQ(set_page(PAGE_GPA + PAGE_SIZE), 0);
}

/* --- posting and the notification mode -------------------------------------------------- */

TEST(port_in_is_posted_upcalled_and_finished_on_notification)
{
	struct service_vm_play p = { .play = ANSWER_AND_NOTIFY, .value = 0xFFFFBEEF };
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	v->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(v, DEV_PORT, 2, true), 0);
	/* What the Service VM found: a PENDING port read in slot 0, polling off. */
	EXPECT_EQ(p.seen.processed, ACRN_IOREQ_STATE_PENDING);
	EXPECT_EQ(p.seen.type, ACRN_IOREQ_TYPE_PORTIO);
	EXPECT_EQ(p.seen.completion_polling, 0);
	EXPECT_EQ(p.seen.reqs.pio_request.direction, ACRN_IOREQ_DIR_READ);
	EXPECT_EQ(p.seen.reqs.pio_request.address, DEV_PORT);
	EXPECT_EQ(p.seen.reqs.pio_request.size, 2);
	EXPECT_EQ(p.notify_result, 0);
	/* The upcall: the service device's MSI as a fixed IPI to the Service VM's CPU. */
	ASSERT_EQ(fake_lapic_ipi_count(), 1);
	EXPECT_EQ(fake_lapic_ipi(0).dest, SVC_APIC);
	EXPECT_EQ(fake_lapic_ipi(0).icr_low, UPCALL_VECTOR);
	EXPECT_EQ(fake_pcpu_posted(USER_PCPU) & PCPU_REQ_IOREQ_DONE, PCPU_REQ_IOREQ_DONE);
	/* Finished: the word merged into RAX (masked to the access), RIP past the IN, slot FREE. */
	EXPECT_EQ(v->regs.rax, 0x112233445566BEEFull);
	EXPECT_EQ(fake_vcpu(v)->rip, NEXT_RIP);
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_FREE);
	EXPECT_FALSE(ioreq_in_flight(v));
	EXPECT_FALSE(v->arch.pending_io.active);
	EXPECT_EQ(user->ioreq.stats.pio, 1);
	EXPECT_EQ(user->ioreq.stats.notified, 1);
	EXPECT_EQ(user->ioreq.stats.polled, 0);
	EXPECT_EQ(fake_vm_fault_count(), 0);
}

TEST(the_guest_is_not_entered_while_its_request_waits)
{
	struct service_vm_play p = { .play = NOTIFY_EARLY, .value = 7 };
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	/* The early notification finds the slot PENDING: counted, the vCPU keeps waiting. */
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), 0);
	EXPECT_EQ(p.turns, 2);
	EXPECT_EQ(user->ioreq.stats.spurious, 1);
	EXPECT_EQ(user->ioreq.stats.notified, 1);
	EXPECT_EQ(v->regs.rax & 0xFF, 7);
	EXPECT_EQ(fake_vcpu(v)->rip, NEXT_RIP);
	/* Only one exit: the guest was entered again only after the answer (then the stop). */
	EXPECT_EQ(v->exits[EXIT_IO], 1);
	EXPECT_EQ(v->exits[EXIT_NMI], 1);
}

TEST(notification_mode_finishes_only_when_notified)
{
	struct service_vm_play p = { .play = ANSWER_LATE_NOTIFY, .value = 0x42 };
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), 0);
	EXPECT_EQ(p.turns, 2); /* COMPLETE alone did not end the wait */
	EXPECT_EQ(p.notify_result, 0);
	EXPECT_EQ(v->regs.rax & 0xFF, 0x42);
	EXPECT_EQ(user->ioreq.stats.notified, 1);
	EXPECT_EQ(user->ioreq.stats.spurious, 0);
}

TEST(port_out_carries_the_value_masked_and_second_vcpu_uses_slot_1)
{
	struct service_vm_play p = { .play = ANSWER_AND_NOTIFY, .vcpu = 1 };
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[1];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	v->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(v, 0x80, 1, false), 0);
	EXPECT_EQ(p.seen.processed, ACRN_IOREQ_STATE_PENDING);
	EXPECT_EQ(p.seen.reqs.pio_request.direction, ACRN_IOREQ_DIR_WRITE);
	EXPECT_EQ(p.seen.reqs.pio_request.value, 0x88);
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_FREE); /* vCPU 0's untouched */
	EXPECT_EQ(v->regs.rax, OLD_RAX);		      /* a write changes no register */
	EXPECT_EQ(fake_vcpu(v)->rip, NEXT_RIP);
	EXPECT_EQ(slot(1)->processed, ACRN_IOREQ_STATE_FREE);
}

TEST(mmio_read_and_write_are_posted_as_mmio_requests)
{
	struct service_vm_play p = { .play = ANSWER_AND_NOTIFY, .value = 0x0102030405060708ull };
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	/* mov rbx, [rax]: a qword from an address the User VM has nothing mapped at. */
	EXPECT_EQ(mmio_exit(v, (const uint8_t[]){ 0x48, 0x8B, 0x18 }, 3, MMIO_GPA, false), 0);
	EXPECT_EQ(p.seen.type, ACRN_IOREQ_TYPE_MMIO);
	EXPECT_EQ(p.seen.reqs.mmio_request.direction, ACRN_IOREQ_DIR_READ);
	EXPECT_EQ(p.seen.reqs.mmio_request.address, MMIO_GPA);
	EXPECT_EQ(p.seen.reqs.mmio_request.size, 8);
	EXPECT_EQ(v->regs.rbx, 0x0102030405060708ull);
	EXPECT_EQ(fake_vcpu(v)->rip, FAKE_CODE_GPA + 3);
	/* mov [rax], ebx */
	p = (struct service_vm_play){ .play = ANSWER_AND_NOTIFY };
	v->regs.rbx = 0xAAAABBBBCCCCDDDDull;
	EXPECT_EQ(mmio_exit(v, (const uint8_t[]){ 0x89, 0x18 }, 2, MMIO_GPA + 4, true), 0);
	EXPECT_EQ(p.seen.reqs.mmio_request.direction, ACRN_IOREQ_DIR_WRITE);
	EXPECT_EQ(p.seen.reqs.mmio_request.size, 4);
	EXPECT_EQ(p.seen.reqs.mmio_request.value, 0xCCCCDDDDull);
	EXPECT_EQ(fake_vcpu(v)->rip, FAKE_CODE_GPA + 5);
	EXPECT_EQ(user->ioreq.stats.mmio, 2);
	EXPECT_EQ(user->ioreq.stats.notified, 2);
}

TEST(an_instruction_fetch_or_a_present_fault_is_not_posted)
{
	setup(false);
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	struct vm_exit fetch = { .reason = EXIT_MEM_FAULT,
				 .mem = { .gpa = MMIO_GPA, .fetch = true } };
	EXPECT_EQ(fake_run_exit(&user->vcpus[0], &fetch), -1);
	struct vm_exit present = { .reason = EXIT_MEM_FAULT,
				   .mem = { .gpa = 0x5000, .write = true, .present = true } };
	fake_vcpu_put_insn(&user->vcpus[0], (const uint8_t[]){ 0x89, 0x18 }, 2); /* a MOV */
	EXPECT_EQ(fake_run_exit(&user->vcpus[0], &present), -1);
	EXPECT_TRUE(strstr(fake_vm_fault_text(NULL), "which it may not access that way") != NULL);
	EXPECT_EQ(user->ioreq.stats.mmio, 0);
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_FREE);
}

/* --- the polling mode ----------------------------------------------------------------------- */

TEST(polling_finishes_when_the_slot_completes_without_a_notification)
{
	struct service_vm_play p = { .play = ANSWER_ONLY, .value = 0x12345678 };
	struct vcpu *v;

	setup(true);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	v->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(v, DEV_PORT, 4, true), 0);
	EXPECT_EQ(p.seen.completion_polling, 1);
	EXPECT_EQ(v->regs.rax, 0x12345678ull); /* a dword zero-extends */
	EXPECT_EQ(fake_vcpu(v)->rip, NEXT_RIP);
	EXPECT_EQ(user->ioreq.stats.polled, 1);
	EXPECT_EQ(user->ioreq.stats.notified, 0);
	EXPECT_EQ(fake_wait_count(), 0); /* it spun; it never waited for a signal */
	EXPECT_TRUE(fake_relax_count() >= 1);
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_FREE);
}

/* Exit-less: the device model spins on the page, so the post sends no upcall at all. */
TEST(exitless_posts_without_an_upcall_and_finishes_by_polling)
{
	struct service_vm_play p = { .play = ANSWER_ONLY, .value = 0xAB };
	struct vcpu *v;

	setup_flags(CAIRN_GUEST_FLAG_IO_EXITLESS);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	v->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), 0);
	EXPECT_EQ(p.seen.completion_polling, 1);
	EXPECT_EQ(p.seen.processed, ACRN_IOREQ_STATE_PENDING);
	EXPECT_EQ(v->regs.rax & 0xFF, 0xAB);
	EXPECT_EQ(fake_lapic_ipi_count(), 0); /* no upcall MSI */
	EXPECT_EQ(service_dev_counts(svc).refused, 0);
	EXPECT_EQ(user->ioreq.stats.upcalls_skipped, 1);
	EXPECT_EQ(user->ioreq.stats.upcalls_refused, 0);
	EXPECT_EQ(user->ioreq.stats.polled, 1);
	EXPECT_EQ(fake_wait_count(), 0);
	fake_console_clear();
	vm_print_exit_stats(user);
	EXPECT_TRUE(fake_console_contains(
		"cairn: io requests of vm u: pio 1 mmio 0 notified 0 polled 1 (exit-less 1)\n"));
}

TEST(a_notification_to_a_polling_vm_is_harmless)
{
	struct service_vm_play p = { .play = ANSWER_AND_NOTIFY, .value = 5 };
	struct vcpu *v;

	setup(true);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), 0);
	EXPECT_EQ(p.notify_result, 0);
	EXPECT_EQ(v->regs.rax & 0xFF, 5);
	EXPECT_EQ(user->ioreq.stats.polled, 1);
	EXPECT_EQ(fake_vm_fault_count(), 0);
}

TEST(polling_still_answers_a_stop)
{
	struct service_vm_play p = { .play = POST_STOP };
	struct vcpu *v;

	setup(true);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	unsigned retired = fake_vcpu_retired_count(); /* the Service VM's runs retire too */
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), 0);
	EXPECT_EQ(fake_vcpu_retired_count(), retired + 1);
	EXPECT_EQ(user->ioreq.stats.dropped, 1);
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_FREE);
	EXPECT_FALSE(ioreq_in_flight(v));
}

/* --- broken slots, stops and resets ----------------------------------------------------------- */

static void expect_broken(bool polling, uint32_t state, const char *text)
{
	struct service_vm_play p = { .play = WRITE_STATE, .state = state };
	struct vcpu *v;

	setup(polling);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	v->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), -1); /* faulted while it waited */
	EXPECT_EQ(fake_vm_fault_count(), 1);
	const char *fault = fake_vm_fault_text(NULL);
	ASSERT_NOT_NULL(fault);
	EXPECT_TRUE(strstr(fault, text) != NULL);
	EXPECT_EQ(user->ioreq.stats.broken, 1);
	EXPECT_EQ(v->regs.rax, OLD_RAX); /* nothing taken from it */
	EXPECT_EQ(fake_vcpu(v)->rip, FAKE_CODE_GPA);
	EXPECT_EQ(v->exits[EXIT_NMI], 0);	 /* never entered again: it waited for the stop */
	EXPECT_EQ(user->ioreq.stats.dropped, 1); /* and the stop dropped it */
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_FREE);
}

TEST(a_slot_set_free_by_the_service_vm_stops_the_user_vm)
{
	expect_broken(false, ACRN_IOREQ_STATE_FREE, "slot 0 in state 3");
}

TEST(a_slot_in_an_unknown_state_stops_the_user_vm)
{
	expect_broken(false, 77, "slot 0 in state 77");
}

TEST(a_broken_slot_stops_a_polling_user_vm_too)
{
	expect_broken(true, 0xFFFFFFFFu, "slot 0 in state 4294967295");
}

TEST(a_slot_left_busy_by_the_service_vm_faults_the_next_post)
{
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	slot(0)->processed = ACRN_IOREQ_STATE_COMPLETE; /* nothing was posted */
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), -1);
	EXPECT_TRUE(strstr(fake_vm_fault_text(NULL), "slot 0 is not free (state 1)") != NULL);
	EXPECT_FALSE(ioreq_in_flight(v));
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(fake_vcpu(v)->rip, FAKE_CODE_GPA);
}

TEST(a_vm_stopped_over_a_garbage_slot_still_tells_its_device_model)
{
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	slot(0)->processed = 127; /* written by the Service VM between two requests */
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), -1);
	EXPECT_EQ(fake_vm_fault_count(), 1);
	ioreq_post_power_off(user);
	/* The notice is in slot 0 all the same: a PM1a_CNT write of S5, PENDING, upcalled. */
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_PENDING);
	EXPECT_EQ(slot(0)->type, ACRN_IOREQ_TYPE_PORTIO);
	EXPECT_EQ(slot(0)->reqs.pio_request.address, CAIRN_GUEST_PM1A_CNT_PORT);
	EXPECT_EQ(slot(0)->reqs.pio_request.value, CAIRN_GUEST_PM1A_S5 | CAIRN_GUEST_PM1A_CRASHED);
	EXPECT_EQ(slot(0)->reqs.pio_request.direction, ACRN_IOREQ_DIR_WRITE);
	EXPECT_EQ(fake_lapic_ipi_count(), 1);
}

TEST(destroy_while_waiting_drops_the_request)
{
	struct service_vm_play p = { .play = POST_STOP };
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	unsigned retired = fake_vcpu_retired_count(); /* the Service VM's runs retire too */
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), 0);
	EXPECT_EQ(fake_vcpu_retired_count(), retired + 1);
	EXPECT_EQ(user->ioreq.stats.dropped, 1);
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_FREE);
	EXPECT_FALSE(ioreq_in_flight(v));
	EXPECT_FALSE(v->arch.pending_io.active);
	EXPECT_TRUE(fake_console_contains("vCPU 0's I/O request (port read 0x3f8) dropped: its VM "
					  "stopped"));
	/* A late answer for it changes nothing and is counted. */
	EXPECT_EQ(svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, 0), 0);
	EXPECT_EQ(user->ioreq.stats.spurious, 1);
	EXPECT_EQ(fake_vcpu(v)->rip, FAKE_CODE_GPA);
}

TEST(reset_while_waiting_drops_the_request_and_runs_again)
{
	struct service_vm_play p = { .play = POST_RESET };
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	EXPECT_EQ(port_exit(v, DEV_PORT, 1, true), 0);
	EXPECT_EQ(fake_vcpu_reset_count(), 1);
	EXPECT_EQ(user->ioreq.stats.dropped, 1);
	EXPECT_EQ(slot(0)->processed, ACRN_IOREQ_STATE_FREE);
	EXPECT_EQ(v->exits[EXIT_NMI], 1); /* entered again after the reset */
	EXPECT_TRUE(fake_console_contains("dropped: its VM was reset"));
}

TEST(the_page_cannot_be_replaced_while_a_request_is_in_flight)
{
	struct service_vm_play p = { .play = REPLACE_PAGE, .value = 1 };

	setup(false);
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	EXPECT_EQ(port_exit(&user->vcpus[0], DEV_PORT, 1, true), 0);
	EXPECT_EQ(p.replace_result, -EBUSY); /* -16 */
	EXPECT_EQ(user->ioreq.page_gpa, PAGE_GPA);
	EXPECT_EQ(user->ioreq.stats.notified, 1);
	EXPECT_EQ(set_page(PAGE_GPA + PAGE_SIZE), 0); /* idle again: it may */
	EXPECT_EQ(user->ioreq.page_gpa, PAGE_GPA + PAGE_SIZE);
}

/* --- HC_NOTIFY_REQUEST_FINISH ------------------------------------------------------------- */

TEST(notify_checks_vmid_and_vcpu_and_ignores_an_idle_vcpu)
{
	setup(false);
	struct vm *part = fake_vm_create(&(struct fake_vm_spec){ .name = "p", .first_pcpu = 20 });
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	unsigned posts = fake_pcpu_post_count();

	EXPECT_EQ(svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, 2), HC_EINVAL);
	EXPECT_EQ(svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, 1ull << 32), HC_EINVAL);
	EXPECT_EQ(svc_call(HC_NOTIFY_REQUEST_FINISH, 77, 0), HC_EINVAL);
	EXPECT_EQ(svc_call(HC_NOTIFY_REQUEST_FINISH, part->id, 0), HC_EPERM);
	EXPECT_EQ(svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, 1), 0);
	EXPECT_EQ(user->ioreq.stats.spurious, 1);
	EXPECT_EQ(fake_pcpu_post_count(), posts);
	EXPECT_EQ(fake_pcpu_posted(USER_PCPU + 1), 0);
}

/* --- no page, no upcall -------------------------------------------------------------------------- */

TEST(without_a_page_accesses_hit_an_empty_bus_and_are_counted)
{
	struct vcpu *v;

	setup(false);
	v = &user->vcpus[0];
	v->regs.rax = OLD_RAX;
	EXPECT_EQ(port_exit(v, DEV_PORT, 2, true), 0);
	EXPECT_EQ(v->regs.rax, 0x112233445566FFFFull);
	EXPECT_EQ(fake_vcpu(v)->rip, NEXT_RIP);
	EXPECT_EQ(mmio_exit(v, (const uint8_t[]){ 0x8B, 0x18 }, 2, MMIO_GPA, false), 0);
	EXPECT_EQ(v->regs.rbx, 0xFFFFFFFFull);
	EXPECT_EQ(user->ioreq.stats.unserved, 2);
	EXPECT_EQ(user->ioreq.stats.pio + user->ioreq.stats.mmio, 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
}

static void expect_upcall_refused(uint32_t reg, uint8_t size, uint32_t value)
{
	struct service_vm_play p = { .play = ANSWER_AND_NOTIFY };

	setup(false);
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	service_dev_cfg_write((uint16_t)reg, size, value);
	play(&p);
	EXPECT_EQ(port_exit(&user->vcpus[0], DEV_PORT, 1, true), 0);
	EXPECT_EQ(fake_lapic_ipi_count(), 0);
	EXPECT_EQ(user->ioreq.stats.upcalls_refused, 1);
	EXPECT_EQ(user->ioreq.stats.notified, 1); /* still posted and answered */
	EXPECT_EQ(service_dev_counts(svc).refused, 1);
}

TEST(no_upcall_while_msi_is_disabled)
{
	expect_upcall_refused(0x42, 2, 0);
}

TEST(no_upcall_below_vector_32)
{
	expect_upcall_refused(0x4C, 2, 0x1F);
}

TEST(no_upcall_to_a_cpu_that_is_not_the_service_vms)
{
	expect_upcall_refused(0x44, 4, 0xFEE00000u | ((USER_PCPU + FAKE_DEFAULT_APIC) << 12));
}

TEST(no_upcall_in_logical_mode_or_outside_the_msi_window)
{
	expect_upcall_refused(0x44, 4, 0xFEE00000u | (SVC_APIC << 12) | 4);
}

TEST(no_upcall_with_a_non_fixed_delivery_mode)
{
	expect_upcall_refused(0x4C, 2, 0x400 | UPCALL_VECTOR); /* NMI */
}

/* --- stats ---------------------------------------------------------------------------------------- */

TEST(stats_show_requests_by_kind_and_mode)
{
	struct service_vm_play p = { .play = ANSWER_AND_NOTIFY };

	setup(false);
	ASSERT_EQ(set_page(PAGE_GPA), 0);
	play(&p);
	EXPECT_EQ(port_exit(&user->vcpus[0], DEV_PORT, 1, true), 0);
	EXPECT_EQ(svc_call(HC_NOTIFY_REQUEST_FINISH, user->id, 1), 0);
	fake_console_clear();
	vm_print_exit_stats(user);
	EXPECT_TRUE(fake_console_contains(
		"cairn: io requests of vm u: pio 1 mmio 0 notified 1 polled 0 (spurious 1)\n"));
	fake_console_clear();
	vm_print_exit_stats(svc);
	EXPECT_FALSE(fake_console_contains("io requests"));
	EXPECT_TRUE(fake_console_contains("(upcalls 1)"));
}
