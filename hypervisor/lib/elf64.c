/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading the loadable segments of an x86-64 ELF image, with every offset and size checked. */
#include "lib/elf64.h"
#include "lib/errno.h"
#include "lib/string.h"

struct elf64_header {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} __packed;

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
} __packed;

#define PT_LOAD	   1
#define ET_EXEC	   2
#define EM_X86_64  62
#define ELFCLASS64 2

static int reject(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

static bool within(uint64_t offset, uint64_t len, uint64_t size)
{
	return offset <= size && len <= size - offset;
}

int elf64_parse(const void *image, uint64_t size, uint64_t *entry, struct elf64_segment *segs,
		size_t max, size_t *nsegs, const char **why)
{
	const struct elf64_header *h = image;

	*nsegs = 0;
	if (size < sizeof(*h) || memcmp(h->ident, "\177ELF", 4) != 0)
		return reject(why, "not an ELF file");
	if (h->ident[4] != ELFCLASS64 || h->machine != EM_X86_64 || h->type != ET_EXEC)
		return reject(why, "not an x86-64 ELF64 executable");
	if (h->phentsize != sizeof(struct elf64_phdr) ||
	    !within(h->phoff, (uint64_t)h->phnum * sizeof(struct elf64_phdr), size))
		return reject(why, "program headers outside the file");
	for (uint16_t i = 0; i < h->phnum; i++) {
		struct elf64_phdr ph;
		memcpy(&ph, (const uint8_t *)image + h->phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (!within(ph.offset, ph.filesz, size))
			return reject(why, "a segment lies outside the file");
		if (ph.filesz > ph.memsz)
			return reject(why, "a segment has more file bytes than memory bytes");
		if (*nsegs == max)
			return reject(why, "too many segments");
		segs[(*nsegs)++] =
			(struct elf64_segment){ ph.paddr, ph.offset, ph.filesz, ph.memsz };
	}
	if (*nsegs == 0)
		return reject(why, "no loadable segment");
	*entry = h->entry;
	return 0;
}
