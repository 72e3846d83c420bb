/* SPDX-License-Identifier: BSD-3-Clause */
/* A MOV-only x86 instruction decoder for emulating guest accesses to MMIO pages. */
#include "lib/errno.h"
#include "x86/guest/mmio_decode.h"

#define REX_W 0x8
#define REX_R 0x4

/* The instruction bytes being read, and the first reason decoding failed. */
struct mmio_cursor {
	const uint8_t *bytes;
	size_t len;
	size_t pos;
	const char *why;
};

/* What the prefixes say about the opcode that follows them. */
struct mmio_prefixes {
	uint8_t rex;
	uint8_t operand_size; /* of a non-byte opcode: 2, 4 or 8 */
	uint8_t address_size; /* 2, 4 or 8 */
};

/* Reads n (1-8) bytes little-endian; false with c->why set if they lie past len or byte 15. */
static bool cursor_take(struct mmio_cursor *c, size_t n, uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	if (c->pos + n > MMIO_INSN_MAX_LEN) {
		c->why = "longer than 15 bytes";
		return false;
	}
	if (c->pos + n > c->len) {
		c->why = "truncated";
		return false;
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	*value = v;
	return true;
}

static bool cursor_skip(struct mmio_cursor *c, size_t n)
{
	uint64_t ignored;

	return n == 0 || cursor_take(c, n, &ignored);
}

static bool cursor_fail(struct mmio_cursor *c, const char *why)
{
	c->why = why;
	return false;
}

static bool is_segment_override(uint8_t b)
{
	return b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

/* Consumes the prefixes and the first opcode byte into *opcode. */
static bool decode_prefixes(struct mmio_cursor *c, int mode, struct mmio_prefixes *p,
			    uint8_t *opcode)
{
	bool opsize_prefix = false, addrsize_prefix = false;
	uint64_t b;

	for (;;) {
		if (!cursor_take(c, 1, &b))
			return false;
		if (b == 0xf0)
			return cursor_fail(c, "lock prefix");
		if (b == 0xf2 || b == 0xf3)
			return cursor_fail(c, "rep prefix");
		if (mode == 64 && (b & 0xf0) == 0x40) {
			p->rex = (uint8_t)b; /* only the last REX counts */
			continue;
		}
		if (b == 0x66)
			opsize_prefix = true;
		else if (b == 0x67)
			addrsize_prefix = true;
		else if (!is_segment_override((uint8_t)b))
			break;
		p->rex = 0; /* a REX not right before the opcode is ignored */
	}
	*opcode = (uint8_t)b;

	if (mode == 64) {
		p->operand_size = (p->rex & REX_W) ? 8 : opsize_prefix ? 2 : 4;
		p->address_size = addrsize_prefix ? 4 : 8;
	} else {
		bool wide = (mode == 32) != opsize_prefix;

		p->operand_size = wide ? 4 : 2;
		p->address_size = (mode == 32) != addrsize_prefix ? 4 : 2;
	}
	return true;
}

/*
 * Consumes a memory ModRM operand (32/64-bit addressing) with its SIB and displacement; *reg_field
 * gets ModRM.reg extended by REX.R.
 */
static bool decode_modrm(struct mmio_cursor *c, const struct mmio_prefixes *p, uint8_t *reg_field)
{
	uint64_t modrm, sib;
	uint8_t mod, rm;
	size_t disp = 0;

	/* Needs a different ModRM table (BX+SI...); MMIO drivers do not use it. */
	if (p->address_size == 2)
		return cursor_fail(c, "16-bit addressing not supported");
	if (!cursor_take(c, 1, &modrm))
		return false;
	mod = (uint8_t)(modrm >> 6);
	rm = modrm & 7;
	if (mod == 3)
		return cursor_fail(c, "register operand (mod 3)");
	if (rm == 4) {
		if (!cursor_take(c, 1, &sib))
			return false;
		if (mod == 0 && (sib & 7) == 5)
			disp = 4; /* no base register */
	} else if (mod == 0 && rm == 5) {
		disp = 4; /* RIP-relative in 64-bit mode, absolute otherwise */
	}
	if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;
	if (!cursor_skip(c, disp))
		return false;
	*reg_field = (uint8_t)(((modrm >> 3) & 7) | ((p->rex & REX_R) ? 8 : 0));
	return true;
}

/* Without REX, byte registers 4-7 are AH, CH, DH, BH (bits 15:8 of 0-3), not SPL...DIL. */
static void set_byte_register(struct mmio_insn *insn, const struct mmio_prefixes *p,
			      uint8_t reg_field)
{
	insn->size = 1;
	insn->high_byte = !p->rex && reg_field >= 4 && reg_field < 8;
	insn->reg = reg_field;
}

/* 88, 89, 8A, 8B: MOV between memory and a register. */
static bool decode_mov_reg(struct mmio_cursor *c, const struct mmio_prefixes *p, uint8_t opcode,
			   struct mmio_insn *insn)
{
	uint8_t reg_field;

	if (!decode_modrm(c, p, &reg_field))
		return false;
	insn->dir = (opcode & 2) ? MMIO_READ : MMIO_WRITE;
	if (opcode & 1) {
		insn->size = p->operand_size;
		insn->reg = reg_field;
	} else {
		set_byte_register(insn, p, reg_field);
	}
	return true;
}

static uint64_t size_mask(uint8_t size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* C6 /0 ib, C7 /0 iw/id: MOV of an immediate to memory. */
static bool decode_mov_imm(struct mmio_cursor *c, const struct mmio_prefixes *p, uint8_t opcode,
			   struct mmio_insn *insn)
{
	uint8_t reg_field, imm_size;
	uint64_t imm;

	if (!decode_modrm(c, p, &reg_field))
		return false;
	if ((reg_field & 7) != 0)
		return cursor_fail(c, "not a MOV (C6/C7 with reg != 0)");
	insn->size = (opcode == 0xc6) ? 1 : p->operand_size;
	imm_size = insn->size == 8 ? 4 : insn->size;
	if (!cursor_take(c, imm_size, &imm))
		return false;
	if (insn->size == 8)
		imm = (uint64_t)(int64_t)(int32_t)(uint32_t)imm;
	insn->dir = MMIO_WRITE;
	insn->has_imm = true;
	insn->imm = imm & size_mask(insn->size);
	return true;
}

/* A0-A3: MOV between AL/rAX and an absolute address (moffs) of the address size. */
static bool decode_mov_moffs(struct mmio_cursor *c, const struct mmio_prefixes *p, uint8_t opcode,
			     struct mmio_insn *insn)
{
	if (!cursor_skip(c, p->address_size))
		return false;
	insn->dir = (opcode & 2) ? MMIO_WRITE : MMIO_READ;
	insn->size = (opcode & 1) ? p->operand_size : 1;
	insn->reg = 0;
	return true;
}

/* 0F B6 /r, 0F B7 /r: MOVZX from memory into a register. */
static bool decode_movzx(struct mmio_cursor *c, const struct mmio_prefixes *p,
			 struct mmio_insn *insn)
{
	uint64_t opcode2;
	uint8_t reg_field;

	if (!cursor_take(c, 1, &opcode2))
		return false;
	if (opcode2 != 0xb6 && opcode2 != 0xb7)
		return cursor_fail(c, "not a MOV");
	if (!decode_modrm(c, p, &reg_field))
		return false;
	insn->dir = MMIO_READ;
	insn->size = opcode2 == 0xb6 ? 1 : 2;
	insn->reg = reg_field;
	insn->zero_extend_to = p->operand_size;
	return true;
}

static bool decode_opcode(struct mmio_cursor *c, const struct mmio_prefixes *p, uint8_t opcode,
			  struct mmio_insn *insn)
{
	switch (opcode) {
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
		return decode_mov_reg(c, p, opcode, insn);
	case 0xc6:
	case 0xc7:
		return decode_mov_imm(c, p, opcode, insn);
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		return decode_mov_moffs(c, p, opcode, insn);
	case 0x0f:
		return decode_movzx(c, p, insn);
	default:
		return cursor_fail(c, "not a MOV");
	}
}

int mmio_decode(const uint8_t *bytes, size_t len, int mode, struct mmio_insn *out, const char **why)
{
	struct mmio_cursor c = { .bytes = bytes, .len = len };
	struct mmio_prefixes p = { 0 };
	struct mmio_insn insn = { 0 };
	uint8_t opcode;
	bool ok;

	if (mode != 64 && mode != 32 && mode != 16)
		ok = cursor_fail(&c, "bad CPU mode");
	else
		ok = decode_prefixes(&c, mode, &p, &opcode) && decode_opcode(&c, &p, opcode, &insn);
	if (!ok) {
		if (why)
			*why = c.why;
		return -EINVAL;
	}
	insn.length = (uint8_t)c.pos;
	*out = insn;
	return 0;
}

uint64_t mmio_merge_read(const struct mmio_insn *insn, uint64_t old_reg, uint64_t value)
{
	uint8_t dest_size = insn->zero_extend_to ? insn->zero_extend_to : insn->size;

	if (insn->dir != MMIO_READ)
		return old_reg;
	value &= size_mask(insn->size);
	if (insn->high_byte)
		return (old_reg & ~0xff00ULL) | (value << 8);
	/* A 32-bit destination clears bits 63:32 (in 64-bit mode; they are undefined otherwise). */
	if (dest_size >= 4)
		return value;
	return (old_reg & ~size_mask(dest_size)) | value;
}

uint64_t mmio_write_value(const struct mmio_insn *insn, uint64_t reg_value)
{
	if (insn->has_imm)
		return insn->imm & size_mask(insn->size);
	if (insn->high_byte)
		reg_value >>= 8;
	return reg_value & size_mask(insn->size);
}
