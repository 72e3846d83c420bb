/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cairn-probe: what a hostile root in the Service VM can do, one operation per call, for the
 * isolation tests. Prints one "cairn-probe: ..." line per operation (docs/isolation.md).
 *
 *   cairn-probe hc ID P1 P2            ACRN hypercall (VMCALL) through /dev/cairn_probe
 *   cairn-probe kvm-hc NR A0 A1 A2 A3  KVM hypercall (VMMCALL)
 *   cairn-probe rdmsr MSR | wrmsr MSR VALUE
 *   cairn-probe invd | wbinvd
 *   cairn-probe in{b,w,l} PORT | out{b,w,l} PORT VALUE     (iopl(3))
 *   cairn-probe peek{8,16,32,64} PA | poke{8,16,32,64} PA VALUE   (/dev/mem, needs iomem=relaxed)
 *   cairn-probe cfg-read{8,16,32} BDF OFF | cfg-write{8,16,32} BDF OFF VALUE  (sysfs config)
 * Numbers are C literals (0x..., decimal). BDF is sysfs-style, e.g. 0000:00:1f.0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cairn_probe.h"

#define PROBE_DEV "/dev/cairn_probe"
#define PROBE_KO  "/lib/cairn/cairn_probe.ko"

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "cairn-probe: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* Opens /dev/cairn_probe, loading the module first if needed. */
static int probe_open(void)
{
	int fd = open(PROBE_DEV, O_RDWR);

	if (fd < 0 && system("insmod " PROBE_KO " 2>/dev/null") >= 0)
		fd = open(PROBE_DEV, O_RDWR);
	if (fd < 0) {
		printf("cairn-probe: cannot open %s: %s\n", PROBE_DEV, strerror(errno));
		exit(1);
	}
	return fd;
}

static int do_hc(char **argv)
{
	struct cairn_probe_hypercall hc = { num(argv[0]), num(argv[1]), num(argv[2]), 0 };

	if (ioctl(probe_open(), CAIRN_PROBE_HYPERCALL, &hc)) {
		printf("cairn-probe: hc ioctl failed: %s\n", strerror(errno));
		return 1;
	}
	printf("cairn-probe: hc 0x%llx 0x%llx 0x%llx -> %lld\n", (unsigned long long)hc.id,
	       (unsigned long long)hc.p1, (unsigned long long)hc.p2, (long long)hc.result);
	return 0;
}

static int do_kvm_hc(char **argv)
{
	struct cairn_probe_kvm_hypercall hc = { num(argv[0]),
						{ num(argv[1]), num(argv[2]), num(argv[3]),
						  num(argv[4]) },
						0 };

	if (ioctl(probe_open(), CAIRN_PROBE_KVM_HYPERCALL, &hc)) {
		printf("cairn-probe: kvm-hc ioctl failed: %s\n", strerror(errno));
		return 1;
	}
	printf("cairn-probe: kvm-hc %llu -> %lld\n", (unsigned long long)hc.nr,
	       (long long)hc.result);
	return 0;
}

static int do_msr(char **argv, int write)
{
	struct cairn_probe_msr m = { (__u32)num(argv[0]), 0, write ? num(argv[1]) : 0 };

	if (ioctl(probe_open(), write ? CAIRN_PROBE_WRMSR : CAIRN_PROBE_RDMSR, &m)) {
		printf("cairn-probe: msr ioctl failed: %s\n", strerror(errno));
		return 1;
	}
	if (m.fault)
		printf("cairn-probe: %s 0x%x: #GP\n", write ? "wrmsr" : "rdmsr", m.index);
	else
		printf("cairn-probe: %s 0x%x: 0x%llx\n", write ? "wrmsr" : "rdmsr", m.index,
		       (unsigned long long)m.value);
	return 0;
}

static int do_cache(unsigned long which, const char *name)
{
	if (ioctl(probe_open(), CAIRN_PROBE_CACHE_INSN, which)) {
		printf("cairn-probe: %s failed: %s\n", name, strerror(errno));
		return 1;
	}
	printf("cairn-probe: %s done\n", name);
	return 0;
}

static int do_port(const char *op, char **argv)
{
	unsigned port = (unsigned)num(argv[0]);
	char width = op[strlen(op) - 1];

	if (iopl(3)) {
		printf("cairn-probe: iopl: %s\n", strerror(errno));
		return 1;
	}
	if (op[0] == 'o') {
		unsigned long long v = num(argv[1]);
		printf("cairn-probe: %s 0x%x 0x%llx\n", op, port, v);
		fflush(stdout);
		if (width == 'b')
			outb((unsigned char)v, port);
		else if (width == 'w')
			outw((unsigned short)v, port);
		else
			outl((unsigned)v, port);
		printf("cairn-probe: %s 0x%x done\n", op, port);
		return 0;
	}
	unsigned v = width == 'b' ? inb(port) : width == 'w' ? inw(port) : inl(port);
	printf("cairn-probe: %s 0x%x: 0x%x\n", op, port, v);
	return 0;
}

