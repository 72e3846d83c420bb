/* SPDX-License-Identifier: BSD-3-Clause */
/* The Service VM's CPUs a User VM runs on: given up to the hypervisor before, taken back after. */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cairn/acrn_hsm.h"
#include "cairn/cpuid.h"
#include "dm/pcpu.h"

static int write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n != (ssize_t)len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

static int cpu_online_path(unsigned int cpu, char *path, size_t size)
{
	return snprintf(path, size, "/sys/devices/system/cpu/cpu%u/online", cpu);
}

/* 1 online, 0 offline, -errno when the CPU has no online file (absent, or the boot CPU). */
static int cpu_online(unsigned int cpu)
{
	char path[64], c = 0;
	int fd;

	cpu_online_path(cpu, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '1' ? 1 : c == '0' ? 0 : -EIO;
}

static int set_online(unsigned int cpu, bool online)
{
	char path[64];

	cpu_online_path(cpu, path, sizeof(path));
	return write_text(path, online ? "1" : "0");
}

int dm_pcpus_release(uint64_t mask, uint64_t *offlined, char *err, size_t err_size)
{
	*offlined = 0;
	for (unsigned int cpu = 0; cpu < 64; cpu++) {
		char id[16];
		int state, rc;

		if (!(mask & (1ull << cpu)))
			continue;
		state = cpu_online(cpu);
		if (state < 0) {
			snprintf(err, err_size,
				 "pCPU %u: the Service VM has no cpu%u to give up (%s)", cpu, cpu,
				 strerror(-state));
			rc = state;
			goto undo;
		}
		if (state == 1) {
			rc = set_online(cpu, false);
			if (rc) {
				snprintf(err, err_size, "pCPU %u: cannot take cpu%u offline: %s",
					 cpu, cpu, strerror(-rc));
				goto undo;
			}
			*offlined |= 1ull << cpu;
		}
		snprintf(id, sizeof(id), "%u", cpu);
		rc = write_text(ACRN_HSM_REMOVE_CPU, id);
		if (rc) {
			snprintf(err, err_size, "pCPU %u: %s refused it: %s", cpu,
				 ACRN_HSM_REMOVE_CPU, strerror(-rc));
			goto undo;
		}
		continue;
	undo:
		dm_pcpus_reclaim(*offlined);
		*offlined = 0;
		return rc;
	}
	return 0;
}

uint64_t dm_pcpus_reclaim(uint64_t offlined)
{
	uint64_t left = 0;

	for (unsigned int cpu = 0; cpu < 64; cpu++) {
		if (!(offlined & (1ull << cpu)))
			continue;
		/* The hypervisor frees the pCPU when the VM is destroyed; give it a moment. */
		for (int attempt = 0; attempt < 5; attempt++) {
			if (!set_online(cpu, true) || cpu_online(cpu) == 1)
				break;
			nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
		}
		if (cpu_online(cpu) != 1)
			left |= 1ull << cpu;
	}
	return left;
}

int dm_pcpu_apic_id(unsigned int cpu, uint32_t *apic_id)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];
	bool in_cpu = false;
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned int v;

		if (sscanf(line, "processor : %u", &v) == 1)
			in_cpu = v == cpu;
		else if (in_cpu && sscanf(line, "apicid : %u", &v) == 1) {
			*apic_id = v;
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

uint64_t dm_host_tsc_khz(void)
{
	unsigned int a, b, c, d;

	__cpuid(CAIRN_CPUID_BASE, a, b, c, d);
	if (b != CAIRN_CPUID_SIG_EBX || c != CAIRN_CPUID_SIG_ECX || d != CAIRN_CPUID_SIG_EDX ||
	    a < CAIRN_CPUID_FEATURES)
		return 0;
	__cpuid(CAIRN_CPUID_FEATURES, a, b, c, d);
	return d;
}
