/* SPDX-License-Identifier: BSD-3-Clause */
/* Looking up key=value options in a space-separated command line. */
#include "lib/cmdline.h"
#include "lib/string.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

bool cmdline_get(const char *cmdline, const char *key, char *value, size_t size)
{
	size_t key_len = strlen(key);
	const char *p = cmdline;

	if (size == 0)
		return false;
	while (*p) {
		while (is_space(*p))
			p++;
		const char *word = p;
		while (*p && !is_space(*p))
			p++;
		size_t word_len = (size_t)(p - word);
		if (word_len < key_len || strncmp(word, key, key_len) != 0)
			continue;
		if (word_len == key_len || word[key_len] == '=') {
			const char *v = word_len == key_len ? p : word + key_len + 1;
			size_t n = MIN((size_t)(p - v), size - 1);
			memcpy(value, v, n);
			value[n] = '\0';
			return true;
		}
	}
	return false;
}

int cmdline_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
