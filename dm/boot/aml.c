/* SPDX-License-Identifier: BSD-3-Clause */
/* A small AML writer (ACPI 6.x, 20.2 and 6.4): what cairn-dm's DSDT needs, nothing more. */
#include <string.h>

#include "dm/aml.h"

#define OP_ZERO		  0x00
#define OP_ONE		  0x01
#define OP_NAME		  0x08
#define OP_BYTE		  0x0A
#define OP_WORD		  0x0B
#define OP_DWORD	  0x0C
#define OP_STRING	  0x0D
#define OP_QWORD	  0x0E
#define OP_SCOPE	  0x10
#define OP_BUFFER	  0x11
#define OP_PACKAGE	  0x12
#define OP_EXT		  0x5B
#define OP_EXT_DEVICE	  0x82
#define ROOT_PREFIX	  '\\'
#define DUAL_NAME_PREFIX  0x2E
#define MULTI_NAME_PREFIX 0x2F
#define PKGLEN_RESERVED	  4 /* the longest PkgLength; shortened when the object is closed */
#define BUFSIZE_BYTES	  3 /* a resource buffer's size, as a WordConst */

/* Resource descriptors (ACPI 6.4) */
#define RES_IRQ_NO_FLAGS   0x22
#define RES_IO		   0x47
#define RES_END		   0x79
#define RES_DWORD_ADDR	   0x87
#define RES_WORD_ADDR	   0x88
#define ADDR_MEMORY	   0
#define ADDR_IO		   1
#define ADDR_BUS	   2
#define ADDR_MIN_MAX_FIXED 0x0C /* producer, positive decode, _MIF and _MAF set */
#define MEM_READ_WRITE	   0x01 /* non-cacheable */
#define IO_ENTIRE_RANGE	   0x03
#define IO_DECODE_16	   0x01

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	*a = (struct aml){ .buf = buf, .cap = cap };
}

void aml_bytes(struct aml *a, const void *bytes, size_t n)
{
	if (a->overflow || n > a->cap - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->len, bytes, n);
	a->len += n;
}

static void byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

static void le(struct aml *a, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		byte(a, (uint8_t)(v >> (8 * i)));
}

static void name_seg(struct aml *a, const char *seg, size_t n)
{
	for (size_t i = 0; i < 4; i++)
		byte(a, i < n ? (uint8_t)seg[i] : '_');
}

void aml_name_string(struct aml *a, const char *name)
{
	size_t segs = 0;

	if (*name == ROOT_PREFIX) {
		byte(a, ROOT_PREFIX);
		name++;
	}
	for (const char *p = name; *p; segs++) {
		const char *dot = strchr(p, '.');
		p = dot ? dot + 1 : p + strlen(p);
	}
	if (segs == 0) {
		byte(a, 0); /* NullName */
		return;
	}
	if (segs == 2)
		byte(a, DUAL_NAME_PREFIX);
	else if (segs > 2) {
		byte(a, MULTI_NAME_PREFIX);
		byte(a, (uint8_t)segs);
	}
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);
		name_seg(a, name, n > 4 ? 4 : n);
		name += n + (dot ? 1 : 0);
	}
}

void aml_integer(struct aml *a, uint64_t value)
{
	if (value == 0)
		byte(a, OP_ZERO);
	else if (value == 1)
		byte(a, OP_ONE);
	else if (value <= 0xFF) {
		byte(a, OP_BYTE);
		le(a, value, 1);
	} else if (value <= 0xFFFF) {
		byte(a, OP_WORD);
		le(a, value, 2);
	} else if (value <= 0xFFFFFFFF) {
		byte(a, OP_DWORD);
		le(a, value, 4);
	} else {
		byte(a, OP_QWORD);
		le(a, value, 8);
	}
}

void aml_string(struct aml *a, const char *text)
{
	byte(a, OP_STRING);
	aml_bytes(a, text, strlen(text) + 1);
}

