/* SPDX-License-Identifier: BSD-3-Clause */
/* The virtio-pci modern transport: capabilities, common config, ISR, notifications, MSI-X. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "dm/virtio_pci.h"

#define CAP_LEN	       16 /* struct virtio_pci_cap */
#define NOTIFY_CAP_LEN 20 /* + notify_off_multiplier */
#define CFG_CAP_LEN    20 /* + pci_cfg_data */
#define CFG_CAP_BAR    4  /* offsets inside the PCI configuration access capability */
#define CFG_CAP_OFFSET 8
#define CFG_CAP_LENGTH 12
#define CFG_CAP_DATA   16

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static int add_vendor_cap(struct virtio_pci *vp, uint8_t type, uint32_t off, uint32_t len,
			  uint8_t cap_len, uint8_t *at)
{
	uint8_t cap[NOTIFY_CAP_LEN] = { DM_PCI_CAP_ID_VENDOR, 0, cap_len, type, VIRTIO_PCI_BAR };

	if (type != VIRTIO_PCI_CAP_PCI_CFG) {
		put32(&cap[8], off);
		put32(&cap[12], len);
	}
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		put32(&cap[16], VIRTIO_PCI_NOTIFY_MULT);
	return dm_pci_func_add_cap(&vp->func, cap, cap_len, at);
}

/* ----- common configuration ----- */

static uint64_t common_read_field(struct virtio_pci *vp, uint64_t reg)
{
	struct virtio_dev *vd = vp->vd;
	const struct virtq *q =
		vp->queue_select < vd->nqueues ? &vd->queues[vp->queue_select] : NULL;

	switch (reg) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return vp->device_feature_select;
	case VIRTIO_PCI_COMMON_DF:
		return vp->device_feature_select < 2
			       ? (uint32_t)(vd->device_features >> (32 * vp->device_feature_select))
			       : 0;
	case VIRTIO_PCI_COMMON_GFSELECT:
		return vp->driver_feature_select;
	case VIRTIO_PCI_COMMON_GF:
		return vp->driver_feature_select < 2
			       ? (uint32_t)(vd->driver_features >> (32 * vp->driver_feature_select))
			       : 0;
	case VIRTIO_PCI_COMMON_MSIX:
		return vd->config_vector;
	case VIRTIO_PCI_COMMON_NUMQ:
		return vd->nqueues;
	case VIRTIO_PCI_COMMON_STATUS:
		return vd->status;
	case VIRTIO_PCI_COMMON_CFGGEN:
		return vd->config_generation;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return vp->queue_select;
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return q ? q->size : 0; /* 0: no such queue */
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return q ? q->msix_vector : VIRTIO_NO_VECTOR;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return q ? q->enabled : 0;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return vp->queue_select;
	case VIRTIO_PCI_COMMON_Q_DESC:
		return q ? q->desc_gpa : 0;
	case VIRTIO_PCI_COMMON_Q_AVAIL:
		return q ? q->avail_gpa : 0;
	case VIRTIO_PCI_COMMON_Q_USED:
		return q ? q->used_gpa : 0;
	default:
		return 0;
	}
}

/* The register holding offset off, its start and width (0: none there). */
static unsigned int common_field(uint64_t off, uint64_t *start)
{
	static const uint8_t widths[VIRTIO_PCI_COMMON_SIZE] = {
		[VIRTIO_PCI_COMMON_DFSELECT] = 4, [VIRTIO_PCI_COMMON_DF] = 4,
		[VIRTIO_PCI_COMMON_GFSELECT] = 4, [VIRTIO_PCI_COMMON_GF] = 4,
		[VIRTIO_PCI_COMMON_MSIX] = 2,	  [VIRTIO_PCI_COMMON_NUMQ] = 2,
		[VIRTIO_PCI_COMMON_STATUS] = 1,	  [VIRTIO_PCI_COMMON_CFGGEN] = 1,
		[VIRTIO_PCI_COMMON_Q_SELECT] = 2, [VIRTIO_PCI_COMMON_Q_SIZE] = 2,
		[VIRTIO_PCI_COMMON_Q_MSIX] = 2,	  [VIRTIO_PCI_COMMON_Q_ENABLE] = 2,
		[VIRTIO_PCI_COMMON_Q_NOFF] = 2,	  [VIRTIO_PCI_COMMON_Q_DESC] = 8,
		[VIRTIO_PCI_COMMON_Q_AVAIL] = 8,  [VIRTIO_PCI_COMMON_Q_USED] = 8,
	};

	for (uint64_t s = off + 1; s-- > 0 && off - s < 8;) {
		if (s < VIRTIO_PCI_COMMON_SIZE && widths[s]) {
			*start = s;
			return off - s < widths[s] ? widths[s] : 0;
		}
	}
	return 0;
}

