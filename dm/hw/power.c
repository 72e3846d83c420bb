/* SPDX-License-Identifier: BSD-3-Clause */
/* How a User VM powers off: ACRN's virtual PM1a event and control blocks (0x400, 0x404), and acrn-dm's debug exit. */
#include <string.h>

#include "dm/power.h"

void dm_power_init(struct dm_power *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
}

/* Bytes of PM1a control: 0x404 low, 0x405 high (SLP_EN is bit 13, SLP_TYP bits 12:10). */
static enum dm_io_result pm1_access(void *opaque, struct dm_access *a)
{
	struct dm_power *p = opaque;
	enum dm_io_result result = DM_IO_DONE;

	pthread_mutex_lock(&p->lock);
	if (!a->write) {
		a->value = (uint64_t)p->pm1_cnt >> (8 * a->offset);
	} else {
		uint16_t v = p->pm1_cnt;

		for (unsigned int i = 0; i < a->size; i++) {
			unsigned int shift = 8 * ((unsigned int)a->offset + i);

			v = (uint16_t)((v & ~(0xFFu << shift)) |
				       (((a->value >> (8 * i)) & 0xFF) << shift));
		}
		if ((v & DM_PM1A_SLP_EN) && DM_PM1A_SLP_TYP(v) == DM_PM1A_SLP_TYP_S5) {
			p->exit_value = v;
			p->crashed = v & CAIRN_GUEST_PM1A_CRASHED;
			result = DM_IO_POWEROFF;
		}
		/* SLP_EN reads as 0, and so does the hypervisor's crash mark */
		p->pm1_cnt = v & (uint16_t) ~(DM_PM1A_SLP_EN | CAIRN_GUEST_PM1A_CRASHED);
	}
	pthread_mutex_unlock(&p->lock);
	return result;
}

/* Bytes of the PM1a event block: status at 0x400-0x401 (always 0), enable at 0x402-0x403. */
static enum dm_io_result pm1_evt_access(void *opaque, struct dm_access *a)
{
	struct dm_power *p = opaque;
	uint32_t block;

	pthread_mutex_lock(&p->lock);
	block = (uint32_t)p->pm1_enable << 16;
	if (!a->write) {
		a->value = (uint64_t)(block >> (8 * a->offset));
	} else {
		for (unsigned int i = 0; i < a->size; i++) {
			unsigned int shift = 8 * ((unsigned int)a->offset + i);

			block = (block & ~(0xFFu << shift)) |
				(uint32_t)(((a->value >> (8 * i)) & 0xFF) << shift);
		}
		p->pm1_enable = (uint16_t)(block >> 16); /* status writes clear nothing: it is 0 */
	}
	pthread_mutex_unlock(&p->lock);
	return DM_IO_DONE;
}

static enum dm_io_result debugexit_access(void *opaque, struct dm_access *a)
{
	struct dm_power *p = opaque;

	if (!a->write)
		return DM_IO_DONE; /* reads 0 */
	pthread_mutex_lock(&p->lock);
	p->exit_value = a->value;
	pthread_mutex_unlock(&p->lock);
	return DM_IO_POWEROFF;
}

struct dm_region dm_power_pm1_region(struct dm_power *p)
{
	return (struct dm_region){ .space = DM_SPACE_PIO,
				   .start = DM_PM1A_CNT_PORT,
				   .size = 2,
				   .access = pm1_access,
				   .opaque = p,
				   .name = "pm1a-cnt" };
}

struct dm_region dm_power_pm1_evt_region(struct dm_power *p)
{
	return (struct dm_region){ .space = DM_SPACE_PIO,
				   .start = DM_PM1A_EVT_PORT,
				   .size = DM_PM1A_EVT_LEN,
				   .access = pm1_evt_access,
				   .opaque = p,
				   .name = "pm1a-evt" };
}

struct dm_region dm_power_debugexit_region(struct dm_power *p)
{
	return (struct dm_region){ .space = DM_SPACE_PIO,
				   .start = DM_DEBUGEXIT_PORT,
				   .size = 4,
				   .access = debugexit_access,
				   .opaque = p,
				   .name = "debugexit" };
}
