/* SPDX-License-Identifier: BSD-3-Clause */
/* Nested page tables (AMD NPT: x86-64 4-level format): map, unmap, translate with 4K/2M/1G pages. */
#ifndef CAIRN_SVM_NPT_H
#define CAIRN_SVM_NPT_H

#include "lib/compiler.h"

/* Where table pages come from; host unit tests supply their own. */
struct npt_ops {
	int (*alloc_page)(void *ctx, uint64_t *pa); /* zeroed 4 KiB page */
	void (*free_page)(void *ctx, uint64_t pa);
	void *(*to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct npt {
	uint64_t root_pa;
	const struct npt_ops *ops;
	bool nx_supported;	/* host EFER.NXE: bit 63 may mark no-execute */
	bool gbpages_supported; /* 1 GiB leaves allowed */
};

/* Rights, as VIRT_MEM_* in core/virt.h */
#define NPT_READ  (1u << 0)
#define NPT_WRITE (1u << 1)
#define NPT_EXEC  (1u << 2)

int npt_init(struct npt *npt, const struct npt_ops *ops, bool nx_supported, bool gbpages);
/* Frees every table page, the root included. */
void npt_destroy(struct npt *npt);

/*
 * Maps [gpa, gpa+size) to [hpa, hpa+size). Addresses and size 4 KiB aligned, inside 2^48 (GPA) and
 * 2^52 (HPA); rights must include NPT_READ. Uses 1 GiB / 2 MiB leaves where both addresses are
 * aligned, splitting existing large leaves as needed. -EINVAL on bad arguments, -ENOMEM when a
 * table page cannot be allocated (the range may then be partly mapped).
 */
int npt_map(struct npt *npt, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights);

/* Removes any mapping in [gpa, gpa+size), splitting large leaves that straddle its edges. */
int npt_unmap(struct npt *npt, uint64_t gpa, uint64_t size);

/* Host address, rights and leaf size behind gpa; -ENOENT when not mapped. */
int npt_translate(const struct npt *npt, uint64_t gpa, uint64_t *hpa, uint32_t *rights,
		  uint64_t *page_size);

#endif
