/* SPDX-License-Identifier: BSD-3-Clause */
/* The User VM as /dev/acrn_hsm sees it: every ioctl cairn-dm issues goes through these functions. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cairn/acrn_hsm.h"
#include "dm/vm.h"

#define IOREQ_PAGE_SIZE 4096

static int hsm_ioctl(const struct dm_vm *vm, unsigned long request, unsigned long arg)
{
	int rc;

	do
		rc = ioctl(vm->fd, request, arg);
	while (rc < 0 && errno == EINTR && request != ACRN_IOCTL_ATTACH_IOREQ_CLIENT &&
	       request != CAIRN_IOCTL_CLIENT_FETCH);
	return rc < 0 ? -errno : 0;
}

static int hsm_ioctl_ptr(const struct dm_vm *vm, unsigned long request, const void *arg)
{
	return hsm_ioctl(vm, request, (unsigned long)(uintptr_t)arg);
}

int dm_vm_open(struct dm_vm *vm)
{
	void *page;

	*vm = (struct dm_vm){ .fd = -1 };
	vm->fd = open(ACRN_HSM_DEVICE, O_RDWR | O_CLOEXEC);
	if (vm->fd < 0)
		return -errno;
	/* Its own mapping, so that nothing else of cairn-dm shares the page the HSM pins. */
	page = mmap(NULL, IOREQ_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
	if (page == MAP_FAILED) {
		int err = -errno;

		close(vm->fd);
		vm->fd = -1;
		return err;
	}
	memset(page, 0, IOREQ_PAGE_SIZE);
	vm->ioreq_page = page;
	return 0;
}

void dm_vm_close(struct dm_vm *vm)
{
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->ioreq_page)
		munmap(vm->ioreq_page, IOREQ_PAGE_SIZE);
	*vm = (struct dm_vm){ .fd = -1 };
}

int dm_vm_create(struct dm_vm *vm, const char *name, uint64_t cpu_affinity, uint64_t vm_flag)
{
	struct acrn_vm_creation c = {
		.vm_flag = vm_flag,
		.ioreq_buf = (uint64_t)(uintptr_t)vm->ioreq_page,
		.cpu_affinity = cpu_affinity,
	};
	int err;

	strncpy((char *)c.uuid, name, sizeof(c.uuid) - 1); /* NUL-padded, always terminated */
	err = hsm_ioctl_ptr(vm, ACRN_IOCTL_CREATE_VM, &c);
	if (err)
		return err;
	if (c.vcpu_num == 0 || c.vcpu_num > ACRN_IO_REQUEST_MAX)
		return -EPROTO; /* an answer no HSM gives: do not trust the page layout */
	vm->vmid = c.vmid;
	vm->vcpu_num = c.vcpu_num;
	return 0;
}

int dm_vm_destroy(struct dm_vm *vm)
{
	return hsm_ioctl(vm, ACRN_IOCTL_DESTROY_VM, 0);
}

int dm_vm_start(struct dm_vm *vm)
{
	return hsm_ioctl(vm, ACRN_IOCTL_START_VM, 0);
}

int dm_vm_pause(struct dm_vm *vm)
{
	return hsm_ioctl(vm, ACRN_IOCTL_PAUSE_VM, 0);
}

int dm_vm_reset(struct dm_vm *vm)
{
	return hsm_ioctl(vm, ACRN_IOCTL_RESET_VM, 0);
}

int dm_vm_set_vcpu_regs(struct dm_vm *vm, const struct acrn_vcpu_regs *regs)
{
	return hsm_ioctl_ptr(vm, ACRN_IOCTL_SET_VCPU_REGS, regs);
}

int dm_vm_set_ram(struct dm_vm *vm, uint64_t gpa, void *hva, uint64_t len)
{
	struct acrn_vm_memmap map = {
		.type = ACRN_MEMMAP_RAM,
		.attr = ACRN_MEM_ACCESS_READ | ACRN_MEM_ACCESS_WRITE | ACRN_MEM_ACCESS_EXEC,
		.user_vm_pa = gpa,
		.vma_base = (uint64_t)(uintptr_t)hva,
		.len = len,
	};

	return hsm_ioctl_ptr(vm, ACRN_IOCTL_SET_MEMSEG, &map);
}

