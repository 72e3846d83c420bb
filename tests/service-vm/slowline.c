/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cairn-slowline: writes lines to the console one byte per write(), with a busy pause between bytes,
 * so that each line takes a while to cross the vUART; the console test checks that no partition
 * line lands inside one of them.
 *
 *   cairn-slowline LINES CHARS GAP_US   prints "slowline-<n>-<CHARS x's>" LINES times, then
 *                                        "cairn-slowline: done"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Busy-waits: a sleeping vCPU halts, and its wake-up can take far longer than the gap. */
static void spin_us(unsigned int us)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	do
		clock_gettime(CLOCK_MONOTONIC, &now);
	while ((now.tv_sec - start.tv_sec) * 1000000L + (now.tv_nsec - start.tv_nsec) / 1000 < us);
}

static void put_byte(char c, unsigned int gap_us)
{
	if (write(STDOUT_FILENO, &c, 1) != 1)
		exit(1);
	spin_us(gap_us);
}

int main(int argc, char **argv)
{
	char head[32];

	if (argc != 4) {
		fprintf(stderr, "usage: cairn-slowline LINES CHARS GAP_US\n");
		return 2;
	}
	int lines = atoi(argv[1]), chars = atoi(argv[2]);
	unsigned int gap_us = (unsigned int)atoi(argv[3]);
	for (int n = 1; n <= lines; n++) {
		int len = snprintf(head, sizeof(head), "slowline-%d-", n);
		for (int i = 0; i < len; i++)
			put_byte(head[i], gap_us);
		for (int i = 0; i < chars; i++)
			put_byte('x', gap_us);
		put_byte('\n', 0);
	}
	printf("cairn-slowline: done\n");
	return 0;
}
