/* SPDX-License-Identifier: BSD-3-Clause */
/* Test fixture for the second-stage page-table builder: a page pool, a raw walker, translate checks. */
#ifndef CAIRN_TESTS_UNIT_STAGE2_FIXTURE_H
#define CAIRN_TESTS_UNIT_STAGE2_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86/stage2_pt.h"

/* Table pages come from a pool of host pages behind fake physical addresses above 4 GiB. */
#define POOL_PAGES 1024
#define POOL_BASE  0x100000000ULL

/* The large-page bit and the address bits, written out here: the same in NPT and EPT. */
#define BIT_PS	 (1ULL << 7)
#define ADDR_MSK 0x000FFFFFFFFFF000ULL

#define R   STAGE2_READ
#define RW  (STAGE2_READ | STAGE2_WRITE)
#define RX  (STAGE2_READ | STAGE2_EXEC)
#define RWX (STAGE2_READ | STAGE2_WRITE | STAGE2_EXEC)

struct pool {
	void *pages[POOL_PAGES]; /* NULL when free: a freed page goes back to the host at once */
	size_t limit;		 /* allocations allowed before alloc_page fails */
	size_t allocs, frees;
};

extern struct pool pool;
extern const struct stage2_ops pool_ops;

/* An empty pool allowing `limit` allocations. */
void pool_reset(size_t limit);
/* The host page behind a fake physical address; fails the test when it names no live page. */
void *pool_to_virt(void *ctx, uint64_t pa);

/*
 * Destroys the table and gives the host any page it did not free, so that a leak fails only the
 * tests that count frees, not every test through LeakSanitizer.
 */
void stage2_teardown(struct stage2_pt *pt);

/*
 * The raw entry for gpa at `level` (3 = PML4); a failure, and 0, when the walk ends above it.
 * present_bits: the bits of which one makes an entry present (NPT: P, EPT: R|W|X).
 */
uint64_t stage2_raw_entry(const struct stage2_pt *pt, uint64_t present_bits, uint64_t gpa,
			  int level);

/* Expects gpa to translate to hpa with these flags and leaf size. */
void expect_maps(const struct stage2_pt *pt, uint64_t gpa, uint64_t hpa, uint32_t flags,
		 uint64_t size);
void expect_unmapped(const struct stage2_pt *pt, uint64_t gpa);

#endif
