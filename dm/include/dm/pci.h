/* SPDX-License-Identifier: BSD-3-Clause */
/* PCI functions on cairn-dm's bus: the type-0 header, capabilities, memory BARs and MSI-X. */
#ifndef CAIRN_DM_PCI_H
#define CAIRN_DM_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dm/bus.h"

/*
 * Where cairn-dm places BARs before the guest runs (it runs no firmware, so it assigns them as a
 * BIOS would): a 256 MiB window under the IOAPIC, above the RAM line (RAM stays below 3 GiB) and
 * the test device at 0xC0000000. The guest may move any BAR anywhere afterwards.
 */
#define DM_PCI_MMIO32_BASE 0xD0000000ull
#define DM_PCI_MMIO32_SIZE 0x10000000ull

#define DM_PCI_BARS	    6
#define DM_PCI_CFG_SIZE	    256	 /* the conventional header; the rest of the 4 KiB reads 0 */
#define DM_PCI_BAR_MIN_SIZE 4096 /* each BAR its own pages, so the NPT can trap it alone */
#define DM_PCI_MSIX_MAX	    64	 /* vectors per function */

/* Header registers and bits cairn-dm uses (PCI Local Bus 3.0, 6.2). */
#define DM_PCI_VENDOR_ID	0x00
#define DM_PCI_DEVICE_ID	0x02
#define DM_PCI_COMMAND		0x04
#define DM_PCI_STATUS		0x06
#define DM_PCI_REVISION		0x08
#define DM_PCI_CLASS_PROG	0x09
#define DM_PCI_HEADER_TYPE	0x0E
#define DM_PCI_BAR0		0x10
#define DM_PCI_SUBSYS_VENDOR_ID 0x2C
#define DM_PCI_SUBSYS_ID	0x2E
#define DM_PCI_CAP_PTR		0x34
#define DM_PCI_INT_LINE		0x3C
#define DM_PCI_INT_PIN		0x3D

#define DM_PCI_COMMAND_MEMORY	  0x0002
#define DM_PCI_COMMAND_MASTER	  0x0004
#define DM_PCI_COMMAND_INTX_OFF	  0x0400
#define DM_PCI_STATUS_CAP_LIST	  0x0010
#define DM_PCI_BAR_MEM_TYPE_64	  0x4
#define DM_PCI_BAR_MEM_PREFETCH	  0x8
#define DM_PCI_CAP_ID_VENDOR	  0x09
#define DM_PCI_CAP_ID_MSIX	  0x11
#define DM_PCI_MSIX_CTRL_ENABLE	  0x8000
#define DM_PCI_MSIX_CTRL_MASKALL  0x4000
#define DM_PCI_MSIX_ENTRY_SIZE	  16
#define DM_PCI_MSIX_VECTOR_MASKED 0x1
#define DM_PCI_MSI_ADDR_BASE	  0xFEE00000u /* an MSI's address: the LAPIC window */
#define DM_PCI_MSI_ADDR_BASE_MASK 0xFFF00000u
#define DM_PCI_MSIX_NO_VECTOR	  0xFFFF /* virtio's VIRTIO_MSI_NO_VECTOR */

enum dm_pci_bar_type {
	DM_PCI_BAR_NONE,
	DM_PCI_BAR_MEM32,
	DM_PCI_BAR_MEM64, /* takes this BAR and the next */
};

struct dm_pci_func;

/* A memory BAR. access gets offsets from the BAR's start; MSI-X's table and PBA never reach it. */
struct dm_pci_bar {
	enum dm_pci_bar_type type;
	bool prefetchable;
	uint64_t size; /* a power of two, at least DM_PCI_BAR_MIN_SIZE */
	uint64_t addr; /* as programmed, aligned to size */
	bool mapped;   /* its region is on the bus at mapped_addr */
	uint64_t mapped_addr;
	dm_io_fn access;
	void *opaque;
	struct dm_pci_func *func;
};

struct dm_pci_msix_entry {
	uint64_t addr;
	uint32_t data;
	uint32_t ctrl;
};

/* Delivers one MSI (the device model's dm_vm_inject_msi, or its irqfd). */
typedef void (*dm_pci_msi_fn)(void *opaque, uint64_t addr, uint32_t data);

struct dm_pci_msix {
	uint16_t nvec; /* 0: no MSI-X */
	uint8_t bar;
	uint8_t cap; /* the capability's offset in the header */
	uint32_t table_off, pba_off;
	bool enabled, masked_all;
	struct dm_pci_msix_entry entries[DM_PCI_MSIX_MAX];
	uint64_t pending; /* bit n: vector n fired while masked */
	uint64_t sent, held, dropped;
	dm_pci_msi_fn send;
	void *send_opaque;
};

