/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's PCI configuration accessor (conf1 under one lock, ECAM) and bus chores. */
#include "lib/spinlock.h"
#include "drivers/amd_iommu.h"
#include "drivers/pci_host.h"
#include "x86/cpu.h"

#define CONFIG_ADDRESS	   0xCF8
#define CONFIG_DATA	   0xCFC
#define CONFIG_ENABLE	   (1u << 31)
#define COMMAND_BUS_MASTER (1u << 2)
#define HEADER_MULTI_FN	   (1u << 23)
#define CLASS_HOST_BRIDGE  0x0600

static spinlock_t conf1_lock = SPINLOCK_INIT; /* CONFIG_ADDRESS, then its data cycle */
static struct pci_ecam ecam;

void pci_host_set_ecam(const struct pci_ecam *window)
{
	ecam = *window;
}

const struct pci_ecam *pci_host_ecam(void)
{
	return &ecam;
}

bool pci_host_ecam_covers(uint16_t bdf)
{
	return ecam.base && PCI_BUS(bdf) >= ecam.bus_start && PCI_BUS(bdf) <= ecam.bus_end;
}

uint64_t pci_host_ecam_address(uint16_t bdf, uint16_t offset)
{
	return ecam.base + ((uint64_t)(PCI_BUS(bdf) - ecam.bus_start) << 20) +
	       ((uint64_t)(bdf & 0xFF) << 12) + offset;
}

void pci_host_conf1_lock(void)
{
	spin_lock(&conf1_lock);
}

void pci_host_conf1_unlock(void)
{
	spin_unlock(&conf1_lock);
}

static uint32_t conf1_read(uint16_t bdf, uint16_t offset, uint8_t size)
{
	spin_lock(&conf1_lock);
	outl(CONFIG_ADDRESS, CONFIG_ENABLE | ((uint32_t)bdf << 8) | (offset & 0xFC));
	uint32_t v = port_read((uint16_t)(CONFIG_DATA + (offset & 3)), size);
	spin_unlock(&conf1_lock);
	return v;
}

static void conf1_write(uint16_t bdf, uint16_t offset, uint8_t size, uint32_t value)
{
	spin_lock(&conf1_lock);
	outl(CONFIG_ADDRESS, CONFIG_ENABLE | ((uint32_t)bdf << 8) | (offset & 0xFC));
	port_write((uint16_t)(CONFIG_DATA + (offset & 3)), size, value);
	spin_unlock(&conf1_lock);
}

/*
 * Offsets below 256 go through conf1, as Linux does on a PC: under QEMU TCG a configuration
 * write through ECAM that remaps memory (a BAR, a PAM register) has crashed QEMU in
 * memory_region_dispatch_write(); the port path is the one QEMU's guests use every day.
 */
uint32_t pci_host_read(uint16_t bdf, uint16_t offset, uint8_t size)
{
	if (offset < 0x100)
		return conf1_read(bdf, offset, size);
	if (!pci_host_ecam_covers(bdf))
		return 0xFFFFFFFFu;
	volatile void *p = (volatile void *)(uintptr_t)pci_host_ecam_address(bdf, offset);
	return size == 1   ? *(volatile uint8_t *)p
	       : size == 2 ? *(volatile uint16_t *)p
			   : *(volatile uint32_t *)p;
}

void pci_host_write(uint16_t bdf, uint16_t offset, uint8_t size, uint32_t value)
{
	if (offset < 0x100) {
		conf1_write(bdf, offset, size, value);
		return;
	}
	if (!pci_host_ecam_covers(bdf))
		return;
	volatile void *p = (volatile void *)(uintptr_t)pci_host_ecam_address(bdf, offset);
	if (size == 1)
		*(volatile uint8_t *)p = (uint8_t)value;
	else if (size == 2)
		*(volatile uint16_t *)p = (uint16_t)value;
	else
		*(volatile uint32_t *)p = value;
}

/* Functions the hypervisor drives itself (its IOMMUs): their DMA is its own. */
static bool hypervisor_owns(uint16_t bdf)
{
	for (size_t i = 0; i < amd_iommu_count(); i++)
		if (amd_iommu_pci_function(i) == bdf)
			return true;
	return false;
}

static bool quiesce_function(uint16_t bdf)
{
	if (hypervisor_owns(bdf))
		return false;
	uint32_t command = pci_host_read(bdf, PCI_REG_COMMAND, 2);

	if ((pci_host_read(bdf, PCI_REG_CLASS, 4) >> 16) == CLASS_HOST_BRIDGE ||
	    !(command & COMMAND_BUS_MASTER))
		return false;
	pci_host_write(bdf, PCI_REG_COMMAND, 2, command & ~COMMAND_BUS_MASTER);
	return true;
}

unsigned pci_quiesce_bus_masters(void)
{
	unsigned n = 0;

	for (uint32_t bus = 0; bus < 256; bus++) {
		for (uint32_t dev = 0; dev < 32; dev++) {
			uint16_t f0 = PCI_BDF(bus, dev, 0);
			if (pci_host_read(f0, PCI_REG_VENDOR, 2) == 0xFFFF)
				continue;
			bool multi = pci_host_read(f0, PCI_REG_HEADER, 4) & HEADER_MULTI_FN;
			for (uint32_t fn = 0; fn < (multi ? 8u : 1u); fn++) {
				uint16_t bdf = PCI_BDF(bus, dev, fn);
				if (fn && pci_host_read(bdf, PCI_REG_VENDOR, 2) == 0xFFFF)
					continue;
				n += quiesce_function(bdf);
			}
		}
	}
	return n;
}
