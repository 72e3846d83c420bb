/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* The Cairn service device: the virtual PCI function through which the hypervisor upcalls the HSM. */
#ifndef CAIRN_ABI_SERVICE_DEV_H
#define CAIRN_ABI_SERVICE_DEV_H

#include "types.h"

/*
 * Debian's kernel has no ACRN guest support (no vector-0xF3 handler), so the hypervisor shows the
 * Service VM one emulated PCI function and the HSM binds to it as an ordinary PCI driver
 * (docs/user-vms.md). It sits on bus 0 at the first device number no real function uses (the
 * hypervisor prints "cairn: service device at 00:DD.0"); drivers find it by these IDs, never by
 * its place. The IDs are Cairn's own, not PCI-SIG assignments: no real device carries them.
 *
 * Config space: a type-0 header, no BARs, no INTx (interrupt pin 0), status bit 4 (capability
 * list) with one MSI capability at CAIRN_SERVICE_DEV_MSI_CAP: 64-bit address, one vector, no
 * per-vector masking. An upcall is that MSI (vector = data[7:0], destination = address[19:12],
 * physical mode) sent to the Service VM when a User VM posts an I/O request; nothing is sent
 * while MSI is disabled. Writes outside the command register and the MSI capability are ignored.
 */
#define CAIRN_SERVICE_DEV_VENDOR  0xCA12
#define CAIRN_SERVICE_DEV_DEVICE  0x5E01
#define CAIRN_SERVICE_DEV_CLASS	  0x088000 /* base 08 (system peripheral), sub 80 (other) */
#define CAIRN_SERVICE_DEV_REV	  0x01
#define CAIRN_SERVICE_DEV_MSI_CAP 0x40

#endif
