/* SPDX-License-Identifier: BSD-3-Clause */
/* A test guest's options: hypervisor/lib/cmdline.c over the command line, plus number parsing. */
#include "lib/cmdline.h"
#include "args.h"
#include "console.h"
#include "guest.h"

#define ARG_VALUE_MAX 64

bool arg_get(const char *key, char *value, size_t size)
{
	return cmdline_get(guest_cmdline(), key, value, size);
}

bool arg_present(const char *key)
{
	char unused[1];

	return arg_get(key, unused, sizeof(unused));
}

bool parse_u64(const char *text, unsigned int base, uint64_t *value)
{
	uint64_t n = 0;

	if (base == 16 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	if (!*text)
		return false;
	for (; *text; text++) {
		int digit = cmdline_digit_value(*text);

		if (digit < 0 || (unsigned int)digit >= base || n > (UINT64_MAX - digit) / base)
			return false;
		n = n * base + (unsigned int)digit;
	}
	*value = n;
	return true;
}

bool arg_u64(const char *key, unsigned int base, uint64_t *value)
{
	char text[ARG_VALUE_MAX];

	if (!arg_get(key, text, sizeof(text)))
		return false;
	if (parse_u64(text, base, value))
		return true;
	guest_printf("guest: ignoring %s=%s: not a number\n", key, text);
	return false;
}
