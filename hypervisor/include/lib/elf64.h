/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading the loadable segments of an x86-64 ELF image, with every offset and size checked. */
#ifndef CAIRN_LIB_ELF64_H
#define CAIRN_LIB_ELF64_H

#include "lib/compiler.h"

struct elf64_segment {
	uint64_t paddr;
	uint64_t offset; /* in the file */
	uint64_t filesz;
	uint64_t memsz;
};

/*
 * Parses an ELF64 x86-64 executable in [image, image+size): fills *entry and up to max PT_LOAD
 * segments. -EINVAL (with *why set to a short reason) if the header is not ELF64/x86-64/EXEC,
 * program headers or a segment's file bytes lie outside the image, filesz > memsz, or there are
 * more than max segments or none.
 */
int elf64_parse(const void *image, uint64_t size, uint64_t *entry, struct elf64_segment *segs,
		size_t max, size_t *nsegs, const char **why);

#endif
