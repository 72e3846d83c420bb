/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the printf-style formatter in hypervisor/lib/format.c. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "lib/compiler.h"
#include "lib/format.h"
#include "harness.h"

/* The formatter without gcc's format checks, for specifications gcc rightly warns about. */
static int format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

/* Checks both the text and the return value of one formatting call into a roomy buffer. */
#define EXPECT_FORMAT_BY(formatter, expected, ...)                     \
	do {                                                           \
		char out_[256];                                        \
		int len_ = formatter(out_, sizeof(out_), __VA_ARGS__); \
		EXPECT_STREQ(out_, expected);                          \
		EXPECT_EQ(len_, strlen(expected));                     \
	} while (0)
#define EXPECT_FORMAT(expected, ...) EXPECT_FORMAT_BY(format_snprintf, expected, __VA_ARGS__)
#define EXPECT_FORMAT_UNCHECKED(expected, ...) \
	EXPECT_FORMAT_BY(format_unchecked, expected, __VA_ARGS__)

TEST(plain_text_and_percent)
{
	EXPECT_FORMAT("", "%s", "");
	EXPECT_FORMAT("hello, world", "hello, world");
	EXPECT_FORMAT("100%", "100%%");
	EXPECT_FORMAT("%%", "%%%%");
}

TEST(signed_decimal)
{
	EXPECT_FORMAT("0", "%d", 0);
	EXPECT_FORMAT("42", "%d", 42);
	EXPECT_FORMAT("-42", "%i", -42);
	EXPECT_FORMAT("2147483647", "%d", INT_MAX);
	EXPECT_FORMAT("-2147483648", "%d", INT_MIN);
	EXPECT_FORMAT("a=1 b=-2", "a=%d b=%d", 1, -2);
}

TEST(int64_min_and_max)
{
	EXPECT_FORMAT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT_FORMAT("-9223372036854775808", "%ld", (long)INT64_MIN);
	EXPECT_FORMAT("-9223372036854775808", "%jd", (intmax_t)INT64_MIN);
	EXPECT_FORMAT("9223372036854775807", "%lld", (long long)INT64_MAX);
	EXPECT_FORMAT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
}

TEST(unsigned_and_hex)
{
	EXPECT_FORMAT("4294967295", "%u", UINT_MAX);
	EXPECT_FORMAT("deadbeef", "%x", 0xdeadbeefU);
	EXPECT_FORMAT("DEADBEEF", "%X", 0xdeadbeefU);
	EXPECT_FORMAT("0xff", "%#x", 0xffU);
	EXPECT_FORMAT("0XFF", "%#X", 0xffU);
	/* C: the 0x prefix is only for non-zero values. */
	EXPECT_FORMAT("0", "%#x", 0U);
	EXPECT_FORMAT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
}

TEST(length_modifiers_truncate_and_widen)
{
	EXPECT_FORMAT("-1", "%hhd", 255);
	EXPECT_FORMAT("0", "%hhu", 256);
	EXPECT_FORMAT("ff", "%hhx", 0x1ff);
	EXPECT_FORMAT("-1", "%hd", 65535);
	EXPECT_FORMAT("0", "%hu", 65536);
	EXPECT_FORMAT("-5000000000", "%ld", -5000000000L);
	EXPECT_FORMAT("18446744073709551615", "%zu", SIZE_MAX);
	EXPECT_FORMAT("-5", "%zd", (ssize_t)-5);
	EXPECT_FORMAT("-7", "%td", (ptrdiff_t)-7);
	EXPECT_FORMAT("-5000000000", "%td", (ptrdiff_t)-5000000000LL);
	EXPECT_FORMAT("7", "%tu", (ptrdiff_t)7);
	EXPECT_FORMAT("18446744073709551615", "%ju", UINTMAX_MAX);
	EXPECT_FORMAT("123456789abcdef0", "%lx", 0x123456789abcdef0UL);
}

