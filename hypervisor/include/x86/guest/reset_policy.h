/* SPDX-License-Identifier: BSD-3-Clause */
/* What a port write to a reset, power, A20 or SMI register may do: pass, pass changed, drop, refuse. */
#ifndef CAIRN_X86_RESET_POLICY_H
#define CAIRN_X86_RESET_POLICY_H

#include "lib/compiler.h"

/* Ports every PC has (and QEMU's q35 emulates); the others come from the FADT and the chipset. */
#define PORT_KBC_DATA	   0x60
#define PORT_KBC_COMMAND   0x64
#define PORT_FAST_A20	   0x92 /* "port 92": bit 0 fast reset, bit 1 A20 */
#define PORT_PCI_CONF_ADDR 0xCF8
#define PORT_RESET_CONTROL 0xCF9 /* ICH9 RST_CNT */

enum guarded_kind {
	GUARD_RESET_CONTROL, /* 0xCF9: bit 2 starts a reset */
	GUARD_FAST_A20,	     /* 0x92: bit 0 resets, bit 1 gates A20 */
	GUARD_KBC_COMMAND,   /* 0x64: pulse commands, 0xD1, A20 commands */
	GUARD_KBC_DATA,	     /* 0x60: the output port byte after 0xD1 */
	GUARD_PM1_CONTROL,   /* PM1a/PM1b control (2 bytes): SLP_EN is bit 13 */
	GUARD_SLEEP_CONTROL, /* ACPI 5 hardware-reduced sleep control (1 byte): SLP_EN is bit 5 */
	GUARD_ACPI_RESET,    /* the FADT's RESET_REG (1 byte): RESET_VALUE resets */
	GUARD_APM_COMMAND,   /* SMI_CMD (0xB2): anything but ACPI enable/disable raises an SMI */
	GUARD_SMI_ENABLE,    /* ICH9 SMI_EN (4 bytes): APMC_EN (bit 5) and TCO_EN (bit 13) */
	GUARD_TCO_DATA_IN,   /* ICH9 TCO_DAT_IN (1 byte): a write raises an SMI */
	GUARD_NO_REBOOT,     /* ICH9 GCS (RCBA + 0x3410, 4 bytes): NO_REBOOT (bit 5) stays set */
	GUARD_CPU_HOTPLUG, /* QEMU's ACPI CPU hotplug block (12 bytes): flags bit 3 ejects a CPU */
	GUARD_FW_CFG_DMA,  /* QEMU's fw_cfg DMA address (0x514, 8 bytes): DMA to any address */
	GUARD_KIND_COUNT,
};

struct guarded_reg {
	enum guarded_kind kind;
	uint16_t port;
	uint8_t len;
	uint8_t value, value2; /* ACPI_RESET: RESET_VALUE; APM_COMMAND: ACPI_ENABLE, ACPI_DISABLE */
};

#define RESET_POLICY_MAX_REGS 12

struct reset_policy {
	size_t nregs;
	struct guarded_reg regs[RESET_POLICY_MAX_REGS];
	bool kbc_output_port_next; /* 0xD1 was written: the next data byte is the output port */
};

enum reset_verdict {
	RESET_PASS,	    /* forward `value` (maybe changed: A20 kept on) to the hardware */
	RESET_DROP,	    /* forward nothing; the VM goes on */
	RESET_REFUSE_RESET, /* a machine reset: forward nothing, stop the VM */
	RESET_REFUSE_SLEEP, /* a sleep or power-off: forward nothing, stop the VM */
};

struct reset_decision {
	enum reset_verdict verdict;
	uint32_t value;	 /* what to write when RESET_PASS */
	const char *why; /* for anything but a plain pass */
	uint16_t port;	 /* the guarded register that decided */
	enum guarded_kind kind;
};

/* Adds a guarded register; -ENOSPC when full, -EINVAL for a length of 0 or past port 0xFFFF. */
int reset_policy_add(struct reset_policy *p, enum guarded_kind kind, uint16_t port, uint8_t len,
		     uint8_t value, uint8_t value2);

/* True when [port, port + size) touches a guarded register. */
bool reset_policy_covers(const struct reset_policy *p, uint16_t port, uint8_t size);

/*
 * Judges one write of `size` (1, 2, 4) bytes at `port`, byte by byte from the lowest. A byte
 * reaches the register it lands on (as on a real chipset, except that a dword at 0xCF8 is PCI
 * CONFIG_ADDRESS only), and, when the access starts inside a one-byte register, every byte also
 * reaches that register (QEMU hands a wide access to the device at its first port). Updates the
 * keyboard controller's state as the bytes would.
 */
struct reset_decision reset_policy_write(struct reset_policy *p, uint16_t port, uint8_t size,
					 uint32_t value);

#endif
