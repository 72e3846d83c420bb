/* SPDX-License-Identifier: BSD-3-Clause */
/* Post-launched User VMs: built, started, reset and destroyed by the Service VM's hypercalls. */
#include "cairn/acrn.h"
#include "core/arch.h"
#include "core/console.h"
#include "core/guest_mem.h"
#include "core/ioreq.h"
#include "core/pcpu.h"
#include "core/time.h"
#include "core/user_vm.h"
#include "core/user_vm_mem.h"
#include "core/virt.h"
#include "core/vm_lifecycle.h"
#include "core/vm_log.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define VMID_NONE 0xFFFF /* acrn_vm_creation.vmid on failure (ACRN's) */
#define NAME_LEN  16	 /* acrn_vm_creation.uuid: a NUL-padded name */
/*
 * How long a hypercall waits for the User VM's pCPUs (each answers an NMI at once; under QEMU TCG
 * on a loaded host a pCPU's thread may not run for a good part of a second).
 */
#define RELEASE_WAIT_US 1000000
#define RESET_WAIT_US	1000000
/* The vm_flag bits Cairn keeps; other bits are ignored as ACRN ignores what the DM may not set. */
#define FLAGS_KEPT                                                                         \
	(GUEST_FLAG_LAPIC_PASSTHROUGH | GUEST_FLAG_IO_COMPLETION_POLLING | GUEST_FLAG_RT | \
	 CAIRN_GUEST_FLAG_IO_EXITLESS | CAIRN_GUEST_FLAG_NO_PV_IPI | CAIRN_GUEST_FLAG_X2APIC)
#define FLAGS_REFUSED GUEST_FLAG_SECURE_WORLD_ENABLED /* no Trusty world */

/* The vm_config flags a creator's vm_flag asks for. */
static uint32_t config_flags(uint64_t vm_flag)
{
	return ((vm_flag & CAIRN_GUEST_FLAG_NO_PV_IPI) ? VM_FLAG_NO_PV_IPI : 0) |
	       ((vm_flag & CAIRN_GUEST_FLAG_X2APIC) ? VM_FLAG_X2APIC : 0);
}

/* What a User VM has beyond struct vm, by slot; all of it under users_lock. */
struct user_vm {
	struct vm_config config;
	char name[NAME_LEN + 1];
	struct user_vm_mem mem;
	uint32_t regs_set; /* bit i: vCPU i has a start state since creation or reset */
	volatile uint32_t resets_done;
	bool destroying; /* HC_DESTROY_VM: the last vCPU out releases it */
	bool stopped;	 /* the last vCPU out is done with it: it may be released here */
};

static struct user_vm users[MAX_VMS];
static spinlock_t users_lock = SPINLOCK_INIT;
static struct vm_memory_region_op batch[USER_VM_REGIONS_MAX]; /* one copy, under users_lock */

/* The User VM `vmid` names, if the caller created it and it is not being destroyed. */
struct vm *user_vm_target(struct vcpu *caller, uint64_t vmid, int64_t *err)
{
	struct vm *vm = vmid < MAX_VMS ? vm_find_by_id((uint32_t)vmid) : NULL;

	*err = vm ? -EPERM : -EINVAL;
	if (!vm || vm == caller->vm || vm->creator != caller->vm ||
	    vm->config->kind != VM_KIND_USER)
		return NULL;
	if (users[vm->id].destroying) {
		*err = -EINVAL; /* going away: as good as unknown */
		return NULL;
	}
	return vm;
}

static void wait_for(volatile uint32_t *value, uint32_t expected, uint64_t us)
{
	uint64_t deadline = time_deadline_us(us);

	while (__atomic_load_n(value, __ATOMIC_ACQUIRE) != expected && !time_passed(deadline))
		arch_cpu_relax();
}

/* --- HC_CREATE_VM --- */

