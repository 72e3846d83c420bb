# SPDX-License-Identifier: BSD-3-Clause
"""Isolation tests: the AMD IOMMU confines DMA by the Service VM's devices (docs/iommu.md)."""
import os
import re
import socket
import time

from harness import LINUX_BOOT, BUILD, boot_scenario, check, heartbeat_rises, test

SCENARIO = "test-iommu-dma"
HYPERVISOR_IMAGE = 0x100000
PARTITION_CODE = 0x100000  # the heartbeat's entry, guest-physical (guests are linked at 1 MiB)


def iommu_machine(name, with_iommu=True):
    """The scenario with QEMU's AMD IOMMU (interrupt remapping on) and an edu DMA engine."""
    sock = os.path.join(BUILD, "test-logs", name + ".monitor")
    if os.path.exists(sock):
        os.unlink(sock)
    extra = ["-monitor", f"unix:{sock},server=on,wait=off",
             "-device", "edu,dma_mask=0xffffffffffff"]
    if with_iommu:
        extra = ["-device", "amd-iommu,intremap=on"] + extra
    m = boot_scenario(SCENARIO, name=name, extra=extra)
    m.monitor_path = sock
    return m


def physical_words(m, address, count=16):
    """`count` 32-bit words of host-physical memory at `address`, through QEMU's monitor."""
    deadline = time.time() + 30
    while not os.path.exists(m.monitor_path) and time.time() < deadline:
        time.sleep(0.2)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(30)
        s.connect(m.monitor_path)
        out = b""
        s.sendall(f"xp /{count}xw {address:#x}\n".encode())
        while out.count(b"(qemu)") < 2:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    text = out.decode(errors="replace")
    words = re.findall(r"^[0-9a-f]+:((?:\s+0x[0-9a-f]{8})+)", text, re.M)
    values = [int(w, 16) for line in words for w in line.split()]
    check(len(values) == count, f"monitor answered {text!r}")
    return values


def boot_to_shell(m):
    placement = m.wait_for(r"cairn: vm heartbeat: pre-launched on pCPU mask 0x8, 16 MiB at "
                           r"0x([0-9a-f]+)", 60)
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    heartbeat_rises(m, "cairn-svm: ready")
    return int(placement.group(1), 16)


@test("IOMMU: the Service VM boots with its DMA confined, reads its virtio disk, sees no IOMMU")
def iommu_service_vm_boots():
    m = iommu_machine("iommu-boot")
    boot_to_shell(m)
    m.wait_for(r"cairn: iommu 0 at 0xfed80000 \(PCI 00:[0-9a-f]{2}\.\d, features 0x[0-9a-f]+\): "
               r"on, every device blocked", 5)
    m.wait_for(r"cairn: iommu: \d+ device IDs DMA into the Service VM's RAM only", 5)
    check(re.search(r"cairn-svm: vda CAIRN-TEST-DISK!$", m.text(), re.M),
          "the virtio disk was not read through the IOMMU")
    # The IOMMU is the hypervisor's: no IVRS table, and Linux's AMD-Vi driver found nothing.
    m.shell("ls /sys/firmware/acpi/tables/ | grep -c IVRS", r"^0\s*$")
    m.shell("dmesg | grep -c 'AMD-Vi: Found IOMMU'", r"^0\s*$")
    check("vm service fault" not in m.text(), "the Service VM was stopped")


@test("IOMMU: edu DMA works in the Service VM's RAM; the hypervisor's and the partition's "
      "memory can be neither read nor written")
def iommu_blocks_dma_outside_the_service_vm():
    m = iommu_machine("iommu-dma")
    partition = boot_to_shell(m)
    m.shell("cairn-edu-dma self", r"edu-dma: own RAM 0x[0-9a-f]+ round trip ok", 60)

    for what, target in (("the hypervisor's image", HYPERVISOR_IMAGE),
                         ("the partition's code", partition + PARTITION_CODE)):
        before = physical_words(m, target)
        check(any(before[:4]), f"{what} at {target:#x} reads as zeros: a useless target")
        got = m.shell(f"cairn-edu-dma read {target:#x}",
                      rf"edu-dma: read {target:#x}:((?: [0-9a-f]{{8}}){{4}})$", 60)
        leaked = [int(w, 16) for w in got.group(1).split()]
        check(leaked != before[:4], f"the device read {what}: {[hex(w) for w in leaked]}")
        m.shell(f"cairn-edu-dma write {target:#x}", rf"edu-dma: wrote 64 bytes to {target:#x}",
                60)
        check(physical_words(m, target) == before, f"the device changed {what}")

    heartbeat_rises(m, f"edu-dma: wrote 64 bytes to {partition + PARTITION_CODE:#x}")
    check("vm service fault" not in m.text(), "the Service VM was stopped")


@test("IOMMU: the Service VM reading the IOMMU's registers is stopped alone")
def iommu_registers_are_the_hypervisors():
    m = boot_scenario("test-iommu-mmio", extra=["-device", "amd-iommu,intremap=on"])
    m.wait_for(r"^cairn-svm: reading 0xfed80000$", LINUX_BOOT)  # the line, not the cmdline
    m.wait_for(r"cairn: vm service fault: mem-fault: access to \(read\) guest-physical "
               r"0xfed80030, which is not mapped in its memory", 30)
    m.wait_for(r"cairn: vm service stopped", 10)
    heartbeat_rises(m, "cairn: vm service stopped")


@test("IOMMU: a machine without one boots with one warning, the Service VM unchanged")
def iommu_absent_warns():
    m = iommu_machine("iommu-absent", with_iommu=False)
    m.wait_for(r"cairn: no IOMMU \(no ACPI IVRS table\): DMA by the Service VM's devices is not "
               r"confined$", 60)
    m.wait_for(r"cairn-svm: vda CAIRN-TEST-DISK!$", LINUX_BOOT)
    m.wait_for(r"cairn-svm: ready$", 60)
    heartbeat_rises(m, "cairn-svm: ready")
    check(m.text().count("no IOMMU") == 1, "the warning is not a single line")
