/* SPDX-License-Identifier: BSD-3-Clause */
/* Exceptions on purpose: run a function at CPL 0 or CPL 3 and learn which exception, if any, it raised. */
#ifndef GUEST_EXCEPTION_H
#define GUEST_EXCEPTION_H

#include "lib/compiler.h"

#define EXCEPTION_NONE (-1) /* the function returned normally */

/*
 * Runs fn at CPL 0. Returns the vector of the first exception (0-31) fn raised, or EXCEPTION_NONE
 * if it returned. Either way execution continues here, at CPL 0, with the stack and callee-saved
 * registers of this call; *error_code (if not NULL) gets the error code (0 when the exception has
 * none, or when nothing was raised). Catches nest; an exception outside any catch prints
 * `exception <vector> (<name>) error 0x<code> at RIP 0x<rip>` and halts the guest.
 */
int catch_exception(void (*fn)(void), uint64_t *error_code);

/*
 * The same with fn running at CPL 3 (user selectors, a separate user stack, IOPL 0, interrupts
 * off). fn must not print (port I/O faults at CPL 3) nor catch exceptions itself.
 */
int catch_exception_at_cpl3(void (*fn)(void), uint64_t *error_code);

/*
 * Returns 1 if fn raised `vector` and 0 if it returned; any other exception is reported like one
 * outside a catch, and the guest halts.
 */
int expect_exception(int vector, void (*fn)(void), uint64_t *error_code);
int expect_exception_at_cpl3(int vector, void (*fn)(void), uint64_t *error_code);

/* "#GP" and the like for 0-31, "nothing" for EXCEPTION_NONE, "interrupt" for anything else. */
const char *exception_name(int vector);

#endif
