/* SPDX-License-Identifier: BSD-3-Clause */
/* The ACRN ABI facts as Cairn's own headers (abi/cairn/acrn.h, acrn_hsm.h) define them. */
#include "cairn/acrn_hsm.h"
#include "abi_acrn_facts.h"

const struct abi_fact abi_facts_cairn[] = { ABI_ACRN_FACTS(ABI_FACT_SIZE, ABI_FACT_OFF,
							   ABI_FACT_NUM) };
const size_t abi_facts_cairn_count = sizeof(abi_facts_cairn) / sizeof(abi_facts_cairn[0]);
