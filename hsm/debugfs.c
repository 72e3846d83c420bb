// SPDX-License-Identifier: GPL-2.0-only
/* /sys/kernel/debug/cairn_hsm/: the upcall count, and per VM its clients, ranges and counters. */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "hsm_drv.h"

static struct dentry *root;

static int summary_show(struct seq_file *m, void *unused)
{
	struct hsm_vm *vm;

	seq_printf(m, "service device: %s\nupcalls: %llu\n",
		   hsm_service_dev_bound() ? "bound" : "absent", hsm_upcalls());
	mutex_lock(&hsm_vms_lock);
	list_for_each_entry(vm, &hsm_vms, list)
		seq_printf(m, "vm %u \"%s\": %u vCPUs\n", vm->vmid, vm->name, vm->vcpu_num);
	mutex_unlock(&hsm_vms_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(summary);

static const char *type_name(u32 type)
{
	return type == ACRN_IOREQ_TYPE_PORTIO ? "port"
	       : type == ACRN_IOREQ_TYPE_MMIO ? "mmio"
					      : "?";
}

static void show_counters(struct seq_file *m, const struct hsm_counters *s)
{
	seq_printf(m, "dispatched %llu (default %llu, range %llu, ioeventfd %llu)\n", s->dispatched,
		   s->to_default, s->to_range, s->ioeventfd);
	seq_printf(m, "pci-config %llu, 0xcf8-in-kernel %llu\n", s->pci_cfg, s->conf_addr);
	seq_printf(m, "completed %llu, stale %llu, notify-failed %llu\n", s->completed, s->stale,
		   s->notify_fail);
	seq_printf(m, "malformed %llu, scribbled %llu, no-client %llu, orphaned %llu\n", s->bad,
		   s->scribbled, s->no_client, s->orphaned);
}

static int vm_show(struct seq_file *m, void *unused)
{
	struct hsm_vm *vm = m->private;
	struct hsm_client *c;
	unsigned int i;

	mutex_lock(&vm->lock);
	seq_printf(m, "vm %u \"%s\": %u vCPUs, %s completion, 0xcf8 latch %#x\n", vm->vmid,
		   vm->name, vm->vcpu_num, hsm_vm_completion(vm), vm->conf_addr);
	show_counters(m, &vm->stats);
	c = vm->default_client;
	if (c)
		seq_printf(m, "client 0 default: pending %#lx, dispatched %llu, completed %llu\n",
			   c->pending, c->dispatched, c->completed);
	else
		seq_puts(m, "client 0 default: none\n");
	list_for_each_entry(c, &vm->clients, list)
		seq_printf(m,
			   "client %u \"%s\" %s [%#llx, %#llx]: pending %#lx, held %#lx, "
			   "dispatched %llu, completed %llu\n",
			   c->id, c->name, type_name(c->type), c->start, c->end, c->pending,
			   c->held, c->dispatched, c->completed);
	for (i = 0; i < vm->nranges; i++)
		seq_printf(m, "range %u: %s [%#llx, %#llx] %s\n", i, type_name(vm->ranges[i].type),
			   vm->ranges[i].start, vm->ranges[i].end,
			   hsm_ioeventfd_owns(vm, vm->ranges[i].owner) ? "ioeventfd" : "client");
	seq_printf(m, "memory segments: %u\n", vm->nmemsegs);
	mutex_unlock(&vm->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vm);

void hsm_debugfs_init(void)
{
	root = debugfs_create_dir("cairn_hsm", NULL);
	debugfs_create_file("summary", 0400, root, NULL, &summary_fops);
}

void hsm_debugfs_exit(void)
{
	debugfs_remove_recursive(root);
}

void hsm_debugfs_add_vm(struct hsm_vm *vm)
{
	char name[16];

	snprintf(name, sizeof(name), "vm%u", vm->vmid);
	vm->debugfs = debugfs_create_file(name, 0400, root, vm, &vm_fops);
}

/* Waits for readers in progress, so the VM may be freed afterwards. */
void hsm_debugfs_remove_vm(struct hsm_vm *vm)
{
	debugfs_remove(vm->debugfs);
	vm->debugfs = NULL;
}
