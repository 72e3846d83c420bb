/* SPDX-License-Identifier: BSD-3-Clause */
/* A Linux User VM's ACPI tables: RSDP, XSDT, MADT, FADT, FACS and a DSDT with \_S5, in its BIOS area. */
#ifndef CAIRN_DM_ACPI_H
#define CAIRN_DM_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm/mem.h"

/*
 * The tables live in the PC BIOS area, [0xE0000, 1 MiB), which the e820 marks reserved: the RSDP
 * there is found both through boot_params.acpi_rsdp_addr and by the legacy scan.
 */
#define DM_ACPI_AREA_GPA  0xE0000ull
#define DM_ACPI_AREA_SIZE 0x20000ull
#define DM_ACPI_DSDT_GPA  0xE2000ull
#define DM_ACPI_FACS_GPA  0xE3000ull
#define DM_ACPI_SCI_IRQ	  9 /* named in the FADT; nothing raises it */
#define DM_ACPI_IOAPIC_ID 0 /* the virtual IOAPIC's ID register after reset */

/*
 * Writes the tables for a VM whose vCPU i runs on the pCPU with APIC ID apic_ids[i] (vCPU 0 first).
 * The MADT lists those local APICs and the hypervisor's virtual IOAPIC (24 pins from GSI 0); the
 * FADT has PM1a event and control blocks at 0x400 and 0x404 (dm/hw/power.c), a 32-bit PM timer at
 * 0x408 (dm/hw/pm_timer.c), no SMI command port, SCI on IRQ 9, physical destination mode forced, no 8042, VGA or CMOS RTC; the DSDT
 * holds \_S5 = {5, 5} (SLP_TYP 5) and, with com1, a PNP0501 device at 0x3F8 on IRQ 4 (the 16550
 * of -l com1,stdio). 0 with *rsdp_gpa set, -EINVAL when RAM does not reach 1 MiB, -ERANGE for
 * an APIC ID above 255, -ENOSPC for too many CPUs.
 */
int dm_acpi_build(struct dm_mem *mem, const uint32_t *apic_ids, size_t ncpus, bool com1,
		  uint64_t *rsdp_gpa);

#endif
