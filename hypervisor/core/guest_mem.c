/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Copying to and from a guest's memory through its nested mapping, every byte checked: the guest
 * must map it with the right, and it must be RAM (a guest pointer at a device, a hole, or memory
 * above what the hypervisor maps is refused, never dereferenced).
 */
#include "core/guest_mem.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"

int guest_phys_locate(struct vm *vm, uint64_t gpa, size_t len, uint32_t right, uint64_t *hpa)
{
	uint32_t rights;

	if (!len || len > PAGE_SIZE - (gpa & (PAGE_SIZE - 1)) ||
	    virt_vm_translate(vm, gpa, hpa, &rights) || (rights & right) != right ||
	    !phys_mem_is_ram(*hpa, len))
		return -EFAULT;
	return 0;
}

static int guest_phys_copy(struct vm *vm, uint64_t gpa, void *buf, size_t len, bool write)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t hpa;
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		if (guest_phys_locate(vm, gpa, chunk, write ? VIRT_MEM_WRITE : VIRT_MEM_READ, &hpa))
			return -EFAULT;
		if (write)
			memcpy(phys_to_virt(hpa), p, chunk);
		else
			memcpy(p, phys_to_virt(hpa), chunk);
		gpa += chunk;
		p += chunk;
		len -= chunk;
	}
	return 0;
}

int guest_phys_read(struct vm *vm, uint64_t gpa, void *dst, size_t len)
{
	return guest_phys_copy(vm, gpa, dst, len, false);
}

int guest_phys_write(struct vm *vm, uint64_t gpa, const void *src, size_t len)
{
	return guest_phys_copy(vm, gpa, (void *)src, len, true);
}
