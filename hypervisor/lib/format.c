/* SPDX-License-Identifier: BSD-3-Clause */
/* printf-style formatting into a bounded buffer: integers, characters, strings and pointers. */
#include <limits.h>

#include "lib/format.h"
#include "lib/string.h"

/* Where characters go: the buffer keeps what fits, len counts everything the output would hold. */
struct format_out {
	char *buf;
	size_t size;
	size_t len;
};

/* One parsed conversion specification, e.g. "%-08.3llx". */
struct format_spec {
	bool left;	 /* '-': pad on the right */
	bool zero;	 /* '0': pad numbers with zeros */
	bool plus;	 /* '+': sign on non-negative numbers */
	bool space;	 /* ' ': blank before non-negative numbers */
	bool alt;	 /* '#': 0x prefix on non-zero %x */
	bool width_arg;	 /* width given as '*' */
	bool prec_arg;	 /* precision given as '*' */
	int width;	 /* minimum field width */
	int precision;	 /* minimum digits or maximum string length; -1 when absent */
	char length;	 /* 'H' (hh), 'h', 'l', 'L' (ll), 'z', 't', 'j', or 0 */
	char conversion; /* the conversion character; 0 when the format ended first */
};

/* An integer ready to print: magnitude, base and what goes in front of the digits. */
struct format_number {
	uint64_t magnitude;
	unsigned int base;
	bool upper;
	char sign; /* '-', '+', ' ' or 0 */
	const char *prefix;
};

static void format_put(struct format_out *out, char c)
{
	/* The last byte of the buffer is kept for the terminating NUL. */
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

static void format_put_repeat(struct format_out *out, char c, int count)
{
	for (; count > 0; count--)
		format_put(out, c);
}

static void format_put_string(struct format_out *out, const char *s, size_t len)
{
	while (len--)
		format_put(out, *s++);
}

/* Reads a decimal number, saturating at INT_MAX so that a huge width cannot overflow. */
static int format_parse_number(const char **p)
{
	int n = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		int digit = **p - '0';

		n = n > (INT_MAX - digit) / 10 ? INT_MAX : n * 10 + digit;
	}
	return n;
}

static const char *format_parse_flags(const char *p, struct format_spec *spec)
{
	for (;; p++) {
		switch (*p) {
		case '-':
			spec->left = true;
			break;
		case '0':
			spec->zero = true;
			break;
		case '+':
			spec->plus = true;
			break;
		case ' ':
			spec->space = true;
			break;
		case '#':
			spec->alt = true;
			break;
		default:
			return p;
		}
	}
}

static const char *format_parse_length(const char *p, struct format_spec *spec)
{
	if ((p[0] == 'h' || p[0] == 'l') && p[1] == p[0]) {
		spec->length = p[0] == 'h' ? 'H' : 'L';
		return p + 2;
	}
	if (*p == 'h' || *p == 'l' || *p == 'z' || *p == 't' || *p == 'j')
		spec->length = *p++;
	return p;
}

/*
 * Parses the specification after a '%' without touching the arguments, so that an unknown
 * conversion can be copied through without consuming a '*' argument. Returns a pointer to the
 * conversion character (or to the NUL that ended the format).
 */
static const char *format_parse_spec(const char *p, struct format_spec *spec)
{
	*spec = (struct format_spec){ .precision = -1 };
	p = format_parse_flags(p, spec);
	if (*p == '*') {
		spec->width_arg = true;
		p++;
	} else {
		spec->width = format_parse_number(&p);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			spec->prec_arg = true;
			p++;
		} else {
			spec->precision = format_parse_number(&p);
		}
	}
	p = format_parse_length(p, spec);
	spec->conversion = *p;
	return p;
}

static bool format_conversion_known(char c)
{
	switch (c) {
	case 'c':
	case 's':
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'p':
	case '%':
		return true;
	default:
		return false;
	}
}

/* Takes '*' width and precision from the arguments, with C's rules for negative values. */
static void format_fetch_stars(struct format_spec *spec, va_list *ap)
{
	if (spec->width_arg) {
		int width = va_arg(*ap, int);

		if (width < 0) {
			spec->left = true;
			width = width == INT_MIN ? INT_MAX : -width;
		}
		spec->width = width;
	}
	if (spec->prec_arg) {
		int precision = va_arg(*ap, int);

		spec->precision = precision < 0 ? -1 : precision;
	}
}

