/* SPDX-License-Identifier: BSD-3-Clause */
/* ACRN's hypercall entry (guest/hypercall.c, core/hypercall.c) through the fake: rights, CPL, IDs. */
#include <string.h>

#include "cairn/hypercall.h"
#include "x86/tsc.h"
#include "fake_cpu.h"
#include "fake_platform.h"
#include "fake_virt.h"
#include "harness.h"

#define VECTOR_UD     6
#define VECTOR_GP     13
#define VERSION_GPA   0x9000ull
#define KVM_ENOSYS    1000
#define UNTOUCHED_RAX 0x5A5A5A5A5A5A5A5Aull
#define VMCALL_EXIT   ((struct vm_exit){ .reason = EXIT_EXCEPTION, .exception.vector = VECTOR_UD })
#define VMMCALL_EXIT  ((struct vm_exit){ .reason = EXIT_HYPERCALL })

static const uint8_t vmcall[] = { 0x0F, 0x01, 0xC1 };

static struct vm *partition(const char *name, uint32_t flags, uint32_t first_pcpu)
{
	return fake_vm_create(
		&(struct fake_vm_spec){ .name = name, .flags = flags, .first_pcpu = first_pcpu });
}

static struct vm *service_vm(void)
{
	return fake_vm_create(
		&(struct fake_vm_spec){ .name = "svc", .kind = VM_KIND_SERVICE, .first_pcpu = 8 });
}

/* ACRN's registers: R8 = ID, RDI/RSI = parameters; the call made as `exit` (VMCALL or VMMCALL). */
static uint64_t hypercall(struct vcpu *vcpu, struct vm_exit exit, uint64_t id, uint64_t p1,
			  uint64_t p2)
{
	if (exit.reason == EXIT_EXCEPTION)
		fake_vcpu_put_insn(vcpu, vmcall, sizeof(vmcall));
	vcpu->regs = (struct vcpu_regs){ .rax = UNTOUCHED_RAX, .r8 = id, .rdi = p1, .rsi = p2 };
	EXPECT_EQ(fake_run_exit(vcpu, &exit), 0);
	return vcpu->regs.rax;
}

TEST(no_hypercall_rights_gives_ud_and_changes_nothing)
{
	struct vm *vm = partition("p", 0, 0);
	struct vcpu *vcpu = &vm->vcpus[0];

	EXPECT_EQ(hypercall(vcpu, VMMCALL_EXIT, HC_GET_API_VERSION, VERSION_GPA, 0), UNTOUCHED_RAX);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_UD);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_GET_API_VERSION, VERSION_GPA, 0), UNTOUCHED_RAX);
	EXPECT_EQ(fake_vcpu(vcpu)->exceptions_injected, 2);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_UD);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
	EXPECT_EQ(*(uint32_t *)fake_guest_ptr(vm, VERSION_GPA), 0);
}

TEST(cpl_3_gives_gp)
{
	struct vm *vm = partition("p", VM_FLAG_HYPERCALLS, 0);
	struct vcpu *vcpu = &vm->vcpus[0];

	fake_vcpu(vcpu)->cpl = 3;
	EXPECT_EQ(hypercall(vcpu, VMMCALL_EXIT, HC_GET_API_VERSION, VERSION_GPA, 0), UNTOUCHED_RAX);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_GP);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_error_code, 0);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
}

TEST(unknown_id_returns_enotty_and_rip_plus_3)
{
	struct vm *vm = partition("p", VM_FLAG_HYPERCALLS, 0);
	struct vcpu *vcpu = &vm->vcpus[0];

	EXPECT_EQ(hypercall(vcpu, VMMCALL_EXIT, HC_ID(0x7777), 0, 0), (uint64_t)HC_ENOTTY);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 3);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, 0x1234, 0, 0), (uint64_t)HC_ENOTTY);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 6);
	EXPECT_EQ(fake_vcpu(vcpu)->exceptions_injected, 0);
}

TEST(get_api_version_writes_guest_memory_and_checks_the_pointer)
{
	struct vm *vm = partition("p", VM_FLAG_HYPERCALLS, 0);
	struct vcpu *vcpu = &vm->vcpus[0];
	struct hc_api_version v;

	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_GET_API_VERSION, VERSION_GPA, 0), 0);
	memcpy(&v, fake_guest_ptr(vm, VERSION_GPA), sizeof(v));
	EXPECT_EQ(v.major_version, CAIRN_API_VERSION_MAJOR);
	EXPECT_EQ(v.minor_version, CAIRN_API_VERSION_MINOR);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_GET_API_VERSION, FAKE_RAM_SIZE - 4, 0),
		  (uint64_t)HC_EFAULT);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_GET_API_VERSION, 0xFFFFFFFFFFFFFFFCull, 0),
		  (uint64_t)HC_EFAULT);
	/* IDs are 32-bit: a sign-extended R8 still names the call. */
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, 0xFFFFFFFF00000000ull | HC_GET_API_VERSION,
			    VERSION_GPA, 0),
		  0);
}

