/* SPDX-License-Identifier: BSD-3-Clause */
/* The Cairn service device: an emulated PCI function of the Service VM whose MSI is the upcall. */
#include "cairn/service_dev.h"
#include "core/arch.h"
#include "core/console.h"
#include "core/pcpu.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "drivers/pci_host.h"
#include "x86/guest/service_dev.h"
#include "x86/lapic.h"

#define CFG_SIZE    0x50 /* the header and the MSI capability; the rest reads 0 */
#define ECAM_SIZE   0x1000
#define MSI	    CAIRN_SERVICE_DEV_MSI_CAP
#define MSI_CONTROL (MSI + 2)
#define MSI_ADDRESS (MSI + 4)
#define MSI_DATA    (MSI + 12)
#define CAP_ID_MSI  0x05

#define STATUS_CAP_LIST	      (1u << 4)
#define MSI_CONTROL_ENABLE    (1u << 0)
#define MSI_CONTROL_MME	      (7u << 4) /* multiple message enable (one vector is capable) */
#define MSI_CONTROL_64BIT     (1u << 7)
#define CMD_WRITABLE	      0x0407u /* I/O, memory, bus master; INTx disable */
#define MSI_ADDRESS_BASE      0xFEE00000u
#define MSI_ADDRESS_BASE_MASK 0xFFF00000u
#define MSI_ADDRESS_LOGICAL   (1u << 2)
#define MSI_VECTOR_MIN	      32

static spinlock_t lock = SPINLOCK_INIT;
static struct vm *owner;
static uint16_t place;
static uint8_t cfg[CFG_SIZE];
static struct service_dev_counts counts;

/* The bits a write may change, byte by byte (everything else is read-only). */
static const uint8_t writable[CFG_SIZE] = {
	[PCI_REG_COMMAND] = CMD_WRITABLE & 0xFF,
	[PCI_REG_COMMAND + 1] = CMD_WRITABLE >> 8,
	[MSI_CONTROL] = MSI_CONTROL_ENABLE | MSI_CONTROL_MME,
	[MSI_ADDRESS] = 0xFC, /* dword aligned */
	[MSI_ADDRESS + 1] = 0xFF,
	[MSI_ADDRESS + 2] = 0xFF,
	[MSI_ADDRESS + 3] = 0xFF,
	[MSI_ADDRESS + 4] = 0xFF, /* upper 32 bits */
	[MSI_ADDRESS + 5] = 0xFF,
	[MSI_ADDRESS + 6] = 0xFF,
	[MSI_ADDRESS + 7] = 0xFF,
	[MSI_DATA] = 0xFF,
	[MSI_DATA + 1] = 0xFF,
};

static void put(uint16_t offset, uint8_t size, uint32_t value)
{
	for (uint8_t i = 0; i < size; i++)
		cfg[offset + i] = (uint8_t)(value >> (8 * i));
}

static uint32_t get(uint16_t offset, uint8_t size)
{
	uint32_t v = 0;

	for (uint8_t i = 0; i < size; i++)
		if (offset + i < CFG_SIZE)
			v |= (uint32_t)cfg[offset + i] << (8 * i);
	return v;
}

static void power_on(void)
{
	memset(cfg, 0, sizeof(cfg));
	put(PCI_REG_VENDOR, 2, CAIRN_SERVICE_DEV_VENDOR);
	put(PCI_REG_VENDOR + 2, 2, CAIRN_SERVICE_DEV_DEVICE);
	put(PCI_REG_STATUS, 2, STATUS_CAP_LIST);
	put(PCI_REG_CLASS, 4, CAIRN_SERVICE_DEV_CLASS << 8 | CAIRN_SERVICE_DEV_REV);
	put(PCI_REG_CAP_PTR, 1, MSI);
	put(MSI, 1, CAP_ID_MSI); /* the last capability: next pointer 0 */
	put(MSI_CONTROL, 2, MSI_CONTROL_64BIT);
}

