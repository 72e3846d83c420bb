/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's console on the host: printf captured into a buffer tests can search. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/console.h"
#include "fake_console.h"

static char console_text[16 * 1024];
static size_t console_len;
static bool capturing;

void fake_console_capture(void)
{
	capturing = true;
	fake_console_clear();
}

const char *fake_console_text(void)
{
	return console_text;
}

bool fake_console_contains(const char *needle)
{
	return strstr(console_text, needle) != NULL;
}

void fake_console_clear(void)
{
	console_len = 0;
	console_text[0] = '\0';
}

/* Keeps what fits (the rest is dropped: a test never needs megabytes of console). */
void console_write(const char *s, size_t len)
{
	if (!capturing) {
		fwrite(s, 1, len, stdout);
		return;
	}
	size_t room = sizeof(console_text) - 1 - console_len;
	size_t n = len < room ? len : room;
	memcpy(console_text + console_len, s, n);
	console_len += n;
	console_text[console_len] = '\0';
}

void console_init(void)
{
}

int vprintf(const char *fmt, va_list ap)
{
	if (!capturing)
		return vfprintf(stdout, fmt,
				ap); /* the harness's own lines, whatever their length */

	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n > 0)
		console_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* Guest input must never get here: a panic ends the test as a crash. */
void panic(const char *fmt, ...)
{
	va_list ap;

	fputs("fake_console: PANIC: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
