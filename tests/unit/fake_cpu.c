/* SPDX-License-Identifier: BSD-3-Clause */
/* Host stand-ins for the x86 instructions of x86/cpu.h: scripted CPUID, MSRs, ports and TSC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_cpu.h"

struct fake_cpuid_entry {
	uint32_t leaf, subleaf;
	struct cpuid_regs regs;
};

struct fake_value {
	uint32_t key;
	uint64_t value;
};

static struct fake_cpu {
	struct fake_cpuid_entry cpuid[FAKE_CPU_MAX_ENTRIES];
	size_t ncpuid;
	struct fake_value msrs[FAKE_CPU_MAX_ENTRIES];
	size_t nmsrs;
	unsigned wrmsrs;
	struct fake_value ports[FAKE_CPU_MAX_ENTRIES];
	size_t nports;
	unsigned port_accesses;
	struct fake_port_access last_port;
	uint64_t tsc;
} fake;

void fake_cpu_reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

/* A table that overflows is a bug in the test: stop loudly. */
static void *table_slot(void *table, size_t *n, size_t entry_size)
{
	if (*n == FAKE_CPU_MAX_ENTRIES) {
		fprintf(stderr, "fake_cpu: more than %d scripted entries\n", FAKE_CPU_MAX_ENTRIES);
		abort();
	}
	return (char *)table + (*n)++ * entry_size;
}

static struct fake_value *find_value(struct fake_value *t, size_t n, uint32_t key)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].key == key)
			return &t[i];
	return NULL;
}

static void set_value(struct fake_value *t, size_t *n, uint32_t key, uint64_t value)
{
	struct fake_value *v = find_value(t, *n, key);

	if (!v)
		v = table_slot(t, n, sizeof(*t));
	*v = (struct fake_value){ key, value };
}

void fake_cpu_set_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs regs)
{
	struct fake_cpuid_entry *e = table_slot(fake.cpuid, &fake.ncpuid, sizeof(*e));

	*e = (struct fake_cpuid_entry){ leaf, subleaf, regs };
}

struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	for (size_t i = fake.ncpuid; i-- > 0;)
		if (fake.cpuid[i].leaf == leaf && fake.cpuid[i].subleaf == subleaf)
			return fake.cpuid[i].regs;
	return (struct cpuid_regs){ 0, 0, 0, 0 };
}

void fake_cpu_set_msr(uint32_t msr, uint64_t value)
{
	set_value(fake.msrs, &fake.nmsrs, msr, value);
}

uint64_t rdmsr(uint32_t msr)
{
	struct fake_value *v = find_value(fake.msrs, fake.nmsrs, msr);

	return v ? v->value : 0;
}

void wrmsr(uint32_t msr, uint64_t value)
{
	fake.wrmsrs++;
	fake_cpu_set_msr(msr, value);
}

unsigned fake_cpu_wrmsr_count(void)
{
	return fake.wrmsrs;
}

void fake_cpu_set_port(uint16_t port, uint32_t value)
{
	set_value(fake.ports, &fake.nports, port, value);
}

static uint32_t port_in(uint16_t port, uint8_t size)
{
	struct fake_value *v = find_value(fake.ports, fake.nports, port);
	uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
	uint32_t value = (v ? (uint32_t)v->value : 0xFFFFFFFFu) & mask;

	fake.port_accesses++;
	fake.last_port = (struct fake_port_access){ port, size, true, value };
	return value;
}

static void port_out(uint16_t port, uint8_t size, uint32_t value)
{
	fake.port_accesses++;
	fake.last_port = (struct fake_port_access){ port, size, false, value };
}

uint8_t inb(uint16_t port)
{
	return (uint8_t)port_in(port, 1);
}

uint16_t inw(uint16_t port)
{
	return (uint16_t)port_in(port, 2);
}

uint32_t inl(uint16_t port)
{
	return port_in(port, 4);
}

void outb(uint16_t port, uint8_t v)
{
	port_out(port, 1, v);
}

void outw(uint16_t port, uint16_t v)
{
	port_out(port, 2, v);
}

void outl(uint16_t port, uint32_t v)
{
	port_out(port, 4, v);
}

unsigned fake_cpu_port_count(void)
{
	return fake.port_accesses;
}

struct fake_port_access fake_cpu_last_port(void)
{
	return fake.last_port;
}

void fake_cpu_set_tsc(uint64_t tsc)
{
	fake.tsc = tsc;
}

uint64_t rdtsc(void)
{
	return fake.tsc;
}
