/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the MOV decoder in hypervisor/arch/x86/guest/mmio_decode.c, on encodings from GNU as. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86/guest/mmio_decode.h"
#include "harness.h"

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })
#define INSN(...)  ((struct mmio_insn){ __VA_ARGS__ })

/* A write of reg and a read into reg, both of size bytes. */
#define W(len, sz, r) INSN(.length = (len), .size = (sz), .dir = MMIO_WRITE, .reg = (r))
#define R(len, sz, r) INSN(.length = (len), .size = (sz), .dir = MMIO_READ, .reg = (r))

#define EXPECT_DECODE(mode, want, ...) expect_decode(__LINE__, mode, want, BYTES(__VA_ARGS__))
#define EXPECT_REJECT(mode, why, ...)  expect_reject(__LINE__, mode, why, BYTES(__VA_ARGS__))

/* Decodes from a heap copy of exactly len bytes, so that reading past len trips ASan. */
static int decode_exact(const uint8_t *bytes, size_t len, int mode, struct mmio_insn *insn,
			const char **why)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, bytes, len);
	rc = mmio_decode(len ? copy : copy + 1, len, mode, insn, why);
	free(copy);
	return rc;
}

static void expect_fields(int line, const struct mmio_insn *got, const struct mmio_insn *want)
{
	const char *f = __FILE__;

	harness_expect_num(f, line, "length", true, got->length, want->length);
	harness_expect_num(f, line, "size", true, got->size, want->size);
	harness_expect_num(f, line, "dir", true, got->dir, want->dir);
	harness_expect_num(f, line, "has_imm", true, got->has_imm, want->has_imm);
	harness_expect_num(f, line, "imm", true, got->imm, want->imm);
	harness_expect_num(f, line, "reg", true, got->reg, want->reg);
	harness_expect_num(f, line, "high_byte", true, got->high_byte, want->high_byte);
	harness_expect_num(f, line, "zero_extend_to", true, got->zero_extend_to,
			   want->zero_extend_to);
}

/*
 * Checks the decoding of a whole instruction, that trailing bytes change nothing (the hypervisor
 * fetches 15), and that every shorter prefix of it is rejected as truncated.
 */
static void expect_decode(int line, int mode, struct mmio_insn want, const uint8_t *bytes,
			  size_t len)
{
	uint8_t padded[MMIO_INSN_MAX_LEN + 1];
	struct mmio_insn got;
	const char *why = NULL;
	size_t n;

	memset(&got, 0x5a, sizeof(got));
	if (!harness_expect_num(__FILE__, line, "mmio_decode() == 0", true,
				decode_exact(bytes, len, mode, &got, &why), 0)) {
		fprintf(stderr, "  reason: %s\n", why ? why : "(none)");
		return;
	}
	expect_fields(line, &got, &want);
	harness_expect_num(__FILE__, line, "length == bytes given", true, got.length, len);

	memset(padded, 0xcc, sizeof(padded));
	memcpy(padded, bytes, len);
	memset(&got, 0x5a, sizeof(got));
	harness_expect_num(__FILE__, line, "padded mmio_decode() == 0", true,
			   decode_exact(padded, sizeof(padded), mode, &got, &why), 0);
	expect_fields(line, &got, &want);

	for (n = 0; n < len; n++) {
		why = NULL;
		harness_expect_num(__FILE__, line, "truncated mmio_decode() == -EINVAL", true,
				   decode_exact(bytes, n, mode, &got, &why), -EINVAL);
		harness_expect_str(__FILE__, line, "truncated reason", why, "truncated");
	}
}

static void expect_reject(int line, int mode, const char *reason, const uint8_t *bytes, size_t len)
{
	struct mmio_insn got;
	const char *why = NULL;

	harness_expect_num(__FILE__, line, "mmio_decode() == -EINVAL", true,
			   decode_exact(bytes, len, mode, &got, &why), -EINVAL);
	harness_expect_str(__FILE__, line, "reason", why, reason);
}

