/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's control commands (dm/ctl.c): each verb reaches its op, replies say so. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dm/ctl.h"
#include "harness.h"

struct fake_vm {
	int pause_err, resume_err, reset_err;
	int pauses, resumes, resets, stops;
};

static int fake_pause(void *opaque)
{
	struct fake_vm *vm = opaque;

	vm->pauses++;
	return vm->pause_err;
}

static int fake_resume(void *opaque)
{
	struct fake_vm *vm = opaque;

	vm->resumes++;
	return vm->resume_err;
}

static int fake_reset(void *opaque)
{
	struct fake_vm *vm = opaque;

	vm->resets++;
	return vm->reset_err;
}

static void fake_stop(void *opaque)
{
	((struct fake_vm *)opaque)->stops++;
}

static void fake_status(void *opaque, char *out, size_t size)
{
	snprintf(out, size, "uvm1 running vmid 2 pcpus 2,3 mem 64 pid 77");
}

/* dm/ctl.c's socket half names the VM's ops; this test drives dm_ctl_command with fakes. */
const struct dm_ctl_ops dm_ctl_vm_ops = {
	.pause = fake_pause,
	.resume = fake_resume,
	.reset = fake_reset,
	.stop = fake_stop,
	.status = fake_status,
};

static char reply[DM_CTL_LINE_MAX];

static const char *run(struct fake_vm *vm, const char *line)
{
	dm_ctl_command(&dm_ctl_vm_ops, vm, line, reply, sizeof(reply));
	return reply;
}

TEST(status_reports_the_vm)
{
	struct fake_vm vm = { 0 };

	EXPECT_STREQ(run(&vm, "status\n"), "ok uvm1 running vmid 2 pcpus 2,3 mem 64 pid 77");
}

TEST(each_verb_reaches_its_op_once)
{
	struct fake_vm vm = { 0 };

	EXPECT_STREQ(run(&vm, "pause\n"), "ok paused");
	EXPECT_STREQ(run(&vm, "resume"), "ok running");
	EXPECT_STREQ(run(&vm, "reset\r\n"), "ok running");
	EXPECT_STREQ(run(&vm, "stop\n"), "ok stopping");
	EXPECT_EQ(vm.pauses, 1);
	EXPECT_EQ(vm.resumes, 1);
	EXPECT_EQ(vm.resets, 1);
	EXPECT_EQ(vm.stops, 1);
}

TEST(an_op_error_is_the_reply)
{
	struct fake_vm vm = { .pause_err = -EALREADY, .reset_err = -EIO };

	EXPECT_STREQ(run(&vm, "pause\n"), "error Operation already in progress");
	EXPECT_STREQ(run(&vm, "reset\n"), "error Input/output error");
}

TEST(bad_lines_reach_no_op)
{
	static const char *const lines[] = { "",
					     "\n",
					     "   ",
					     "frobnicate\n",
					     "stop now\n",
					     "pause pause",
					     "statusx",
					     "Stop",
					     "averyveryverylongcommandword" };
	struct fake_vm vm = { 0 };

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		EXPECT_EQ(strncmp(run(&vm, lines[i]), "error ", 6), 0);
	EXPECT_EQ(vm.pauses + vm.resumes + vm.resets + vm.stops, 0);
}

TEST(a_short_reply_buffer_is_truncated_not_overrun)
{
	struct fake_vm vm = { 0 };
	char small[8];

	memset(small, 'x', sizeof(small));
	dm_ctl_command(&dm_ctl_vm_ops, &vm, "status", small, sizeof(small));
	EXPECT_STREQ(small, "ok uvm1");
}
