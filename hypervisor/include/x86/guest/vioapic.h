/* SPDX-License-Identifier: BSD-3-Clause */
/* A User VM's virtual IOAPIC: 24 pins driven by HC_SET_IRQLINE, delivered as fixed IPIs. */
#ifndef CAIRN_X86_GUEST_VIOAPIC_H
#define CAIRN_X86_GUEST_VIOAPIC_H

#include "lib/compiler.h"
#include "lib/spinlock.h"

#define VIOAPIC_BASE	 0xFEC00000ull /* where a PC's first IOAPIC is (the User VM's MADT says so) */
#define VIOAPIC_SIZE	 0x1000ull
#define VIOAPIC_PINS	 24
#define VIOAPIC_REGSEL	 0x00 /* IOREGSEL: the register IOWIN reaches */
#define VIOAPIC_WIN	 0x10 /* IOWIN */
#define VIOAPIC_REG_ID	 0x00
#define VIOAPIC_REG_VER	 0x01
#define VIOAPIC_REG_ARB	 0x02
#define VIOAPIC_REG_RTE0 0x10 /* pin n: low dword 0x10 + 2n, high dword 0x11 + 2n */
#define VIOAPIC_VERSION	 (((VIOAPIC_PINS - 1u) << 16) | 0x11u) /* 82093AA: no EOI register */

#define VIOAPIC_RTE_MASKED	 (1ull << 16)
#define VIOAPIC_RTE_LEVEL	 (1ull << 15)
#define VIOAPIC_RTE_REMOTE_IRR	 (1ull << 14)
#define VIOAPIC_RTE_LOGICAL	 (1ull << 11)
#define VIOAPIC_RTE_DELIV_STATUS (1ull << 12)
/* Vector, delivery mode, destination mode, polarity, trigger mode, mask; the destination. */
#define VIOAPIC_RTE_WRITABLE (0x1AFFFull | (0xFFull << 56))

struct vioapic {
	spinlock_t lock;
	bool attached;
	uint8_t regsel;
	uint32_t id;	 /* the ID register's bits 27:24 */
	uint32_t levels; /* bit per pin: asserted */
	uint64_t rte[VIOAPIC_PINS];
	uint64_t delivered; /* interrupts sent to a vCPU */
	uint64_t dropped; /* unmasked, but not deliverable (logical, not fixed, bad destination) */
};

struct vm;

/* Resets it (every pin masked, lines low) and registers its MMIO page in vm's I/O registry. */
int vioapic_attach(struct vm *vm);

#endif
