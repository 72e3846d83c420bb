# SPDX-License-Identifier: BSD-3-Clause
"""Bochs tests: the Intel VMX machine (docs/bochs.md) has what a VMX backend needs; cairn.iso boots."""
import os

from bochs import boot_bochs
from harness import BUILD, check, test

ISO = os.path.join(BUILD, "cairn.iso")
PROBE_ISO = os.path.join(BUILD, "bochs", "vmx-probe.iso")
# GRUB reads cairn.iso's 32 MiB of modules through the BIOS: 25-35 s on the 2-core machine (one
# pCPU; about 50 s with 2 or 4), then Cairn reaches its check in under a second.
ISO_BOOT = 150

# What the VMX backend relies on, as tests/bochs/vmx_probe.c names it.
VMX_NEEDED = ["VMX (CPUID 1 ECX[5])", "true controls (BASIC[55])", "secondary controls", "EPT",
              "unrestricted guest", "VPID", "I/O bitmaps", "MSR bitmaps", "HLT exiting",
              "NMI exiting", "virtual NMIs", "exit: host address-space size",
              "exit: save/load EFER", "exit: save/load PAT", "entry: IA-32e mode guest",
              "entry: load EFER", "entry: load PAT", "EPT 4-level walk", "EPT write-back",
              "EPT 2 MiB pages", "EPT 1 GiB pages", "INVEPT single-context", "INVVPID",
              "preemption timer", "x2APIC (CPUID 1 ECX[21])", "VMXON and VMXOFF"]


@test("Bochs VMX probe: EPT, unrestricted guest, VPID; COM1 reads and writes")
def bochs_vmx_probe():
    m = boot_bochs("bochs-vmx-probe", PROBE_ISO, cpus=1, megs=256, timeout=120)
    m.wait_for(r"^vmx-probe: vendor GenuineIntel", 60)
    m.wait_for(r"^vmx-probe: done$", 30)
    for name in VMX_NEEDED:
        check(f"vmx-probe: {name} yes\n" in m.text(), f"the Bochs CPU lacks {name}: "
              + next((l for l in m.text().splitlines() if l.startswith(f"vmx-probe: {name} ")),
                     "(no line)"))
    # Input typed on COM1 reaches the guest (it echoes each byte), as the hypervisor shell needs.
    m.wait_for(r"^vmx-probe: echo: ", 10)
    m.send("vcpus\r")
    m.wait_for(r"^vmx-probe: echo: vcpus", 20)


@test("Bochs (Intel CPU, VMX): cairn.iso through GRUB, clear message, clean halt")
def bochs_cairn_iso():
    m = boot_bochs("bochs-cairn-iso", ISO, cpus=2, megs=1024, timeout=ISO_BOOT + 60)
    m.wait_for(r"cairn: loaded by GRUB[^\n]*\(multiboot 2\)", ISO_BOOT)
    m.wait_for(r"cairn: memory: 10[12]\d MiB usable RAM", 20)
    m.wait_for(r"cairn: ACPI: 2 CPUs in the MADT", 20)
    m.wait_for(r"cairn: this is an Intel CPU; Cairn supports AMD SVM only \(VMX is planned\)", 30)
    m.wait_for(r"Cairn needs hardware virtualization; halting", 5)
    m.stays_quiet(r"FATAL|pCPUs online|ready", 3)
    check(m.proc.poll() is None, f"Bochs exited (status {m.proc.returncode}) after the halt")