static int64_t format_fetch_signed(char length, va_list *ap)
{
	switch (length) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z':
		return (int64_t)va_arg(*ap, size_t);
	case 't':
		return va_arg(*ap, ptrdiff_t);
	case 'j':
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t format_fetch_unsigned(char length, va_list *ap)
{
	switch (length) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	case 't':
		return (uint64_t)va_arg(*ap, ptrdiff_t);
	case 'j':
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Writes the digits of n into the end of buf (at least 64 bytes) and returns their count. */
static int format_digits(char *end, const struct format_number *n)
{
	const char *digits = n->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	uint64_t v = n->magnitude;
	int count = 0;

	do {
		*--end = digits[v % n->base];
		v /= n->base;
		count++;
	} while (v);
	return count;
}

static void format_number(struct format_out *out, const struct format_spec *spec,
			  const struct format_number *n)
{
	char buf[64];
	int ndigits = format_digits(buf + sizeof(buf), n);
	int prefix_len = (int)strlen(n->prefix) + (n->sign ? 1 : 0);
	int zeros, pad;

	/* C: a zero value with precision 0 prints no digits at all. */
	if (spec->precision == 0 && n->magnitude == 0)
		ndigits = 0;
	zeros = spec->precision > ndigits ? spec->precision - ndigits : 0;
	/* The '0' flag pads to the width with zeros, unless '-' or a precision overrides it. */
	if (spec->zero && !spec->left && spec->precision < 0)
		zeros = MAX(zeros, spec->width - prefix_len - ndigits);
	pad = spec->width - prefix_len - zeros - ndigits;

	if (!spec->left)
		format_put_repeat(out, ' ', pad);
	if (n->sign)
		format_put(out, n->sign);
	format_put_string(out, n->prefix, strlen(n->prefix));
	format_put_repeat(out, '0', zeros);
	format_put_string(out, buf + sizeof(buf) - ndigits, (size_t)ndigits);
	if (spec->left)
		format_put_repeat(out, ' ', pad);
}

static void format_signed(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	int64_t v = format_fetch_signed(spec->length, ap);
	struct format_number n = { .base = 10, .prefix = "" };

	/* Negating in unsigned arithmetic keeps INT64_MIN well defined. */
	n.magnitude = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	if (v < 0)
		n.sign = '-';
	else if (spec->plus)
		n.sign = '+';
	else if (spec->space)
		n.sign = ' ';
	format_number(out, spec, &n);
}

static void format_unsigned(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	struct format_number n = { .base = 10, .prefix = "" };

	n.magnitude = format_fetch_unsigned(spec->length, ap);
	if (spec->conversion == 'x' || spec->conversion == 'X') {
		n.base = 16;
		n.upper = spec->conversion == 'X';
		if (spec->alt && n.magnitude)
			n.prefix = n.upper ? "0X" : "0x";
	}
	format_number(out, spec, &n);
}

/* %p: "0x" and lowercase hex digits, NULL included ("0x0"). */
static void format_pointer(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	struct format_number n = { .base = 16, .prefix = "0x" };

	n.magnitude = (uintptr_t)va_arg(*ap, void *);
	format_number(out, spec, &n);
}

/* Characters and strings: width pads with spaces, precision limits a string's length. */
static void format_text(struct format_out *out, const struct format_spec *spec, const char *s,
			size_t len)
{
	int pad = len < (size_t)spec->width ? spec->width - (int)len : 0;

	if (!spec->left)
		format_put_repeat(out, ' ', pad);
	format_put_string(out, s, len);
	if (spec->left)
		format_put_repeat(out, ' ', pad);
}

static void format_string(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);

	if (!s)
		s = "(null)";
	format_text(out, spec, s, spec->precision < 0 ? strlen(s) : strnlen(s, spec->precision));
}

static void format_conversion(struct format_out *out, struct format_spec *spec, va_list *ap)
{
	char c;

	format_fetch_stars(spec, ap);
	switch (spec->conversion) {
	case 'c':
		c = (char)va_arg(*ap, int);
		format_text(out, spec, &c, 1);
		break;
	case 's':
		format_string(out, spec, ap);
		break;
	case 'd':
	case 'i':
		format_signed(out, spec, ap);
		break;
	case 'p':
		format_pointer(out, spec, ap);
		break;
	case '%':
		format_put(out, '%');
		break;
	default:
		format_unsigned(out, spec, ap);
		break;
	}
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct format_out out = { .buf = buf, .size = size };
	struct format_spec spec;
	const char *start;
	va_list args;

	/* A copy, because a va_list parameter cannot portably be passed on by address. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			format_put(&out, *fmt++);
			continue;
		}
		start = fmt;
		fmt = format_parse_spec(fmt + 1, &spec);
		if (!format_conversion_known(spec.conversion)) {
			/* Copy the whole specification, so the mistake shows in the output. */
			format_put_string(&out, start, (size_t)(fmt - start) + (*fmt ? 1 : 0));
		} else {
			format_conversion(&out, &spec, &args);
		}
		if (*fmt)
			fmt++;
	}
	va_end(args);

	if (size)
		buf[MIN(out.len, size - 1)] = '\0';
	return out.len > INT_MAX ? INT_MAX : (int)out.len;
}

int format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}