TEST(mov_register_to_memory_64)
{
	EXPECT_DECODE(64, W(2, 4, 0), 0x89, 0x02);	 /* mov %eax,(%rdx) */
	EXPECT_DECODE(64, W(3, 2, 1), 0x66, 0x89, 0x08); /* mov %cx,(%rax) */
	EXPECT_DECODE(64, W(3, 8, 8), 0x4c, 0x89, 0x02); /* mov %r8,(%rdx) */
	EXPECT_DECODE(64, W(3, 4, 0), 0x41, 0x89, 0x00); /* mov %eax,(%r8) */
	/* mov %r13,0x10(%r14,%r15,8) */
	EXPECT_DECODE(64, W(5, 8, 13), 0x4f, 0x89, 0x6c, 0xfe, 0x10);
	EXPECT_DECODE(64, W(3, 4, 0), 0x89, 0x45, 0x7f);       /* mov %eax,0x7f(%rbp) */
	EXPECT_DECODE(64, W(4, 4, 0), 0x41, 0x89, 0x04, 0x24); /* mov %eax,(%r12) */
	EXPECT_DECODE(64, W(4, 4, 0), 0x41, 0x89, 0x45, 0x00); /* mov %eax,0x0(%r13) */
	EXPECT_DECODE(64, W(4, 4, 0), 0x89, 0x44, 0x0d, 0x00); /* mov %eax,0x0(%rbp,%rcx,1) */
}

TEST(mov_with_sib_and_displacements)
{
	/* mov %eax,0x8(%rsp): SIB + disp8 */
	EXPECT_DECODE(64, W(4, 4, 0), 0x89, 0x44, 0x24, 0x08);
	/* mov %eax,0x100(%rsp): SIB + disp32 */
	EXPECT_DECODE(64, W(7, 4, 0), 0x89, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00);
	/* mov %r12d,0xfffffffffee00300: SIB with no base, disp32 */
	EXPECT_DECODE(64, W(8, 4, 12), 0x44, 0x89, 0x24, 0x25, 0x00, 0x03, 0xe0, 0xfe);
	/* mov 0xfffffffffee00020,%eax */
	EXPECT_DECODE(64, R(7, 4, 0), 0x8b, 0x04, 0x25, 0x20, 0x00, 0xe0, 0xfe);
	/* mov %eax,0x0(,%rcx,4) */
	EXPECT_DECODE(64, W(7, 4, 0), 0x89, 0x04, 0x8d, 0x00, 0x00, 0x00, 0x00);
	/* REX.B does not turn SIB base 101 with mod 00 into r13: still no base, disp32 */
	EXPECT_DECODE(64, W(8, 4, 0), 0x41, 0x89, 0x04, 0x25, 0x00, 0x03, 0xe0, 0xfe);
	/* mov %eax,0xfee00300(%rbx): mod 10, disp32 */
	EXPECT_DECODE(64, W(6, 4, 0), 0x89, 0x83, 0x00, 0x03, 0xe0, 0xfe);
}

TEST(mov_memory_to_register_64)
{
	EXPECT_DECODE(64, R(2, 4, 0), 0x8b, 0x07);		/* mov (%rdi),%eax */
	EXPECT_DECODE(64, R(3, 8, 9), 0x4c, 0x8b, 0x08);	/* mov (%rax),%r9 */
	EXPECT_DECODE(64, R(4, 8, 0), 0x3e, 0x48, 0x8b, 0x02);	/* ds mov (%rdx),%rax */
	EXPECT_DECODE(64, R(4, 2, 11), 0x66, 0x44, 0x8b, 0x1b); /* mov (%rbx),%r11w */
}

TEST(rip_relative)
{
	/* mov %rax,0x1234(%rip) */
	EXPECT_DECODE(64, W(7, 8, 0), 0x48, 0x89, 0x05, 0x34, 0x12, 0x00, 0x00);
	/* REX.B does not turn mod 00 rm 101 into r13: still RIP-relative */
	EXPECT_DECODE(64, W(7, 4, 0), 0x41, 0x89, 0x05, 0x00, 0x10, 0x00, 0x00);
	/* In 32-bit mode the same form is an absolute disp32: mov %ecx,0xfee00300 */
	EXPECT_DECODE(32, W(6, 4, 1), 0x89, 0x0d, 0x00, 0x03, 0xe0, 0xfe);
}

