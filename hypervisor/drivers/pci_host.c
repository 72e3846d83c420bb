/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's own PCI configuration access through ports 0xCF8/0xCFC, under one lock. */
#include "drivers/amd_iommu.h"
#include "drivers/pci_host.h"
#include "lib/spinlock.h"
#include "x86/cpu.h"

#define CONFIG_ADDRESS	   0xCF8
#define CONFIG_DATA	   0xCFC
#define CONFIG_ENABLE	   (1u << 31)
#define REG_VENDOR	   0x00
#define REG_COMMAND	   0x04
#define REG_CLASS	   0x08
#define REG_HEADER	   0x0C
#define COMMAND_BUS_MASTER (1u << 2)
#define HEADER_MULTI_FN	   (1u << 23)
#define CLASS_HOST_BRIDGE  0x0600

static spinlock_t conf1_lock = SPINLOCK_INIT;

static void select_register(uint16_t bdf, uint16_t offset)
{
	outl(CONFIG_ADDRESS, CONFIG_ENABLE | ((uint32_t)bdf << 8) | (offset & 0xFC));
}

uint32_t pci_host_read32(uint16_t bdf, uint16_t offset)
{
	spin_lock(&conf1_lock);
	select_register(bdf, offset);
	uint32_t v = inl(CONFIG_DATA);
	spin_unlock(&conf1_lock);
	return v;
}

void pci_host_write8(uint16_t bdf, uint16_t offset, uint8_t value)
{
	spin_lock(&conf1_lock);
	select_register(bdf, offset);
	outb(CONFIG_DATA + (offset & 3), value);
	spin_unlock(&conf1_lock);
}

void pci_host_write16(uint16_t bdf, uint16_t offset, uint16_t value)
{
	spin_lock(&conf1_lock);
	select_register(bdf, offset);
	outw(CONFIG_DATA + (offset & 2), value);
	spin_unlock(&conf1_lock);
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
	uint32_t command = pci_host_read32(bdf, REG_COMMAND) & 0xFFFF;

	if ((pci_host_read32(bdf, REG_CLASS) >> 16) == CLASS_HOST_BRIDGE ||
	    !(command & COMMAND_BUS_MASTER))
		return false;
	pci_host_write16(bdf, REG_COMMAND, (uint16_t)(command & ~COMMAND_BUS_MASTER));
	return true;
}

unsigned pci_quiesce_bus_masters(void)
{
	unsigned n = 0;

	for (uint32_t bus = 0; bus < 256; bus++) {
		for (uint32_t dev = 0; dev < 32; dev++) {
			uint16_t f0 = PCI_BDF(bus, dev, 0);
			if ((pci_host_read32(f0, REG_VENDOR) & 0xFFFF) == 0xFFFF)
				continue;
			bool multi = pci_host_read32(f0, REG_HEADER) & HEADER_MULTI_FN;
			for (uint32_t fn = 0; fn < (multi ? 8u : 1u); fn++) {
				uint16_t bdf = PCI_BDF(bus, dev, fn);
				if (fn && (pci_host_read32(bdf, REG_VENDOR) & 0xFFFF) == 0xFFFF)
					continue;
				n += quiesce_function(bdf);
			}
		}
	}
	return n;
}