void service_dev_place(struct vm *vm, uint16_t bdf)
{
	spin_lock(&lock);
	owner = vm;
	place = bdf;
	power_on();
	spin_unlock(&lock);
	printf("cairn: service device at %02x:%02x.%x\n", PCI_BUS(bdf), PCI_DEV(bdf), PCI_FN(bdf));
}

bool service_dev_at(const struct vm *vm, uint16_t bdf)
{
	return owner && vm == owner && bdf == place;
}

uint32_t service_dev_cfg_read(uint16_t offset, uint8_t size)
{
	uint32_t v;

	if (size != 1 && size != 2 && size != 4)
		return 0xFFFFFFFFu;
	spin_lock(&lock);
	v = offset < ECAM_SIZE ? get(offset, size) : 0;
	spin_unlock(&lock);
	return v;
}

void service_dev_cfg_write(uint16_t offset, uint8_t size, uint32_t value)
{
	if (size != 1 && size != 2 && size != 4)
		return;
	spin_lock(&lock);
	for (uint8_t i = 0; i < size && offset + i < CFG_SIZE; i++) {
		uint8_t mask = writable[offset + i], byte = (uint8_t)(value >> (8 * i));
		cfg[offset + i] = (uint8_t)((cfg[offset + i] & ~mask) | (byte & mask));
	}
	spin_unlock(&lock);
}

void service_dev_reset(void)
{
	spin_lock(&lock);
	power_on();
	spin_unlock(&lock);
}

struct service_dev_counts service_dev_counts(const struct vm *vm)
{
	if (!owner || vm != owner)
		return (struct service_dev_counts){ 0 };
	return (struct service_dev_counts){ __atomic_load_n(&counts.sent, __ATOMIC_RELAXED),
					    __atomic_load_n(&counts.refused, __ATOMIC_RELAXED) };
}

/* A pCPU that runs one of the Service VM's vCPUs now (not one it gave to a User VM). */
static bool service_vm_cpu(const struct vm *vm, uint32_t apic_id)
{
	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		const struct pcpu *cpu = vm->vcpus[i].pcpu;
		if (cpu->apic_id == apic_id && cpu->vcpu == &vm->vcpus[i] &&
		    vm->vcpus[i].state != VCPU_STOPPED)
			return true;
	}
	return false;
}

/*
 * The MSI as a fixed IPI: an address in the 0xFEE window, physical destination mode, a fixed
 * (or lowest-priority: one named CPU) message with a vector from 32 up, to a Service VM CPU.
 */
static bool msi_target(const struct vm *vm, uint32_t *apic_id, uint32_t *vector)
{
	uint32_t control = get(MSI_CONTROL, 2), address = get(MSI_ADDRESS, 4);
	uint32_t high = get(MSI_ADDRESS + 4, 4), data = get(MSI_DATA, 2);
	uint32_t mode = ICR_DM(data);

	if (!(control & MSI_CONTROL_ENABLE) || high ||
	    (address & MSI_ADDRESS_BASE_MASK) != MSI_ADDRESS_BASE ||
	    (address & MSI_ADDRESS_LOGICAL) || (mode != APIC_DM_FIXED && mode != APIC_DM_LOWEST))
		return false;
	*apic_id = (address >> 12) & 0xFF;
	*vector = data & ICR_VECTOR;
	return *vector >= MSI_VECTOR_MIN && service_vm_cpu(vm, *apic_id);
}

bool arch_ioreq_upcall(struct vm *service_vm)
{
	uint32_t apic_id, vector;
	bool ok;

	spin_lock(&lock);
	ok = owner && service_vm == owner && msi_target(owner, &apic_id, &vector);
	spin_unlock(&lock);
	if (!ok) {
		__atomic_fetch_add(&counts.refused, 1, __ATOMIC_RELAXED);
		return false;
	}
	lapic_send_ipi(apic_id, ICR_DM_FIXED | vector);
	__atomic_fetch_add(&counts.sent, 1, __ATOMIC_RELAXED);
	return true;
}
