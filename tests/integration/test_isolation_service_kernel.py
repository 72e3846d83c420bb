# SPDX-License-Identifier: BSD-3-Clause
"""A hostile Service VM kernel (the cairn_probe module at CPL 0): host MSRs give #GP, lifecycle
hypercalls cannot reach the pre-launched partition or the Service VM itself, and guest pointers
outside its RAM (at 4 and 8 GiB, at devices, at the hypervisor) are refused with an error code
instead of faulting a hypervisor pCPU. The heartbeat partition beats throughout (docs/isolation.md)."""
import re

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

EFAULT, EINVAL, EPERM = -14, -22, -1
HC_GET_API_VERSION, HC_DESTROY_VM, HC_START_VM, HC_PAUSE_VM = (
    0x80000000, 0x80000011, 0x80000012, 0x80000013)
MSR_KVM_WALL_CLOCK_NEW, MSR_KVM_SYSTEM_TIME_NEW = 0x4B564D00, 0x4B564D01


def hypercall(m, hc_id, p1, p2=0):
    line = m.shell(f"cairn-probe hc {hc_id:#x} {p1:#x} {p2:#x}",
                   rf"cairn-probe: hc {hc_id:#x} {p1:#x} {p2:#x} -> (-?\d+)")
    return int(line.group(1))


def msr(m, op, index, value=None):
    cmd = f"cairn-probe {op} {index:#x}" + ("" if value is None else f" {value:#x}")
    return m.shell(cmd, rf"cairn-probe: {op} {index:#x}: (#GP|0x[0-9a-f]+)").group(1)


@test("hostile Service VM kernel: host MSRs #GP, no lifecycle calls on the partition, "
      "pointers beyond its RAM refused")
def hostile_service_kernel():
    m = boot_scenario("test-service-hostile")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    heartbeat_rises(m, len(m.text()) - 1)

    # Default-deny MSRs: Linux booted without an unchecked MSR access.
    count = m.shell("dmesg | grep -c 'unchecked MSR access'", r"^(\d+)\s*$").group(1)
    check(count == "0", f"{count} unchecked MSR accesses in dmesg")
    for index in (0xC0010117, 0xC0010114, 0xC0010015, 0xC001001A):
        check(msr(m, "rdmsr", index) == "#GP", f"rdmsr {index:#x} did not #GP")
        check(msr(m, "wrmsr", index, 0x1000) == "#GP", f"wrmsr {index:#x} did not #GP")
    efer = msr(m, "rdmsr", 0xC0000080)
    check(efer != "#GP" and not int(efer, 16) & (1 << 12), f"EFER reads {efer}: SVME shows")

    # Lifecycle calls: the partition (vmid 1) and the Service VM itself (0) are not its to manage.
    for hc_id in (HC_PAUSE_VM, HC_DESTROY_VM, HC_START_VM):
        for vmid in (1, 0):
            rc = hypercall(m, hc_id, vmid)
            check(rc == EPERM, f"hypercall {hc_id:#x} on vm {vmid} returned {rc}, not -EPERM")
    check(hypercall(m, HC_PAUSE_VM, 99) == EINVAL, "pausing an unknown vmid is not -EINVAL")
    check(hypercall(m, HC_PAUSE_VM, 1 << 40) == EINVAL, "a 64-bit vmid is not -EINVAL")

    # Pointers: its own RAM works; 4 and 8 GiB (mapped as MMIO space, not RAM), the LAPIC and
    # IOAPIC pages and the hypervisor's image at 1 MiB are refused with -EFAULT.
    for gpa in (1 << 32, 8 << 30, (64 << 30) - 8, 0xFEE00000, 0xFEC00000, 0x100000):
        rc = hypercall(m, HC_GET_API_VERSION, gpa)
        check(rc == EFAULT, f"HC_GET_API_VERSION at {gpa:#x} returned {rc}, not -EFAULT")
    for gpa in (1 << 32, 8 << 30, 0xFEE00000):
        check(msr(m, "wrmsr", MSR_KVM_SYSTEM_TIME_NEW, gpa | 1) == "#GP",
              f"kvmclock system time at {gpa:#x} accepted")
        check(msr(m, "wrmsr", MSR_KVM_WALL_CLOCK_NEW, gpa) == "#GP",
              f"kvmclock wall clock at {gpa:#x} accepted")

    # The HPET cannot be turned into an MSI source (FSB delivery of comparator 0).
    config = int(m.shell("cairn-probe peek32 0xfed00100",
                         r"cairn-probe: peek32 0xfed00100: (0x[0-9a-f]+)").group(1), 16)
    m.shell(f"cairn-probe poke32 0xfed00100 {config | 0x4000:#x}",
            r"cairn-probe: poke32 0xfed00100 done")
    after = int(m.shell("cairn-probe peek32 0xfed00100",
                        r"cairn-probe: peek32 0xfed00100: (0x[0-9a-f]+)").group(1), 16)
    check(not after & 0x4000, f"HPET timer 0 config {after:#x} has FSB delivery on")
    m.wait_for(r"cairn: vm service: HPET timer 0 FSB \(MSI\) delivery refused", 10)

    mark = len(m.text())
    m.shell("echo still-$((6*7))", r"still-42\s*$")
    heartbeat_rises(m, mark)
    check("FATAL" not in m.text() and "vm service fault" not in m.text(),
          "the hypervisor or the Service VM faulted")
    check(not re.search(r"vm heartbeat (paused|stopped)", m.text()), "the partition was touched")
    m.send("\x1d")
    stats = m.command("stats service", r"cairn: exits of vm service: [^\n]*\n").group(0)
    check("(hpet-fsb-refused 1)" in stats, f"the HPET refusal is not counted: {stats}")
    m.command("stats service", r"cairn: msrs refused in vm service: [^\n]*rdmsr 0xc0010117")
