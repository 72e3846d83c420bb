/* SPDX-License-Identifier: BSD-3-Clause */
/* Registers through which a Service VM could reset, power off or SMI the machine: trapped, judged. */
#include "core/console.h"
#include "core/virt.h"
#include "core/vm_lifecycle.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "acpi/acpi.h"
#include "x86/chipset_lock.h"
#include "x86/cpu.h"
#include "x86/guest/port_guard.h"
#include "x86/guest/reset_policy.h"
#include "x86/platform.h"

#define PORT_APM_CONTROL 0xB2 /* ICH9 APM_CNT, the FADT's SMI_CMD on q35 */
#define PM_SMI_EN	 0x30
#define PM_TCO_DAT_IN	 0x62
#define QEMU_CPU_HOTPLUG 0x0CD8 /* QEMU q35's ACPI CPU hotplug block (ICH9_CPU_HOTPLUG_IO_BASE) */
#define CPU_HOTPLUG_LEN	 12
#define QEMU_FW_CFG_DMA	 0x514 /* big-endian 64-bit address; a write to its low half starts DMA */
#define FW_CFG_DMA_LEN	 8
#define DROPS_LOGGED	 3 /* then one line per DROPS_EVERY */
#define DROPS_EVERY	 1000
#define MAX_GUARD_PAGES	 3

/* One trapped page of registers in memory space, judged by its own policy (ports = offsets). */
struct guard_page {
	uint64_t base;
	struct reset_policy policy;
};

struct port_guard {
	spinlock_t lock; /* the policy's state and the forwarded write happen in order */
	struct reset_policy ports;
	size_t npages;
	struct guard_page pages[MAX_GUARD_PAGES];
	bool refused; /* the VM asked for a reset or a power-off and is being stopped */
	uint64_t drops[GUARD_KIND_COUNT]; /* rate-limited lines: per kind of register */
};

static struct port_guard guards[MAX_VMS];

static void note_drop(struct vm *vm, struct port_guard *g, const struct reset_decision *d,
		      uint64_t where, uint32_t value)
{
	uint64_t n = ++g->drops[d->kind < GUARD_KIND_COUNT ? d->kind : 0];

	if (n <= DROPS_LOGGED)
		printf("cairn: vm %s: %s (0x%lx <- 0x%x)\n", vm->name, d->why, where, value);
	else if (n % DROPS_EVERY == 0)
		printf("cairn: vm %s: %s: %lu writes so far\n", vm->name, d->why, n);
}

/* Returns true when the write may go to the hardware (with d->value). Called under g->lock. */
static bool act(struct vm *vm, struct port_guard *g, const struct reset_decision *d, uint64_t where,
		uint32_t value)
{
	char why[160];

	if (g->refused)
		return false;
	switch (d->verdict) {
	case RESET_PASS:
		return true;
	case RESET_DROP:
		note_drop(vm, g, d, where, value);
		return false;
	case RESET_REFUSE_RESET:
	case RESET_REFUSE_SLEEP:
		g->refused = true;
		format_snprintf(why, sizeof(why), "%s: 0x%lx <- 0x%x, refused", d->why, where,
				value);
		if (d->verdict == RESET_REFUSE_RESET)
			vm_fault_external(vm, why);
		else
			vm_stop(vm, why);
		return false;
	}
	return false;
}

static void guard_write(struct vm *vm, struct port_guard *g, uint16_t port, uint8_t size,
			uint32_t value)
{
	spin_lock(&g->lock);
	struct reset_decision d = reset_policy_write(&g->ports, port, size, value);
	if (act(vm, g, &d, port, value))
		port_write(port, size, d.value);
	spin_unlock(&g->lock);
}

/* Guarded ports: reads reach the hardware, writes are judged (a partial match: the whole access). */
static int guard_port_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	uint16_t port = (uint16_t)access->addr;

	if (access->write)
		guard_write(vcpu->vm, opaque, port, access->size, (uint32_t)access->value);
	else
		access->value = port_read(port, access->size);
	return 0;
}