static void common_read(struct virtio_pci *vp, struct dm_access *a)
{
	for (unsigned int i = 0; i < a->size; i++) {
		uint64_t start, off = a->offset + i;
		unsigned int width = common_field(off, &start);

		if (width)
			a->value |= ((common_read_field(vp, start) >> (8 * (off - start))) & 0xFF)
				    << (8 * i);
	}
}

static uint16_t checked_vector(const struct virtio_pci *vp, uint64_t v)
{
	return v < vp->func.msix.nvec ? (uint16_t)v : VIRTIO_NO_VECTOR;
}

/* A 64-bit queue address written whole or as two 32-bit halves (Linux's way). */
static void set_addr(uint64_t *addr, uint64_t off_in_field, unsigned int size, uint64_t v)
{
	if (size == 8)
		*addr = v;
	else if (off_in_field == 0)
		*addr = (*addr & ~0xFFFFFFFFull) | (uint32_t)v;
	else
		*addr = (*addr & 0xFFFFFFFFull) | v << 32;
}

static void queue_write(struct virtio_pci *vp, struct virtq *q, uint64_t reg, uint64_t in_field,
			unsigned int size, uint64_t v)
{
	if (reg == VIRTIO_PCI_COMMON_Q_MSIX) {
		q->msix_vector = checked_vector(vp, v);
		return;
	}
	if (q->enabled)
		return; /* the rest is fixed while the queue runs */
	switch (reg) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		q->size = (uint16_t)v; /* checked at enable */
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (v == 1)
			virtq_enable(vp->vd, vp->queue_select);
		break;
	case VIRTIO_PCI_COMMON_Q_DESC:
		set_addr(&q->desc_gpa, in_field, size, v);
		break;
	case VIRTIO_PCI_COMMON_Q_AVAIL:
		set_addr(&q->avail_gpa, in_field, size, v);
		break;
	case VIRTIO_PCI_COMMON_Q_USED:
		set_addr(&q->used_gpa, in_field, size, v);
		break;
	}
}

/* A write must be one whole register, or one half of a 64-bit one; anything else is dropped. */
static void common_write(struct virtio_pci *vp, const struct dm_access *a)
{
	struct virtio_dev *vd = vp->vd;
	uint64_t reg, v = a->value;
	unsigned int width = common_field(a->offset, &reg);
	uint64_t in_field = a->offset - reg;

	if (!width || (a->size != width && !(width == 8 && a->size == 4 && in_field % 4 == 0)) ||
	    (a->size == width && in_field))
		return;
	switch (reg) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		vp->device_feature_select = (uint32_t)v;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		vp->driver_feature_select = (uint32_t)v;
		break;
	case VIRTIO_PCI_COMMON_GF:
		virtio_set_driver_features(vd, vp->driver_feature_select, (uint32_t)v);
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		vd->config_vector = checked_vector(vp, v);
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		virtio_set_status(vd, (uint8_t)v);
		if (v == 0)
			vp->queue_select = 0;
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		vp->queue_select = (uint16_t)v;
		break;
	default:
		if (vp->queue_select < vd->nqueues)
			queue_write(vp, &vd->queues[vp->queue_select], reg, in_field, a->size, v);
		break; /* read-only registers, or no such queue */
	}
}

/* ----- the BAR ----- */

