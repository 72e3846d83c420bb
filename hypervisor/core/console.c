/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's console: printf on COM1, one lock so lines from different pCPUs never interleave. */
#include "core/arch.h"
#include "core/console.h"
#include "core/pcpu.h"
#include "lib/format.h"
#include "lib/spinlock.h"
#include "drivers/uart16550.h"

static spinlock_t console_lock = SPINLOCK_INIT;

void console_init(void)
{
	uart16550_init(COM1_PORT);
}

static void console_write_locked(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart16550_putc(COM1_PORT, '\r');
		uart16550_putc(COM1_PORT, s[i]);
	}
}

void console_write(const char *s, size_t len)
{
	spin_lock(&console_lock);
	console_write_locked(s, len);
	spin_unlock(&console_lock);
}

int vprintf(const char *fmt, va_list ap)
{
	char line[512];
	int n = format_vsnprintf(line, sizeof(line), fmt, ap);
	size_t len = n < 0 ? 0 : MIN((size_t)n, sizeof(line) - 1);

	console_write(line, len);
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

void panic(const char *fmt, ...)
{
	va_list ap;

	printf("cairn: PANIC on pCPU %u: ", pcpu_current_id());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	arch_cpu_halt_forever();
}