static uint64_t mmio_load(uint64_t pa, uint8_t size)
{
	switch (size) {
	case 1:
		return *(volatile uint8_t *)(uintptr_t)pa;
	case 2:
		return *(volatile uint16_t *)(uintptr_t)pa;
	case 4:
		return mmio_read32(pa);
	default:
		return mmio_read64(pa);
	}
}

static void mmio_store(uint64_t pa, uint8_t size, uint64_t v)
{
	switch (size) {
	case 1:
		*(volatile uint8_t *)(uintptr_t)pa = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)(uintptr_t)pa = (uint16_t)v;
		break;
	case 4:
		mmio_write32(pa, (uint32_t)v);
		break;
	default:
		mmio_write64(pa, v);
		break;
	}
}

/* Writes to a guarded page: judged in 4-byte halves at most, then done as one store. */
static int guard_page_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	struct port_guard *g = &guards[vcpu->vm->id];
	struct guard_page *page = opaque;
	uint64_t offset = access->addr - page->base, out = 0;
	uint8_t size = access->size;
	bool pass = true;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return vcpu_fault(vcpu, "access of %u bytes to guarded page 0x%lx", size,
				  page->base);
	if (!access->write) { /* the page is mapped readable; a read-modify-write lands here */
		access->value = mmio_load(access->addr, size);
		return 0;
	}
	spin_lock(&g->lock);
	for (uint8_t done = 0; done < size && pass; done += 4) {
		uint8_t part = size - done < 4 ? size - done : 4;
		uint32_t v = (uint32_t)(access->value >> (8 * done));
		struct reset_decision d =
			reset_policy_write(&page->policy, (uint16_t)(offset + done), part, v);
		pass = act(vcpu->vm, g, &d, access->addr + done, v);
		out |= (uint64_t)d.value << (8 * done);
	}
	if (pass)
		mmio_store(access->addr, size, out);
	spin_unlock(&g->lock);
	return 0;
}

static int add_port_reg(struct vm *vm, struct port_guard *g, enum guarded_kind kind, uint16_t port,
			uint8_t len, uint8_t value, uint8_t value2)
{
	bool trapped = reset_policy_covers(&g->ports, port, len);
	int err = reset_policy_add(&g->ports, kind, port, len, value, value2);

	if (err || trapped)
		return err;
	struct io_handler h = {
		.bus = IO_BUS_PORT,
		.base = port,
		.size = len,
		.partial = true,
		.access = guard_port_access,
		.opaque = g,
	};
	return io_emul_add(vm, &h);
}

static int add_mmio_reg(struct vm *vm, struct port_guard *g, enum guarded_kind kind, uint64_t pa,
			uint8_t len, uint8_t value)
{
	uint64_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	struct guard_page *page = NULL;

	if ((pa + len - 1) / PAGE_SIZE != pa / PAGE_SIZE)
		return -EINVAL; /* a register across two pages: firmware nonsense */
	for (size_t i = 0; i < g->npages; i++)
		if (g->pages[i].base == base)
			page = &g->pages[i];
	if (!page) {
		if (g->npages == MAX_GUARD_PAGES)
			return -ENOSPC;
		page = &g->pages[g->npages++];
		page->base = base;
		struct io_handler h = {
			.bus = IO_BUS_MMIO,
			.base = base,
			.size = PAGE_SIZE,
			.access = guard_page_access,
			.opaque = page,
		};
		int err = io_emul_trap_writes(vm, &h);
		if (err)
			return err;
	}
	return reset_policy_add(&page->policy, kind, (uint16_t)(pa - base), len, value, 0);
}

static int add_acpi_reg(struct vm *vm, struct port_guard *g, enum guarded_kind kind,
			const struct acpi_reg *r, uint8_t value)
{
	if (r->space == ACPI_REG_IO)
		return add_port_reg(vm, g, kind, (uint16_t)r->address, r->len, value, 0);
	if (r->space == ACPI_REG_MEMORY)
		return add_mmio_reg(vm, g, kind, r->address, r->len, value);
	return 0;
}

