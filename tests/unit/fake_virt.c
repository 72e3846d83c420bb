/* SPDX-License-Identifier: BSD-3-Clause */
/* A fake vendor backend (core/virt.h on the host): vCPU state, a call log and fake guest memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vcpu_run.h"
#include "lib/errno.h"
#include "mm/phys_mem.h"
#include "x86/boot_defs.h"
#include "x86/guest/entry_state.h"
#include "x86/tsc.h"
#include "fake_console.h"
#include "fake_platform.h"
#include "fake_virt.h"

#define PTE_P_RW_US 0x7ull
#define PTE_PS	    0x80ull
#define RFLAGS_IF   (1ull << 9)
#define RFLAGS_1    (1ull << 1)
#define RFLAGS_VM   (1ull << 17)
#define ALL_VCPUS   UINT32_MAX
/* The EFER bits the SVM backend supports (the rest are refused). */
#define EFER_KNOWN (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | (1u << 14))

/* Guest RAM: static, so that a test process has nothing to free and the leak checker stays quiet. */
static uint8_t fake_ram[FAKE_MAX_VMS][FAKE_RAM_SIZE] __aligned(4096);
static struct virt_vm fake_vms[FAKE_MAX_VMS];
static struct virt_vcpu fake_vcpus[FAKE_MAX_VMS][MAX_VCPUS_PER_VM];
static struct vm_config fake_configs[FAKE_MAX_VMS];

static void record(struct vm *vm, enum fake_event_kind kind, uint32_t vcpu, uint64_t a, uint64_t b,
		   uint64_t c, uint64_t d)
{
	struct virt_vm *v = vm->virt;

	if (v->nevents == FAKE_MAX_EVENTS) {
		fprintf(stderr, "fake_virt: call log of vm %s full\n", vm->name);
		abort();
	}
	v->events[v->nevents++] = (struct fake_event){ kind, vcpu, a, b, c, d };
}

static void record_vcpu(struct vcpu *vcpu, enum fake_event_kind kind, uint64_t a, uint64_t b)
{
	record(vcpu->vm, kind, vcpu->id, a, b, 0, 0);
}

/* --- pCPU --- */

const char *virt_vendor_name(void)
{
	return "fake";
}

int virt_check_support(char *reason, size_t len)
{
	return 0;
}

int virt_cpu_enable(struct pcpu *cpu)
{
	return 0;
}

void virt_take_pending_nmi(void)
{
	for (size_t i = 0; i < FAKE_MAX_VMS; i++)
		if (fake_vms[i].vm)
			record(fake_vms[i].vm, FAKE_EV_TAKE_PENDING_NMI, ALL_VCPUS, 0, 0, 0, 0);
}

/* --- VM memory and ports --- */

int virt_vm_init(struct vm *vm)
{
	if (vm->id >= FAKE_MAX_VMS)
		return -ENOMEM;
	fake_vms[vm->id] = (struct virt_vm){ .vm = vm };
	memset(fake_vms[vm->id].trapped_ports, 0xFF, sizeof(fake_vms[vm->id].trapped_ports));
	vm->virt = &fake_vms[vm->id];
	return 0;
}

void virt_vm_destroy(struct vm *vm)
{
	if (vm->virt)
		vm->virt->vm = NULL;
	vm->virt = NULL;
}

static bool range_ok(uint64_t gpa, uint64_t size)
{
	return size && !(gpa & (PAGE_SIZE - 1)) && !(size & (PAGE_SIZE - 1)) && gpa + size > gpa;
}

/* Removes [gpa, gpa+size) from the map list, splitting ranges that straddle it. */
static int unmap_range(struct virt_vm *v, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;

	for (size_t i = 0; i < v->nmaps;) {
		struct fake_map m = v->maps[i];
		uint64_t m_end = m.gpa + m.size;
		if (m_end <= gpa || m.gpa >= end) {
			i++;
			continue;
		}
		v->maps[i] = v->maps[--v->nmaps];
		if (m.gpa < gpa)
			v->maps[v->nmaps++] =
				(struct fake_map){ m.gpa, m.hpa, gpa - m.gpa, m.rights };
		if (m_end > end) {
			if (v->nmaps == FAKE_MAX_MAPS)
				return -ENOMEM;
			v->maps[v->nmaps++] = (struct fake_map){ end, m.hpa + (end - m.gpa),
								 m_end - end, m.rights };
		}
	}
	return 0;
}