TEST(byte_registers)
{
	struct mmio_insn ah = W(6, 1, 4), bh = R(2, 1, 7);

	ah.high_byte = bh.high_byte = true;
	EXPECT_DECODE(64, ah, 0x88, 0x25, 0x00, 0x10, 0x00, 0x00); /* mov %ah,0x1000(%rip) */
	EXPECT_DECODE(64, bh, 0x8a, 0x3b);			   /* mov (%rbx),%bh */
	EXPECT_DECODE(64, R(2, 1, 2), 0x8a, 0x13);		   /* mov (%rbx),%dl */
	EXPECT_DECODE(64, W(3, 1, 8), 0x44, 0x88, 0x01);	   /* mov %r8b,(%rcx) */
	/* With any REX, 4-7 are SPL, BPL, SIL, DIL: mov %sil,(%rcx) */
	EXPECT_DECODE(64, W(3, 1, 6), 0x40, 0x88, 0x31);
	/* 0x66 and REX.W do not widen a byte opcode */
	EXPECT_DECODE(64, W(3, 1, 0), 0x66, 0x88, 0x02);
	EXPECT_DECODE(64, W(3, 1, 0), 0x48, 0x88, 0x02);
	/* mov (%ecx),%ch in 32-bit mode */
	bh = R(2, 1, 5);
	bh.high_byte = true;
	EXPECT_DECODE(32, bh, 0x8a, 0x29);
}

TEST(immediates)
{
	struct mmio_insn want = W(11, 4, 0);

	want.has_imm = true;
	want.imm = 0;
	/* movl $0,0xfffffffffee000b0 */
	EXPECT_DECODE(64, want, 0xc7, 0x04, 0x25, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00);

	want = W(3, 1, 0);
	want.has_imm = true;
	want.imm = 0x80;
	EXPECT_DECODE(64, want, 0xc6, 0x00, 0x80); /* movb $0x80,(%rax) */

	want = W(5, 2, 0);
	want.has_imm = true;
	want.imm = 0x8001;
	EXPECT_DECODE(64, want, 0x66, 0xc7, 0x00, 0x01, 0x80); /* movw $0x8001,(%rax) */

	want = W(7, 8, 0);
	want.has_imm = true;
	want.imm = 0xfffffffffffffffeULL;
	EXPECT_DECODE(64, want, 0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff); /* movq $-2,(%rax) */
	want.imm = 0x7fffffff;
	EXPECT_DECODE(64, want, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f);
	/* REX.R does not matter to the /0 extension */
	want.imm = 0x04030201;
	EXPECT_DECODE(64, want, 0x4c, 0xc7, 0x00, 0x01, 0x02, 0x03, 0x04);

	/* A 32-bit immediate is not sign-extended: movl $0xdeadbeef,0x10(%rbx) */
	want = W(7, 4, 0);
	want.has_imm = true;
	want.imm = 0xdeadbeef;
	EXPECT_DECODE(64, want, 0xc7, 0x43, 0x10, 0xef, 0xbe, 0xad, 0xde);

	/* 32-bit mode: movw $0x1234,0xfec00010 and movl $0x80000000,0xfec00010 */
	want = W(9, 2, 0);
	want.has_imm = true;
	want.imm = 0x1234;
	EXPECT_DECODE(32, want, 0x66, 0xc7, 0x05, 0x10, 0x00, 0xc0, 0xfe, 0x34, 0x12);
	want = W(10, 4, 0);
	want.has_imm = true;
	want.imm = 0x80000000;
	EXPECT_DECODE(32, want, 0xc7, 0x05, 0x10, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x80);
}

TEST(moffs_64)
{
	/* movabs %eax,0xfee00300 */
	EXPECT_DECODE(64, W(9, 4, 0), 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00);
	/* movabs %rax,0xfee00300 */
	EXPECT_DECODE(64, W(10, 8, 0), 0x48, 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00);
	/* movabs 0xfee00020,%al */
	EXPECT_DECODE(64, R(9, 1, 0), 0xa0, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00);
	/* movabs 0xfee00020,%eax */
	EXPECT_DECODE(64, R(9, 4, 0), 0xa1, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00);
	/* movabs %al,0xfee00020 */
	EXPECT_DECODE(64, W(9, 1, 0), 0xa2, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00);
	/* movabs 0xfee00020,%ax */
	EXPECT_DECODE(64, R(10, 2, 0), 0x66, 0xa1, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00);
	/* addr32 mov %eax,0xfee00300: a 4-byte moffs */
	EXPECT_DECODE(64, W(6, 4, 0), 0x67, 0xa3, 0x00, 0x03, 0xe0, 0xfe);
	/* addr32 mov 0xfee00020,%rax */
	EXPECT_DECODE(64, R(7, 8, 0), 0x67, 0x48, 0xa1, 0x20, 0x00, 0xe0, 0xfe);
}

