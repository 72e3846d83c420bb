/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's start-up sequence, entered once on the boot pCPU. */
#ifndef CAIRN_CORE_HYPERVISOR_H
#define CAIRN_CORE_HYPERVISOR_H

#include "core/boot_info.h"

#define CAIRN_VERSION "0.1.0"

__noreturn void hypervisor_main(const struct boot_info *bi);

#endif
