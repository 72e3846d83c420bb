/* SPDX-License-Identifier: BSD-3-Clause */
/* The ACRN ABI facts as Linux's UAPI header (<linux/acrn.h>, from linux-libc-dev) defines them. */
#include <linux/acrn.h>
#include <linux/ioctl.h> /* <linux/acrn.h> uses _IOW() without including it */

#include "abi_acrn_facts.h"

const struct abi_fact abi_facts_linux[] = { ABI_ACRN_FACTS(ABI_FACT_SIZE, ABI_FACT_OFF,
							   ABI_FACT_NUM) };
const size_t abi_facts_linux_count = sizeof(abi_facts_linux) / sizeof(abi_facts_linux[0]);
