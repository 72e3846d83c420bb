# SPDX-License-Identifier: BSD-3-Clause
"""User VMs through the whole I/O request path (docs/io-request.md, docs/user-vms.md): the real
Debian Service VM, the HSM, cairn-dm and the iotest guest on a pCPU the Service VM gave up."""
import re
import time

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, service_exits, test

SVM_PCPUS = 3
ROUNDS = 4000
IOTEST = ("cairn-dm -m 16M --cpu_affinity 2 {flags} -B n={n} "
          "-E /usr/lib/cairn/guests/iotest.elf -l com1,stdio {name}")
HUGE = "/sys/kernel/mm/hugepages/hugepages-2048kB"


def booted(name):
    m = boot_scenario("service", name=name)
    m.wait_for(r"cairn-svm: hsm loaded$", LINUX_BOOT)
    m.wait_for(r"cairn-svm: ready$", 60)
    m.wait_for(r"/ # ", 30)
    return m


def run(m, line, timeout):
    """Runs a shell line; returns (its exit status, the output after it was typed)."""
    start = len(m.text())
    rc = int(m.shell(f"{line}; echo uvm-rc=$?", r"uvm-rc=(\d+)", timeout).group(1))
    return rc, m.text()[start:]


def pcpu_back(m):
    """The Service VM has its three CPUs again, and the partition beats."""
    m.shell("echo uvm-nproc=$(nproc) cpu2=$(cat /sys/devices/system/cpu/cpu2/online)",
            rf"uvm-nproc={SVM_PCPUS} cpu2=1", 30)
    heartbeat_rises(m)


def requests_line(out, vm):
    found = re.search(rf"^cairn: io requests of vm {vm}: pio (\d+) mmio (\d+) notified (\d+) "
                      rf"polled (\d+)", out, re.M)
    check(found, f"no I/O request counts for {vm} in the hypervisor's log")
    return [int(g) for g in found.groups()]


def iotest_ok(out, name):
    check(re.search(rf"^iotest: {ROUNDS} pio {ROUNDS} mmio ok$", out, re.M),
          f"{name}: the guest's values were not all right")
    check(re.search(r"^iotest: pci config ok$", out, re.M), f"{name}: PCI-config requests failed")
    for kind in ("pio", "mmio"):
        check(re.search(rf"^cairn-dm: testdev {kind}: {ROUNDS} writes, {ROUNDS} reads, 0 bad$",
                        out, re.M), f"{name}: cairn-dm did not see {ROUNDS} good {kind} writes")
    check(re.search(r"cairn-dm: vm \S+: \d+ requests \(pio \d+ mmio \d+ pci [1-9]\d*\), 0 bad",
                    out), f"{name}: no PCI-config requests reached cairn-dm")
    check("cairn-dm: pCPU 2 back online in the Service VM" in out, f"{name}: pCPU 2 not back")


