/* SPDX-License-Identifier: BSD-3-Clause */
/* A tiny host unit-test harness: TEST() registers a test, EXPECT_*() records failures with values. */
#ifndef CAIRN_TESTS_UNIT_HARNESS_H
#define CAIRN_TESTS_UNIT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*harness_test_fn)(void);

void harness_register(const char *name, harness_test_fn fn);
bool harness_expect_num(const char *file, int line, const char *what, bool want_equal,
			unsigned long long a, unsigned long long b);
bool harness_expect_true(const char *file, int line, const char *what, bool cond);
bool harness_expect_str(const char *file, int line, const char *what, const char *a, const char *b);
bool harness_expect_mem(const char *file, int line, const char *what, const void *a, const void *b,
			size_t len);

/*
 * TEST(name) { ... } defines a test and registers it before main() runs; each test runs in its own
 * child process, so a crash fails only that test.
 */
#define TEST(name)                                                             \
	static void harness_test_##name(void);                                 \
	__attribute__((constructor)) static void harness_register_##name(void) \
	{                                                                      \
		harness_register(#name, harness_test_##name);                  \
	}                                                                      \
	static void harness_test_##name(void)

/* Integers and pointers compare as 64-bit values: -1 and UINT64_MAX are the same, nothing else. */
#define HARNESS_NUM(a) ((unsigned long long)(a))
#define HARNESS_EQ(name, a, b, want_equal)                                          \
	harness_expect_num(__FILE__, __LINE__, name "(" #a ", " #b ")", want_equal, \
			   HARNESS_NUM(a), HARNESS_NUM(b))
#define HARNESS_TRUE(name, text, c) harness_expect_true(__FILE__, __LINE__, name "(" text ")", (c))

#define EXPECT_EQ(a, b)	   HARNESS_EQ("EXPECT_EQ", a, b, true)
#define EXPECT_NE(a, b)	   HARNESS_EQ("EXPECT_NE", a, b, false)
#define EXPECT_TRUE(c)	   HARNESS_TRUE("EXPECT_TRUE", #c, c)
#define EXPECT_FALSE(c)	   HARNESS_TRUE("EXPECT_FALSE", #c, !(c))
#define EXPECT_NULL(p)	   HARNESS_TRUE("EXPECT_NULL", #p, (p) == NULL)
#define EXPECT_NOT_NULL(p) HARNESS_TRUE("EXPECT_NOT_NULL", #p, (p) != NULL)
#define EXPECT_STREQ(a, b) \
	harness_expect_str(__FILE__, __LINE__, "EXPECT_STREQ(" #a ", " #b ")", (a), (b))
#define EXPECT_MEMEQ(a, b, len) \
	harness_expect_mem(__FILE__, __LINE__, "EXPECT_MEMEQ(" #a ", " #b ")", (a), (b), (len))

/* ASSERT_*() end the test on failure, for when carrying on would crash (a NULL to dereference). */
#define HARNESS_OR_RETURN(check) \
	do {                     \
		if (!(check))    \
			return;  \
	} while (0)
#define ASSERT_EQ(a, b)	   HARNESS_OR_RETURN(HARNESS_EQ("ASSERT_EQ", a, b, true))
#define ASSERT_TRUE(c)	   HARNESS_OR_RETURN(HARNESS_TRUE("ASSERT_TRUE", #c, c))
#define ASSERT_NOT_NULL(p) HARNESS_OR_RETURN(HARNESS_TRUE("ASSERT_NOT_NULL", #p, (p) != NULL))

#endif
