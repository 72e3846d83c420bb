/* SPDX-License-Identifier: BSD-3-Clause */
/* A test memory arena below 4 GiB in which only allocated bytes are addressable under ASan. */
#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"

#define ARENA_SIZE  (8 * 1024 * 1024)
#define ARENA_ALIGN 16
#define ARENA_GAP   16 /* poisoned bytes after every allocation */

static uint8_t *arena;
static size_t arena_used;

/* Maps the whole arena on first use, every byte poisoned until it is handed out. */
static void arena_map(void)
{
	arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (arena == MAP_FAILED)
		abort();
	ASAN_POISON_MEMORY_REGION(arena, ARENA_SIZE);
}

void *arena_alloc(size_t len)
{
	void *p;

	if (!arena)
		arena_map();
	if (len > ARENA_SIZE - ARENA_GAP - arena_used)
		abort();
	p = arena + arena_used;
	arena_used = (arena_used + len + ARENA_GAP + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	ASAN_UNPOISON_MEMORY_REGION(p, len);
	return memset(p, 0, len);
}
