/* SPDX-License-Identifier: BSD-3-Clause */
/* Second-stage (guest-physical → host-physical) page tables, one builder for AMD NPT and Intel EPT. */
#ifndef CAIRN_X86_STAGE2_PT_H
#define CAIRN_X86_STAGE2_PT_H

#include "lib/compiler.h"

/* Mapping flags: rights as VIRT_MEM_* in core/virt.h, and one memory attribute. */
#define STAGE2_READ   (1u << 0)
#define STAGE2_WRITE  (1u << 1)
#define STAGE2_EXEC   (1u << 2)
#define STAGE2_RIGHTS (STAGE2_READ | STAGE2_WRITE | STAGE2_EXEC)
/* Device memory: EPT leaves get memory type UC. NPT has no such bit (host MTRRs decide there). */
#define STAGE2_UNCACHED	  (1u << 3)
#define STAGE2_FLAGS_MASK (STAGE2_RIGHTS | STAGE2_UNCACHED)

/* Where table pages come from; host unit tests supply their own. */
struct stage2_ops {
	int (*alloc_page)(void *ctx, uint64_t *pa); /* zeroed 4 KiB page */
	void (*free_page)(void *ctx, uint64_t pa);
	void *(*to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

/*
 * What differs between the two formats: entry bits only. Both are 4-level radix trees of 4 KiB
 * tables, 9 bits per level, with bit 7 marking a leaf at levels 1 (2 MiB) and 2 (1 GiB).
 */
struct stage2_format {
	const char *name;			    /* "NPT", "EPT" */
	uint64_t (*table_entry)(uint64_t table_pa); /* an entry pointing to a table */
	/* A leaf mapping hpa with STAGE2_* flags at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB). */
	uint64_t (*leaf_entry)(uint64_t hpa, uint32_t flags, int level);
	uint32_t (*leaf_flags)(uint64_t entry); /* the STAGE2_* flags of a leaf */
	bool (*present)(uint64_t entry);
};

/* The large-page bit, the same in both formats. */
#define STAGE2_LARGE (1ull << 7)
/* Bits 51:12: a table's or a 4 KiB page's address in either format. */
#define STAGE2_ADDR 0x000FFFFFFFFFF000ull

struct stage2_pt {
	uint64_t root_pa; /* the PML4: nested CR3 (NPT), EPTP's address bits (EPT) */
	const struct stage2_ops *ops;
	const struct stage2_format *format;
	bool pages_2m; /* 2 MiB leaves allowed */
	bool pages_1g; /* 1 GiB leaves allowed (only with pages_2m) */
};

/* Allocates an empty root. -ENOMEM when the page cannot be had. */
int stage2_init(struct stage2_pt *pt, const struct stage2_format *format,
		const struct stage2_ops *ops, bool pages_2m, bool pages_1g);
/* Frees every table page, the root included. */
void stage2_destroy(struct stage2_pt *pt);

/*
 * Maps [gpa, gpa+size) to [hpa, hpa+size). Addresses and size 4 KiB aligned, inside 2^48 (GPA) and
 * 2^52 (HPA); flags from STAGE2_FLAGS_MASK and including STAGE2_READ (EPT cannot express a
 * write-only or execute-write page, NPT cannot express an unreadable one). Uses 1 GiB / 2 MiB
 * leaves where both addresses are aligned, splitting existing large leaves as needed. -EINVAL on
 * bad arguments, -ENOMEM when a table page cannot be allocated (the range may then be partly
 * mapped).
 */
int stage2_map(struct stage2_pt *pt, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t flags);

/* Removes any mapping in [gpa, gpa+size), splitting large leaves that straddle its edges. */
int stage2_unmap(struct stage2_pt *pt, uint64_t gpa, uint64_t size);

/* Host address, flags (STAGE2_*) and leaf size behind gpa; -ENOENT when not mapped. */
int stage2_translate(const struct stage2_pt *pt, uint64_t gpa, uint64_t *hpa, uint32_t *flags,
		     uint64_t *page_size);

#endif
