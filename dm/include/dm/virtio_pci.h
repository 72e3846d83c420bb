/* SPDX-License-Identifier: BSD-3-Clause */
/* The virtio-pci modern transport: a virtio device as a PCI function with its structures in a BAR. */
#ifndef CAIRN_DM_VIRTIO_PCI_H
#define CAIRN_DM_VIRTIO_PCI_H

#include <stdint.h>

#include "dm/pci.h"
#include "dm/virtio.h"

/*
 * One 64-bit BAR (BAR 4, as QEMU's) holds every structure, each on its own page: common config,
 * ISR, device config, notifications (queue q at VIRTIO_PCI_NOTIFY_OFF + 4 * q, so every queue has
 * an address of its own and one ioeventfd per queue needs no data match), then the MSI-X table
 * and PBA. Vector n < nqueues is queue n's natural choice; the driver picks (one per queue plus
 * one for config, as Linux asks first).
 */
#define VIRTIO_PCI_VENDOR	  0x1AF4
#define VIRTIO_PCI_DEVICE_BASE	  0x1040 /* + the virtio device type: modern only */
#define VIRTIO_PCI_SUBSYS	  0x1100
#define VIRTIO_PCI_BAR		  4
#define VIRTIO_PCI_BAR_SIZE	  0x8000
#define VIRTIO_PCI_COMMON_OFF	  0x0000
#define VIRTIO_PCI_ISR_OFF	  0x1000
#define VIRTIO_PCI_DEVICE_OFF	  0x2000
#define VIRTIO_PCI_NOTIFY_OFF	  0x3000
#define VIRTIO_PCI_NOTIFY_MULT	  4
#define VIRTIO_PCI_MSIX_TABLE_OFF 0x4000
#define VIRTIO_PCI_MSIX_PBA_OFF	  0x5000
#define VIRTIO_PCI_COMMON_SIZE	  0x38
#define VIRTIO_PCI_DEVICE_CFG_MAX 0x1000

/* virtio_pci_cap cfg_type values (virtio 1.1, 4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG	  3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG	  5

/* Common configuration registers (struct virtio_pci_common_cfg). */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00
#define VIRTIO_PCI_COMMON_DF	   0x04
#define VIRTIO_PCI_COMMON_GFSELECT 0x08
#define VIRTIO_PCI_COMMON_GF	   0x0C
#define VIRTIO_PCI_COMMON_MSIX	   0x10
#define VIRTIO_PCI_COMMON_NUMQ	   0x12
#define VIRTIO_PCI_COMMON_STATUS   0x14
#define VIRTIO_PCI_COMMON_CFGGEN   0x15
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16
#define VIRTIO_PCI_COMMON_Q_SIZE   0x18
#define VIRTIO_PCI_COMMON_Q_MSIX   0x1A
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1C
#define VIRTIO_PCI_COMMON_Q_NOFF   0x1E
#define VIRTIO_PCI_COMMON_Q_DESC   0x20
#define VIRTIO_PCI_COMMON_Q_AVAIL  0x28
#define VIRTIO_PCI_COMMON_Q_USED   0x30

struct virtio_pci;

/* Told when the notification area starts or stops being decoded at base (ioeventfds follow). */
typedef void (*virtio_pci_notify_map_fn)(void *opaque, struct virtio_pci *vp, bool mapped,
					 uint64_t base);

struct virtio_pci {
	struct dm_pci_func func;
	struct virtio_dev *vd;
	uint32_t device_feature_select, driver_feature_select;
	uint16_t queue_select;
	uint8_t cfg_cap; /* the PCI configuration access capability's offset */
	/* Queue q's notifications: an eventfd a device thread serves, or -1 (served inline). */
	int notify_fd[VIRTIO_MAX_QUEUES];
	virtio_pci_notify_map_fn notify_map;
	void *notify_opaque;
	uint64_t interrupts_lost; /* no MSI-X vector to send them on */
};

/*
 * Makes vd a PCI function at slot:fn: header (device 0x1040 + type, revision 1), the five vendor
 * capabilities, MSI-X with nqueues + 1 vectors sent through send. Not on the bus yet: place its
 * BAR (dm_pci_func_place_bars) and dm_pci_func_register(&vp->func). 0 or -errno.
 */
int virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *vd, struct dm_bus *bus, uint8_t slot,
		    uint8_t fn, uint32_t class_code, dm_pci_msi_fn send, void *send_opaque);

/* A device thread's half of an ioeventfd: queue q was notified; serve it under the lock. */
void virtio_pci_queue_kick(struct virtio_pci *vp, unsigned int q);

#endif
