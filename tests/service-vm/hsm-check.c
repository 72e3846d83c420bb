/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cairn-hsm-check: /dev/acrn_hsm's answers to bad and early calls, one "cairn-hsm: ..." line per
 * check and a last "cairn-hsm: done, N failed" (tests/integration/test_hsm.py). It needs no
 * User VM support in the hypervisor: CREATE_VM's answer is whatever the hypervisor said.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cairn/acrn_hsm.h"
#include "cairn/cairn_hsm.h"

static int failures;

/* The call must fail with `want` (0: must succeed). */
static void expect(const char *what, int ret, int want)
{
	int got = ret < 0 ? errno : 0;

	if (got == want) {
		printf("cairn-hsm: %s: %s ok\n", what, want ? strerror(want) : "0");
	} else {
		printf("cairn-hsm: %s: FAILED, got %d (%s), want %d (%s)\n", what, got,
		       strerror(got), want, strerror(want));
		failures++;
	}
}

static int open_hsm(void)
{
	int fd = open(ACRN_HSM_DEVICE, O_RDWR);

	if (fd < 0) {
		printf("cairn-hsm: open %s: FAILED: %s\n", ACRN_HSM_DEVICE, strerror(errno));
		exit(1);
	}
	return fd;
}

static void before_create_vm(int fd)
{
	struct acrn_ioreq_notify notify = { 0 };
	struct cairn_ioreq_complete done = { 0 };

	expect("unknown ioctl 0xA27F", ioctl(fd, CAIRN_IO(0x7F)), ENOTTY);
	expect("foreign ioctl type", ioctl(fd, 0x5401 /* TCGETS */, &notify), ENOTTY);
	expect("start before create", ioctl(fd, ACRN_IOCTL_START_VM, 0), EINVAL);
	expect("attach before create", ioctl(fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0), EINVAL);
	expect("notify before create", ioctl(fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &notify),
	       EINVAL);
	expect("client complete before create", ioctl(fd, CAIRN_IOCTL_CLIENT_COMPLETE, &done),
	       EINVAL);
	expect("destroy before create", ioctl(fd, ACRN_IOCTL_DESTROY_VM, 0), EINVAL);
	expect("set_irqline before create", ioctl(fd, ACRN_IOCTL_SET_IRQLINE, 0ul), EINVAL);
	expect("notify from a bad pointer", ioctl(fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, 16),
	       EFAULT);
}

static void create_vm_checks(int fd, void *page)
{
	struct acrn_vm_creation c;
	int ret;

	expect("create_vm from a bad pointer", ioctl(fd, ACRN_IOCTL_CREATE_VM, 8), EFAULT);
	memset(&c, 0, sizeof(c));
	c.ioreq_buf = (unsigned long)page;
	c.cpu_affinity = 1u << 2;
	c.reserved0 = 1;
	expect("create_vm reserved0", ioctl(fd, ACRN_IOCTL_CREATE_VM, &c), EINVAL);
	c.reserved0 = 0;
	c.cpu_affinity = 0;
	expect("create_vm no cpu", ioctl(fd, ACRN_IOCTL_CREATE_VM, &c), EINVAL);
	c.cpu_affinity = 0x1FFFF; /* 17 vCPUs: more than the request page has slots */
	expect("create_vm 17 cpus", ioctl(fd, ACRN_IOCTL_CREATE_VM, &c), EINVAL);
	c.cpu_affinity = 1u << 2;
	c.ioreq_buf = (unsigned long)page + 8;
	expect("create_vm unaligned ioreq_buf", ioctl(fd, ACRN_IOCTL_CREATE_VM, &c), EINVAL);
	c.ioreq_buf = 0x1000; /* page aligned, not mapped */
	expect("create_vm unmapped ioreq_buf", ioctl(fd, ACRN_IOCTL_CREATE_VM, &c), EFAULT);
	c.ioreq_buf = (unsigned long)page;
	memcpy(c.uuid, "hsm-check", 9);
	ret = ioctl(fd, ACRN_IOCTL_CREATE_VM, &c);
	if (ret == 0) {
		printf("cairn-hsm: create_vm: created vm %u with %u vCPUs\n", c.vmid, c.vcpu_num);
		expect("create_ioreq_client", ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0), 0);
		expect("create_ioreq_client twice", ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0),
		       EEXIST);
		expect("create_vm twice", ioctl(fd, ACRN_IOCTL_CREATE_VM, &c), EEXIST);
		expect("destroy_vm", ioctl(fd, ACRN_IOCTL_DESTROY_VM, 0), 0);
	} else {
		/* the hypervisor's own answer, passed back unchanged */
		printf("cairn-hsm: create_vm: hypervisor answered errno %d (%s)\n", errno,
		       strerror(errno));
	}
	expect("start after create failed or destroy", ioctl(fd, ACRN_IOCTL_START_VM, 0), EINVAL);
}

int main(void)
{
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd, i;

	if (page == MAP_FAILED) {
		perror("cairn-hsm: mmap");
		return 1;
	}
	fd = open_hsm();
	before_create_vm(fd);
	create_vm_checks(fd, page);
	close(fd);
	for (i = 0; i < 200; i++) /* one VM object per open: none may leak or linger */
		close(open_hsm());
	printf("cairn-hsm: 200 opens and closes ok\n");
	printf("cairn-hsm: done, %d failed\n", failures);
	return failures ? 1 : 0;
}
