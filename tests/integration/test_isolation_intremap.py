# SPDX-License-Identifier: BSD-3-Clause
"""Isolation tests: AMD IOMMU interrupt remapping for the Service VM's devices
(docs/interrupt-remapping.md)."""
import re

from harness import check, heartbeat_rises, test
from test_isolation_iommu import boot_to_shell, iommu_machine

HEARTBEAT_MSI = 0xFEE03000  # an MSI address aimed at APIC ID 3, the heartbeat's pCPU
ATTACKS = (("INIT", 0x500), ("NMI", 0x400), ("fixed vector 0x30", 0x30),
           ("lowest-priority vector 0x31", 0x131), ("fixed vector 0xde, entry 0", 0x0))
EDU_VECTOR = 0xDE  # no Linux driver owns it: its arrival is logged as "No irq handler"


@test("IRQ remap: edu DMA writes of INIT, NMI and fixed MSIs to the heartbeat's APIC are "
      "aborted; the edu's own MSI, programmed by the Service VM, still arrives")
def intremap_confines_device_interrupts():
    m = iommu_machine("intremap-attack")
    boot_to_shell(m)
    m.wait_for(r"cairn: iommu: interrupts of \d+ device IDs remapped", 5)
    # The virtio disk's MSI-X vectors were remapped, and the disk was read through them.
    m.wait_for(r"cairn: iommu: interrupt \d+ of 00:[0-9a-f]{2}\.\d remapped: vector 0x[0-9a-f]+ "
               r"to APIC ID [0-2]", 5)
    check(re.search(r"cairn-svm: vda CAIRN-TEST-DISK!$", m.text(), re.M),
          "the virtio disk was not read with its interrupts remapped")

    for what, data in ATTACKS:
        m.shell(f"cairn-edu-dma write32 {HEARTBEAT_MSI:#x} {data:#x}",
                rf"edu-dma: wrote 4 bytes to {HEARTBEAT_MSI:#x}", 60)
        heartbeat_rises(m, f"edu-dma: wrote 4 bytes to {HEARTBEAT_MSI:#x}")
        check("vm heartbeat fault" not in m.text() and "vm heartbeat stopped" not in m.text(),
              f"the device's {what} message reached the heartbeat's pCPU")
    m.shell("echo still-$((6*7))", r"^still-42\s*$")  # the Service VM keeps working

    # The edu's MSI as a driver would program it: the hypervisor writes its remapping entry, the
    # device is given the entry's index, and Linux sees the interrupt on the vector it chose.
    got = m.shell(f"cairn-edu-msi 0 {EDU_VECTOR:#x}",
                  r"edu-msi: device (\S+): MSI to APIC ID 0 vector 0xde enabled; the device "
                  r"holds address (0x[0-9a-f]+) data (0x[0-9a-f]+)$", 60)
    bus, dev, fn = re.match(r"[0-9a-f]{4}:([0-9a-f]{2}):([0-9a-f]{2})\.(\d)", got.group(1)).groups()
    check((got.group(2), got.group(3)) == ("0xfee00000", "0x0"),
          f"the device holds the Service VM's message, not its remapping entry: {got.groups()}")
    m.wait_for(rf"cairn: iommu: interrupt 0 of {bus}:{dev}\.{fn} remapped: vector 0xde to "
               r"APIC ID 0$", 10)
    m.wait_for(rf"No irq handler for vector", 20)
    check(re.search(r"\b0\.222 No irq handler for vector", m.text()),
          "the edu's interrupt did not arrive at CPU 0 with vector 0xde")
    m.wait_for(r"edu-msi: MSI disabled; the device holds address 0xfee00000 data 0xde", 20)
    heartbeat_rises(m, "edu-msi: MSI disabled")
    # The same program aiming the MSI at the heartbeat's APIC: refused, no entry written.
    m.shell(f"cairn-edu-msi 3 {EDU_VECTOR:#x}", r"edu-msi: MSI disabled; the device holds", 60)
    m.wait_for(rf"cairn: vm service: MSI of {bus}:{dev}\.{fn} \(address 0xfee03000 data 0xde\) "
               r"refused \(.*\): MSI left disabled", 10)
    heartbeat_rises(m, "edu-msi: MSI disabled; the device holds address 0xfee03000")
    check("vm service fault" not in m.text(), "the Service VM was stopped")
    # The hypervisor's count: the edu's entry was written and cleared again, the disk's stay.
    m.send("\x1d")
    m.wait_for(r"cairn: console input back to the hypervisor shell", 10)
    got = m.command("stats", r"cairn: iommu: MSI remapping entries in use (\d+), written (\d+)")
    in_use, written = int(got.group(1)), int(got.group(2))
    check(in_use >= 1 and written > in_use, f"entries in use {in_use}, written {written}")