TEST(service_vm_only_calls_refused_to_partitions)
{
	struct vm *vm = partition("p", VM_FLAG_HYPERCALLS, 0);
	struct vm *other = partition("q", 0, 1);

	other->creator = vm;
	EXPECT_EQ(hypercall(&vm->vcpus[0], VMMCALL_EXIT, HC_PAUSE_VM, other->id, 0),
		  (uint64_t)HC_EPERM);
	EXPECT_EQ(fake_lifecycle_count(), 0);
}

TEST(lifecycle_calls_only_on_vms_the_caller_created)
{
	struct vm *svc = service_vm();
	struct vm *pre = partition("pre", 0, 0);
	struct vm *user = fake_vm_create(
		&(struct fake_vm_spec){ .name = "user", .kind = VM_KIND_USER, .first_pcpu = 1 });
	struct vcpu *vcpu = &svc->vcpus[0];
	struct vm *target;

	user->creator = svc;
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_PAUSE_VM, pre->id, 0), (uint64_t)HC_EPERM);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_DESTROY_VM, pre->id, 0), (uint64_t)HC_EPERM);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_START_VM, svc->id, 0), (uint64_t)HC_EPERM);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_PAUSE_VM, MAX_VMS - 1, 0), (uint64_t)HC_EINVAL);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_PAUSE_VM, 1ull << 32 | user->id, 0),
		  (uint64_t)HC_EINVAL);
	EXPECT_EQ(fake_lifecycle_count(), 0);

	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_PAUSE_VM, user->id, 0), 0);
	EXPECT_EQ(fake_lifecycle_last(&target), FAKE_LC_PAUSE);
	EXPECT_EQ(target, user);
	user->state = VM_PAUSED;
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_START_VM, user->id, 0), 0);
	EXPECT_EQ(fake_lifecycle_last(NULL), FAKE_LC_RESUME);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_DESTROY_VM, user->id, 0), 0);
	EXPECT_EQ(fake_pcpu_posted(user->vcpus[0].pcpu->id) & PCPU_REQ_STOP, PCPU_REQ_STOP);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA + 8 * 3);
}

TEST(service_vm_vmmcall_is_kvms_abi_and_vmcall_is_acrns)
{
	struct vm *svc = service_vm();
	struct vcpu *vcpu = &svc->vcpus[0];

	EXPECT_EQ(hypercall(vcpu, VMMCALL_EXIT, HC_GET_API_VERSION, VERSION_GPA, 0),
		  (uint64_t)-KVM_ENOSYS); /* RAX (garbage) is KVM's call number */
	EXPECT_EQ(*(uint32_t *)fake_guest_ptr(svc, VERSION_GPA), 0);
	EXPECT_EQ(hypercall(vcpu, VMCALL_EXIT, HC_GET_API_VERSION, VERSION_GPA, 0), 0);
	EXPECT_EQ(*(uint32_t *)fake_guest_ptr(svc, VERSION_GPA), CAIRN_API_VERSION_MAJOR);
}

TEST(ud_not_at_a_vmcall_goes_back_to_the_guest)
{
	static const uint8_t ud2[] = { 0x0F, 0x0B };
	struct vm *vm = partition("p", VM_FLAG_HYPERCALLS, 0);
	struct vcpu *vcpu = &vm->vcpus[0];

	fake_vcpu_put_insn(vcpu, ud2, sizeof(ud2));
	vcpu->regs.rax = UNTOUCHED_RAX;
	EXPECT_EQ(fake_run_exit(vcpu, &VMCALL_EXIT), 0);
	EXPECT_EQ(vcpu->regs.rax, UNTOUCHED_RAX);
	EXPECT_EQ(fake_vcpu(vcpu)->exception_vector, VECTOR_UD);
	EXPECT_EQ(fake_vcpu(vcpu)->rip, FAKE_CODE_GPA);
}

TEST(watchdog_kick_needs_a_watchdog_and_arms_the_deadline)
{
	struct vm *vm = fake_vm_create(&(struct fake_vm_spec){
		.name = "w", .flags = VM_FLAG_HYPERCALLS, .watchdog_ms = 250 });
	struct vm *plain = partition("p", VM_FLAG_HYPERCALLS, 1);

	fake_cpu_set_tsc(1000);
	EXPECT_EQ(hypercall(&vm->vcpus[0], VMCALL_EXIT, HC_CAIRN_WATCHDOG_KICK, 0, 0), 0);
	EXPECT_EQ(vm->watchdog_deadline, 1000 + 250 * tsc_khz);
	EXPECT_EQ(hypercall(&plain->vcpus[0], VMCALL_EXIT, HC_CAIRN_WATCHDOG_KICK, 0, 0),
		  (uint64_t)HC_ENODEV);
	EXPECT_EQ(plain->watchdog_deadline, 0);
}
