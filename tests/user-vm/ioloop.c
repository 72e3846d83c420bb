/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-ioloop: a Linux User VM's CPUs all reading cairn-dm's test device at once, answers checked. */
/*
 * Usage: cairn-ioloop THREADS ROUNDS     (in a Linux User VM started with cairn-dm --testdev)
 *
 * Starts THREADS threads, thread i pinned to CPU i, each with port access (iopl 3). Behind a
 * barrier, each makes ROUNDS 32-bit reads of the test device's port window (abi/cairn/testdev.h),
 * alternating between its two dwords; every read is one I/O request in that vCPU's own slot, and
 * nothing writes the window, so each answer must be cairn_testdev_answer(port, 0). Reads only:
 * the device checks writes against one sequence per range, which concurrent writers would break.
 * Prints one line per thread and a summary the tests and bench/ioreq_scaling.py read:
 *   cairn-ioloop: thread I cpu C: R reads, W wrong, K cycles each
 *   cairn-ioloop: THREADS threads, R reads, W wrong, K cycles each (median thread), N ns wall,
 *                 Q requests/s
 * Exits 0 when every read was right, 1 otherwise, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <time.h>
#include <x86intrin.h>

#include "cairn/testdev.h"

#define MAX_THREADS 64

struct worker {
	pthread_t thread;
	unsigned int index;
	uint64_t rounds, wrong, cycles;
	int error;
};

static pthread_barrier_t start_line;

static void *work(void *opaque)
{
	struct worker *w = opaque;
	const uint16_t port = CAIRN_TESTDEV_PORT_BASE;
	const uint32_t want[2] = { (uint32_t)cairn_testdev_answer(port, 0),
				   (uint32_t)cairn_testdev_answer(port + 4, 0) };
	cpu_set_t cpus;
	uint64_t start;

	CPU_ZERO(&cpus);
	CPU_SET(w->index, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) || iopl(3))
		w->error = errno;
	pthread_barrier_wait(&start_line);
	if (w->error)
		return NULL;
	start = __rdtsc();
	for (uint64_t i = 0; i < w->rounds; i++)
		if (inl(port + 4 * (i & 1)) != want[i & 1])
			w->wrong++;
	w->cycles = __rdtsc() - start;
	return NULL;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv)
{
	static struct worker workers[MAX_THREADS];
	uint64_t each[MAX_THREADS], reads = 0, wrong = 0, start, wall;
	char *end;
	unsigned long threads, rounds;
	int failed = 0;

	if (argc != 3 || (threads = strtoul(argv[1], &end, 0)) == 0 || *end ||
	    threads > MAX_THREADS || (rounds = strtoul(argv[2], &end, 0)) == 0 || *end) {
		fprintf(stderr, "usage: cairn-ioloop THREADS(1-%d) ROUNDS\n", MAX_THREADS);
		return 2;
	}
	if (pthread_barrier_init(&start_line, NULL, (unsigned int)threads + 1))
		return 2;
	for (unsigned int i = 0; i < threads; i++) {
		workers[i].index = i;
		workers[i].rounds = rounds;
		if (pthread_create(&workers[i].thread, NULL, work, &workers[i])) {
			fprintf(stderr, "cairn-ioloop: cannot start thread %u\n", i);
			return 2;
		}
	}
	start = now_ns();
	pthread_barrier_wait(&start_line);
	for (unsigned int i = 0; i < threads; i++)
		pthread_join(workers[i].thread, NULL);
	wall = now_ns() - start;
	for (unsigned int i = 0; i < threads; i++) {
		struct worker *w = &workers[i];

		if (w->error) {
			printf("cairn-ioloop: thread %u: cannot pin to cpu %u or get port access: "
			       "%s\n",
			       i, i, strerror(w->error));
			failed = 1;
			each[i] = 0;
			continue;
		}
		each[i] = w->cycles / w->rounds;
		reads += w->rounds;
		wrong += w->wrong;
		printf("cairn-ioloop: thread %u cpu %u: %" PRIu64 " reads, %" PRIu64
		       " wrong, %" PRIu64 " cycles each\n",
		       i, i, w->rounds, w->wrong, each[i]);
	}
	qsort(each, threads, sizeof(each[0]), by_value);
	printf("cairn-ioloop: %lu threads, %" PRIu64 " reads, %" PRIu64 " wrong, %" PRIu64
	       " cycles each (median thread), %" PRIu64 " ns wall, %" PRIu64 " requests/s\n",
	       threads, reads, wrong, each[threads / 2], wall,
	       wall ? reads * (uint64_t)1000000000 / wall : 0);
	return failed ? 2 : wrong ? 1 : 0;
}
