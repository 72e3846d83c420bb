# SPDX-License-Identifier: BSD-3-Clause
"""User VMs from the Service VM's hypercalls (issue 9): a pCPU given back, a VM on it, the pCPU
taken back. Driven by /bin/cairn-uservm (tests/service-vm/uservm.c) through /dev/cairn_probe."""
import re

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

HEARTBEAT_VMID, HEARTBEAT_PCPU = 1, 3  # configs/service.scn: the Service VM on pCPUs 0-2


def failures(m, text):
    bad = re.findall(r"cairn-uservm: ([^\n]*) FAIL", text)
    check(not bad, f"checks failed: {bad}")


@test("User VM lifecycle: pCPU 2 given back, guests created, reset, crashed, destroyed, taken back")
def user_vm_lifecycle():
    m = boot_scenario("service", name="user-vm-lifecycle")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    # Still online in Linux: not offline, refused.
    m.shell("cairn-uservm offline 2", r"cairn-uservm: offline 2: -16\s")
    m.wait_for(r"cairn: vm service: pCPU 2 not given back: vCPU 2 is not offline", 10)
    m.shell("echo 0 > /sys/devices/system/cpu/cpu2/online; echo offline-$?",
            r"offline-0\s", 60)
    m.shell("cairn-uservm offline 2", r"cairn-uservm: offline 2: 0\s")
    m.wait_for(r"cairn: pCPU 2 back from vm service: LAPIC was", 10)
    m.wait_for(r"cairn: vm service: gave pCPU 2 back \(vCPU 2, APIC ID 2\): it is free", 10)
    m.shell("cairn-uservm offline 2", r"cairn-uservm: offline 2: -22\s")  # not the Service VM's
    # Guests on pCPU 2: 32-bit, reset, 64-bit, destroyed; one that triple-faults; bad arguments.
    start = len(m.text())
    m.shell("cairn-uservm run 2", r"cairn-uservm: run done, (\d+) failed", 120)
    run = m.text()[start:]
    failures(m, run)
    check("cairn-uservm: run done, 0 failed" in run, "the run reported failures")
    m.wait_for(r"cairn: vm service: created user VM 2 'uvm-loop' on pCPU mask 0x4", 5, since=start)
    m.wait_for(r"cairn: vm uvm-loop: stopping|cairn: vm uvm-loop stopped", 5, since=start)
    m.wait_for(r"cairn: vm service: user VM 2 'uvm-loop' destroyed", 5, since=start)
    m.wait_for(r"cairn: vm uvm-crash fault: triple-fault", 5, since=start)
    m.wait_for(r"cairn: vm uvm-crash stopped", 5, since=start)
    m.wait_for(r"cairn: vm service: user VM 2 'uvm-crash' destroyed", 5, since=start)
    check("vm service fault" not in m.text(), "the Service VM was stopped")
    start = len(m.text())
    m.shell(f"cairn-uservm badargs {HEARTBEAT_VMID} {HEARTBEAT_PCPU}",
            r"cairn-uservm: badargs done, (\d+) failed", 60)
    failures(m, m.text()[start:])
    check("cairn-uservm: badargs done, 0 failed" in m.text()[start:], "bad arguments accepted")
    # A User VM holds pCPU 2: Linux cannot have it back (its start IPIs are dropped).
    start = len(m.text())
    vmid = m.shell("cairn-uservm hold 2", r"cairn-uservm: holding vmid (\d+) on pCPU 2, 0 failed",
                   60).group(1)
    m.send("\x1d")
    m.wait_for(r"cairn: console input back to the hypervisor shell", 10)
    m.command("vms", r"cairn: vm \d+ uvm-hold: running, pCPU mask 0x4, 1 MiB, resets 0, "
              r"user VM of service, 1024 KiB in 1 ranges, flags 0x4")
    m.command("console service", r"cairn: console input goes to vm service")
    m.shell("echo 1 > /sys/devices/system/cpu/cpu2/online; echo online-$?", r"online-\d+\s", 90)
    m.wait_for(r"cairn: vm service: pCPU 2 is not free: start IPI for vCPU 2 dropped", 10,
               since=start)
    m.shell("nproc", r"^2\s*$", 30)
    m.shell(f"cairn-uservm destroy {vmid}", rf"cairn-uservm: destroy {vmid}: 0\s")
    # Free again: Linux onlines it, and the Service VM has its three CPUs back.
    start = len(m.text())
    m.shell("echo 1 > /sys/devices/system/cpu/cpu2/online; echo online-$?", r"online-0\s", 90)
    m.wait_for(r"cairn: vm service: took pCPU 2 back for vCPU 2", 10, since=start)
    m.shell("nproc", r"^3\s*$", 30)
    m.shell("cat /sys/devices/system/cpu/online", r"^0-2\s*$", 30)
    heartbeat_rises(m)
    check("vm service fault" not in m.text(), "the Service VM was stopped")
    check("vm heartbeat fault" not in m.text(), "the partition was stopped")


@test("User VM lifecycle: the Service VM restarts with a pCPU given back and a User VM on it")
def user_vm_service_restart():
    m = boot_scenario("test-service-restart", name="user-vm-service-restart")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    m.shell("echo 0 > /sys/devices/system/cpu/cpu2/online; echo offline-$?", r"offline-0\s", 60)
    m.shell("cairn-uservm offline 2", r"cairn-uservm: offline 2: 0\s")
    m.shell("cairn-uservm hold 2", r"cairn-uservm: holding vmid 2 on pCPU 2, 0 failed", 60)
    mark = len(m.text())
    m.send("reboot -f\r")
    # Its User VMs go first (their memory is the RAM the new kernel takes), then Linux restarts
    # and brings up all three CPUs: the free pCPU 2 is taken back by its INIT.
    m.wait_for(r"cairn: vm service: user VM 2 'uvm-hold' destroyed", 60, since=mark)
    m.wait_for(r"cairn: vm service: reset done", 30, since=mark)
    after = m.text()[mark:]
    check(after.index("'uvm-hold' destroyed") < after.index("restarting Linux"),
          "Linux was reloaded before the User VM on its memory was gone")
    m.wait_for(r"cairn: vm service: took pCPU 2 back for vCPU 2", LINUX_BOOT, since=mark)
    m.wait_for(r"cairn-svm: nproc 3$", LINUX_BOOT, since=mark)
    m.wait_for(r"cairn-svm: ready$", 60, since=mark)
    heartbeat_rises(m, mark)
    check("vm service stopped" not in m.text(), "the Service VM was stopped, not restarted")
    check("FATAL" not in m.text(), "the hypervisor faulted")