TEST(moffs_32_and_16)
{
	EXPECT_DECODE(32, W(5, 4, 0), 0xa3, 0x00, 0x03, 0xe0, 0xfe);	   /* mov %eax,0xfee00300 */
	EXPECT_DECODE(32, R(5, 1, 0), 0xa0, 0x20, 0x00, 0xe0, 0xfe);	   /* mov 0xfee00020,%al */
	EXPECT_DECODE(32, W(6, 2, 0), 0x66, 0xa3, 0x00, 0x03, 0xe0, 0xfe); /* mov %ax,0xfee00300 */
	EXPECT_DECODE(32, W(4, 4, 0), 0x67, 0xa3, 0x00, 0x03); /* addr16 mov %eax,0x300 */
	/* 16-bit mode: moffs16 is fine, no ModRM table is involved */
	EXPECT_DECODE(16, W(4, 4, 0), 0x66, 0xa3, 0x00, 0x03);		   /* mov %eax,0x300 */
	EXPECT_DECODE(16, R(3, 2, 0), 0xa1, 0x20, 0x00);		   /* mov 0x20,%ax */
	EXPECT_DECODE(16, W(6, 2, 0), 0x67, 0xa3, 0x00, 0x03, 0xe0, 0xfe); /* addr32 mov %ax,... */
}

TEST(movzx)
{
	struct mmio_insn want = R(3, 1, 0);

	want.zero_extend_to = 4;
	EXPECT_DECODE(64, want, 0x0f, 0xb6, 0x02); /* movzbl (%rdx),%eax */
	want = R(4, 2, 0);
	want.zero_extend_to = 4;
	EXPECT_DECODE(64, want, 0x0f, 0xb7, 0x42, 0x10); /* movzwl 0x10(%rdx),%eax */
	want = R(4, 2, 3);
	want.zero_extend_to = 4;
	EXPECT_DECODE(64, want, 0x0f, 0xb7, 0x1c, 0x88); /* movzwl (%rax,%rcx,4),%ebx */
	want = R(5, 1, 10);
	want.zero_extend_to = 8;
	EXPECT_DECODE(64, want, 0x4c, 0x0f, 0xb6, 0x50, 0x04); /* movzbq 0x4(%rax),%r10 */
	want = R(4, 2, 0);
	want.zero_extend_to = 8;
	EXPECT_DECODE(64, want, 0x48, 0x0f, 0xb7, 0x00); /* movzwq (%rax),%rax */
	want = R(4, 1, 1);
	want.zero_extend_to = 2;
	EXPECT_DECODE(64, want, 0x66, 0x0f, 0xb6, 0x08); /* movzbw (%rax),%cx */
	/* No high byte for MOVZX destinations: 0f b6 3b is movzbl (%rbx),%edi */
	want = R(3, 1, 7);
	want.zero_extend_to = 4;
	EXPECT_DECODE(64, want, 0x0f, 0xb6, 0x3b);
	want = R(3, 2, 2);
	want.zero_extend_to = 4;
	EXPECT_DECODE(32, want, 0x0f, 0xb7, 0x12); /* movzwl (%edx),%edx */
	want = R(4, 1, 0);
	want.zero_extend_to = 2;
	EXPECT_DECODE(16, want, 0x67, 0x0f, 0xb6, 0x02); /* addr32 movzbw (%edx),%ax */
}

TEST(addressing_in_16_and_32_bit_modes)
{
	/* mov %eax,0xfee00300(%ebx) */
	EXPECT_DECODE(32, W(6, 4, 0), 0x89, 0x83, 0x00, 0x03, 0xe0, 0xfe);
	/* 16-bit mode with 0x67 uses 32-bit addressing: mov %eax,0xfee00300(%ebx) */
	EXPECT_DECODE(16, W(8, 4, 0), 0x67, 0x66, 0x89, 0x83, 0x00, 0x03, 0xe0, 0xfe);
	EXPECT_REJECT(16, "16-bit addressing not supported", 0x89, 0x87, 0x00, 0x03);
	EXPECT_REJECT(16, "16-bit addressing not supported", 0x0f, 0xb6, 0x02);
	EXPECT_REJECT(16, "16-bit addressing not supported", 0xc7, 0x07, 0x01, 0x00);
	/* 32-bit mode with 0x67: mov %eax,(%bx) */
	EXPECT_REJECT(32, "16-bit addressing not supported", 0x67, 0x89, 0x07);
}