TEST(width_and_flags)
{
	EXPECT_FORMAT("   42", "%5d", 42);
	EXPECT_FORMAT("42   |", "%-5d|", 42);
	EXPECT_FORMAT("00042", "%05d", 42);
	EXPECT_FORMAT("-0042", "%05d", -42);
	EXPECT_FORMAT_UNCHECKED("-42  |", "%-05d|", -42);
	EXPECT_FORMAT("+5", "%+d", 5);
	EXPECT_FORMAT(" 5", "% d", 5);
	EXPECT_FORMAT_UNCHECKED("+5", "%+ d", 5);
	EXPECT_FORMAT("-5", "%+d", -5);
	EXPECT_FORMAT(" 0042", "% 05d", 42);
	EXPECT_FORMAT("12345", "%2d", 12345);
	EXPECT_FORMAT("0x0000ff", "%#08x", 0xffU);
	EXPECT_FORMAT("  0xff", "%#6x", 0xffU);
}

TEST(integer_precision)
{
	EXPECT_FORMAT("     007", "%8.3d", 7);
	/* A precision turns the '0' flag off. */
	EXPECT_FORMAT_UNCHECKED("     007", "%08.3d", 7);
	EXPECT_FORMAT("-007", "%+.3d", -7);
	EXPECT_FORMAT("00a", "%.3x", 0xaU);
	EXPECT_FORMAT("12345", "%.2d", 12345);
	/* C: zero with precision 0 prints no digits, only padding and prefix. */
	EXPECT_FORMAT("", "%.0d", 0);
	EXPECT_FORMAT("     ", "%5.0d", 0);
	EXPECT_FORMAT("+", "%+.0d", 0);
	EXPECT_FORMAT("", "%#.0x", 0U);
	EXPECT_FORMAT("", "%.d", 0);
}

TEST(star_width_and_precision)
{
	EXPECT_FORMAT("   42", "%*d", 5, 42);
	/* A negative '*' width means left-justified. */
	EXPECT_FORMAT("42   |", "%*d|", -5, 42);
	EXPECT_FORMAT("0007", "%.*d", 4, 7);
	/* A negative '*' precision is as if none was given. */
	EXPECT_FORMAT("7", "%.*d", -1, 7);
	EXPECT_FORMAT("abc", "%.*s", 3, "abcdef");
	EXPECT_FORMAT("ab  |", "%-*s|", 4, "ab");
	EXPECT_FORMAT("   0012", "%*.*d", 7, 4, 12);
}

TEST(characters)
{
	EXPECT_FORMAT("A", "%c", 'A');
	EXPECT_FORMAT("  A", "%3c", 'A');
	EXPECT_FORMAT("A  |", "%-3c|", 'A');
	EXPECT_FORMAT("xyz", "%c%c%c", 'x', 'y', 'z');
}

TEST(strings)
{
	const char *none = NULL;
	/* Not NUL-terminated: a precision must stop the formatter reading (ASan checks). */
	const char raw[3] = { 'x', 'y', 'z' };

	EXPECT_FORMAT("abc", "%s", "abc");
	EXPECT_FORMAT("  abc", "%5s", "abc");
	EXPECT_FORMAT("abc  |", "%-5s|", "abc");
	EXPECT_FORMAT("ab", "%.2s", "abc");
	EXPECT_FORMAT("    a", "%5.1s", "abc");
	EXPECT_FORMAT("abc", "%.10s", "abc");
	EXPECT_FORMAT_UNCHECKED("(null)", "%s", none);
	EXPECT_FORMAT("xyz", "%.3s", raw);
	EXPECT_FORMAT("xy", "%.2s", raw);
}

TEST(pointers)
{
	EXPECT_FORMAT("0x1234", "%p", (void *)0x1234);
	EXPECT_FORMAT("0x0", "%p", NULL);
	EXPECT_FORMAT("0xffff800000001000", "%p", (void *)0xffff800000001000UL);
	EXPECT_FORMAT("    0xabc", "%9p", (void *)0xabc);
	EXPECT_FORMAT("0xabc    |", "%-9p|", (void *)0xabc);
}

TEST(unknown_conversions_copied_verbatim)
{
	char out[64];

	EXPECT_EQ(format_unchecked(out, sizeof(out), "%q"), 2);
	EXPECT_STREQ(out, "%q");
	EXPECT_EQ(format_unchecked(out, sizeof(out), "a%-5.2qb"), 8);
	EXPECT_STREQ(out, "a%-5.2qb");
	/* Octal and floating point are not supported, so they show as typed. */
	EXPECT_EQ(format_unchecked(out, sizeof(out), "%o %f %lq"), 9);
	EXPECT_STREQ(out, "%o %f %lq");
	/* An unknown conversion consumes no argument, not even for its '*'. */
	EXPECT_EQ(format_unchecked(out, sizeof(out), "%*q %d", 42), 6);
	EXPECT_STREQ(out, "%*q 42");
}

