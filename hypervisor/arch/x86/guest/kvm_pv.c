/* SPDX-License-Identifier: BSD-3-Clause */
/* KVM's paravirtual ABI for stock Linux guests: CPUID leaves, kvmclock, KVM_HC_SEND_IPI. */
#include "core/guest_mem.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/guest/kvm_pv.h"
#include "x86/guest/lapic_pt.h"
#include "x86/rtc.h"
#include "x86/tsc.h"

#define KVM_FEATURE_CLOCKSOURCE2	   (1u << 3)
#define KVM_FEATURE_NOP_IO_DELAY	   (1u << 1)
#define KVM_FEATURE_PV_SEND_IPI		   (1u << 11)
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT (1u << 24)
#define KVM_HINTS_REALTIME		   (1u << 0)
#define MSR_KVM_WALL_CLOCK_NEW		   0x4B564D00
#define MSR_KVM_SYSTEM_TIME_NEW		   0x4B564D01
#define KVM_HC_SEND_IPI			   10
#define KVM_ENOSYS			   1000
#define KVM_EINVAL			   22
#define PVCLOCK_TSC_STABLE_BIT		   (1u << 0)
#define NSEC_PER_SEC			   1000000000ull

struct pvclock_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __packed;

struct pvclock_wall_clock {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
} __packed;

_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "kvmclock ABI");
_Static_assert(sizeof(struct pvclock_wall_clock) == 12, "kvmclock ABI");

/* kvmclock's zero: the TSC value at which the guest's system time is 0, fixed per VM. */
static uint64_t vm_clock_origin[MAX_VMS];

/* Stock Linux guests: the Service VM and the User VMs (not the partitions' small guests). */
bool kvm_pv_enabled(const struct vcpu *vcpu)
{
	return vcpu->vm->config->kind == VM_KIND_SERVICE || vm_is_user(vcpu->vm);
}

/* KVM_FEATURE_PV_SEND_IPI: offered unless the scenario (Service VM) or the creator (User VM) withheld it. */
static bool pv_ipi_offered(const struct vcpu *vcpu)
{
	return !(vcpu->vm->config->flags & VM_FLAG_NO_PV_IPI);
}

void kvm_pv_clock_reset(const struct vm *vm)
{
	vm_clock_origin[vm->id] = 0;
}

bool kvm_pv_cpuid(struct vcpu *vcpu, uint32_t leaf, struct cpuid_regs *out)
{
	if (!kvm_pv_enabled(vcpu) || (leaf & ~0xFFu) != KVM_CPUID_BASE)
		return false;
	if (leaf == KVM_CPUID_BASE)
		*out = (struct cpuid_regs){ KVM_CPUID_BASE + 1, 0x4B4D564B, 0x564B4D56, 0x4D };
	else if (leaf == KVM_CPUID_BASE + 1)
		*out = (struct cpuid_regs){ KVM_FEATURE_CLOCKSOURCE2 | KVM_FEATURE_NOP_IO_DELAY |
						    (pv_ipi_offered(vcpu) ? KVM_FEATURE_PV_SEND_IPI
									  : 0) |
						    KVM_FEATURE_CLOCKSOURCE_STABLE_BIT,
					    0, 0, KVM_HINTS_REALTIME };
	else
		*out = (struct cpuid_regs){ 0, 0, 0, 0 };
	return true;
}

void kvm_pv_time_scale(uint64_t tsc_hz, uint32_t *mul, int8_t *shift)
{
	uint64_t rate = tsc_hz;
	int s = 0;

	/* Scale the rate by 2^s into (1e9, 2e9]: then 1e9 / rate is a 32-bit fraction >= 1/2. */
	while (rate > 2 * NSEC_PER_SEC) {
		rate >>= 1;
		s--;
	}
	while (rate <= NSEC_PER_SEC) {
		rate <<= 1;
		s++;
	}
	*mul = (uint32_t)((NSEC_PER_SEC << 32) / rate);
	*shift = (int8_t)s;
}

static int write_system_time(struct vcpu *vcpu, uint64_t gpa)
{
	struct pvclock_vcpu_time_info t = { .version = 2, .flags = PVCLOCK_TSC_STABLE_BIT };

	/* The TSC is the pCPUs' own, synchronised and never offset: one linear map for good. */
	t.tsc_timestamp = vm_clock_origin[vcpu->vm->id];
	t.system_time = 0;
	uint32_t mul;
	int8_t shift;
	kvm_pv_time_scale(tsc_khz * 1000, &mul, &shift);
	t.tsc_to_system_mul = mul;
	t.tsc_shift = shift;
	return guest_phys_write(vcpu->vm, gpa, &t, sizeof(t));
}

static int write_wall_clock(struct vcpu *vcpu, uint64_t gpa)
{
	struct pvclock_wall_clock w = { .version = 2 };
	uint64_t sec = 0;
	uint32_t nsec = 0;

	/* The date at kvmclock's zero, from the CMOS clock read at boot (1970 without one). */
	rtc_unix_time_at(vm_clock_origin[vcpu->vm->id], &sec, &nsec);
	w.sec = (uint32_t)sec;
	w.nsec = nsec;
	return guest_phys_write(vcpu->vm, gpa, &w, sizeof(w));
}

bool kvm_pv_msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *value, bool *ok)
{
	if (!kvm_pv_enabled(vcpu) ||
	    (msr != MSR_KVM_WALL_CLOCK_NEW && msr != MSR_KVM_SYSTEM_TIME_NEW))
		return false;
	*value = 0;
	*ok = true;
	return true;
}

bool kvm_pv_msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value, bool *ok)
{
	if (!kvm_pv_enabled(vcpu))
		return false;
	if (!vm_clock_origin[vcpu->vm->id])
		vm_clock_origin[vcpu->vm->id] = rdtsc();
	switch (msr) {
	case MSR_KVM_SYSTEM_TIME_NEW:
		*ok = !(value & 1) || write_system_time(vcpu, value & ~1ull) == 0;
		return true;
	case MSR_KVM_WALL_CLOCK_NEW:
		*ok = write_wall_clock(vcpu, value) == 0;
		return true;
	default:
		return false;
	}
}

/* KVM_HC_SEND_IPI: a0/a1 = 128-bit destination bitmap, a2 = APIC ID of bit 0, a3 = ICR low. */
static int64_t kvm_send_ipi(struct vcpu *vcpu, uint64_t lo, uint64_t hi, uint64_t min, uint64_t icr)
{
	int64_t delivered = 0;

	if (icr & ((1u << 11) | (3u << 18))) /* logical destination or a shorthand */
		return -KVM_EINVAL;
	for (unsigned bit = 0; bit < 128; bit++) {
		uint64_t word = bit < 64 ? lo : hi;
		if ((word >> (bit & 63)) & 1)
			delivered += lapic_pt_send_ipi(vcpu, (uint32_t)(min + bit), (uint32_t)icr);
	}
	return delivered;
}

void kvm_pv_hypercall(struct vcpu *vcpu)
{
	struct vcpu_regs *r = &vcpu->regs;

	if (virt_vcpu_cpl(vcpu) != 0)
		r->rax = (uint64_t)-1; /* -KVM_EPERM */
	else if (r->rax == KVM_HC_SEND_IPI && pv_ipi_offered(vcpu))
		r->rax = (uint64_t)kvm_send_ipi(vcpu, r->rbx, r->rcx, r->rdx, r->rsi);
	else /* unknown, or a feature not offered: as KVM with KVM_CAP_ENFORCE_PV_FEATURE_CPUID */
		r->rax = (uint64_t)-KVM_ENOSYS;
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + 3);
}
