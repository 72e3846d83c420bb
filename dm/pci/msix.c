/* SPDX-License-Identifier: BSD-3-Clause */
/* MSI-X: the capability, the vector table and pending-bit array in a BAR, masking and delivery. */
#include <errno.h>
#include <string.h>

#include "dm/pci.h"
#include "pci_internal.h"

#define MSIX_CAP_LEN	 12
#define MSIX_CTRL	 2 /* offsets in the capability */
#define MSIX_TABLE_WORDS 4 /* address low, address high, data, vector control */

static uint64_t pba_size(const struct dm_pci_msix *m)
{
	return 8 * (((uint64_t)m->nvec + 63) / 64);
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int dm_pci_func_add_msix(struct dm_pci_func *f, unsigned int bar, uint32_t table_off,
			 uint32_t pba_off, uint16_t nvec, dm_pci_msi_fn send, void *opaque)
{
	struct dm_pci_msix *m = &f->msix;
	uint64_t table_len = (uint64_t)nvec * DM_PCI_MSIX_ENTRY_SIZE;
	uint8_t cap[MSIX_CAP_LEN] = { DM_PCI_CAP_ID_MSIX };
	static const uint8_t ctrl_writable[2] = { 0, 0xC0 }; /* enable, function mask */
	int err;

	if (m->nvec || !nvec || nvec > DM_PCI_MSIX_MAX || bar >= DM_PCI_BARS ||
	    f->bars[bar].type == DM_PCI_BAR_NONE || (table_off | pba_off) & 7 || !send)
		return -EINVAL;
	m->nvec = nvec;
	if (table_off + table_len > f->bars[bar].size ||
	    pba_off + pba_size(m) > f->bars[bar].size ||
	    ranges_overlap(table_off, table_len, pba_off, pba_size(m))) {
		m->nvec = 0;
		return -EINVAL;
	}
	cap[MSIX_CTRL] = (uint8_t)(nvec - 1);
	cap[MSIX_CTRL + 1] = (uint8_t)((nvec - 1) >> 8);
	memcpy(&cap[4], &(uint32_t){ table_off | bar }, 4);
	memcpy(&cap[8], &(uint32_t){ pba_off | bar }, 4);
	err = dm_pci_func_add_cap(f, cap, sizeof(cap), &m->cap);
	if (err) {
		m->nvec = 0;
		return err;
	}
	dm_pci_func_set_writable(f, m->cap + MSIX_CTRL, ctrl_writable, 2);
	m->bar = (uint8_t)bar;
	m->table_off = table_off;
	m->pba_off = pba_off;
	m->send = send;
	m->send_opaque = opaque;
	for (unsigned int i = 0; i < nvec; i++)
		m->entries[i].ctrl = DM_PCI_MSIX_VECTOR_MASKED; /* all masked after reset */
	return 0;
}

static bool vector_masked(const struct dm_pci_msix *m, unsigned int vec)
{
	return m->masked_all || (m->entries[vec].ctrl & DM_PCI_MSIX_VECTOR_MASKED);
}

/* Sends vec's message now (f->lock held): 0, or -EFAULT for an address that is not an MSI's. */
static int deliver(struct dm_pci_msix *m, unsigned int vec)
{
	const struct dm_pci_msix_entry *e = &m->entries[vec];

	if ((e->addr & ~0xFFFFFull) != DM_PCI_MSI_ADDR_BASE) {
		m->dropped++;
		return -EFAULT;
	}
	m->sent++;
	m->send(m->send_opaque, e->addr, e->data);
	return 0;
}

/* Delivers every pending vector that is no longer masked (f->lock held). */
static void release_pending(struct dm_pci_msix *m)
{
	if (!m->enabled || m->masked_all)
		return;
	for (unsigned int vec = 0; vec < m->nvec; vec++) {
		if (!(m->pending & (1ull << vec)) || vector_masked(m, vec))
			continue;
		m->pending &= ~(1ull << vec);
		deliver(m, vec);
	}
}

void dm_pci_msix_cfg_written(struct dm_pci_func *f, uint64_t off, unsigned int size)
{
	struct dm_pci_msix *m = &f->msix;
	uint16_t ctrl;

	if (!m->nvec || off > (uint64_t)m->cap + MSIX_CTRL + 1 ||
	    off + size <= (uint64_t)m->cap + MSIX_CTRL)
		return;
	ctrl = dm_pci_cfg16(f, m->cap + MSIX_CTRL);
	m->enabled = ctrl & DM_PCI_MSIX_CTRL_ENABLE;
	m->masked_all = ctrl & DM_PCI_MSIX_CTRL_MASKALL;
	release_pending(m);
}

static uint32_t entry_word(const struct dm_pci_msix_entry *e, unsigned int word)
{
	switch (word) {
	case 0:
		return (uint32_t)e->addr;
	case 1:
		return (uint32_t)(e->addr >> 32);
	case 2:
		return e->data;
	default:
		return e->ctrl;
	}
}

static void entry_set_word(struct dm_pci_msix_entry *e, unsigned int word, uint32_t v)
{
	switch (word) {
	case 0:
		e->addr = (e->addr & ~0xFFFFFFFFull) | (v & ~3u); /* dword aligned */
		break;
	case 1:
		e->addr = (e->addr & 0xFFFFFFFFull) | (uint64_t)v << 32;
		break;
	case 2:
		e->data = v;
		break;
	default:
		e->ctrl = v & DM_PCI_MSIX_VECTOR_MASKED; /* the rest is reserved */
		break;
	}
}

/* A dword or an aligned qword of the table; anything else reads 0 and writes nothing. */
static void table_access(struct dm_pci_msix *m, uint64_t off, struct dm_access *a)
{
	struct dm_pci_msix_entry *e = &m->entries[off / DM_PCI_MSIX_ENTRY_SIZE];
	unsigned int word = (unsigned int)(off % DM_PCI_MSIX_ENTRY_SIZE) / 4;

	if ((a->size != 4 && a->size != 8) || off % a->size)
		return;
	for (unsigned int i = 0; i < a->size / 4; i++) {
		if (a->write)
			entry_set_word(e, word + i, (uint32_t)(a->value >> (32 * i)));
		else
			a->value |= (uint64_t)entry_word(e, word + i) << (32 * i);
	}
	if (a->write)
		release_pending(m);
}

bool dm_pci_msix_bar_access(struct dm_pci_func *f, unsigned int bar, struct dm_access *a)
{
	struct dm_pci_msix *m = &f->msix;
	uint64_t table_len = (uint64_t)m->nvec * DM_PCI_MSIX_ENTRY_SIZE;

	if (!m->nvec || bar != m->bar)
		return false;
	if (ranges_overlap(a->offset, a->size, m->table_off, table_len)) {
		pthread_mutex_lock(&f->lock);
		if (a->offset >= m->table_off && a->offset + a->size <= m->table_off + table_len)
			table_access(m, a->offset - m->table_off, a);
		pthread_mutex_unlock(&f->lock);
		return true;
	}
	if (ranges_overlap(a->offset, a->size, m->pba_off, pba_size(m))) {
		pthread_mutex_lock(&f->lock);
		if (!a->write && a->offset >= m->pba_off && a->size <= 8 &&
		    a->offset + a->size <= m->pba_off + pba_size(m)) {
			unsigned int shift = (unsigned int)(a->offset - m->pba_off) * 8;

			a->value = shift < 64 ? m->pending >> shift : 0;
		}
		pthread_mutex_unlock(&f->lock);
		return true; /* the PBA is read-only */
	}
	return false;
}

int dm_pci_msix_fire(struct dm_pci_func *f, uint16_t vec)
{
	struct dm_pci_msix *m = &f->msix;
	int ret;

	pthread_mutex_lock(&f->lock);
	if (vec >= m->nvec) {
		ret = -EINVAL;
	} else if (!m->enabled) {
		m->dropped++;
		ret = -ENODEV;
	} else if (vector_masked(m, vec)) {
		m->pending |= 1ull << vec;
		m->held++;
		ret = 1;
	} else {
		ret = deliver(m, vec);
	}
	pthread_mutex_unlock(&f->lock);
	return ret;
}
