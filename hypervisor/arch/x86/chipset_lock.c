/* SPDX-License-Identifier: BSD-3-Clause */
/* Boot-time locks on the q35/ICH9 chipset, set through PCI conf1 before any VM runs. */
#include "core/console.h"
#include "drivers/pci_host.h"
#include "x86/chipset_lock.h"
#include "x86/cpu.h"

#define VENDOR_INTEL	0x8086
#define DEVICE_Q35_MCH	0x29C0
#define DEVICE_ICH9_LPC 0x2918
#define BDF_MCH		PCI_BDF(0, 0, 0)
#define BDF_LPC		PCI_BDF(0, 31, 0)

#define MCH_SMRAM      0x9D
#define MCH_ESMRAMC    0x9E
#define SMRAM_D_OPEN   0x40
#define SMRAM_D_LCK    0x10
#define LPC_PMBASE     0x40
#define LPC_ACPI_CNTL  0x44
#define ACPI_CNTL_EN   0x80
#define PMBASE_MASK    0xFF80
#define LPC_RCBA       0xF0
#define RCBA_ENABLE    0x1
#define RCBA_BASE_MASK 0xFFFFC000u
#define RCBA_GCS       0x3410
#define GCS_NO_REBOOT  (1u << 5)
#define PM_SMI_EN      0x30
#define SMI_EN_APMC    (1u << 5)
#define SMI_EN_TCO     (1u << 13)

struct chipset_info chipset;

static uint8_t conf_read8(uint16_t bdf, uint16_t offset)
{
	return (uint8_t)pci_host_read(bdf, offset, 1);
}

static bool is_device(uint16_t bdf, uint16_t device)
{
	uint32_t id = pci_host_read(bdf, 0, 4);
	return (id & 0xFFFF) == VENDOR_INTEL && (id >> 16) == device;
}

/* D_LCK closes SMRAM for good (D_OPEN cleared, read-only) and freezes ESMRAMC (TSEG) too. */
static void lock_smram(void)
{
	if (!is_device(BDF_MCH, DEVICE_Q35_MCH)) {
		printf("cairn: chipset: no q35 MCH at 00:00.0 (id 0x%x): SMRAM not locked\n",
		       pci_host_read(BDF_MCH, 0, 4));
		return;
	}
	uint8_t before = conf_read8(BDF_MCH, MCH_SMRAM);
	pci_host_write(BDF_MCH, MCH_SMRAM, 1, (uint8_t)((before & ~SMRAM_D_OPEN) | SMRAM_D_LCK));
	uint8_t after = conf_read8(BDF_MCH, MCH_SMRAM);
	chipset.smram_locked = after & SMRAM_D_LCK;
	printf("cairn: chipset: SMRAM %s (MCH SMRAM 0x%x -> 0x%x, ESMRAMC 0x%x)\n",
	       chipset.smram_locked ? "locked" : "NOT locked", before, after,
	       conf_read8(BDF_MCH, MCH_ESMRAMC));
}

static void lock_watchdog_and_smis(void)
{
	if (!is_device(BDF_LPC, DEVICE_ICH9_LPC)) {
		printf("cairn: chipset: no ICH9 LPC bridge at 00:1f.0: TCO and SMI locks "
		       "skipped\n");
		return;
	}
	chipset.ich9_lpc = true;
	uint32_t rcba = pci_host_read(BDF_LPC, LPC_RCBA, 4);
	if ((rcba & RCBA_ENABLE) && (rcba & RCBA_BASE_MASK)) {
		chipset.gcs_pa = (rcba & RCBA_BASE_MASK) + RCBA_GCS;
		mmio_write32(chipset.gcs_pa, (uint32_t)mmio_read32(chipset.gcs_pa) | GCS_NO_REBOOT);
		printf("cairn: chipset: TCO watchdog cannot reboot the machine (GCS at 0x%lx = "
		       "0x%lx)\n",
		       chipset.gcs_pa, mmio_read32(chipset.gcs_pa));
	} else {
		printf("cairn: chipset: RCBA disabled (0x%x): NO_REBOOT not set\n", rcba);
	}
	uint32_t pmbase = pci_host_read(BDF_LPC, LPC_PMBASE, 4) & PMBASE_MASK;
	if (!(conf_read8(BDF_LPC, LPC_ACPI_CNTL) & ACPI_CNTL_EN) || !pmbase) {
		printf("cairn: chipset: ACPI I/O disabled: SMI_EN untouched\n");
		return;
	}
	chipset.pmbase = (uint16_t)pmbase;
	uint16_t smi_en = (uint16_t)(pmbase + PM_SMI_EN);
	uint32_t before = inl(smi_en);
	outl(smi_en, before & ~(SMI_EN_APMC | SMI_EN_TCO));
	printf("cairn: chipset: APM and TCO SMIs off (SMI_EN at port 0x%x: 0x%x -> 0x%x)\n", smi_en,
	       before, inl(smi_en));
}

void chipset_lock_boot(void)
{
	lock_smram();
	lock_watchdog_and_smis();
}