TEST(prefixes)
{
	EXPECT_DECODE(64, W(3, 4, 0), 0x64, 0x89, 0x00); /* mov %eax,%fs:(%rax) */
	EXPECT_DECODE(64, W(3, 4, 0), 0x26, 0x89, 0x02); /* es mov %eax,(%rdx) */
	EXPECT_DECODE(64, W(4, 4, 0), 0x2e, 0x36, 0x89, 0x02);
	EXPECT_DECODE(64, W(4, 4, 0), 0x3e, 0x65, 0x89, 0x02);
	/* REX.W beats 0x66: data16 mov %rax,(%rdx) */
	EXPECT_DECODE(64, W(4, 8, 0), 0x66, 0x48, 0x89, 0x02);
	/* A REX not right before the opcode is ignored: mov %ax,(%rdx) */
	EXPECT_DECODE(64, W(4, 2, 0), 0x48, 0x66, 0x89, 0x02);
	EXPECT_DECODE(64, W(4, 4, 0), 0x4c, 0x3e, 0x89, 0x02);
	/* Only the last REX counts */
	EXPECT_DECODE(64, W(4, 4, 8), 0x48, 0x44, 0x89, 0x02);
	/* 0x66 in 16-bit mode selects 32-bit operands */
	EXPECT_DECODE(16, R(4, 4, 0), 0x66, 0xa1, 0x20, 0x00);
	/* Up to 15 bytes is fine, one more is not */
	EXPECT_DECODE(64, W(15, 2, 0), 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		      0x66, 0x66, 0x66, 0x89, 0x02);
	EXPECT_REJECT(64, "longer than 15 bytes", 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x02);
	EXPECT_REJECT(64, "longer than 15 bytes", 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66);
}

TEST(rejects_what_is_not_a_mov)
{
	EXPECT_REJECT(64, "not a MOV", 0x01, 0x02);	    /* add %eax,(%rdx) */
	EXPECT_REJECT(64, "not a MOV", 0x87, 0x02);	    /* xchg %eax,(%rdx) */
	EXPECT_REJECT(64, "not a MOV", 0x0f, 0xbe, 0x02);   /* movsbl (%rdx),%eax */
	EXPECT_REJECT(64, "not a MOV", 0x8c, 0x00);	    /* mov %es,(%rax) */
	EXPECT_REJECT(32, "not a MOV", 0x40, 0x89, 0x02);   /* inc %eax outside long mode */
	EXPECT_REJECT(64, "lock prefix", 0xf0, 0x89, 0x02); /* lock mov %eax,(%rdx) */
	EXPECT_REJECT(64, "lock prefix", 0x66, 0xf0, 0x89, 0x02);
	EXPECT_REJECT(64, "rep prefix", 0xf3, 0xa5); /* rep movsl */
	EXPECT_REJECT(64, "rep prefix", 0xf2, 0x89, 0x02);
	EXPECT_REJECT(64, "register operand (mod 3)", 0x89, 0xc2); /* mov %eax,%edx */
	EXPECT_REJECT(64, "register operand (mod 3)", 0x0f, 0xb6, 0xc0);
	EXPECT_REJECT(64, "register operand (mod 3)", 0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00);
	EXPECT_REJECT(64, "not a MOV (C6/C7 with reg != 0)", 0xc7, 0x08, 0x01, 0x02, 0x03, 0x04);
	EXPECT_REJECT(64, "not a MOV (C6/C7 with reg != 0)", 0xc6, 0x38, 0x01);
	EXPECT_REJECT(8, "bad CPU mode", 0x89, 0x02);
	EXPECT_REJECT(64, "truncated");
	EXPECT_REJECT(64, "truncated", 0x66, 0x48);
}

TEST(merge_rules_for_reads)
{
	struct mmio_insn insn = R(2, 1, 0);
	const uint64_t old = 0x1122334455667788ULL;

	/* Bits above size in the value read never leak into the register. */
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffffffffffffffabULL), 0x11223344556677abULL);
	insn.high_byte = true;
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffffffffffffffabULL), 0x112233445566ab88ULL);
	insn = R(2, 2, 0);
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffffffffffffabcdULL), 0x112233445566abcdULL);
	insn = R(2, 4, 0);
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffffffff89abcdefULL), 0x0000000089abcdefULL);
	insn = R(2, 8, 0);
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xfedcba9876543210ULL), 0xfedcba9876543210ULL);

	/* MOVZX widens to the destination size, then that size's rule applies. */
	insn = R(3, 1, 0);
	insn.zero_extend_to = 4;
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffffff80), 0x80);
	insn.zero_extend_to = 2;
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffffff80), 0x1122334455660080ULL);
	insn.zero_extend_to = 8;
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffffff80), 0x80);
	insn = R(3, 2, 0);
	insn.zero_extend_to = 8;
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffff8001), 0x8001);
	insn.zero_extend_to = 4;
	EXPECT_EQ(mmio_merge_read(&insn, old, 0xffff8001), 0x8001);

	/* A write leaves the register alone. */
	insn = W(2, 4, 0);
	EXPECT_EQ(mmio_merge_read(&insn, old, 0x1234), old);
}