int dm_vm_ioreq_client_create(struct dm_vm *vm)
{
	return hsm_ioctl(vm, ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0);
}

int dm_vm_ioreq_client_attach(struct dm_vm *vm)
{
	return hsm_ioctl(vm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0);
}

int dm_vm_ioreq_client_destroy(struct dm_vm *vm)
{
	return hsm_ioctl(vm, ACRN_IOCTL_DESTROY_IOREQ_CLIENT, 0);
}

int dm_vm_notify_request_finish(struct dm_vm *vm, uint32_t vcpu)
{
	struct acrn_ioreq_notify n = { .vmid = vm->vmid, .vcpu = vcpu };

	return hsm_ioctl_ptr(vm, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n);
}

int dm_vm_inject_msi(struct dm_vm *vm, uint64_t addr, uint64_t data)
{
	struct acrn_msi_entry msi = { .msi_addr = addr, .msi_data = data };

	return hsm_ioctl_ptr(vm, ACRN_IOCTL_INJECT_MSI, &msi);
}

int dm_vm_ioeventfd(struct dm_vm *vm, int fd, uint64_t addr, uint32_t len, bool pio, bool deassign)
{
	struct acrn_ioeventfd e = {
		.fd = (uint32_t)fd,
		.flags = (pio ? ACRN_IOEVENTFD_FLAG_PIO : 0) |
			 (deassign ? ACRN_IOEVENTFD_FLAG_DEASSIGN : 0),
		.addr = addr,
		.len = len,
	};

	return hsm_ioctl_ptr(vm, ACRN_IOCTL_IOEVENTFD, &e);
}

int dm_vm_irqfd(struct dm_vm *vm, int fd, uint64_t addr, uint64_t data, bool deassign)
{
	struct acrn_irqfd i = { .fd = fd,
				.flags = deassign ? ACRN_IRQFD_FLAG_DEASSIGN : 0,
				.msi = { .msi_addr = addr, .msi_data = data } };

	return hsm_ioctl_ptr(vm, ACRN_IOCTL_IRQFD, &i);
}

int dm_vm_set_irqline(struct dm_vm *vm, uint32_t gsi, uint32_t op)
{
	return hsm_ioctl(vm, ACRN_IOCTL_SET_IRQLINE, ((unsigned long)op << 32) | gsi);
}

int dm_vm_range_client_create(struct dm_vm *vm, uint32_t type, uint64_t start, uint64_t end,
			      const char *name, uint32_t *id)
{
	struct cairn_ioreq_range_client c = { .type = type, .start = start, .end = end };
	int err;

	strncpy(c.name, name, sizeof(c.name) - 1);
	err = hsm_ioctl_ptr(vm, CAIRN_IOCTL_CREATE_RANGE_CLIENT, &c);
	if (!err)
		*id = c.id;
	return err;
}

int dm_vm_range_client_fetch(struct dm_vm *vm, uint32_t id, struct cairn_ioreq_fetch *fetch)
{
	memset(fetch, 0, sizeof(*fetch));
	fetch->id = id;
	return hsm_ioctl_ptr(vm, CAIRN_IOCTL_CLIENT_FETCH, fetch);
}

int dm_vm_range_client_complete(struct dm_vm *vm, uint32_t id, uint32_t vcpu, uint64_t value)
{
	struct cairn_ioreq_complete c = { .id = id, .vcpu = vcpu, .value = value };

	return hsm_ioctl_ptr(vm, CAIRN_IOCTL_CLIENT_COMPLETE, &c);
}

int dm_vm_range_client_destroy(struct dm_vm *vm, uint32_t id)
{
	return hsm_ioctl(vm, CAIRN_IOCTL_DESTROY_RANGE_CLIENT, id);
}
