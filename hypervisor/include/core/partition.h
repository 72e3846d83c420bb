/* SPDX-License-Identifier: BSD-3-Clause */
/* Pre-launched partitions: built from the scenario at boot, loaded from boot modules, started. */
#ifndef CAIRN_CORE_PARTITION_H
#define CAIRN_CORE_PARTITION_H

#include "core/boot_info.h"
#include "core/vm.h"

/* Creates and starts every pre-launched VM of the scenario; a VM that fails is reported and skipped. */
void partitions_start(const struct boot_info *bi);

/* (Re)loads the guest image into the VM's memory and sets vCPU 0 at its entry point. */
int partition_load(struct vm *vm);

#endif
