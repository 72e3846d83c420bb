# SPDX-License-Identifier: BSD-3-Clause
"""Service VM tests: a stock Debian kernel boots under Cairn beside a heartbeat partition."""
import datetime
import re
import time

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

SVM_PCPUS = 3


@test("Service VM: stock Debian kernel reaches init with all its pCPUs, kvm-clock and the disk")
def service_vm_boots():
    m = boot_scenario("service", name="service-vm")
    m.wait_for(r"cairn: vm service: Service VM on 3 pCPUs", 60)
    m.wait_for(r"cairn-svm: init started", LINUX_BOOT)
    nproc = int(m.wait_for(r"cairn-svm: nproc (\d+)", 30).group(1))
    check(nproc == SVM_PCPUS, f"nproc {nproc}, the Service VM has {SVM_PCPUS} pCPUs")
    m.wait_for(r"cairn-svm: clocksource kvm-clock$", 10)
    m.wait_for(r"cairn-svm: vda CAIRN-TEST-DISK!$", 60)
    m.wait_for(r"cairn-svm: dmesg calibration ok$", 30)
    m.wait_for(r"cairn-svm: ready$", 30)
    # The partition ran all along on its own pCPU, and still does.
    m.wait_for(r"\[heartbeat\] heartbeat heartbeat: vCPU 0 on APIC ID 3$", 5)
    heartbeat_rises(m, "cairn-svm: ready")
    check("FATAL" not in m.text() and "vm service fault" not in m.text(), "a fault was reported")


def port_exits(line):
    """The per-port exit counts of a `cairn: io exits of vm ...` line."""
    return {port: int(n) for port, n in re.findall(r" (0x[0-9a-f]+) (\d+)", line)}


def expect_nmi_backtraces(m, cpus, **send_args):
    """sysrq l: the CPU that takes it prints its backtrace and sends every other CPU an NMI (a
    KVM_HC_SEND_IPI with NMI delivery, or an ICR write), which the hypervisor injects as a
    virtual NMI; each prints "NMI backtrace for cpu N". The write returns when all have (or 10 s)."""
    m.send("echo l>/proc/sysrq-trigger;echo nmi-$(dmesg|grep -c 'NMI backtrace for')\r", **send_args)
    got = int(m.wait_for(r"nmi-(\d+)\s*$", 60).group(1))
    check(got == cpus, f"{got} of {cpus} CPUs printed an NMI backtrace")


@test("Service VM: its shell answers typed commands on the console; NMIs between its CPUs")
def service_vm_shell():
    m = boot_scenario("service", name="service-vm-shell")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    m.send("echo typed-$((6*7))\r")
    m.wait_for(r"typed-42\s*$", 30)
    expect_nmi_backtraces(m, SVM_PCPUS)
    # Linux took KVM's paravirtual IPIs; multi-destination IPIs then arrive as one hypercall.
    m.send("dmesg | grep -o 'setup PV IPIs'\r")
    m.wait_for(r"setup PV IPIs\s*$", 30)
    # kvmclock's wall clock carries the date Cairn read from the CMOS clock (QEMU's is the host's).
    m.send("date -u +cairn-date-%Y-%m-%d\r")
    guest_date = m.wait_for(r"cairn-date-(\d{4}-\d\d-\d\d)\s*$", 30).group(1)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    check(abs((datetime.date.fromisoformat(guest_date) - today).days) <= 1,
          f"the Service VM thinks it is {guest_date}, the host says {today}")
    m.send("\x1d")
    m.wait_for(r"cairn: console input back to the hypervisor shell", 10)
    m.command("vms", r"cairn: vm 0 service: running")
    stats = m.command("stats service", r"cairn: exits of vm service: [^\n]*\n").group(0)
    hypercalls = re.search(r" hypercall (\d+)", stats)
    check(hypercalls and int(hypercalls.group(1)) > 0, f"no KVM_HC_SEND_IPI exits: {stats}")
    # Linux reads PCI configuration through ECAM without exits (docs/interrupt-routing.md):
    # reading every function's whole configuration space through sysfs adds none at the
    # type-1 ports (only Linux's early direct scans used them, once, during boot).
    before = port_exits(m.wait_for(r"cairn: io exits of vm service: [^\n]*\n", 10).group(0))
    m.command("console service", r"cairn: console input goes to vm service")
    m.send("cat /sys/bus/pci/devices/*/config | wc -c; echo pci-read-$((6*7))\r")
    m.wait_for(r"pci-read-42\s*$", 60)
    m.send("\x1d")
    m.wait_for(r"cairn: console input back to the hypervisor shell", 10)
    start = len(m.text())
    m.command("stats service", r"cairn: exits of vm service: [^\n]*\n")
    after = port_exits(m.wait_for(r"cairn: io exits of vm service: [^\n]*\n", 10,
                                  since=start).group(0))
    for port in ("0xcf8", "0xcfc"):
        check(after.get(port, 0) - before.get(port, 0) < 5,
              f"reading PCI configuration exited at {port}: {before} -> {after}")
    m.command("vcpus service", r"cairn: vm service vcpu 2: pCPU 2 running")