@test("User VM: 4,000 port and 4,000 MMIO round trips of every size, and PCI config, per completion mode")
def user_vm_round_trips():
    m = booted("user-vm-round-trips")
    # Notification: the HSM's HC_NOTIFY_REQUEST_FINISH wakes the User VM's pCPU.
    rc, out = run(m, IOTEST.format(flags="--testdev", n=ROUNDS, name="io1"), 300)
    check(rc == 0, f"cairn-dm exited {rc}")
    iotest_ok(out, "notification")
    pio, mmio, notified, polled = requests_line(out, "io1")
    check(pio >= ROUNDS * 2 and mmio >= ROUNDS * 2, f"too few requests: pio {pio} mmio {mmio}")
    check(notified >= pio + mmio - 1 and polled == 0,
          f"notification mode: notified {notified} polled {polled} of {pio + mmio}")
    pcpu_back(m)
    # Polling, with the test device's ranges served by two range clients (Cairn's ioctls) and
    # everything else (COM1, PCI config, power-off) by the default client.
    rc, out = run(m, IOTEST.format(flags="--ioreq_polling --testdev_clients", n=ROUNDS,
                                   name="io2"), 300)
    check(rc == 0, f"cairn-dm exited {rc}")
    check("polling completion, 2 range clients" in out, "not polling with two range clients")
    iotest_ok(out, "polling")
    pio, mmio, notified, polled = requests_line(out, "io2")
    check(notified == 0 and polled >= ROUNDS * 4,
          f"polling mode: notified {notified} polled {polled}")
    pcpu_back(m)
    # Exit-less: cairn-dm's thread on CPU 1 spins on the page; no upcall reaches the HSM and no
    # completion hypercall is made, so the Service VM's exits grow by far less than one a request.
    m.shell("mount -t debugfs none /sys/kernel/debug 2>/dev/null; "
            "grep upcalls /sys/kernel/debug/cairn_hsm/summary", r"upcalls: \d+", 30)
    upcalls = lambda: int(m.shell("grep upcalls /sys/kernel/debug/cairn_hsm/summary",
                                  r"upcalls: (\d+)", 30).group(1))
    before, up_before = service_exits(m), upcalls()
    rc, out = run(m, IOTEST.format(flags="--ioreq_exitless=1 --testdev", n=ROUNDS,
                                   name="io3"), 300)
    after, up_after = service_exits(m), upcalls()
    check(rc == 0, f"cairn-dm exited {rc}")
    check("exit-less completion" in out, "not exit-less")
    m.shell("dmesg | grep 'cairn_hsm: vm .*io3' | tail -1", r'"io3" created: 1 vCPUs, exit-less', 30)
    iotest_ok(out, "exit-less")
    pio, mmio, notified, polled = requests_line(out, "io3")
    skipped = re.search(r"^cairn: io requests of vm io3: .*\(exit-less (\d+)\)", out, re.M)
    check(skipped and int(skipped.group(1)) == pio + mmio,
          f"exit-less: {skipped and skipped.group(1)} posted without an upcall of {pio + mmio}")
    # The power-off write is the last request: cairn-dm stops on it, and the teardown drops it.
    check(notified == 0 and polled >= pio + mmio - 1,
          f"exit-less mode: notified {notified} polled {polled} of {pio + mmio}")
    check(up_after == up_before, f"the HSM took {up_after - up_before} upcalls")
    # The completion hypercall is ACRN's VMCALL (a #UD intercept on AMD: `exception`); what is
    # left is cairn-dm's setup ioctls and the CPU hot-unplug and plug.
    calls = sum(after.get(k, 0) - before.get(k, 0) for k in ("exception", "hypercall"))
    check(calls < (pio + mmio) // 10,
          f"the Service VM made {calls} hypercalls for {pio + mmio} exit-less requests")
    pcpu_back(m)
    check("FATAL" not in m.text() and "vm service fault" not in m.text(), "a fault was reported")