static uint32_t bits_set(uint64_t mask)
{
	uint32_t n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

static int check_affinity(uint64_t mask)
{
	if (!mask || bits_set(mask) > MAX_VCPUS_PER_VM || (mask & 1))
		return -EINVAL; /* none, more than 16, or the boot pCPU */
	for (uint32_t p = 0; p < 64; p++) {
		if (!(mask & (1ull << p)))
			continue;
		if (p >= pcpu_count || pcpus[p].state != PCPU_ONLINE)
			return -EINVAL;
		if (pcpus[p].vcpu)
			return -EBUSY; /* the Service VM has not given it back, or a VM holds it */
	}
	return 0;
}

static int check_creation(const struct acrn_vm_creation *cv)
{
	if (cv->reserved0 || cv->reserved1 || (cv->vm_flag & FLAGS_REFUSED))
		return -EINVAL;
	return check_affinity(cv->cpu_affinity);
}

/* The 16 bytes Linux calls uuid: a printable name padded with NULs, or else "user<id>". */
static void name_vm(struct user_vm *u, const uint8_t *bytes, uint32_t id)
{
	size_t len = 0;

	while (len < NAME_LEN && bytes[len] > 0x20 && bytes[len] < 0x7F)
		len++;
	bool padded = len > 0;
	for (size_t i = len; i < NAME_LEN; i++)
		padded &= bytes[i] == 0;
	if (padded) {
		memcpy(u->name, bytes, len);
		u->name[len] = '\0';
	} else {
		format_snprintf(u->name, sizeof(u->name), "user%u", id);
	}
}

static struct vm *free_slot(void)
{
	for (size_t i = 0; i < MAX_VMS; i++)
		if (vms[i].state == VM_FREE)
			return &vms[i];
	return NULL;
}

static int create(struct vm *creator, const struct acrn_vm_creation *cv, struct vm **out)
{
	struct vm *vm = free_slot();

	if (!vm)
		return -ENOSPC;
	uint32_t id = (uint32_t)(vm - vms);
	struct user_vm *u = &users[id];
	*u = (struct user_vm){ 0 };
	name_vm(u, cv->uuid, id);
	if (vm_find_by_name(u->name))
		return -EEXIST;
	u->config = (struct vm_config){ .name = u->name,
					.kind = VM_KIND_USER,
					.pcpu_mask = cv->cpu_affinity,
					.args = "",
					.flags = config_flags(cv->vm_flag),
					.source = "HC_CREATE_VM" };
	*vm = (struct vm){ .id = id,
			   .config = &u->config,
			   .creator = creator,
			   .name = u->name,
			   .guest_flags = cv->vm_flag & FLAGS_KEPT,
			   .trap_hlt = false }; /* its pCPUs are its own: HLT waits in the guest */
	int err = virt_vm_init(vm);
	if (!err)
		err = vm_create_vcpus(vm, cv->cpu_affinity);
	if (!err)
		err = arch_user_vm_build(vm);
	if (!err) /* what no handler claims becomes an I/O request (docs/io-request.md) */
		err = ioreq_vm_init(vm, cv->vm_flag);
	if (err) {
		vm_discard(vm); /* never ran: its vCPUs and pCPUs go back here */
		return err;
	}
	__atomic_store_n(&vm->state, VM_CREATED, __ATOMIC_RELEASE);
	*out = vm;
	return 0;
}

int64_t user_vm_hc_create(struct vcpu *caller, uint64_t gpa, uint64_t unused)
{
	struct acrn_vm_creation cv;
	struct vm *vm = NULL;

	/* Written back in place: the whole struct must be the caller's, readable and writable. */
	if (guest_phys_read(caller->vm, gpa, &cv, sizeof(cv)) ||
	    guest_phys_write(caller->vm, gpa, &cv, sizeof(cv)))
		return -EFAULT;
	int64_t err = check_creation(&cv);
	if (!err) {
		spin_lock(&users_lock);
		err = create(caller->vm, &cv, &vm);
		spin_unlock(&users_lock);
	}
	cv.vmid = vm ? (uint16_t)vm->id : VMID_NONE;
	cv.vcpu_num = vm ? (uint16_t)vm->nvcpus : 0;
	guest_phys_write(caller->vm, gpa, &cv, sizeof(cv)); /* checked above */
	if (vm)
		vm_log(caller->vm,
		       "created user VM %u '%s' on pCPU mask 0x%lx (%u vCPUs, flags 0x%lx)", vm->id,
		       vm->name, (uint64_t)cv.cpu_affinity, vm->nvcpus, vm->guest_flags);
	return err;
}

/* --- HC_DESTROY_VM and the release --- */

/* Everything goes back: vCPUs, NPT, slot (its pCPUs were freed as each vCPU retired). */
static void release(struct vm *vm)
{
	uint32_t id = vm->id;
	struct vm *creator = vm->creator;

	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		if (vcpu_bound(vcpu))
			free_pcpu(vcpu->pcpu->id);
		virt_vcpu_destroy(vcpu);
	}
	virt_vm_destroy(vm);
	if (creator)
		vm_log(creator, "user VM %u '%s' destroyed", id, vm->name);
	users[id].destroying = users[id].stopped = false;
	users[id].mem.n = 0;
	/* FREE first; the name and config pointers stay valid for a reader that looked before. */
	__atomic_store_n(&vm->state, VM_FREE, __ATOMIC_RELEASE);
	*vm = (struct vm){ .id = id, .config = &users[id].config, .name = users[id].name };
}

