/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for command-line option lookup in hypervisor/lib/cmdline.c. */
#include <string.h>

#include "lib/cmdline.h"
#include "harness.h"

#define FILL 0x5a

/* Looks key up into a buffer of `size` bytes followed by guard bytes, which must stay untouched. */
static bool lookup(const char *cmdline, const char *key, char *out, size_t size)
{
	char buf[64 + 8];
	static const char guard[8] = { FILL, FILL, FILL, FILL, FILL, FILL, FILL, FILL };

	memset(buf, FILL, sizeof(buf));
	bool found = cmdline_get(cmdline, key, buf, size);
	EXPECT_MEMEQ(buf + size, guard, sizeof(guard));
	memcpy(out, buf, size);
	return found;
}

TEST(key_value)
{
	char v[64];

	EXPECT_TRUE(lookup("console=ttyS0 cpus=all debug", "cpus", v, sizeof(v)));
	EXPECT_STREQ(v, "all");
	EXPECT_TRUE(lookup("console=ttyS0 cpus=all debug", "console", v, sizeof(v)));
	EXPECT_STREQ(v, "ttyS0");
	/* The value runs to the end of the word, '=' included. */
	EXPECT_TRUE(lookup("x=a=b y=2", "x", v, sizeof(v)));
	EXPECT_STREQ(v, "a=b");
	EXPECT_TRUE(lookup("last=tail", "last", v, sizeof(v)));
	EXPECT_STREQ(v, "tail");
	EXPECT_TRUE(lookup("empty= next", "empty", v, sizeof(v)));
	EXPECT_STREQ(v, "");
}

TEST(bare_key_gives_empty_value)
{
	char v[64];

	EXPECT_TRUE(lookup("console=ttyS0 debug cpus=2", "debug", v, sizeof(v)));
	EXPECT_STREQ(v, "");
	EXPECT_TRUE(lookup("debug", "debug", v, sizeof(v)));
	EXPECT_STREQ(v, "");
}

TEST(first_occurrence_wins)
{
	char v[64];

	EXPECT_TRUE(lookup("a=1 a=2", "a", v, sizeof(v)));
	EXPECT_STREQ(v, "1");
	EXPECT_TRUE(lookup("a a=2", "a", v, sizeof(v)));
	EXPECT_STREQ(v, "");
}

TEST(key_must_be_a_whole_word_or_end_at_equals)
{
	char v[64];

	/* The key is a prefix of another word. */
	EXPECT_FALSE(lookup("cpusets=4 cpus2", "cpus", v, sizeof(v)));
	EXPECT_TRUE(lookup("cpusets=4 cpus=2", "cpus", v, sizeof(v)));
	EXPECT_STREQ(v, "2");
	/* Another word is a prefix of the key. */
	EXPECT_FALSE(lookup("cpu=1 cp", "cpus", v, sizeof(v)));
	/* The key inside a word or a value. */
	EXPECT_FALSE(lookup("xcpus=1 a=cpus b=cpus=3", "cpus", v, sizeof(v)));
	/* Nothing at all. */
	EXPECT_FALSE(lookup("console=ttyS0 debug", "cpus", v, sizeof(v)));
}

TEST(value_is_truncated_to_the_buffer)
{
	char v[64];

	EXPECT_TRUE(lookup("name=abcdefgh next=1", "name", v, 4));
	EXPECT_STREQ(v, "abc");
	EXPECT_TRUE(lookup("name=abcdefgh next=1", "name", v, 8));
	EXPECT_STREQ(v, "abcdefg");
	EXPECT_TRUE(lookup("name=abcdefgh next=1", "name", v, 9));
	EXPECT_STREQ(v, "abcdefgh");
	EXPECT_TRUE(lookup("name=abcdefgh", "name", v, 1));
	EXPECT_STREQ(v, "");
}

TEST(empty_command_line)
{
	char v[64];

	EXPECT_FALSE(lookup("", "cpus", v, sizeof(v)));
	EXPECT_FALSE(lookup("   ", "cpus", v, sizeof(v)));
}

TEST(multiple_spaces_separate_words)
{
	const char *cmdline = "   a=1    b=2  flag     c=3   ";
	char v[64];

	EXPECT_TRUE(lookup(cmdline, "a", v, sizeof(v)));
	EXPECT_STREQ(v, "1");
	EXPECT_TRUE(lookup(cmdline, "b", v, sizeof(v)));
	EXPECT_STREQ(v, "2");
	EXPECT_TRUE(lookup(cmdline, "flag", v, sizeof(v)));
	EXPECT_STREQ(v, "");
	EXPECT_TRUE(lookup(cmdline, "c", v, sizeof(v)));
	EXPECT_STREQ(v, "3");
	EXPECT_FALSE(lookup(cmdline, "d", v, sizeof(v)));
}
