/* SPDX-License-Identifier: BSD-3-Clause */
/* heartbeat: prints a numbered beat every period, optionally kicks the watchdog and echoes vUART input. */
#include "cairn/guest_boot.h"
#include "cairn/hypercall.h"
#include "lib/string.h"
#include "args.h"
#include "console.h"
#include "cpu.h"
#include "guest.h"
#include "hc.h"
#include "lapic_timer.h"
#include "tsc.h"

#define HEARTBEAT_PERIOD_MS 200
#define HEARTBEAT_NAME_SIZE 64
#define ECHO_LINE_SIZE	    128
#define ECHO_POLL_MS	    20 /* with echo: how often the vUART is read between beats */

struct heartbeat {
	char name[HEARTBEAT_NAME_SIZE];
	uint64_t period_cycles;
	bool watchdog;
	bool kick_limited;
	uint64_t kick_last_beat; /* with kick_limited: the last beat that kicks */
	bool kick_failed;	 /* a failed kick was reported (once) */
	bool echo;
	char line[ECHO_LINE_SIZE];
	size_t line_len;
};

static void heartbeat_configure(struct heartbeat *hb)
{
	uint64_t period_ms = HEARTBEAT_PERIOD_MS;

	memset(hb, 0, sizeof(*hb));
	if (!arg_get("name", hb->name, sizeof(hb->name)) || !hb->name[0])
		memcpy(hb->name, guest_vm_name(), strnlen(guest_vm_name(), sizeof(hb->name) - 1));
	arg_u64("period_ms", 10, &period_ms);
	hb->period_cycles = tsc_ms_to_cycles(period_ms ? period_ms : 1);
	hb->watchdog = arg_present("watchdog");
	hb->kick_limited = arg_u64("stop_kicking_after", 10, &hb->kick_last_beat);
	hb->echo = arg_present("echo");
}

static void heartbeat_kick(struct heartbeat *hb, uint64_t beat)
{
	long rc;

	if (hb->kick_limited && beat > hb->kick_last_beat)
		return;
	rc = hc_vmmcall(HC_CAIRN_WATCHDOG_KICK, 0, 0);
	if (rc != 0 && !hb->kick_failed) {
		guest_printf("heartbeat %s: watchdog kick rc %ld\n", hb->name, rc);
		hb->kick_failed = true;
	}
	if (hb->kick_limited && beat == hb->kick_last_beat)
		guest_printf("heartbeat %s: stopped kicking the watchdog\n", hb->name);
}

/* Collects input bytes; a CR or LF ends a line, and a non-empty line is echoed. */
static void heartbeat_echo_poll(struct heartbeat *hb)
{
	int c;

	while ((c = guest_getc()) >= 0) {
		if (c == '\r' || c == '\n') {
			hb->line[hb->line_len] = '\0';
			if (hb->line_len)
				guest_printf("echo %s: %s\n", hb->name, hb->line);
			hb->line_len = 0;
		} else if (hb->line_len < sizeof(hb->line) - 1) {
			hb->line[hb->line_len++] = (char)c;
		}
	}
}

/* Halted on the LAPIC timer until the deadline: a spinning vCPU would cost a host core. */
static void heartbeat_wait(struct heartbeat *hb, uint64_t deadline)
{
	if (!hb->echo) {
		lapic_timer_sleep_until(deadline);
		return;
	}
	while (!tsc_reached(deadline)) {
		heartbeat_echo_poll(hb);
		uint64_t next = rdtsc() + tsc_ms_to_cycles(ECHO_POLL_MS);
		lapic_timer_sleep_until((int64_t)(next - deadline) < 0 ? next : deadline);
	}
}

/* Deadlines advance by whole periods from the first beat, so the beat rate does not drift. */
void guest_main(const struct cairn_start_info *si)
{
	struct heartbeat hb;
	uint64_t deadline;

	heartbeat_configure(&hb);
	guest_printf("heartbeat %s: vCPU %u on APIC ID %u\n", hb.name, si->vcpu_id,
		     cpuid(1, 0).ebx >> 24);
	deadline = rdtsc();
	for (uint64_t beat = 1;; beat++) {
		guest_printf("heartbeat %s %lu\n", hb.name, beat);
		if (hb.watchdog)
			heartbeat_kick(&hb, beat);
		deadline += hb.period_cycles;
		heartbeat_wait(&hb, deadline);
	}
}
