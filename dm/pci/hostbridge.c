/* SPDX-License-Identifier: BSD-3-Clause */
/* The User VM's host bridge at 00:00.0 (acrn-dm's -s 0:0,hostbridge): a header and nothing else. */
#include "dm/pci.h"

#define HOSTBRIDGE_VENDOR 0xCA12 /* Cairn's own, as the service device and test device */
#define HOSTBRIDGE_DEVICE 0x0B00
#define HOSTBRIDGE_CLASS  0x060000 /* bridge, host bridge */

void dm_pci_hostbridge_init(struct dm_pci_func *f, struct dm_bus *bus)
{
	const struct dm_pci_id id = { .vendor = HOSTBRIDGE_VENDOR,
				      .device = HOSTBRIDGE_DEVICE,
				      .subsys_vendor = HOSTBRIDGE_VENDOR,
				      .subsys = HOSTBRIDGE_DEVICE,
				      .class_code = HOSTBRIDGE_CLASS };

	dm_pci_func_init(f, bus, 0, 0, &id, "hostbridge");
}
