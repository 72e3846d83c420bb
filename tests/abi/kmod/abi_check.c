/* SPDX-License-Identifier: BSD-3-Clause */
/* A module that only compiles: every abi/cairn/ header together, under Kbuild and the kernel's headers. */
#include <linux/module.h>

#include "cairn/acrn.h"
#include "cairn/acrn_hsm.h"
#include "cairn/cairn_hsm.h"
#include "cairn/cpuid.h"
#include "cairn/guest_boot.h"
#include "cairn/hypercall.h"
#include "cairn/service_dev.h"
#include "cairn/testdev.h"
#include "cairn/types.h"

MODULE_DESCRIPTION("Cairn ABI headers compile check (never loaded)");
MODULE_LICENSE("Dual BSD/GPL");
