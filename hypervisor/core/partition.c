/* SPDX-License-Identifier: BSD-3-Clause */
/* Pre-launched partitions: built from the scenario at boot, loaded from boot modules, started. */
#include "cairn/guest_boot.h"
#include "core/arch.h"
#include "core/console.h"
#include "core/guest_ram.h"
#include "core/partition.h"
#include "core/pcpu.h"
#include "core/time.h"
#include "core/virt.h"
#include "core/vm_lifecycle.h"
#include "lib/elf64.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "devices/vuart.h"

#define MAX_SEGMENTS	8
#define GUEST_MEM_ALIGN (2 * MiB)

static void write_start_info(struct vm *vm)
{
	struct cairn_start_info *si = guest_ram_ptr(vm, CAIRN_GUEST_START_INFO);

	memset(si, 0, sizeof(*si));
	si->magic = CAIRN_START_INFO_MAGIC;
	si->vm_id = vm->id;
	si->vcpu_id = 0;
	si->pcpu_apic_id = vm->vcpus[0].pcpu->apic_id;
	si->memory_size = vm->mem_size;
	si->tsc_khz = time_ticks_per_ms(); /* ticks of the TSC per ms: kHz */
	format_snprintf(si->vm_name, sizeof(si->vm_name), "%s", vm->name);
	format_snprintf(si->cmdline, sizeof(si->cmdline), "%s", vm->config->args);
}

static int copy_segments(struct vm *vm, const uint8_t *image, const struct elf64_segment *segs,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct elf64_segment *s = &segs[i];
		if (s->paddr < CAIRN_GUEST_IMAGE_MIN || s->paddr > vm->mem_size ||
		    s->memsz > vm->mem_size - s->paddr) {
			printf("cairn: vm %s: image segment %lx-%lx is outside guest memory "
			       "[0x%x, 0x%lx)\n",
			       vm->name, s->paddr, s->paddr + s->memsz, CAIRN_GUEST_IMAGE_MIN,
			       vm->mem_size);
			return -EINVAL;
		}
		memcpy(guest_ram_ptr(vm, s->paddr), image + s->offset, s->filesz);
		memset(guest_ram_ptr(vm, s->paddr + s->filesz), 0, s->memsz - s->filesz);
	}
	return 0;
}

int partition_load(struct vm *vm)
{
	struct elf64_segment segs[MAX_SEGMENTS];
	const uint8_t *image = phys_to_virt(vm->image->start);
	uint64_t entry, size = vm->image->end - vm->image->start;
	size_t nsegs;
	const char *why;

	if (elf64_parse(image, size, &entry, segs, MAX_SEGMENTS, &nsegs, &why)) {
		printf("cairn: vm %s: image '%s' is not loadable: %s\n", vm->name,
		       vm->config->image, why);
		return -EINVAL;
	}
	if (vm->loaded) /* a reset: nothing of the previous run may survive */
		memset(guest_ram_ptr(vm, 0), 0, vm->mem_size);
	vm->loaded = true;
	int err = copy_segments(vm, image, segs, nsegs);
	if (err)
		return err;
	write_start_info(vm);
	return arch_partition_set_entry(vm, entry);
}

static int partition_memory(struct vm *vm)
{
	const struct vm_config *c = vm->config;
	int err;

	vm->mem_size = c->memory_size;
	uint64_t hpa = c->memory_base;
	if (hpa)
		err = phys_claim_range(hpa, c->memory_size);
	else
		err = phys_alloc_pages(c->memory_size / PAGE_SIZE, GUEST_MEM_ALIGN / PAGE_SIZE,
				       &hpa);
	if (err) {
		printf("cairn: vm %s: memory check failed: %lu MiB %s%lx is not free (error %d)\n",
		       vm->name, c->memory_size / MiB, c->memory_base ? "at 0x" : "anywhere, ",
		       c->memory_base, err);
		return err;
	}
	vm->mem_hpa = hpa;
	if (c->memory_base) /* the allocator zeroes what it hands out; a claimed range is as found */
		memset(guest_ram_ptr(vm, 0), 0, vm->mem_size);
	return virt_vm_map(vm, 0, vm->mem_hpa, vm->mem_size, VIRT_MEM_RWX);
}

static int partition_create(struct vm *vm, const struct vm_config *c, const struct boot_info *bi)
{
	vm->config = c;
	vm->name = c->name;
	vm->trap_hlt = false; /* its pCPUs and LAPIC timers are its own: HLT waits in the guest */
	vm->image = boot_module_find(bi, c->image);
	if (!vm->image) {
		printf("cairn: vm %s: image check failed: no boot module named '%s'\n", c->name,
		       c->image);
		return -ENOENT;
	}
	int err = virt_vm_init(vm);
	if (!err)
		err = partition_memory(vm);
	if (!err)
		err = vm_create_vcpus(vm, c->pcpu_mask);
	if (!err)
		err = vuart_attach(vm, CAIRN_VUART_PORT, false, 0);
	if (!err)
		err = arch_partition_build(vm);
	if (!err)
		err = partition_load(vm);
	return err;
}

void partitions_start(const struct boot_info *bi)
{
	printf("cairn: scenario '%s': %zu VMs\n", scenario_name, scenario_vm_count);
	for (size_t i = 0; i < scenario_vm_count && i < MAX_VMS; i++) {
		const struct vm_config *c = &scenario_vms[i];
		struct vm *vm = &vms[i];
		if (c->kind != VM_KIND_PRE_LAUNCHED)
			continue;
		vm->id = (uint32_t)i;
		if (partition_create(vm, c, bi)) {
			printf("cairn: vm %s not started (%s)\n", c->name, c->source);
			vm_discard(vm);
			continue;
		}
		vm->state = VM_CREATED;
		printf("cairn: vm %s: pre-launched on pCPU mask 0x%lx, %lu MiB at 0x%lx, image "
		       "%s\n",
		       vm->name, c->pcpu_mask, vm->mem_size / MiB, vm->mem_hpa, c->image);
	}
	/* Start them together, once all are built: creating one never slows another down. */
	for (size_t i = 0; i < MAX_VMS; i++)
		if (vms[i].state == VM_CREATED)
			vm_start(&vms[i]);
}