@test("Service VM crash (sysrq c): stopped alone, the partition's heartbeat goes on")
def service_vm_crash():
    m = boot_scenario("test-service-crash")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"cairn: vm service fault: triple-fault", 60)
    m.wait_for(r"cairn: vm service stopped", 10)
    m.wait_for(r"cairn: exits of vm service: total \d+", 10)
    # Its freed pCPUs take over console input and watchdogs; input is back with the shell.
    m.wait_for(r"cairn: housekeeping \(console input, watchdogs\) moves to pCPU \d", 10)
    m.wait_for(r"cairn: console input back to the hypervisor shell \(vm service stopped\)", 10)
    heartbeat_rises(m, "cairn: vm service stopped", more=5)
    m.command("vms", r"cairn: vm 0 service: stopped")


@test("Service VM with maxcpus=1 boots; IPIs it aims at the partition's pCPU are dropped")
def service_vm_maxcpus_and_ipi_filter():
    m = boot_scenario("test-service-maxcpus")
    nproc = int(m.wait_for(r"cairn-svm: nproc (\d+)", LINUX_BOOT).group(1))
    check(nproc == 1, f"nproc {nproc} with maxcpus=1")
    m.wait_for(r"cairn-svm: ready$", 60)
    m.wait_for(r"cairn: vm service: IPI 0x40f0 to APIC ID 3 is outside the VM: dropped", 30)
    m.wait_for(r"cairn: vm service: IPI 0x4500 to APIC ID 3 is outside the VM: dropped", 10)
    m.wait_for(r"cairn-svm: icr pokes done", 10)
    heartbeat_rises(m, "cairn-svm: icr pokes done")
    m.send("\x1d")
    stats = m.command("stats service", r"cairn: exits of vm service: [^\n]*\n")
    check(re.search(r"\(ipis-dropped 2\)", stats.group(0)), f"dropped IPIs not counted: {stats}")
    # Pause and resume with two vCPUs still waiting for a STARTUP IPI: they must keep waiting.
    m.command("pause service", r"cairn> ")
    m.command("vms", r"cairn: vm 0 service: paused")
    m.command("resume service", r"cairn> ")
    m.command("console service", r"cairn: console input goes to vm service")
    m.send("echo back-$((40+2))\r")
    m.wait_for(r"back-42\s*$", 30)
    check("vm service fault" not in m.text(), "the Service VM was stopped")


@test("Service VM reading the hypervisor's memory (/dev/mem at 1 MiB) is stopped alone")
def service_vm_cannot_reach_hypervisor_memory():
    m = boot_scenario("test-service-probe")
    m.wait_for(r"^cairn-svm: reading 0x100000", LINUX_BOOT)  # not the command-line echo
    m.wait_for(r"cairn: vm service fault: mem-fault: access to \(read\) guest-physical 0x100000, "
               r"which is not mapped in its memory", 30)
    m.wait_for(r"cairn: vm service stopped", 10)
    heartbeat_rises(m, "cairn: vm service stopped")


@test("Service VM: the Cairn service device is on its PCI bus (ca12:5e01, class 0880, MSI cap)")
def service_vm_sees_service_device():
    m = boot_scenario("service", name="service-vm-service-dev")
    dev = m.wait_for(r"cairn: service device at 00:([0-9a-f]{2})\.0$", 60).group(1)
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    sysfs = f"/sys/bus/pci/devices/0000:00:{dev}.0"
    m.send(f"echo ids-$(cat {sysfs}/vendor)-$(cat {sysfs}/device)-$(cat {sysfs}/class)\r")
    m.wait_for(r"ids-0xca12-0x5e01-0x088000\s*$", 30)
    # Its header as Linux reads it (ECAM or conf1): status has the capability list, the pointer
    # at 0x34 is 0x40, and there: MSI (05), the last one (00), 64-bit, no BARs; MSI is on, as
    # the HSM (loaded by /init) bound the device and enabled it for its upcall.
    # Short lines, each after the prompt has settled: a long one typed into a busy console has
    # come back garbled (busybox asks the terminal for the cursor position after a prompt).
    m.send(f"cd {sysfs}\r")
    for tag, skip, count, want in (("st", 4, 4, r"[0-9a-f]{2}0[0-7]1000"),
                                   ("bar", 16, 24, r"0{48}"),
                                   ("cap", 52, 1, r"40"),
                                   ("msi", 64, 4, r"05008100")):
        time.sleep(0.5)
        m.send(f"echo {tag}-$(od -An -tx1 -j{skip} -N{count} config | tr -d ' \\n')\r")
        m.wait_for(rf"^{tag}-{want}\s*$", 30)
    check("vm service fault" not in m.text(), "the Service VM faulted")