static void notify_write(struct virtio_pci *vp, uint64_t off)
{
	unsigned int q = (unsigned int)(off / VIRTIO_PCI_NOTIFY_MULT);
	uint64_t one = 1;

	if (q >= vp->vd->nqueues)
		return;
	if (vp->notify_fd[q] >= 0) {
		/* What the HSM's ioeventfd would have done: the device thread serves it. A failed
		 * write means the counter is at its maximum, so a wake-up is pending anyway. */
		ssize_t n = write(vp->notify_fd[q], &one, sizeof(one));

		(void)n;
		return;
	}
	if (virtq_usable(vp->vd, q) && vp->vd->ops->queue_notify)
		vp->vd->ops->queue_notify(vp->vd, q);
}

static void device_cfg_access(struct virtio_pci *vp, struct dm_access *a, uint64_t off)
{
	struct virtio_dev *vd = vp->vd;
	uint8_t buf[8] = { 0 };

	if (off >= vd->config_size || a->size > vd->config_size - off)
		return; /* past the device's config: reads 0, writes vanish */
	if (a->write) {
		memcpy(buf, &a->value, a->size);
		if (vd->ops->config_write)
			vd->ops->config_write(vd, (uint32_t)off, buf, a->size);
	} else if (vd->ops->config_read) {
		vd->ops->config_read(vd, (uint32_t)off, buf, a->size);
		memcpy(&a->value, buf, a->size);
	}
}

static void bar_access_locked(struct virtio_pci *vp, struct dm_access *a)
{
	uint64_t off = a->offset;

	if (off < VIRTIO_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_SIZE) {
		if (a->write)
			common_write(vp, a);
		else
			common_read(vp, a);
	} else if (off == VIRTIO_PCI_ISR_OFF) {
		if (!a->write) {
			a->value = vp->vd->isr; /* reading clears it */
			vp->vd->isr = 0;
		}
	} else if (off >= VIRTIO_PCI_DEVICE_OFF &&
		   off < VIRTIO_PCI_DEVICE_OFF + VIRTIO_PCI_DEVICE_CFG_MAX) {
		device_cfg_access(vp, a, off - VIRTIO_PCI_DEVICE_OFF);
	} else if (off >= VIRTIO_PCI_NOTIFY_OFF && off < VIRTIO_PCI_MSIX_TABLE_OFF) {
		if (a->write)
			notify_write(vp, off - VIRTIO_PCI_NOTIFY_OFF);
	}
}

static enum dm_io_result bar_access(void *opaque, struct dm_access *a)
{
	struct virtio_pci *vp = opaque;

	pthread_mutex_lock(&vp->vd->lock);
	bar_access_locked(vp, a);
	pthread_mutex_unlock(&vp->vd->lock);
	return DM_IO_DONE;
}

/* virtio_pci_cfg_cap's data window: an access to the BAR at the capability's offset. */
static enum dm_io_result cfg_cap_data(void *opaque, struct dm_access *a)
{
	struct virtio_pci *vp = opaque;
	const uint8_t *cap = &vp->func.cfg[vp->cfg_cap];
	uint32_t off, len;
	uint8_t bar;
	struct dm_access inner = *a;

	pthread_mutex_lock(&vp->func.lock);
	bar = cap[CFG_CAP_BAR];
	memcpy(&off, &cap[CFG_CAP_OFFSET], 4);
	memcpy(&len, &cap[CFG_CAP_LENGTH], 4);
	pthread_mutex_unlock(&vp->func.lock);
	a->value = 0;
	if (bar != VIRTIO_PCI_BAR || a->offset != (uint64_t)vp->cfg_cap + CFG_CAP_DATA ||
	    (len != 1 && len != 2 && len != 4) || a->size != len || off % len ||
	    off >= VIRTIO_PCI_MSIX_TABLE_OFF)
		return DM_IO_DONE;
	inner.offset = off;
	bar_access(vp, &inner);
	if (!a->write)
		a->value = inner.value;
	return DM_IO_DONE;
}

static void bar_changed(void *opaque, unsigned int bar, bool mapped, uint64_t addr)
{
	struct virtio_pci *vp = opaque;

	if (bar == VIRTIO_PCI_BAR && vp->notify_map)
		vp->notify_map(vp->notify_opaque, vp, mapped, addr + VIRTIO_PCI_NOTIFY_OFF);
}

