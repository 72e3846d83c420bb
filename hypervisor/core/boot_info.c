/* SPDX-License-Identifier: BSD-3-Clause */
/* Looking things up in the boot information: modules by name. */
#include "core/boot_info.h"
#include "lib/string.h"

static bool module_name_is(const char *cmdline, const char *name)
{
	const char *word = cmdline, *p = cmdline;

	while (*p && *p != ' ') {
		if (*p == '/')
			word = p + 1;
		p++;
	}
	size_t len = 0;
	while (word + len < p && word[len] != '.')
		len++;
	return len == strlen(name) && strncmp(word, name, len) == 0;
}

const struct boot_module *boot_module_find(const struct boot_info *bi, const char *name)
{
	for (size_t i = 0; i < bi->nmodules; i++)
		if (module_name_is(bi->modules[i].cmdline, name))
			return &bi->modules[i];
	return NULL;
}
