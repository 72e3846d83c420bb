/* SPDX-License-Identifier: BSD-3-Clause */
/* Decoding the MOV behind a nested page fault on an emulated MMIO page (no decode assists). */
#ifndef CAIRN_X86_MMIO_DECODE_H
#define CAIRN_X86_MMIO_DECODE_H

#include "lib/compiler.h"

/* The architectural limit: a longer instruction raises #GP, so no more bytes need fetching. */
#define MMIO_INSN_MAX_LEN 15

enum mmio_dir {
	MMIO_READ,
	MMIO_WRITE,
};

struct mmio_insn {
	uint8_t length; /* bytes consumed, prefixes included: the caller advances RIP by this */
	uint8_t size;	/* access size in bytes: 1, 2, 4 or 8 */
	enum mmio_dir dir;
	bool has_imm; /* a write of imm (C6/C7), not of a register */
	uint64_t imm; /* already sign-extended and truncated to size */
	/*
	 * GPR written from or read into, 0 RAX ... 15 R15. With high_byte, reg is 4-7 as encoded
	 * (AH, CH, DH, BH): the access uses bits 15:8 of GPR reg - 4.
	 */
	uint8_t reg;
	bool high_byte;
	/* For reads: 0 = write size bytes into reg; else MOVZX to this destination size (2, 4, 8). */
	uint8_t zero_extend_to;
};

/*
 * Decodes bytes[0..len) as a MOV between memory and a GPR or an immediate (88, 89, 8A, 8B, C6 /0,
 * C7 /0, A0-A3, 0F B6, 0F B7). mode is 64 (long mode), 32 or 16 (default operand size of the code
 * segment). Returns 0, or -EINVAL with *why (if why is non-NULL) set to a short reason. Never
 * reads bytes[len] or beyond.
 */
int mmio_decode(const uint8_t *bytes, size_t len, int mode, struct mmio_insn *out,
		const char **why);

/*
 * The new value of the 64-bit destination register (reg, or reg - 4 with high_byte) after a
 * decoded read of value (size bytes), given its old value: 8/16-bit writes merge, 32-bit writes
 * zero-extend, MOVZX widens first. Returns old_reg unchanged for a write.
 */
uint64_t mmio_merge_read(const struct mmio_insn *insn, uint64_t old_reg, uint64_t value);

/*
 * The size bytes a decoded write stores: the immediate, or from reg_value, the 64-bit value of
 * the source register (reg, or reg - 4 with high_byte).
 */
uint64_t mmio_write_value(const struct mmio_insn *insn, uint64_t reg_value);

#endif
