/* SPDX-License-Identifier: BSD-3-Clause */
/* The CMOS real-time clock, read once at boot so that guests can be told the date. */
#include "lib/errno.h"
#include "x86/cpu.h"
#include "x86/rtc.h"
#include "x86/tsc.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0A
#define RTC_STATUS_B	0x0B
#define RTC_CENTURY	0x32 /* the usual place (the FADT may say otherwise; QEMU uses it) */
#define STATUS_A_UIP	0x80
#define STATUS_B_24H	0x02
#define STATUS_B_BINARY 0x04
#define HOUR_PM		0x80
#define SETTLE_TRIES	100000

static uint64_t boot_unix, boot_tsc;

static bool is_leap(uint32_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

uint64_t rtc_to_unix(const struct rtc_time *t)
{
	static const uint16_t days_before_month[12] = { 0,   31,  59,  90,  120, 151,
							181, 212, 243, 273, 304, 334 };

	if (t->year < 1970 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
	    t->day > 31 || t->hour > 23 || t->minute > 59 || t->second > 60)
		return 0;
	uint64_t days = 0;
	for (uint32_t y = 1970; y < t->year; y++)
		days += is_leap(y) ? 366 : 365;
	days += days_before_month[t->month - 1] + (t->month > 2 && is_leap(t->year)) + t->day - 1;
	return ((days * 24 + t->hour) * 60 + t->minute) * 60 + t->second;
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static uint32_t from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 0xF);
}

int rtc_read(struct rtc_time *t)
{
	int tries = SETTLE_TRIES;

	while ((cmos_read(RTC_STATUS_A) & STATUS_A_UIP) && --tries)
		cpu_relax();
	if (!tries)
		return -EIO;
	uint8_t b = cmos_read(RTC_STATUS_B), hour = cmos_read(RTC_HOURS);
	bool binary = b & STATUS_B_BINARY;
	t->second = from_bcd(cmos_read(RTC_SECONDS), binary);
	t->minute = from_bcd(cmos_read(RTC_MINUTES), binary);
	t->hour = from_bcd(hour & ~HOUR_PM, binary);
	if (!(b & STATUS_B_24H)) /* 12-hour clock: 12 AM is 0, PM adds 12 */
		t->hour = t->hour % 12 + ((hour & HOUR_PM) ? 12 : 0);
	t->day = from_bcd(cmos_read(RTC_DAY), binary);
	t->month = from_bcd(cmos_read(RTC_MONTH), binary);
	t->year = from_bcd(cmos_read(RTC_CENTURY), binary) * 100 +
		  from_bcd(cmos_read(RTC_YEAR), binary);
	return 0;
}

void rtc_boot_time_init(void)
{
	struct rtc_time t;

	if (rtc_read(&t) == 0) {
		boot_unix = rtc_to_unix(&t);
		boot_tsc = rdtsc();
	}
}

bool rtc_unix_time_at(uint64_t tsc, uint64_t *sec, uint32_t *nsec)
{
	if (!boot_unix || !tsc_khz || tsc < boot_tsc)
		return false;
	uint64_t ticks = tsc - boot_tsc, hz = tsc_khz * 1000;
	*sec = boot_unix + ticks / hz;
	*nsec = (uint32_t)((ticks % hz) * 1000000000ull / hz);
	return true;
}