int virt_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights)
{
	struct virt_vm *v = vm->virt;

	record(vm, FAKE_EV_MAP, ALL_VCPUS, gpa, hpa, size, rights);
	if (!range_ok(gpa, size) || (hpa & (PAGE_SIZE - 1)) || (rights & ~VIRT_MEM_RWX))
		return -EINVAL;
	int err = unmap_range(v, gpa, size);
	if (!err && v->nmaps == FAKE_MAX_MAPS)
		err = -ENOMEM;
	if (!err)
		v->maps[v->nmaps++] = (struct fake_map){ gpa, hpa, size, rights };
	vm_mem_changed(vm);
	return err;
}

int virt_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	record(vm, FAKE_EV_UNMAP, ALL_VCPUS, gpa, 0, size, 0);
	if (!range_ok(gpa, size))
		return -EINVAL;
	int err = unmap_range(vm->virt, gpa, size);
	vm_mem_changed(vm);
	return err;
}

const struct fake_map *fake_vm_map_at(struct vm *vm, uint64_t gpa)
{
	struct virt_vm *v = vm->virt;

	for (size_t i = 0; i < v->nmaps; i++)
		if (gpa >= v->maps[i].gpa && gpa - v->maps[i].gpa < v->maps[i].size)
			return &v->maps[i];
	return NULL;
}

int virt_vm_translate(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights)
{
	const struct fake_map *m = fake_vm_map_at(vm, gpa);

	if (!m)
		return -ENOENT;
	*hpa = m->hpa + (gpa - m->gpa);
	*rights = m->rights;
	return 0;
}

void virt_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap)
{
	struct virt_vm *v = vm->virt;

	record(vm, FAKE_EV_TRAP_IO, ALL_VCPUS, port, 0, count, trap);
	for (uint32_t p = port; p < (uint32_t)port + count && p < 65536; p++) {
		if (trap)
			v->trapped_ports[p / 8] |= (uint8_t)(1u << (p % 8));
		else
			v->trapped_ports[p / 8] &= (uint8_t) ~(1u << (p % 8));
	}
}

bool fake_vm_port_trapped(struct vm *vm, uint16_t port)
{
	return (vm->virt->trapped_ports[port / 8] >> (port % 8)) & 1;
}

/* The host's RAM, for guest_mem.c: the fake guests' buffers and nothing else. */
bool phys_mem_is_ram(uint64_t pa, uint64_t len)
{
	uint64_t start = (uint64_t)(uintptr_t)fake_ram, end = start + sizeof(fake_ram);

	return pa >= start && len <= end - pa && pa + len >= pa;
}

/* --- vCPUs --- */

int virt_vcpu_init(struct vcpu *vcpu)
{
	if (vcpu->vm->id >= FAKE_MAX_VMS || vcpu->id >= MAX_VCPUS_PER_VM)
		return -ENOMEM;
	vcpu->virt = &fake_vcpus[vcpu->vm->id][vcpu->id];
	*vcpu->virt = (struct virt_vcpu){ .vcpu = vcpu, .rflags = RFLAGS_1 };
	return 0;
}

void virt_vcpu_destroy(struct vcpu *vcpu)
{
	vcpu->virt = NULL;
}

static unsigned state_cpl(const struct vcpu_arch_state *st)
{
	if (!(st->cr0 & CR0_PE))
		return 0;
	if (st->rflags & RFLAGS_VM)
		return 3;
	return (st->ss.access >> 5) & 3;
}

/* As the SVM backend: EFER bits it cannot hold refused; SVME never shown, nothing left queued. */
int virt_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *st)
{
	struct virt_vcpu *f = vcpu->virt;

	record(vcpu->vm, FAKE_EV_SET_STATE, vcpu->id, st->rip, st->cs.base, st->cr0, st->efer);
	if (st->efer & ~EFER_KNOWN)
		return -EINVAL;
	f->state = *st;
	f->rip = st->rip;
	f->rsp = st->rsp;
	f->rflags = st->rflags;
	f->cpl = state_cpl(st);
	f->efer = st->efer & ~(uint64_t)EFER_SVME;
	f->mode = (struct vcpu_mode){ .cr0 = st->cr0,
				      .cr3 = st->cr3,
				      .cr4 = st->cr4,
				      .efer = f->efer,
				      .cs_base = st->cs.base,
				      .long_mode_code = st->cs.access & SEG_AR_L,
				      .default_32bit = st->cs.access & SEG_AR_DB };
	f->exception_pending = f->nmi_pending = false;
	vcpu->regs = st->regs;
	return 0;
}