int port_guard_attach(struct vm *vm)
{
	struct port_guard *g = &guards[vm->id];
	const struct acpi_fadt_info *f = &platform.fadt;
	uint16_t smi_cmd = platform.has_fadt && f->smi_cmd_port ? f->smi_cmd_port : 0;
	int err;

	memset(g, 0, sizeof(*g));
	err = add_port_reg(vm, g, GUARD_RESET_CONTROL, PORT_RESET_CONTROL, 1, 0, 0);
	if (!err)
		err = add_port_reg(vm, g, GUARD_FAST_A20, PORT_FAST_A20, 1, 0, 0);
	if (!err)
		err = add_port_reg(vm, g, GUARD_KBC_DATA, PORT_KBC_DATA, 1, 0, 0);
	if (!err)
		err = add_port_reg(vm, g, GUARD_KBC_COMMAND, PORT_KBC_COMMAND, 1, 0, 0);
	if (!err && platform.has_fadt) {
		err = add_acpi_reg(vm, g, GUARD_PM1_CONTROL, &f->pm1a_cnt, 0);
		if (!err)
			err = add_acpi_reg(vm, g, GUARD_PM1_CONTROL, &f->pm1b_cnt, 0);
		if (!err)
			err = add_acpi_reg(vm, g, GUARD_ACPI_RESET, &f->reset_reg, f->reset_value);
		if (!err)
			err = add_acpi_reg(vm, g, GUARD_SLEEP_CONTROL, &f->sleep_control, 0);
	}
	/* ACPI enable/disable pass (QEMU's ICH9 raises no SMI for them); ICH9's APM_CNT is 0xB2. */
	if (!err && smi_cmd)
		err = add_port_reg(vm, g, GUARD_APM_COMMAND, smi_cmd, 1, f->acpi_enable,
				   f->acpi_disable);
	if (!err && chipset.ich9_lpc && smi_cmd != PORT_APM_CONTROL)
		err = add_port_reg(vm, g, GUARD_APM_COMMAND, PORT_APM_CONTROL, 1,
				   smi_cmd ? f->acpi_enable : 0, smi_cmd ? f->acpi_disable : 0);
	if (!err && chipset.pmbase) {
		err = add_port_reg(vm, g, GUARD_SMI_ENABLE, chipset.pmbase + PM_SMI_EN, 4, 0, 0);
		if (!err)
			err = add_port_reg(vm, g, GUARD_TCO_DATA_IN, chipset.pmbase + PM_TCO_DAT_IN,
					   1, 0, 0);
	}
	if (!err && chipset.ich9_lpc)
		err = add_port_reg(vm, g, GUARD_CPU_HOTPLUG, QEMU_CPU_HOTPLUG, CPU_HOTPLUG_LEN, 0,
				   0);
	if (!err && chipset.ich9_lpc)
		err = add_port_reg(vm, g, GUARD_FW_CFG_DMA, QEMU_FW_CFG_DMA, FW_CFG_DMA_LEN, 0, 0);
	if (!err && chipset.gcs_pa)
		err = add_mmio_reg(vm, g, GUARD_NO_REBOOT, chipset.gcs_pa, 4, 0);
	if (err)
		printf("cairn: vm %s: reset and power guards incomplete (error %d)\n", vm->name,
		       err);
	return err;
}

void port_guard_write(struct vm *vm, uint16_t port, uint8_t size, uint32_t value)
{
	guard_write(vm, &guards[vm->id], port, size, value);
}

void port_guard_restart(struct vm *vm)
{
	struct port_guard *g = &guards[vm->id];

	spin_lock(&g->lock);
	g->refused = false;
	g->ports.kbc_output_port_next = false;
	spin_unlock(&g->lock);
}
