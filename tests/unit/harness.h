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
bool harness_expect_str(const char *file, int line, const char *what, const char *a,
			const char *b);
bool harness_expect_mem(const char *file, int line, const char *what, const void *a,
			const void *b, size_t len);

/*
 * TEST(name) { ... } defines a test and registers it before main() runs; each test runs in its own
 * child process, so a crash fails only that test.
 */
#define TEST(name)                                                                  \
	static void harness_test_##name(void);                                      \
	__attribute__((constructor)) static void harness_register_##name(void)      \
	{                                                                           \
		harness_register(#name, harness_test_##name);                       \
	}                                                                           \
	static void harness_test_##name(void)

/* Integers and pointers compare as 64-bit values: -1 and UINT64_MAX are the same, nothing else. */
#define HARNESS_NUM(a) ((unsigned long long)(a))

#define EXPECT_EQ(a, b)                                                                  \
	harness_expect_num(__FILE__, __LINE__, "EXPECT_EQ(" #a ", " #b ")", true, HARNESS_NUM(a), \
			   HARNESS_NUM(b))
#define EXPECT_NE(a, b)                                                                   \
	harness_expect_num(__FILE__, __LINE__, "EXPECT_NE(" #a ", " #b ")", false, HARNESS_NUM(a), \
			   HARNESS_NUM(b))
#define EXPECT_TRUE(c)	 harness_expect_true(__FILE__, __LINE__, "EXPECT_TRUE(" #c ")", (c))
#define EXPECT_FALSE(c)	 harness_expect_true(__FILE__, __LINE__, "EXPECT_FALSE(" #c ")", !(c))
#define EXPECT_NULL(p)	 EXPECT_TRUE((p) == NULL)
#define EXPECT_STREQ(a, b) \
	harness_expect_str(__FILE__, __LINE__, "EXPECT_STREQ(" #a ", " #b ")", (a), (b))
#define EXPECT_MEMEQ(a, b, len) \
	harness_expect_mem(__FILE__, __LINE__, "EXPECT_MEMEQ(" #a ", " #b ")", (a), (b), (len))

/* ASSERT_*() end the test on failure, for when carrying on would crash (a NULL to dereference). */
#define ASSERT_EQ(a, b)          \
	do {                     \
		if (!EXPECT_EQ(a, b)) \
			return;       \
	} while (0)
#define ASSERT_TRUE(c)            \
	do {                      \
		if (!EXPECT_TRUE(c)) \
			return;        \
	} while (0)
#define ASSERT_NOT_NULL(p) ASSERT_TRUE((p) != NULL)

#endif