void fake_vcpu_queue_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	vcpu->virt->queued_exit = *exit;
	vcpu->virt->exit_queued = true;
}

/* The queued exit; then the stop a real one gets: a mailbox request and its NMI. */
void virt_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit)
{
	struct virt_vcpu *f = vcpu->virt;

	if (f->exit_queued) {
		*exit = f->queued_exit;
		f->exit_queued = false;
		return;
	}
	__atomic_fetch_or(&vcpu->pcpu->mailbox, PCPU_REQ_STOP, __ATOMIC_SEQ_CST);
	*exit = (struct vm_exit){ .reason = EXIT_NMI, .vendor_code = FAKE_STOP_EXIT };
}

void fake_run(struct vcpu *vcpu)
{
	vcpu_run_loop(vcpu);
}

int fake_run_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	unsigned faults = fake_vm_fault_count();

	fake_vcpu_queue_exit(vcpu, exit);
	vcpu_run_loop(vcpu);
	return fake_vm_fault_count() == faults ? 0 : -1;
}

uint64_t virt_vcpu_rip(struct vcpu *vcpu)
{
	return vcpu->virt->rip;
}

void virt_vcpu_set_rip(struct vcpu *vcpu, uint64_t rip)
{
	record_vcpu(vcpu, FAKE_EV_SET_RIP, vcpu->virt->rip, rip);
	vcpu->virt->rip = rip;
}

uint64_t virt_vcpu_rflags(struct vcpu *vcpu)
{
	return vcpu->virt->rflags;
}

unsigned virt_vcpu_cpl(struct vcpu *vcpu)
{
	return vcpu->virt->cpl;
}

void virt_vcpu_mode(struct vcpu *vcpu, struct vcpu_mode *mode)
{
	*mode = vcpu->virt->mode;
	mode->efer = vcpu->virt->efer;
}

void virt_vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, uint32_t error_code)
{
	struct virt_vcpu *f = vcpu->virt;

	record_vcpu(vcpu, FAKE_EV_EXCEPTION, vector, error_code);
	f->exception_pending = true;
	f->exception_vector = vector;
	f->exception_error_code = error_code;
	f->exceptions_injected++;
}

void virt_vcpu_inject_nmi(struct vcpu *vcpu)
{
	record_vcpu(vcpu, FAKE_EV_NMI, 0, 0);
	vcpu->virt->nmi_pending = true;
	vcpu->virt->nmis_injected++;
}

uint64_t virt_vcpu_efer(struct vcpu *vcpu)
{
	return vcpu->virt->efer;
}

/* As the SVM backend: reserved bits refused, LMA the processor's, SVME never the guest's. */
int virt_vcpu_set_efer(struct vcpu *vcpu, uint64_t efer)
{
	struct virt_vcpu *f = vcpu->virt;
	int err = 0;

	if (efer & ~EFER_KNOWN)
		err = -EINVAL;
	else
		f->efer = (efer & ~(uint64_t)(EFER_LMA | EFER_SVME)) | (f->efer & EFER_LMA);
	record_vcpu(vcpu, FAKE_EV_SET_EFER, efer, (uint64_t)(int64_t)err);
	return err;
}

/* --- the call log --- */

size_t fake_event_count(struct vm *vm, enum fake_event_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < vm->virt->nevents; i++)
		n += vm->virt->events[i].kind == kind;
	return n;
}

const struct fake_event *fake_event_last(struct vm *vm, enum fake_event_kind kind)
{
	for (size_t i = vm->virt->nevents; i-- > 0;)
		if (vm->virt->events[i].kind == kind)
			return &vm->virt->events[i];
	return NULL;
}

void fake_events_clear(struct vm *vm)
{
	vm->virt->nevents = 0;
}

/* --- fake guest memory --- */

void *fake_guest_ptr(struct vm *vm, uint64_t gpa)
{
	if (vm->id >= FAKE_MAX_VMS || gpa >= FAKE_RAM_SIZE)
		return NULL;
	return &fake_ram[vm->id][gpa];
}

