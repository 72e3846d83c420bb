# SPDX-License-Identifier: BSD-3-Clause
"""A stock Debian Linux User VM (docs/user-vms.md, "Linux User VMs"): the Service VM's own kernel
booted by cairn-dm (bzImage, boot_params, ACPI, startup_32) on two pCPUs the Service VM gives up,
its shell on cairn-dm's COM1, kvmclock, and ACPI S5 power-off giving the pCPUs back."""
from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

UVM_BOOT = 300  # the User VM: the same kernel, its console and ports through I/O requests
SVM_PCPUS = 3


@test("Linux User VM: launch-uvm boots Debian on 2 vCPUs, kvm-clock, poweroff gives the pCPUs back")
def linux_user_vm_boots_and_powers_off():
    m = boot_scenario("service", name="linux-user-vm")
    m.wait_for(r"cairn-svm: hsm loaded$", LINUX_BOOT)
    m.wait_for(r"cairn-svm: ready$", 60)
    m.wait_for(r"/ # ", 30)
    start = len(m.text())
    m.send("launch-uvm; echo uvm-rc=$?\r")
    m.wait_for(r"^launch-uvm: cairn-dm -m 256M --cpu_affinity 1,2 -k \S+/vmlinuz -r \S+ "
               r"-l com1,stdio -B \"console=ttyS0", 30, since=start)
    m.wait_for(r"cairn-dm: Linux boot protocol 2\.\d+, kernel at 0x1000000", 60, since=start)
    ready = m.wait_for(r"cairn-uvm: ready: (\d+) CPUs, clocksource (\S+)", UVM_BOOT, since=start)
    check(ready.group(1) == "2", f"the User VM runs on {ready.group(1)} CPUs, not 2")
    m.wait_for(r"# ", 30, since=ready.end())
    # Typed into the User VM's shell through cairn-dm's stdin and its 16550.
    line = m.shell("echo uvm-nproc=$(nproc)", r"uvm-nproc=(\d+)", 60)
    check(line.group(1) == "2", f"nproc in the User VM is {line.group(1)}")
    cs = m.shell("cat /sys/devices/system/clocksource/clocksource0/current_clocksource",
                 r"^(kvm-clock|tsc|refined-jiffies|jiffies|acpi_pm|hpet)\s*$", 60)
    check(cs.group(1) == "kvm-clock", f"the User VM's clocksource is {cs.group(1)}")
    off = len(m.text())
    m.send("poweroff\r")
    m.wait_for(r"cairn-dm: vm uvm1: ending: the guest powered off", 120, since=off)
    m.wait_for(r"cairn-dm: pCPU 1,2 back online in the Service VM", 60, since=off)
    m.wait_for(r"uvm-rc=0", 30, since=off)
    m.shell("echo svm-nproc=$(nproc)", rf"svm-nproc={SVM_PCPUS}", 30)
    heartbeat_rises(m)
    out = m.text()[start:]
    check("not ok" not in out and "vm service fault" not in out, "a fault was reported")
