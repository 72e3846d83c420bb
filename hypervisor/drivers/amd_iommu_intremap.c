/* SPDX-License-Identifier: BSD-3-Clause */
/* AMD IOMMU interrupt remapping tables: a device delivers only the MSIs the Service VM programmed. */
#include "core/console.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/phys_mem.h"
#include "drivers/amd_iommu.h"
#include "drivers/amd_iommu_irte.h"
#include "x86/apic.h"

#define REMAPPED_DEVICES \
	64		 /* device IDs with a table of their own; the others keep the empty one */
#define REMAPS_PRINTED 8 /* then only counted (the Service VM decides how often it happens) */
#define MSI_DEST(a)    (((a) >> 12) & 0xFF)
#define MSI_LOGICAL    (1u << 2)
#define MSI_MODE(d)    (((d) >> 8) & 7)

/* The message the Service VM wrote for one slot (what it believes the device holds). */
struct service_message {
	uint32_t address, data;
};

struct remap_table {
	bool used;
	uint16_t devid;
	volatile uint32_t *irte;	 /* AMD_IOMMU_IRTE_ENTRIES entries, one page */
	struct service_message *service; /* AMD_IOMMU_IRTE_ENTRIES, one page */
};

static struct remap_table tables[REMAPPED_DEVICES];
static spinlock_t tables_lock = SPINLOCK_INIT;
static uint64_t entries_in_use, entries_written;
static bool out_of_tables_reported;

static struct remap_table *find(uint16_t devid)
{
	for (size_t i = 0; i < REMAPPED_DEVICES; i++)
		if (tables[i].used && tables[i].devid == devid)
			return &tables[i];
	return NULL;
}

/* The device's own table, made on first use (it starts empty, as the shared one). */
static struct remap_table *find_or_make(uint16_t devid)
{
	struct remap_table *t = find(devid);
	uint64_t irte_pa, service_pa;

	if (t)
		return t;
	for (size_t i = 0; i < REMAPPED_DEVICES && !t; i++)
		if (!tables[i].used)
			t = &tables[i];
	if (!t) {
		if (!out_of_tables_reported)
			printf("cairn: iommu: more than %u devices with MSIs: the others' "
			       "interrupts "
			       "stay aborted\n",
			       (unsigned)REMAPPED_DEVICES);
		out_of_tables_reported = true;
		return NULL;
	}
	if (phys_alloc_pages(1, 1, &irte_pa) || phys_alloc_pages(1, 1, &service_pa))
		return NULL;
	memset(phys_to_virt(irte_pa), 0, PAGE_SIZE);
	memset(phys_to_virt(service_pa), 0, PAGE_SIZE);
	if (amd_iommu_set_interrupt_table(devid, irte_pa))
		return NULL; /* the pages stay allocated: this happens once per device at most */
	t->irte = phys_to_virt(irte_pa);
	t->service = phys_to_virt(service_pa);
	t->devid = devid;
	t->used = true;
	return t;
}

const char *amd_iommu_remap_msi(uint16_t devid, uint32_t index, uint32_t address, uint32_t data)
{
	uint32_t mode = MSI_MODE(data);

	if (!amd_iommu_interrupts_remapped(devid))
		return "the device's interrupts are not remapped";
	if (index >= AMD_IOMMU_IRTE_ENTRIES)
		return "no remapping entry for that vector (MSI-X entries 0-511 only)";
	if (mode != APIC_DM_FIXED && mode != APIC_DM_LOWEST)
		return "only fixed and lowest-priority messages are remapped";
	uint32_t irte = amd_iommu_irte((uint8_t)MSI_DEST(address), (address & MSI_LOGICAL) != 0,
				       mode == APIC_DM_LOWEST, (uint8_t)data);
	spin_lock(&tables_lock);
	struct remap_table *t = find_or_make(devid);
	if (!t) {
		spin_unlock(&tables_lock);
		return "no remapping table for the device";
	}
	bool was_in_use = t->irte[index] != 0;
	t->irte[index] = irte;
	t->service[index] = (struct service_message){ address, data };
	int err = amd_iommu_flush_interrupts(devid);
	if (!was_in_use)
		entries_in_use++;
	uint64_t written = ++entries_written;
	spin_unlock(&tables_lock);
	if (err)
		return "the IOMMU did not complete the invalidation";
	if (written <= REMAPS_PRINTED)
		printf("cairn: iommu: interrupt %u of %02x:%02x.%u remapped: vector 0x%x to %s "
		       "%u%s\n",
		       index, devid >> 8, (devid >> 3) & 0x1F, (unsigned)(devid & 7), data & 0xFF,
		       (address & MSI_LOGICAL) ? "logical destination" : "APIC ID",
		       MSI_DEST(address), mode == APIC_DM_LOWEST ? " (lowest priority)" : "");
	if (written == REMAPS_PRINTED)
		printf("cairn: iommu: further remappings are counted, not printed\n");
	return NULL;
}

