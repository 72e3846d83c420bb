# SPDX-License-Identifier: BSD-3-Clause
"""Service VM restart (scenario flag reset-on-fault): a reboot, a reset through port 0xCF9 and a
kernel crash each restart Linux alone from the boot modules; the partition beats throughout and
the restarted Service VM has its CPUs, clock and disk again (docs/isolation.md)."""
from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test



def boots_again(m, since, nth):
    m.wait_for(r"cairn: vm service: restarting Linux; bus mastering turned off on \d+ PCI "
               r"functions", 30, since=since)
    m.wait_for(r"cairn: vm service: reset done", 30, since=since)
    m.wait_for(r"cairn-svm: nproc 3$", LINUX_BOOT, since=since)
    m.wait_for(r"cairn-svm: clocksource kvm-clock$", 30, since=since)
    m.wait_for(r"cairn-svm: vda CAIRN-TEST-DISK!$", 60, since=since)
    m.wait_for(r"cairn-svm: ready$", 60, since=since)
    m.wait_for(r"/ # ", 30, since=since)
    m.shell(f"echo boot-{nth}-$((40+2))", rf"boot-{nth}-42\s*$")
    heartbeat_rises(m, since)


@test("Service VM restart: reboot, a 0xCF9 reset and a crash restart Linux alone")
def service_vm_restarts():
    m = boot_scenario("test-service-restart")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    mark = len(m.text())
    m.send("reboot -f\r")
    boots_again(m, mark, 2)
    mark = len(m.text())
    m.send("cairn-probe outb 0xcf9 0x6\r")
    m.wait_for(r"cairn: vm service: resetting \(asked for a machine reset", 30, since=mark)
    boots_again(m, mark, 3)
    mark = len(m.text())
    m.send("echo c > /proc/sysrq-trigger\r")
    m.wait_for(r"cairn: vm service fault: triple-fault", 60, since=mark)
    boots_again(m, mark, 4)
    m.send("\x1d")
    m.command("vms", r"cairn: vm 0 service: running")
    check("FATAL" not in m.text(), "the hypervisor faulted")
    check("vm service stopped" not in m.text(), "the Service VM was stopped, not restarted")
