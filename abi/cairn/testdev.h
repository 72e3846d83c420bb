/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* cairn-dm's I/O test device and the iotest guest's contract: its ranges, registers and values. */
#ifndef CAIRN_ABI_TESTDEV_H
#define CAIRN_ABI_TESTDEV_H

#include "types.h"

/*
 * `cairn-dm --testdev` emulates this device for the iotest guest (guests/iotest/, docs/guests.md);
 * every access to it travels as an I/O request. It has two ranges, one of ports and one of MMIO,
 * each a data window followed by two read-only counters, and one PCI function.
 *
 * Both directions are checked. The n-th write a range receives (counting from 0) must carry
 * cairn_testdev_pattern(n) masked to the access size: cairn-dm counts every other value as a bad
 * write. A read of the data window answers cairn_testdev_answer(address, last value written to
 * that range), masked to the read's size, which the guest checks. The counters tell the guest
 * what cairn-dm saw: WRITES (writes to the window) and BAD (writes that did not carry the
 * expected value, plus any write outside the window). Accesses must lie wholly inside one window
 * or one counter; anything else is unclaimed (reads all ones, writes count as bad).
 */
#define CAIRN_TESTDEV_PORT_BASE	  0x7000u
#define CAIRN_TESTDEV_PORT_SIZE	  0x10u
#define CAIRN_TESTDEV_PORT_WINDOW 0x8u /* data: 0x7000-0x7007, 1/2/4-byte accesses */
#define CAIRN_TESTDEV_PORT_WRITES 0x8u /* 32-bit, read-only */
#define CAIRN_TESTDEV_PORT_BAD	  0xCu /* 32-bit, read-only */

/* Above the 3 GiB line: outside any RAM a test VM has (cairn-dm refuses -m beyond 3 GiB then). */
#define CAIRN_TESTDEV_MMIO_BASE	  0xC0000000ull
#define CAIRN_TESTDEV_MMIO_SIZE	  0x1000u
#define CAIRN_TESTDEV_MMIO_WINDOW 0x100u /* data: 1/2/4/8-byte accesses */
#define CAIRN_TESTDEV_MMIO_WRITES 0x100u /* 64-bit, read-only */
#define CAIRN_TESTDEV_MMIO_BAD	  0x108u /* 64-bit, read-only */

/*
 * The PCI function, reached through 0xCF8/0xCFC (the HSM turns those into PCI-config requests):
 * a type-0 header with these IDs, class "unassigned", no BARs, no capabilities, no INTx. The
 * command register (0x04, 16 bits) and a 16-byte scratch area are writable; every other write is
 * ignored. Functions that do not exist read all ones.
 */
#define CAIRN_TESTDEV_PCI_BUS	       0
#define CAIRN_TESTDEV_PCI_DEV	       3
#define CAIRN_TESTDEV_PCI_FUNC	       0
#define CAIRN_TESTDEV_PCI_VENDOR       0xCA12 /* Cairn's own, as for the service device */
#define CAIRN_TESTDEV_PCI_DEVICE       0x7E57
#define CAIRN_TESTDEV_PCI_CLASS	       0xFF0000 /* base FF: fits no defined class */
#define CAIRN_TESTDEV_PCI_SCRATCH      0x40	/* 0x40-0x4F read/write */
#define CAIRN_TESTDEV_PCI_SCRATCH_SIZE 16

/* A 64-bit mixing function (splitmix64's finaliser): every input bit moves every output bit. */
static inline __u64 cairn_testdev_mix(__u64 x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 31;
	return x;
}

/* What the n-th write to a range carries (before masking to the access size). */
static inline __u64 cairn_testdev_pattern(__u64 n)
{
	return cairn_testdev_mix(n + 0x9E3779B97F4A7C15ull);
}

/* What a read at address answers (before masking) when `written` was the range's last write. */
static inline __u64 cairn_testdev_answer(__u64 address, __u64 written)
{
	return cairn_testdev_mix(address * 0x100000001B3ull ^ written ^ 0xC0FFEEull);
}

#endif
