/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-scribble: a hostile Service VM process that writes garbage into another process's memory (an I/O request page). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * cairn-scribble <pid> <address> <count> <value>: writes the 32-bit <value> <count> times, every
 * 256 bytes from <address> on (the `processed` word of each request slot, when <address> is a
 * request page + 136), through /proc/<pid>/mem, as root may. Prints what it wrote.
 */
int main(int argc, char **argv)
{
	char path[64];

	if (argc != 5) {
		fprintf(stderr, "usage: cairn-scribble <pid> <address> <count> <value>\n");
		return 2;
	}
	long pid = strtol(argv[1], NULL, 0);
	uint64_t addr = strtoull(argv[2], NULL, 0);
	long count = strtol(argv[3], NULL, 0);
	uint32_t value = (uint32_t)strtoul(argv[4], NULL, 0);
	snprintf(path, sizeof(path), "/proc/%ld/mem", pid);
	int fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "cairn-scribble: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (long i = 0; i < count; i++) {
		if (pwrite(fd, &value, sizeof(value), (off_t)(addr + 256 * (uint64_t)i)) !=
		    (ssize_t)sizeof(value)) {
			fprintf(stderr, "cairn-scribble: write at 0x%llx: %s\n",
				(unsigned long long)(addr + 256 * (uint64_t)i), strerror(errno));
			return 1;
		}
	}
	printf("cairn-scribble: wrote 0x%x %ld times from 0x%llx in process %ld\n", value, count,
	       (unsigned long long)addr, pid);
	return 0;
}