TEST(specification_cut_off_by_end_of_format)
{
	char out[64];

	EXPECT_EQ(format_unchecked(out, sizeof(out), "abc%"), 4);
	EXPECT_STREQ(out, "abc%");
	EXPECT_EQ(format_unchecked(out, sizeof(out), "x%-08.3l"), 8);
	EXPECT_STREQ(out, "x%-08.3l");
}

TEST(truncation_keeps_nul_and_counts_all)
{
	char out[16];

	memset(out, '#', sizeof(out));
	EXPECT_EQ(format_snprintf(out, 6, "hello world"), 11);
	EXPECT_STREQ(out, "hello");
	EXPECT_EQ(out[6], '#');

	EXPECT_EQ(format_snprintf(out, 4, "%d", 123456), 6);
	EXPECT_STREQ(out, "123");
	EXPECT_EQ(format_snprintf(out, 5, "%10d", 1), 10);
	EXPECT_STREQ(out, "    ");
	EXPECT_EQ(format_snprintf(out, 12, "%s", "hello world"), 11);
	EXPECT_STREQ(out, "hello world");
	EXPECT_EQ(format_snprintf(out, 11, "%s", "hello world"), 11);
	EXPECT_STREQ(out, "hello worl");
}

TEST(size_one_and_zero)
{
	char out[4] = { '#', '#', '#', '#' };

	EXPECT_EQ(format_snprintf(out, 1, "abc%d", 12), 5);
	EXPECT_EQ(out[0], '\0');
	EXPECT_EQ(out[1], '#');

	out[0] = '#';
	EXPECT_EQ(format_snprintf(out, 0, "abc%d", 12), 5);
	EXPECT_EQ(out[0], '#');
	/* With size 0 the buffer may be NULL: the call only measures. */
	EXPECT_EQ(format_snprintf(NULL, 0, "%s=%d", "key", -100), 8);
}

/* Formats `spec` with one argument through the formatter and through the host libc. */
static void check_against_libc(const char *spec, long long value)
{
	char ours[128], libc[128], expected[192], actual[192];

	format_unchecked(ours, sizeof(ours), spec, value);
	snprintf(libc, sizeof(libc), spec, value);
	/* The spec goes into both strings so that a mismatch report names it. */
	snprintf(actual, sizeof(actual), "%s -> [%s]", spec, ours);
	snprintf(expected, sizeof(expected), "%s -> [%s]", spec, libc);
	EXPECT_STREQ(actual, expected);
}

/* Builds "%<flags><width><precision>ll<conv>" for flag subset `mask`. */
static void build_spec(char *spec, unsigned int mask, const char *width, const char *precision,
		       char conv)
{
	static const char flags[] = "-0+ #";
	size_t i, len = 0;

	spec[len++] = '%';
	for (i = 0; i < strlen(flags); i++) {
		if (mask & (1U << i))
			spec[len++] = flags[i];
	}
	sprintf(spec + len, "%s%sll%c", width, precision, conv);
}

TEST(integers_match_libc)
{
	static const long long values[] = {
		0,    1,       -1,	  42,	     -42,      INT_MAX,	      INT_MIN,
		0x7f, 1000000, INT64_MAX, INT64_MIN, 0xabcdef, 123456789012LL
	};
	static const char *const widths[] = { "", "1", "6", "22" };
	static const char *const precisions[] = { "", ".", ".0", ".3", ".21" };
	static const char convs[] = "diuxX";
	unsigned int mask;
	size_t c, w, p, v;
	char spec[32];

	for (c = 0; c < strlen(convs); c++) {
		for (mask = 0; mask < 32; mask++) {
			/* '#' is undefined for everything but x and X here. */
			if ((mask & 16) && convs[c] != 'x' && convs[c] != 'X')
				continue;
			for (w = 0; w < ARRAY_SIZE(widths); w++) {
				for (p = 0; p < ARRAY_SIZE(precisions); p++) {
					build_spec(spec, mask, widths[w], precisions[p], convs[c]);
					for (v = 0; v < ARRAY_SIZE(values); v++)
						check_against_libc(spec, values[v]);
				}
			}
		}
	}
}