void amd_iommu_unmap_msi(uint16_t devid, uint32_t index)
{
	if (!amd_iommu_interrupts_remapped(devid) || index >= AMD_IOMMU_IRTE_ENTRIES)
		return;
	spin_lock(&tables_lock);
	struct remap_table *t = find(devid);
	if (t && t->irte[index]) {
		t->irte[index] = 0;
		t->service[index] = (struct service_message){ 0, 0 };
		entries_in_use--;
		amd_iommu_flush_interrupts(devid); /* a timeout was printed; nothing else to do */
	}
	spin_unlock(&tables_lock);
}

bool amd_iommu_remapped_msi(uint16_t devid, uint32_t index, uint32_t *address, uint32_t *data)
{
	bool remapped = false;

	if (!amd_iommu_interrupts_remapped(devid) || index >= AMD_IOMMU_IRTE_ENTRIES)
		return false;
	spin_lock(&tables_lock);
	struct remap_table *t = find(devid);
	if (t && t->irte[index]) {
		*address = t->service[index].address;
		*data = t->service[index].data;
		remapped = true;
	}
	spin_unlock(&tables_lock);
	return remapped;
}

void amd_iommu_remap_counts(uint64_t *in_use, uint64_t *written)
{
	spin_lock(&tables_lock);
	*in_use = entries_in_use;
	*written = entries_written;
	spin_unlock(&tables_lock);
}

/* IOAPIC routes: per pin the entry it holds, per entry how many pins hold it. */
#define IOAPIC_PINS	    256
#define NO_ENTRY	    0xFFFF
#define RTE_DEST(rte)	    ((uint8_t)((rte) >> 56))
#define RTE_LOGICAL	    (1ull << 11)
#define RTE_MODE(rte)	    ((uint32_t)((rte) >> 8) & 7)
#define RTE_LEVEL	    (1ull << 15)
#define RTE_VECTOR_AND_MODE 0x7FFull
#define EDGE_PINS	    32 /* indexes 0-31: no real vector (the route check wants >= 32) */
#define CONFLICTS_PRINTED   4

static uint16_t pin_entry[IOAPIC_PINS], pin_next[IOAPIC_PINS];
static uint16_t entry_pins[AMD_IOMMU_IRTE_ENTRIES];
static bool pins_ready;
static uint64_t conflicts;

static void pins_init(void)
{
	if (pins_ready)
		return;
	for (size_t i = 0; i < IOAPIC_PINS; i++)
		pin_entry[i] = pin_next[i] = NO_ENTRY;
	pins_ready = true;
}

uint64_t amd_iommu_ioapic_route_begin(uint32_t pin, uint64_t rte)
{
	uint32_t *table = amd_iommu_ioapic_table();
	uint32_t mode = RTE_MODE(rte);
	uint64_t device = rte;

	if (!table || pin >= IOAPIC_PINS)
		return rte;
	spin_lock(&tables_lock);
	pins_init();
	pin_next[pin] = NO_ENTRY;
	if (mode == APIC_DM_FIXED ||
	    mode == APIC_DM_LOWEST) { /* NMI, INIT, ExtINT routes stay aborted */
		uint32_t index = (uint32_t)(rte & 0xFF) | mode << 8;
		if (!(rte & RTE_LEVEL) && pin < EDGE_PINS) {
			/* Its own entry, below every real vector: the IOAPIC sends index = pin. */
			index = pin;
			device = (rte & ~RTE_VECTOR_AND_MODE) | pin;
		}
		uint32_t irte = amd_iommu_irte(RTE_DEST(rte), (rte & RTE_LOGICAL) != 0,
					       mode == APIC_DM_LOWEST, (uint8_t)rte);
		if (entry_pins[index] && table[index] != irte && pin_entry[pin] != index &&
		    ++conflicts <= CONFLICTS_PRINTED)
			printf("cairn: iommu: IOAPIC pin %u shares level-triggered vector 0x%x "
			       "with "
			       "another pin aimed elsewhere: both now go to %s %u\n",
			       pin, index & 0xFF, (rte & RTE_LOGICAL) ? "logical" : "APIC ID",
			       RTE_DEST(rte));
		__atomic_store_n(&table[index], irte, __ATOMIC_RELEASE);
		entry_pins[index]++;
		pin_next[pin] = (uint16_t)index;
		amd_iommu_flush_ioapic();
	}
	spin_unlock(&tables_lock);
	return device;
}

void amd_iommu_ioapic_route_end(uint32_t pin)
{
	uint32_t *table = amd_iommu_ioapic_table();

	if (!table || pin >= IOAPIC_PINS)
		return;
	spin_lock(&tables_lock);
	pins_init();
	uint16_t old = pin_entry[pin];
	pin_entry[pin] = pin_next[pin];
	pin_next[pin] = NO_ENTRY;
	if (old != NO_ENTRY && entry_pins[old] && --entry_pins[old] == 0) {
		__atomic_store_n(&table[old], 0, __ATOMIC_RELEASE);
		amd_iommu_flush_ioapic();
	}
	spin_unlock(&tables_lock);
}
