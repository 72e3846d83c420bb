/* SPDX-License-Identifier: BSD-3-Clause */
/* Registers through which a Service VM could reset, power off or SMI the machine: trapped, judged. */
#ifndef CAIRN_X86_PORT_GUARD_H
#define CAIRN_X86_PORT_GUARD_H

#include "core/vm.h"

/*
 * Traps, at every width and byte offset: 0xCF9, port 0x92, the keyboard controller (0x60, 0x64),
 * the FADT's PM1a/PM1b control, reset and sleep control registers (ports or MMIO), the APM
 * command port, ICH9's SMI_EN and TCO_DAT_IN, and the page holding ICH9's GCS (writes only).
 * A reset or power-off request stops the VM; see docs/reset-and-power.md.
 */
int port_guard_attach(struct vm *vm);

/*
 * Judges and performs a port write that overlaps a guarded register, for another trap that
 * covers the same ports (pci_cfg.c: a byte or word over 0xCF8-0xCFB reaches RST_CNT at 0xCF9).
 */
void port_guard_write(struct vm *vm, uint16_t port, uint8_t size, uint32_t value);

/* The VM restarts (docs/service-vm.md): its next reset request counts again; the i8042 state is new. */
void port_guard_restart(struct vm *vm);

#endif
