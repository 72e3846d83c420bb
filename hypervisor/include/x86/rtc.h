/* SPDX-License-Identifier: BSD-3-Clause */
/* The CMOS real-time clock, read once at boot so that guests can be told the date. */
#ifndef CAIRN_X86_RTC_H
#define CAIRN_X86_RTC_H

#include "lib/compiler.h"

struct rtc_time {
	uint32_t year; /* full year, e.g. 2026 */
	uint32_t month, day, hour, minute, second;
};

/* Seconds since 1970-01-01 00:00:00 UTC; 0 for a date before 1970 or out of range. */
uint64_t rtc_to_unix(const struct rtc_time *t);

/* Reads the CMOS clock (BCD or binary, 12- or 24-hour); -EIO if it never settles. */
int rtc_read(struct rtc_time *t);

/* The Unix time at the TSC value `tsc`, from the reading taken at boot (0 if there was none). */
void rtc_boot_time_init(void);
bool rtc_unix_time_at(uint64_t tsc, uint64_t *sec, uint32_t *nsec);

#endif