/* Under users_lock: stops every vCPU that still runs (or idles bound); released when all are. */
static void destroy_locked(struct vm *vm)
{
	struct user_vm *u = &users[vm->id];

	u->destroying = true;
	if (u->stopped) {
		release(vm);
		return;
	}
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		if (vcpu_bound(&vm->vcpus[i]))
			pcpu_post(vm->vcpus[i].pcpu, PCPU_REQ_STOP);
}

int64_t user_vm_hc_destroy(struct vcpu *caller, uint64_t vmid, uint64_t unused)
{
	int64_t err;

	spin_lock(&users_lock);
	struct vm *vm = user_vm_target(caller, vmid, &err);
	if (vm)
		destroy_locked(vm);
	spin_unlock(&users_lock);
	if (!vm)
		return err;
	/* Its pCPUs are free when this returns (unless a pCPU failed to answer within 1 s). */
	wait_for((volatile uint32_t *)&vm->state, VM_FREE, RELEASE_WAIT_US);
	return 0;
}

void user_vm_stopped(struct vm *vm)
{
	spin_lock(&users_lock);
	users[vm->id].stopped = true;
	if (users[vm->id].destroying)
		release(vm);
	else
		ioreq_post_power_off(vm); /* it stopped by itself: its device model must learn it */
	spin_unlock(&users_lock);
}

void user_vms_destroy_all(struct vm *creator, bool wait)
{
	spin_lock(&users_lock);
	for (size_t i = 0; i < MAX_VMS; i++)
		if (vms[i].state != VM_FREE && vms[i].creator == creator &&
		    vms[i].config->kind == VM_KIND_USER && !users[i].destroying)
			destroy_locked(&vms[i]);
	spin_unlock(&users_lock);
	/* Until they are gone: the creator's RAM they use is about to be reused. */
	for (size_t i = 0; wait && i < MAX_VMS; i++) {
		while (users[i].destroying && vms[i].state != VM_FREE) {
			wait_for((volatile uint32_t *)&vms[i].state, VM_FREE, RELEASE_WAIT_US);
			if (vms[i].state != VM_FREE)
				printf("cairn: vm %s: user VM %zu still stopping\n", creator->name,
				       i);
		}
	}
}

/* --- HC_START_VM, HC_PAUSE_VM, HC_RESET_VM --- */

int64_t user_vm_hc_start(struct vcpu *caller, uint64_t vmid, uint64_t unused)
{
	int64_t err;

	spin_lock(&users_lock);
	struct vm *vm = user_vm_target(caller, vmid, &err);
	if (vm && vm->state == VM_PAUSED)
		err = vm_resume(vm);
	else if (vm && (vm->state != VM_CREATED || !(users[vm->id].regs_set & 1)))
		err = -EINVAL; /* running, stopped, or vCPU 0 has no start state (HC_SET_VCPU_REGS) */
	else if (vm)
		err = vm_start(vm);
	spin_unlock(&users_lock);
	return err;
}

int64_t user_vm_hc_pause(struct vcpu *caller, uint64_t vmid, uint64_t unused)
{
	int64_t err;

	spin_lock(&users_lock);
	struct vm *vm = user_vm_target(caller, vmid, &err);
	if (vm)
		err = vm_pause(vm);
	spin_unlock(&users_lock);
	return err;
}

void user_vm_vcpu_reset_done(struct vcpu *vcpu)
{
	__atomic_fetch_add(&users[vcpu->vm->id].resets_done, 1, __ATOMIC_RELEASE);
}