/* Queue interrupts and config interrupts: the vector's MSI, if the driver gave one. */
static void send_interrupt(void *transport, uint16_t vector)
{
	struct virtio_pci *vp = transport;

	if (vector == VIRTIO_NO_VECTOR || dm_pci_msix_fire(&vp->func, vector) < 0)
		vp->interrupts_lost++; /* no INTx: a driver without MSI-X gets none */
}

static int add_caps(struct virtio_pci *vp)
{
	static const uint8_t cfg_writable[CFG_CAP_LEN] = {
		[CFG_CAP_BAR] = 0xFF,	     [CFG_CAP_OFFSET] = 0xFF,
		[CFG_CAP_OFFSET + 1] = 0xFF, [CFG_CAP_OFFSET + 2] = 0xFF,
		[CFG_CAP_OFFSET + 3] = 0xFF, [CFG_CAP_LENGTH] = 0xFF,
		[CFG_CAP_LENGTH + 1] = 0xFF, [CFG_CAP_LENGTH + 2] = 0xFF,
		[CFG_CAP_LENGTH + 3] = 0xFF,
	};
	uint8_t at;
	int err;

	err = add_vendor_cap(vp, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFF,
			     VIRTIO_PCI_COMMON_SIZE, CAP_LEN, &at);
	if (!err)
		err = add_vendor_cap(vp, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFF, 1, CAP_LEN,
				     &at);
	if (!err && vp->vd->config_size)
		err = add_vendor_cap(vp, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFF,
				     vp->vd->config_size, CAP_LEN, &at);
	if (!err)
		err = add_vendor_cap(vp, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFF,
				     VIRTIO_PCI_NOTIFY_MULT * vp->vd->nqueues, NOTIFY_CAP_LEN, &at);
	if (!err)
		err = add_vendor_cap(vp, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, CFG_CAP_LEN, &vp->cfg_cap);
	if (err)
		return err;
	dm_pci_func_set_writable(&vp->func, vp->cfg_cap, cfg_writable, CFG_CAP_LEN);
	vp->func.hook = (struct dm_pci_cfg_hook){ .start = (uint16_t)(vp->cfg_cap + CFG_CAP_DATA),
						  .len = 4,
						  .access = cfg_cap_data,
						  .opaque = vp };
	return 0;
}

int virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *vd, struct dm_bus *bus, uint8_t slot,
		    uint8_t fn, uint32_t class_code, dm_pci_msi_fn send, void *send_opaque)
{
	const struct dm_pci_id id = { .vendor = VIRTIO_PCI_VENDOR,
				      .device = (uint16_t)(VIRTIO_PCI_DEVICE_BASE + vd->type),
				      .subsys_vendor = VIRTIO_PCI_VENDOR,
				      .subsys = VIRTIO_PCI_SUBSYS,
				      .class_code = class_code,
				      .revision = 1 };
	int err;

	memset(vp, 0, sizeof(*vp));
	vp->vd = vd;
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
		vp->notify_fd[q] = -1;
	if (vd->config_size > VIRTIO_PCI_DEVICE_CFG_MAX)
		return -EINVAL;
	dm_pci_func_init(&vp->func, bus, slot, fn, &id, vd->name);
	vp->func.bar_changed = bar_changed;
	vp->func.bar_opaque = vp;
	err = dm_pci_func_add_bar(&vp->func, VIRTIO_PCI_BAR, DM_PCI_BAR_MEM64, VIRTIO_PCI_BAR_SIZE,
				  bar_access, vp);
	if (!err)
		err = add_caps(vp);
	if (!err)
		err = dm_pci_func_add_msix(&vp->func, VIRTIO_PCI_BAR, VIRTIO_PCI_MSIX_TABLE_OFF,
					   VIRTIO_PCI_MSIX_PBA_OFF, (uint16_t)(vd->nqueues + 1),
					   send, send_opaque);
	if (err)
		return err;
	vd->interrupt = send_interrupt;
	vd->transport = vp;
	return 0;
}

void virtio_pci_queue_kick(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_dev *vd = vp->vd;

	pthread_mutex_lock(&vd->lock);
	if (virtq_usable(vd, q) && vd->ops->queue_notify)
		vd->ops->queue_notify(vd, q);
	pthread_mutex_unlock(&vd->lock);
}