/*
 * Config-space accesses that lie wholly in [start, start + len) go to hook instead (virtio's PCI
 * configuration access capability). It is called without the function's lock.
 */
struct dm_pci_cfg_hook {
	uint16_t start, len;
	dm_io_fn access;
	void *opaque;
};

/* Told whenever a BAR starts or stops being decoded, or moves while decoded (under f->lock). */
typedef void (*dm_pci_bar_fn)(void *opaque, unsigned int bar, bool mapped, uint64_t addr);

struct dm_pci_id {
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys;
	uint32_t class_code; /* base << 16 | sub << 8 | prog-if */
	uint8_t revision;
};

/*
 * One function's state. Its header is bytes with a mask of the bits the guest may write; BARs,
 * the command register's memory bit and MSI-X control have side effects and are handled apart.
 * One lock per function serialises config accesses, MSI-X table accesses and deliveries.
 */
struct dm_pci_func {
	struct dm_bus *bus;
	const char *name;
	uint8_t busno, dev, fn;
	pthread_mutex_t lock;
	uint8_t cfg[DM_PCI_CFG_SIZE];
	uint8_t wmask[DM_PCI_CFG_SIZE];
	uint16_t cap_end; /* where the next capability goes */
	uint8_t cap_last;
	struct dm_pci_bar bars[DM_PCI_BARS];
	struct dm_pci_msix msix;
	struct dm_pci_cfg_hook hook;
	dm_pci_bar_fn bar_changed;
	void *bar_opaque;
	uint64_t map_failures; /* BARs that could not be decoded where the guest put them */
};

/* Sets up the header (no BARs, no capabilities yet); the function is not on the bus until
 * dm_pci_func_register. */
void dm_pci_func_init(struct dm_pci_func *f, struct dm_bus *bus, uint8_t dev, uint8_t fn,
		      const struct dm_pci_id *id, const char *name);

/* A memory BAR: 0, or -EINVAL (bar taken or out of range, size not a power of two >= 4 KiB or
 * too large for a 32-bit BAR, a 64-bit BAR at index 5). */
int dm_pci_func_add_bar(struct dm_pci_func *f, unsigned int bar, enum dm_pci_bar_type type,
			uint64_t size, dm_io_fn access, void *opaque);

/*
 * Appends a read-only capability (cap[0] its ID; cap[1], the next pointer, is filled in) and sets
 * *offset to where it lives: 0, or -ENOSPC (no room below 256), -EINVAL (len < 2).
 */
int dm_pci_func_add_cap(struct dm_pci_func *f, const uint8_t *cap, uint8_t len, uint8_t *offset);

/* Lets the guest write the bits of mask (len bytes at off; they must be a capability's). */
void dm_pci_func_set_writable(struct dm_pci_func *f, uint16_t off, const uint8_t *mask,
			      uint16_t len);

/* MSI-X with nvec vectors, its table and PBA in bar at the given 8-byte aligned offsets. */
int dm_pci_func_add_msix(struct dm_pci_func *f, unsigned int bar, uint32_t table_off,
			 uint32_t pba_off, uint16_t nvec, dm_pci_msi_fn send, void *opaque);

/* Places every BAR at the next aligned address of [*next, limit) (as firmware would) and
 * advances *next: 0, or -ENOSPC. Decoding stays off until the guest sets the memory bit. */
int dm_pci_func_place_bars(struct dm_pci_func *f, uint64_t *next, uint64_t limit);

/* Puts the function's config space on the bus: 0 or dm_bus_add's error. */
int dm_pci_func_register(struct dm_pci_func *f);

/*
 * Fires vector vec: sent now (0), held as pending because it or the function is masked (1),
 * or dropped: MSI-X off (-ENODEV), no such vector (-EINVAL), an address that is not an MSI's
 * (-EFAULT).
 */
int dm_pci_msix_fire(struct dm_pci_func *f, uint16_t vec);

/* The config-space access function (tests call it through the bus). */
enum dm_io_result dm_pci_cfg_access(void *opaque, struct dm_access *a);

/* A host bridge at 00:00.0 (acrn-dm's -s 0:0,hostbridge): header only, class 06 00 00. */
void dm_pci_hostbridge_init(struct dm_pci_func *f, struct dm_bus *bus);

#endif
