/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's console on the host: printf captured into a buffer tests can search. */
#ifndef CAIRN_TESTS_UNIT_FAKE_CONSOLE_H
#define CAIRN_TESTS_UNIT_FAKE_CONSOLE_H

#include <stdbool.h>

/*
 * The fake printf() also serves the harness, so it writes to stdout until a test calls this
 * (fake_vm_create() does): from then on the hypervisor's lines only go to the buffer.
 */
void fake_console_capture(void);
/* Everything printed since the capture began (or the last clear), NUL-terminated. */
const char *fake_console_text(void);
bool fake_console_contains(const char *needle);
void fake_console_clear(void);

#endif
