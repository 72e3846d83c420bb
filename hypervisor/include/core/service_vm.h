/* SPDX-License-Identifier: BSD-3-Clause */
/* The Service VM: a stock Linux on every pCPU no partition has, owning the platform's devices. */
#ifndef CAIRN_CORE_SERVICE_VM_H
#define CAIRN_CORE_SERVICE_VM_H

#include "core/boot_info.h"

/* Builds and starts the scenario's Service VM, if it has one (after the pre-launched VMs). */
void service_vm_start(const struct boot_info *bi);

/* Its reset is arch_service_vm_reload() (core/arch.h). */

#endif