@test("User VM: a triple fault, cairn-dm killed mid-request, garbage in the request page: that VM alone stops")
def user_vm_failures():
    m = booted("user-vm-failures")
    # A triple fault stops the User VM; its device model hears of it as a power-off.
    rc, out = run(m, "cairn-dm -m 16M --cpu_affinity 2 -B mode=triple-fault "
                     "-E /usr/lib/cairn/guests/faulty.elf -l com1,stdio crash1", 120)
    check(rc == 1, f"cairn-dm exited {rc} after the guest's triple fault, not 1 (a crash)")
    check(re.search(r"^cairn: vm crash1 fault: ", out, re.M), "no fault line for crash1")
    check("crash1: stopped; its device model is told as an ACPI S5 power-off" in out,
          "the device model was not told")
    check("cairn-dm: vm crash1: ending: the guest crashed" in out and
          "the hypervisor stopped the guest (a crash)" in out, "cairn-dm did not see a crash")
    pcpu_back(m)

    # --crash_policy restart: the stopped VM is created again on its pCPU, and again, until
    # cairn-dm is told to stop (SIGTERM).
    start = len(m.text())
    m.send("cairn-dm -m 16M --cpu_affinity 2 --crash_policy restart -B mode=triple-fault "
           "-E /usr/lib/cairn/guests/faulty.elf -l com1,stdio crash2 </dev/null &\r")
    again = r"cairn-dm: vm crash2: the hypervisor stopped the guest \(a crash\): creating it again"
    first = m.wait_for(again, 60, since=start)
    m.wait_for(again, 60, since=first.end())
    m.shell("kill -TERM $!; sleep 1; echo uvm-termed", r"uvm-termed\s*$", 30)
    m.wait_for(r"cairn-dm: vm crash2: ending: a signal", 60, since=start)
    m.wait_for(r"cairn-dm: pCPU 2 back online in the Service VM", 60, since=start)
    pcpu_back(m)

    # cairn-dm killed (SIGKILL) with requests in flight: the HSM destroys the VM, its memory is
    # unpinned, its pCPU free and online in the Service VM again.
    # In the background, its stdin not the console's (or the shell stops it for tty input).
    start = len(m.text())
    m.send(IOTEST.format(flags="--testdev", n=1000000, name="kill1") + " </dev/null &\r")
    pid = m.wait_for(r"cairn-dm: vm kill1: request page at 0x[0-9a-f]+ in process (\d+)",
                     60, since=start).group(1)
    m.wait_for(r"iotest: 1000000 rounds each", 30, since=start)
    m.shell(f"sleep 2; kill -9 {pid}; sleep 2; echo uvm-killed", r"uvm-killed\s*$", 30)
    m.wait_for(r"cairn: vm service: user VM \d+ 'kill1' destroyed", 30, since=start)
    # The request in flight ends one of two ways, by timing: the HSM answers it (all ones) when
    # the dead client held it and the vCPU takes that answer before it stops, or the hypervisor
    # drops it when the VM goes (it was still PENDING). Either way none is left.
    out = m.text()[start:]
    pio, mmio, notified, polled = requests_line(out, "kill1")
    dropped = re.search(r"cairn: vm kill1: vCPU 0's I/O request \(\w+ \w+ 0x[0-9a-f]+\) dropped",
                        out)
    check(dropped or pio + mmio == notified + polled,
          f"kill1: {pio + mmio} requests posted, {notified + polled} finished and none dropped")
    m.shell(f"echo uvm-huge=$(cat {HUGE}/free_hugepages)/$(cat {HUGE}/nr_hugepages)",
            r"uvm-huge=(\d+)/\1\s*$", 30)
    # The HSM brings pCPU 2 back online itself (nobody else is left to), within ten seconds.
    m.shell("c=/sys/devices/system/cpu/cpu2/online", r"/ # ", 10)
    m.shell("for i in $(seq 20); do [ $(cat $c) = 1 ] && break; sleep 0.5; done",
            r"/ # ", 30)
    m.shell("echo uvm-online=$(cat $c)", r"uvm-online=1\s*$", 30)
    pcpu_back(m)

    # A Service VM process (root) writes garbage into the request page's states while the
    # polling User VM runs: the hypervisor stops that VM, nothing else.
    start = len(m.text())
    m.send(IOTEST.format(flags="--ioreq_polling --testdev", n=1000000, name="junk1") +
           " </dev/null &\r")
    found = m.wait_for(r"cairn-dm: vm junk1: request page at (0x[0-9a-f]+) in process (\d+)",
                       60, since=start)
    page, pid = int(found.group(1), 16), found.group(2)
    m.wait_for(r"iotest: 1000000 rounds each", 30, since=start)
    # One scribble at a time until the hypervisor sees it: scribbling on would also wipe the
    # power-off notice it then posts in the same slot, and cairn-dm would never hear of the stop.
    fault = r"cairn: vm junk1 fault: .*I/O request slot 0"
    for _ in range(10):
        m.shell(f"cairn-scribble {pid} {page + 136:#x} 16 0x7f >/dev/null; echo uvm-scribbled",
                r"uvm-scribbled\s*$", 60)
        if re.search(fault, m.text()[start:], re.M):
            break
        time.sleep(1)
    m.wait_for(fault, 60, since=start)
    m.wait_for(r"cairn-dm: vm junk1: ending: the guest crashed", 60, since=start)
    m.wait_for(r"cairn-dm: pCPU 2 back online in the Service VM", 60, since=start)
    pcpu_back(m)
    m.shell("echo uvm-alive-$((6*7))", r"uvm-alive-42\s*$", 30)
    check("vm service fault" not in m.text(), "the Service VM faulted")