TEST(values_written)
{
	struct mmio_insn insn = W(2, 4, 0);
	const uint64_t reg = 0x1122334455667788ULL;

	EXPECT_EQ(mmio_write_value(&insn, reg), 0x55667788);
	insn.size = 2;
	EXPECT_EQ(mmio_write_value(&insn, reg), 0x7788);
	insn.size = 1;
	EXPECT_EQ(mmio_write_value(&insn, reg), 0x88);
	insn.high_byte = true;
	EXPECT_EQ(mmio_write_value(&insn, reg), 0x77);
	insn = W(2, 8, 0);
	EXPECT_EQ(mmio_write_value(&insn, reg), reg);

	insn = W(7, 8, 0);
	insn.has_imm = true;
	insn.imm = 0xfffffffffffffffeULL;
	EXPECT_EQ(mmio_write_value(&insn, reg), 0xfffffffffffffffeULL);
	insn.size = 4;
	EXPECT_EQ(mmio_write_value(&insn, reg), 0xfffffffe);
}

/* Runs insn against a register file the way the fault handler does; returns the value written. */
static uint64_t apply(const struct mmio_insn *insn, uint64_t *regs, uint64_t value_read)
{
	/* AH, CH, DH, BH (4-7 with high_byte) live in registers 0-3. */
	uint64_t *gpr = &regs[insn->high_byte ? insn->reg - 4 : insn->reg];

	if (insn->dir == MMIO_WRITE)
		return mmio_write_value(insn, insn->has_imm ? 0 : *gpr);
	*gpr = mmio_merge_read(insn, *gpr, value_read);
	return 0;
}

/* A failed decode leaves a zeroed insn, so the checks that follow stay safe. */
static int decode_or_zero(const uint8_t *bytes, size_t len, struct mmio_insn *insn)
{
	const char *why;

	memset(insn, 0, sizeof(*insn));
	return mmio_decode(bytes, len, 64, insn, &why);
}

TEST(decode_then_apply)
{
	uint64_t regs[16];
	struct mmio_insn insn;
	unsigned int i;

	for (i = 0; i < 16; i++)
		regs[i] = 0xaaaaaaaaaaaaaa00ULL | i;
	/* mov (%rbx),%bh: the byte lands in bits 15:8 of RBX */
	EXPECT_EQ(decode_or_zero(BYTES(0x8a, 0x3b), &insn), 0);
	apply(&insn, regs, 0x5d);
	EXPECT_EQ(regs[3], 0xaaaaaaaaaaaa5d03ULL);
	EXPECT_EQ(regs[7], 0xaaaaaaaaaaaaaa07ULL);
	/* mov (%rdi),%eax: RAX's upper half is cleared */
	EXPECT_EQ(decode_or_zero(BYTES(0x8b, 0x07), &insn), 0);
	apply(&insn, regs, 0xfee00000);
	EXPECT_EQ(regs[0], 0xfee00000);
	/* mov %ch,0x1000(%rip): writes bits 15:8 of RCX */
	regs[1] = 0x1234;
	EXPECT_EQ(decode_or_zero(BYTES(0x88, 0x2d, 0x00, 0x10, 0x00, 0x00), &insn), 0);
	EXPECT_EQ(apply(&insn, regs, 0), 0x12);
	/* mov %bpl,(%rax): with REX, 5 is BPL, the low byte of RBP */
	EXPECT_EQ(decode_or_zero(BYTES(0x40, 0x88, 0x28), &insn), 0);
	EXPECT_EQ(apply(&insn, regs, 0), 0x05);
	/* movw $0x8001,(%rax): the immediate, not the register */
	EXPECT_EQ(decode_or_zero(BYTES(0x66, 0xc7, 0x00, 0x01, 0x80), &insn), 0);
	EXPECT_EQ(apply(&insn, regs, 0), 0x8001);
	/* movzwl 0x10(%rdx),%eax */
	regs[0] = ~0ULL;
	EXPECT_EQ(decode_or_zero(BYTES(0x0f, 0xb7, 0x42, 0x10), &insn), 0);
	apply(&insn, regs, 0xffffabcd);
	EXPECT_EQ(regs[0], 0xabcd);
}