/* "PNP0A03": three letters of 5 bits each (A = 1), then four hex digits, stored big-endian. */
void aml_eisa_id(struct aml *a, const char *id)
{
	uint32_t v = 0;

	for (int i = 0; i < 3; i++)
		v = (v << 5) | (uint32_t)((id[i] - 'A' + 1) & 0x1F);
	for (int i = 3; i < 7; i++) {
		char c = id[i];
		v = (v << 4) | (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	byte(a, OP_DWORD);
	le(a, __builtin_bswap32(v), 4);
}

void aml_name(struct aml *a, const char *name)
{
	byte(a, OP_NAME);
	aml_name_string(a, name);
}

static aml_mark open_pkg(struct aml *a)
{
	aml_mark mark = a->len;
	static const uint8_t reserved[PKGLEN_RESERVED];

	aml_bytes(a, reserved, sizeof(reserved));
	return mark;
}

aml_mark aml_scope(struct aml *a, const char *name)
{
	byte(a, OP_SCOPE);
	aml_mark m = open_pkg(a);
	aml_name_string(a, name);
	return m;
}

aml_mark aml_device(struct aml *a, const char *name)
{
	byte(a, OP_EXT);
	byte(a, OP_EXT_DEVICE);
	aml_mark m = open_pkg(a);
	aml_name_string(a, name);
	return m;
}

aml_mark aml_package(struct aml *a, uint8_t elements)
{
	byte(a, OP_PACKAGE);
	aml_mark m = open_pkg(a);
	byte(a, elements);
	return m;
}

static size_t pkglen_max(size_t n)
{
	return n == 1 ? 0x3F : ((size_t)1 << (4 + 8 * (n - 1))) - 1;
}

/*
 * PkgLength counts itself and what follows: one byte up to 63, else a lead byte (count of
 * following bytes in bits 7:6, the low 4 bits of the length) and 1-3 more bytes.
 */
void aml_close(struct aml *a, aml_mark mark)
{
	if (a->overflow || mark + PKGLEN_RESERVED > a->len)
		return;
	size_t body = a->len - mark - PKGLEN_RESERVED, n = 1;
	while (n < 4 && body + n > pkglen_max(n))
		n++;
	size_t total = body + n;
	uint8_t *p = a->buf + mark;

	memmove(p + n, p + PKGLEN_RESERVED, body);
	if (n == 1) {
		p[0] = (uint8_t)total;
	} else {
		p[0] = (uint8_t)(((n - 1) << 6) | (total & 0xF));
		for (size_t i = 1; i < n; i++)
			p[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	}
	a->len -= PKGLEN_RESERVED - n;
}

aml_mark aml_resources(struct aml *a)
{
	byte(a, OP_BUFFER);
	aml_mark m = open_pkg(a);
	byte(a, OP_WORD);
	le(a, 0, 2); /* the buffer's size, once known */
	return m;
}

void aml_resources_end(struct aml *a, aml_mark mark)
{
	byte(a, RES_END);
	byte(a, 0); /* checksum 0: "the checksum is not checked" */
	if (a->overflow)
		return;
	size_t size = a->len - mark - PKGLEN_RESERVED - BUFSIZE_BYTES;
	a->buf[mark + PKGLEN_RESERVED + 1] = (uint8_t)size;
	a->buf[mark + PKGLEN_RESERVED + 2] = (uint8_t)(size >> 8);
	aml_close(a, mark);
}

void aml_res_io(struct aml *a, uint16_t base, uint8_t length)
{
	byte(a, RES_IO);
	byte(a, IO_DECODE_16);
	le(a, base, 2); /* minimum */
	le(a, base, 2); /* maximum */
	byte(a, 1);	/* alignment */
	byte(a, length);
}

void aml_res_irq(struct aml *a, uint8_t irq)
{
	byte(a, RES_IRQ_NO_FLAGS); /* edge, active high */
	le(a, irq < 16 ? 1u << irq : 0, 2);
}

/*
 * A WORD (2-byte fields) or DWORD (4-byte fields) address-space descriptor: granularity 0, the
 * window [first, last], translation 0, its length. The descriptor's own length is its 3 flag
 * bytes and those five fields.
 */
static void address_window(struct aml *a, unsigned width, uint8_t type, uint8_t type_flags,
			   uint32_t first, uint32_t last)
{
	byte(a, width == 2 ? RES_WORD_ADDR : RES_DWORD_ADDR);
	le(a, 3 + 5 * width, 2);
	byte(a, type);
	byte(a, ADDR_MIN_MAX_FIXED);
	byte(a, type_flags);
	le(a, 0, width);
	le(a, first, width);
	le(a, last, width);
	le(a, 0, width);
	le(a, (uint64_t)last - first + 1, width);
}

void aml_res_bus_numbers(struct aml *a, uint16_t first, uint16_t last)
{
	address_window(a, 2, ADDR_BUS, 0, first, last);
}

void aml_res_io_window(struct aml *a, uint16_t first, uint16_t last)
{
	address_window(a, 2, ADDR_IO, IO_ENTIRE_RANGE, first, last);
}

void aml_res_mem32_window(struct aml *a, uint32_t first, uint32_t last)
{
	address_window(a, 4, ADDR_MEMORY, MEM_READ_WRITE, first, last);
}
