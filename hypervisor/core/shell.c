/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor shell on COM1: inspect and control VMs, or hand keyboard input to a VM's vUART. */
#include "core/console.h"
#include "core/shell.h"
#include "core/user_vm.h"
#include "core/virt.h"
#include "core/vm.h"
#include "core/vm_lifecycle.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "drivers/amd_iommu.h"

#define LINE_MAX 80

static char line[LINE_MAX];
static size_t line_len;
static struct vm *input_vm; /* non-NULL: typed bytes go to this VM's vUART */

static void cmd_help(struct vm *vm)
{
	printf("cairn: commands: vms | stats [vm] | vcpus [vm] | pause <vm> | resume <vm> | stop "
	       "<vm> | "
	       "reset <vm> | console <vm> (Ctrl-] comes back)\n");
}

static void cmd_vms(struct vm *unused)
{
	for (size_t i = 0; i < MAX_VMS; i++) {
		struct vm *vm = &vms[i];
		if (vm->state == VM_FREE)
			continue;
		char line[200];
		int len =
			format_snprintf(line, sizeof(line),
					"cairn: vm %u %s: %s, pCPU mask 0x%lx, %lu MiB, resets %u",
					vm->id, vm->name, vm_state_name(vm->state),
					vm->config->pcpu_mask, vm->mem_size / MiB, vm->resets);
		user_vm_describe(vm, line, sizeof(line), len);
		printf("%s\n", line);
	}
}

static void cmd_stats(struct vm *vm)
{
	if (vm) {
		vm_print_exit_stats(vm);
		return;
	}
	for (size_t i = 0; i < MAX_VMS; i++)
		if (vms[i].state != VM_FREE)
			vm_print_exit_stats(&vms[i]);
	if (amd_iommu_remaps_interrupts()) {
		uint64_t in_use, written;
		amd_iommu_remap_counts(&in_use, &written);
		printf("cairn: iommu: MSI remapping entries in use %lu, written %lu\n", in_use,
		       written);
	}
}

static const char *vcpu_state_name(const struct vcpu *vcpu)
{
	static const char *const names[] = { "offline", "running", "halted", "stopped" };

	return vcpu->state < ARRAY_SIZE(names) ? names[vcpu->state] : "?";
}

/* Where each vCPU was at its last exit (a running vCPU's figures are as old as that exit). */
static void describe_vcpus(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		uint64_t total = 0;
		for (size_t r = 0; r < EXIT_REASON_COUNT; r++)
			total += vcpu->exits[r];
		printf("cairn: vm %s vcpu %u: pCPU %u %s%s, rip 0x%lx rflags 0x%lx, %lu exits, "
		       "last %s\n",
		       vm->name, i, vcpu->pcpu ? vcpu->pcpu->id : 0, vcpu_state_name(vcpu),
		       vcpu->paused ? " paused" : "", virt_vcpu_rip(vcpu), virt_vcpu_rflags(vcpu),
		       total, exit_reason_name(vcpu->last_exit));
	}
	vuart_describe(vm);
	/* Each pCPU adds a line of its own: registers and the LAPIC only it can read. */
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		if (vcpu_bound(&vm->vcpus[i]))
			pcpu_post(vm->vcpus[i].pcpu, PCPU_REQ_DUMP);
}

static void cmd_vcpus(struct vm *vm)
{
	if (vm) {
		describe_vcpus(vm);
		return;
	}
	for (size_t i = 0; i < MAX_VMS; i++)
		if (vms[i].state != VM_FREE)
			describe_vcpus(&vms[i]);
}

static void report(struct vm *vm, const char *what, int err)
{
	if (err == -ENOSYS)
		printf("cairn: vm %s: %s is not supported for this kind of VM\n", vm->name, what);
	else if (err)
		printf("cairn: vm %s is %s: cannot %s it\n", vm->name, vm_state_name(vm->state),
		       what);
}

static void cmd_pause(struct vm *vm)
{
	report(vm, "pause", vm_pause(vm));
}

static void cmd_resume(struct vm *vm)
{
	report(vm, "resume", vm_resume(vm));
}

static void cmd_stop(struct vm *vm)
{
	report(vm, "stop", vm_stop(vm, "stop command"));
}

static void cmd_reset(struct vm *vm)
{
	report(vm, "reset", vm_reset(vm, "reset command"));
}

void shell_focus_vm(struct vm *vm)
{
	input_vm = vm;
	printf("cairn: console input goes to vm %s; Ctrl-] returns to the shell\n", vm->name);
}

void shell_forget_vm(struct vm *vm)
{
	if (input_vm != vm)
		return;
	input_vm = NULL;
	printf("cairn: console input back to the hypervisor shell (vm %s stopped)\n", vm->name);
}

static void cmd_console(struct vm *vm)
{
	shell_focus_vm(vm);
}

static const struct shell_command {
	const char *name;
	void (*run)(struct vm *vm);
	int vm_arg; /* 0 none, 1 optional, 2 required */
} commands[] = {
	{ "help", cmd_help, 0 },   { "vms", cmd_vms, 0 },     { "stats", cmd_stats, 1 },
	{ "vcpus", cmd_vcpus, 1 }, { "pause", cmd_pause, 2 }, { "resume", cmd_resume, 2 },
	{ "stop", cmd_stop, 2 },   { "reset", cmd_reset, 2 }, { "console", cmd_console, 2 },
};

static void shell_execute(char *cmd)
{
	char *arg = strchr(cmd, ' ');

	if (arg) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	}
	if (!*cmd)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(cmd, commands[i].name) != 0)
			continue;
		struct vm *vm = arg && *arg ? vm_find_by_name(arg) : NULL;
		if (arg && *arg && !vm) {
			printf("cairn: no vm named '%s'\n", arg);
			return;
		}
		if (commands[i].vm_arg == 2 && !vm) {
			printf("cairn: usage: %s <vm>\n", cmd);
			return;
		}
		commands[i].run(vm);
		return;
	}
	printf("cairn: unknown command '%s' (try help)\n", cmd);
}

static void shell_line_input(int c)
{
	if (c == '\r' || c == '\n') {
		console_write("\n", 1);
		line[line_len] = '\0';
		line_len = 0;
		shell_execute(line);
		if (!input_vm)
			console_write("cairn> ", 7);
	} else if ((c == 0x7F || c == 0x08) && line_len) {
		line_len--;
		console_write("\b \b", 3);
	} else if (c >= 0x20 && c < 0x7F && line_len < LINE_MAX - 1) {
		line[line_len++] = (char)c;
		char ch = (char)c;
		console_write(&ch, 1);
	}
}

bool shell_input_ready(void)
{
	struct vm *vm = input_vm;

	return !vm || vuart_can_receive(vm);
}

void shell_input(int c)
{
	if (!input_vm) {
		shell_line_input(c);
		return;
	}
	if (c == SHELL_RETURN_KEY) {
		printf("\ncairn: console input back to the hypervisor shell\n");
		input_vm = NULL;
		console_write("cairn> ", 7);
		return;
	}
	/* shell_input_ready() said there is room (refused only when the guest stalled). */
	vuart_receive(input_vm, (uint8_t)c);
}