static int do_mem(const char *op, char **argv)
{
	unsigned long long pa = num(argv[0]);
	int bits = atoi(op + 4);
	long page = sysconf(_SC_PAGESIZE);
	int fd = open("/dev/mem", O_RDWR | O_SYNC);

	if (fd < 0) {
		printf("cairn-probe: /dev/mem: %s\n", strerror(errno));
		return 1;
	}
	unsigned long long base = pa & ~(unsigned long long)(page - 1);
	volatile unsigned char *map =
		mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
	if (map == MAP_FAILED) {
		printf("cairn-probe: mmap 0x%llx: %s\n", base, strerror(errno));
		return 1;
	}
	volatile void *p = map + (pa - base);
	if (op[0] == 'p' && op[1] == 'o') {
		unsigned long long v = num(argv[1]);
		printf("cairn-probe: %s 0x%llx 0x%llx\n", op, pa, v);
		fflush(stdout);
		if (bits == 8)
			*(volatile unsigned char *)p = (unsigned char)v;
		else if (bits == 16)
			*(volatile unsigned short *)p = (unsigned short)v;
		else if (bits == 32)
			*(volatile unsigned *)p = (unsigned)v;
		else
			*(volatile unsigned long long *)p = v;
		printf("cairn-probe: %s 0x%llx done\n", op, pa);
		return 0;
	}
	unsigned long long v = bits == 8    ? *(volatile unsigned char *)p
			       : bits == 16 ? *(volatile unsigned short *)p
			       : bits == 32 ? *(volatile unsigned *)p
					    : *(volatile unsigned long long *)p;
	printf("cairn-probe: %s 0x%llx: 0x%llx\n", op, pa, v);
	return 0;
}

static int do_cfg(const char *op, char **argv)
{
	char path[128];
	unsigned off = (unsigned)num(argv[1]);
	int bytes = atoi(op + (op[4] == 'r' ? 8 : 9)) / 8;
	unsigned long long v = 0;
	int write = op[4] == 'w';
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", argv[0]);
	fd = open(path, write ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		printf("cairn-probe: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (write) {
		v = num(argv[2]);
		printf("cairn-probe: %s %s 0x%x 0x%llx\n", op, argv[0], off, v);
		fflush(stdout);
		if (pwrite(fd, &v, (size_t)bytes, off) != bytes) {
			printf("cairn-probe: %s: write failed: %s\n", op, strerror(errno));
			return 1;
		}
		printf("cairn-probe: %s %s 0x%x done\n", op, argv[0], off);
		return 0;
	}
	if (pread(fd, &v, (size_t)bytes, off) != bytes) {
		printf("cairn-probe: %s: read failed: %s\n", op, strerror(errno));
		return 1;
	}
	printf("cairn-probe: %s %s 0x%x: 0x%llx\n", op, argv[0], off, v);
	return 0;
}

struct command {
	const char *name;
	int nargs;
};

static const struct command commands[] = {
	{ "hc", 3 },	    { "kvm-hc", 5 },	   { "rdmsr", 1 },	 { "wrmsr", 2 },
	{ "invd", 0 },	    { "wbinvd", 0 },	   { "inb", 1 },	 { "inw", 1 },
	{ "inl", 1 },	    { "outb", 2 },	   { "outw", 2 },	 { "outl", 2 },
	{ "peek8", 1 },	    { "peek16", 1 },	   { "peek32", 1 },	 { "peek64", 1 },
	{ "poke8", 2 },	    { "poke16", 2 },	   { "poke32", 2 },	 { "poke64", 2 },
	{ "cfg-read8", 2 }, { "cfg-read16", 2 },   { "cfg-read32", 2 },	 { "cfg-write8", 3 },
	{ "cfg-write16", 3 }, { "cfg-write32", 3 },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; argc >= 2 && i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *op = commands[i].name;
		if (strcmp(argv[1], op))
			continue;
		if (argc - 2 != commands[i].nargs) {
			fprintf(stderr, "cairn-probe: %s takes %d arguments\n", op,
				commands[i].nargs);
			return 2;
		}
		char **args = argv + 2;
		if (!strcmp(op, "hc"))
			return do_hc(args);
		if (!strcmp(op, "kvm-hc"))
			return do_kvm_hc(args);
		if (!strcmp(op, "rdmsr") || !strcmp(op, "wrmsr"))
			return do_msr(args, op[0] == 'w');
		if (!strcmp(op, "invd"))
			return do_cache(1, op);
		if (!strcmp(op, "wbinvd"))
			return do_cache(2, op);
		if (!strncmp(op, "in", 2) || !strncmp(op, "out", 3))
			return do_port(op, args);
		if (!strncmp(op, "peek", 4) || !strncmp(op, "poke", 4))
			return do_mem(op, args);
		return do_cfg(op, args);
	}
	fprintf(stderr, "usage: see the comment atop tests/service-vm/probe.c\n");
	return 2;
}