/* Every vCPU leaves the guest (LAPIC taken back) and waits, offline: the VM is created again. */
static int64_t reset(struct vm *vm)
{
	struct user_vm *u = &users[vm->id];
	uint32_t posted = 0;

	if (vm->state != VM_RUNNING && vm->state != VM_PAUSED)
		return -EINVAL;
	__atomic_store_n(&u->resets_done, 0, __ATOMIC_SEQ_CST);
	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		if (!vcpu_bound(&vm->vcpus[i]))
			continue;
		pcpu_post(vm->vcpus[i].pcpu, PCPU_REQ_RESET | PCPU_REQ_RESUME);
		posted++;
	}
	wait_for(&u->resets_done, posted, RESET_WAIT_US);
	if (__atomic_load_n(&u->resets_done, __ATOMIC_ACQUIRE) != posted)
		return -ETIMEDOUT; /* a vCPU stopped meanwhile (a fault), or did not answer in 1 s */
	u->regs_set = 0;
	vm->resets++;
	vm->state = VM_CREATED;
	return 0;
}

int64_t user_vm_hc_reset(struct vcpu *caller, uint64_t vmid, uint64_t unused)
{
	int64_t err;

	spin_lock(&users_lock);
	struct vm *vm = user_vm_target(caller, vmid, &err);
	if (vm)
		err = reset(vm);
	spin_unlock(&users_lock);
	return err;
}

/* --- HC_SET_VCPU_REGS --- */

static int64_t set_regs(struct vm *vm, const struct acrn_vcpu_regs *r)
{
	if (vm->state != VM_CREATED)
		return -EBUSY; /* only before a start, or after a reset */
	if (r->vcpu_id >= vm->nvcpus || r->reserved[0] || r->reserved[1] || r->reserved[2])
		return -EINVAL;
	int err = arch_vcpu_set_acrn_regs(&vm->vcpus[r->vcpu_id], &r->vcpu_regs);
	if (!err)
		users[vm->id].regs_set |= 1u << r->vcpu_id;
	return err;
}

int64_t user_vm_hc_set_vcpu_regs(struct vcpu *caller, uint64_t vmid, uint64_t gpa)
{
	struct acrn_vcpu_regs regs;
	int64_t err;

	spin_lock(&users_lock);
	struct vm *vm = user_vm_target(caller, vmid, &err);
	if (vm)
		err = guest_phys_read(caller->vm, gpa, &regs, sizeof(regs)) ? -EFAULT
									    : set_regs(vm, &regs);
	spin_unlock(&users_lock);
	return err;
}

/* --- HC_VM_SET_MEMORY_REGIONS --- */

static int64_t set_regions(struct vcpu *caller, const struct vm_memory_region_batch *b)
{
	int64_t err;
	struct vm *vm = user_vm_target(caller, b->vmid, &err);

	if (!vm)
		return err;
	if (b->reserved[0] || b->reserved[1] || b->reserved[2] || b->reserved1 ||
	    b->regions_num > USER_VM_REGIONS_MAX)
		return -EINVAL;
	if (!b->regions_num)
		return 0;
	if (guest_phys_read(caller->vm, b->regions_gpa, batch, b->regions_num * sizeof(batch[0])))
		return -EFAULT;
	struct user_vm_mem *mem = &users[vm->id].mem;
	err = user_vm_mem_apply(caller->vm, vm, mem, batch, b->regions_num);
	vm->mem_size = user_vm_mem_size(mem);
	return err;
}

int64_t user_vm_hc_set_memory_regions(struct vcpu *caller, uint64_t gpa, uint64_t unused)
{
	struct vm_memory_region_batch b;

	if (guest_phys_read(caller->vm, gpa, &b, sizeof(b)))
		return -EFAULT;
	spin_lock(&users_lock);
	int64_t err = set_regions(caller, &b);
	spin_unlock(&users_lock);
	return err;
}

/* --- the shell --- */

int user_vm_describe(const struct vm *vm, char *line, size_t size, int len)
{
	if (vm->config->kind != VM_KIND_USER || len >= (int)size)
		return len;
	return len + format_snprintf(line + len, size - (size_t)len,
				     ", user VM of %s, %lu KiB in %zu ranges, flags 0x%lx",
				     vm->creator ? vm->creator->name : "?", vm->mem_size / 1024,
				     users[vm->id].mem.n, vm->guest_flags);
}