void fake_guest_write(struct vm *vm, uint64_t gpa, const void *bytes, size_t len)
{
	if (gpa > FAKE_RAM_SIZE || len > FAKE_RAM_SIZE - gpa) {
		fprintf(stderr, "fake_virt: write of %zu bytes at 0x%lx is outside RAM\n", len,
			(unsigned long)gpa);
		abort();
	}
	memcpy(fake_guest_ptr(vm, gpa), bytes, len);
}

void fake_vcpu_put_insn(struct vcpu *vcpu, const void *bytes, size_t len)
{
	struct virt_vcpu *f = vcpu->virt;

	fake_guest_write(vcpu->vm, f->mode.cs_base + f->rip, bytes, len);
}

/* A PML4 and a PDPT whose first entry is a 1 GiB page at 0: virtual = physical below 1 GiB. */
static uint64_t build_identity_map(struct vm *vm)
{
	uint64_t pml4 = FAKE_PAGE_TABLES, pdpt = FAKE_PAGE_TABLES + PAGE_SIZE;
	uint64_t pml4e = pdpt | PTE_P_RW_US, pdpte = 0 | PTE_P_RW_US | PTE_PS;

	fake_guest_write(vm, pml4, &pml4e, sizeof(pml4e));
	fake_guest_write(vm, pdpt, &pdpte, sizeof(pdpte));
	return pml4;
}

static struct vm *free_vm_slot(void)
{
	for (uint32_t i = 0; i < FAKE_MAX_VMS; i++)
		if (vms[i].state == VM_FREE)
			return &vms[i];
	fprintf(stderr, "fake_virt: more than %d VMs\n", FAKE_MAX_VMS);
	abort();
}

static void fake_vcpu_create(struct vm *vm, uint32_t index, uint32_t pcpu, uint64_t cr3)
{
	struct vcpu *vcpu = &vm->vcpus[index];
	struct long_mode_entry entry = {
		.rip = FAKE_CODE_GPA, .cr3 = cr3, .code_sel = 8, .data_sel = 16
	};
	struct vcpu_arch_state st;

	pcpus[pcpu] = (struct pcpu){ .self = &pcpus[pcpu],
				     .id = pcpu,
				     .apic_id = pcpu + FAKE_DEFAULT_APIC,
				     .state = PCPU_ONLINE,
				     .vcpu = vcpu };
	*vcpu = (struct vcpu){ .vm = vm, .id = index, .pcpu = &pcpus[pcpu], .state = VCPU_RUNNING };
	if (pcpu_count <= pcpu)
		pcpu_count = pcpu + 1;
	if (virt_vcpu_init(vcpu)) {
		fprintf(stderr, "fake_virt: vCPU %u of vm %s\n", index, vm->name);
		abort();
	}
	entry_state_long_mode(&st, &entry);
	st.rflags |= RFLAGS_IF;
	if (virt_vcpu_set_state(vcpu, &st))
		abort();
}

struct vm *fake_vm_create(const struct fake_vm_spec *spec)
{
	struct vm *vm = free_vm_slot();
	uint32_t id = (uint32_t)(vm - vms), nvcpus = spec->nvcpus ? spec->nvcpus : 1;
	struct vm_config *config = &fake_configs[id];

	if (spec->first_pcpu + nvcpus > MAX_PCPUS || nvcpus > MAX_VCPUS_PER_VM)
		abort();
	*config = (struct vm_config){ .name = spec->name ? spec->name : "fake",
				      .kind = spec->kind,
				      .flags = spec->flags,
				      .watchdog_ms = spec->watchdog_ms,
				      .args = "",
				      .source = "fake_virt" };
	*vm = (struct vm){ .id = id,
			   .config = config,
			   .name = config->name,
			   .state = VM_RUNNING,
			   .nvcpus = nvcpus,
			   .mem_hpa = (uint64_t)(uintptr_t)fake_ram[id],
			   .mem_size = FAKE_RAM_SIZE };
	if (virt_vm_init(vm) || virt_vm_map(vm, 0, vm->mem_hpa, FAKE_RAM_SIZE, VIRT_MEM_RWX))
		abort();
	uint64_t cr3 = build_identity_map(vm);
	for (uint32_t i = 0; i < nvcpus; i++)
		fake_vcpu_create(vm, i, spec->first_pcpu + i, cr3);
	tsc_khz = FAKE_TSC_KHZ;
	fake_events_clear(vm);
	fake_console_capture();
	return vm;
}
