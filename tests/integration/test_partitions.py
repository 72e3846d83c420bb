# SPDX-License-Identifier: BSD-3-Clause
"""Partition tests: pre-launched VMs side by side, CPUID and hypercalls, fault isolation, lifecycle."""
import os
import re
import shutil
import subprocess
import tempfile

from harness import BUILD, ROOT, boot_scenario, check, test

READY = 60


# VM lines are not anchored at ^: characters echoed by the shell may precede them on a line.
def beats(machine, vm):
    return [int(n) for n in re.findall(rf"\[{vm}\] heartbeat {vm} (\d+)$", machine.text(), re.M)]


def expect_beating(machine, vm, more=3, timeout=30):
    """The heartbeat counter of `vm` rises by `more` from now on."""
    now = max(beats(machine, vm), default=0)
    machine.wait_for(rf"\[{vm}\] heartbeat {vm} {now + more}$", timeout)


def exit_stats(machine, vm):
    """`stats VM`: exits by reason, "total", and the refusal counters ("(ipis-dropped N)")."""
    m = machine.command(f"stats {vm}", rf"cairn: exits of vm {vm}: total (\d+)([^\n]*)\n")
    refused = re.findall(r"\((\S+) (\d+)\)", m.group(2))
    words = re.sub(r"\(\S+ \d+\)", "", m.group(2)).split()
    counts = dict(zip(words[::2], map(int, words[1::2])))
    counts.update({name: int(n) for name, n in refused})
    counts["total"] = int(m.group(1))
    return counts


@test("partitions demo: three pre-launched VMs on distinct pCPUs, vUART output tagged")
def partitions_side_by_side():
    m = boot_scenario("partitions")
    m.wait_for(r"cairn: ready", READY)
    placed = {}
    for vm in ("hello", "heartbeat", "compute"):
        found = m.wait_for(rf"cairn: vm {vm}: pre-launched on pCPU mask 0x(\w+)", 5)
        placed[vm] = int(found.group(1), 16)
    check(placed == {"hello": 2, "heartbeat": 4, "compute": 8}, f"pCPU masks {placed}")
    reported = {}
    for vm in ("hello", "heartbeat", "compute"):
        found = m.wait_for(rf"^\[{vm}\] [^\n]*on APIC ID (\d+)$", 30)
        reported[vm] = int(found.group(1))
    check(reported == {"hello": 1, "heartbeat": 2, "compute": 3},
          f"APIC IDs reported by the guests {reported}")
    expect_beating(m, "heartbeat")
    expect_beating(m, "compute", more=2)
    check("FATAL" not in m.text(), "hypervisor exception")


@test("CPUID: hypervisor bit, Cairn leaves, no SVM leak")
def cpuid_leaves():
    m = boot_scenario("partitions", name="cpuid")
    m.wait_for(r"^\[hello\] cpuid: hypervisor bit 1$", READY)
    m.wait_for(r"^\[hello\] cpuid: signature CairnCairnHV max leaf 0x40000001$", 5)
    m.wait_for(r"^\[hello\] cpuid: features 0x1 vm 0 vcpu 0 tsc_khz [1-9]\d+$", 5)
    m.wait_for(r"^\[hello\] cpuid: svm bit 0$", 5)
    m.wait_for(r"^\[hello\] cpuid: leaf 0x8000000a eax 0x0 ebx 0x0 ecx 0x0 edx 0x0$", 5)


@test("hypercalls: API version by VMMCALL and VMCALL, checked pointer, forbidden, unknown, CPL 3")
def hypercalls():
    m = boot_scenario("partitions", name="hypercalls")
    m.wait_for(r"^\[hello\] hypercall: api version 1\.0 rc 0 \(vmmcall\)$", READY)
    m.wait_for(r"^\[hello\] hypercall: api version 1\.0 rc 0 \(vmcall\)$", 5)
    m.wait_for(r"^\[hello\] hypercall: bad pointer rc -14$", 5)  # -EFAULT
    m.wait_for(r"^\[hello\] hypercall: pause other vm rc -1$", 5)  # -EPERM: Service VM only
    m.wait_for(r"^\[hello\] hypercall: unknown id rc -25$", 5)  # -ENOTTY
    m.wait_for(r"^\[hello\] hypercall: from CPL 3 raised #GP error 0x0$", 5)
    m.wait_for(r"^\[hello\] svm: vmload raised #UD$", 5)
    m.wait_for(r"^\[hello\] hello: done$", 5)
    m.wait_for(r"cairn: ready", READY)
    stats = exit_stats(m, "hello")
    check(stats.get("hypercall", 0) >= 5, f"VMMCALL exits {stats}")
    check(stats.get("exception", 0) >= 1, f"VMCALL arrives as #UD {stats}")
    check(stats.get("cpuid", 0) >= 5 and stats.get("io", 0) > 100, f"exit counts {stats}")
    check(stats.get("virt-insn", 0) == 1, f"one VMLOAD {stats}")


@test("a VM without the hypercall right gets #UD")
def hypercall_without_right():
    m = boot_scenario("test-control", name="no-hypercall-right")
    m.wait_for(r"^\[nohc\] cpuid: features 0x0 ", READY)
    expect_no_hypercall_right(m, "nohc")


def expect_no_hypercall_right(m, vm):
    """Both vendors' hypercall instructions, from a VM without the right: #UD each."""
    m.wait_for(rf"^\[{vm}\] hypercall: without permission raised #UD$", 10)
    m.wait_for(rf"^\[{vm}\] hypercall: vmcall without permission raised #UD$", 10)


FAULTS = {
    "tripler": r"triple-fault: triple fault \(shutdown\)",
    "svmer": r"triple-fault: triple fault \(shutdown\)",
    "wild": r"mem-fault: access to \(write\) guest-physical 0x100000000, which is not mapped",
    # Its own LAPIC is passed through: the page reads, and every write is checked (8 bytes at
    # the ICR is no xAPIC access; a 4-byte IPI beyond the VM is dropped: expect_ipis_dropped).
    "icr": r"mem-fault: LAPIC access of 8 bytes at offset 0x300",
    # INT3 with RSP in its LAPIC page: the first push of the #BP's delivery (SS, at RSP - 8).
    "deliverer": r"mem-fault: delivering vector 3, the CPU wrote emulated guest-physical "
                 r"0xfee003f8 \(an IDT, GDT or stack in device memory\)",
}
# faulty's ipi-escape: INIT (assert), STARTUP, NMI, fixed vector 0x40, SMI (guests/faulty/main.c)
ESCAPE_ICRS = ["0x4500", "0x4610", "0x4400", "0x4040", "0x4200"]


def expect_faults_stopped(m, faults, timeout=30):
    """Each faulty VM stopped alone, with its reason, its exits printed."""
    for vm, reason in faults.items():
        m.wait_for(rf"cairn: vm {vm} fault: {reason}[^\n]*\(vCPU 0, RIP 0x[0-9a-f]+\)", timeout)
        m.wait_for(rf"cairn: vm {vm} stopped", timeout)
        m.wait_for(rf"cairn: exits of vm {vm}: total \d+", timeout)


def expect_ipis_dropped(m, vm, apic_id, timeout=30):
    """A partition's valid 4-byte ICR writes to a pCPU outside it: none is sent (an INIT or SIPI
    would reset or restart that pCPU for real), each dropped, logged and counted; the sender
    runs on."""
    for icr in ESCAPE_ICRS:
        m.wait_for(rf"cairn: vm {vm}: IPI {icr} to APIC ID {apic_id} is outside the VM: dropped",
                   timeout)
    m.wait_for(rf"^\[{vm}\] faulty: ICR writes to APIC ID {apic_id} done$", timeout)
    dropped = exit_stats(m, vm).get("ipis-dropped", 0)
    check(dropped == len(ESCAPE_ICRS), f"vm {vm}: {dropped} IPIs counted as dropped")
    check("INIT signal received" not in m.text(), "an INIT reached a pCPU")


@test("misbehaving guests are stopped alone; the heartbeat partition keeps beating")
def fault_isolation():
    m = boot_scenario("test-faults")
    m.wait_for(r"cairn: ready", READY)
    m.wait_for(r"cairn: vm svmer: VMRUN at RIP 0x[0-9a-f]+ is not available to guests: "
               r"injecting #UD", 30)
    expect_faults_stopped(m, FAULTS)
    expect_ipis_dropped(m, "escaper", 1)
    expect_beating(m, "beat", more=5)
    m.command("vms", r"cairn: vm 4 icr: stopped")
    m.command("vms", r"cairn: vm 5 escaper: running")
    check("FATAL" not in m.text(), "hypervisor exception")


@test("shell: pause and resume a VM; stop a guest looping with interrupts off")
def lifecycle_from_shell():
    m = boot_scenario("test-control", name="lifecycle")
    m.wait_for(r"cairn: ready", READY)
    m.wait_for(r"^\[looper\] faulty: looping$", 30)
    expect_beating(m, "beat", more=2)
    m.command("pause beat", r"cairn: vm \d+ beat: paused|cairn> ")
    paused_at = max(beats(m, "beat"))
    m.command("vms", r"cairn: vm 0 beat: paused")
    m.stays_quiet(rf"\[beat\] heartbeat beat {paused_at + 2}$", 1.5)
    m.command("resume beat", r"cairn> ")
    expect_beating(m, "beat", more=2)
    m.command("stop looper", r"cairn: vm looper stopped")
    m.wait_for(r"cairn: exits of vm looper: total \d+[^\n]* nmi \d+", 5)
    m.command("vms", r"cairn: vm 1 looper: stopped")
    expect_beating(m, "beat", more=3)


@test("watchdog: a partition that stops kicking is stopped, or reset when its flag says so")
def watchdog():
    m = boot_scenario("test-control", name="watchdog")
    m.wait_for(r"^\[guarded\] heartbeat guarded: stopped kicking the watchdog$", READY)
    m.wait_for(r"cairn: vm guarded fault: watchdog expired \(no kick for 1000 ms\)", 10)
    m.wait_for(r"cairn: vm guarded stopped", 5)
    m.wait_for(r"cairn: vm phoenix: resetting \(watchdog expired", 10)
    m.wait_for(r"cairn: vm phoenix: reset done \(1 so far\)", 10)
    start = m.text().rindex("reset done (1 so far)")
    m.wait_for(r"^\[phoenix\] heartbeat phoenix 2$", 10, since=start)
    m.wait_for(r"cairn: vm phoenix: reset done \(2 so far\)", 10)
    expect_beating(m, "beat", more=3)


@test("console input can be switched to a VM's vUART and back (Ctrl-])")
def console_input_switch():
    m = boot_scenario("test-control", name="console-switch")
    m.wait_for(r"cairn: ready", READY)
    m.command("console beat", r"cairn: console input goes to vm beat")
    m.send("ping 42\r")
    m.wait_for(r"\[beat\] echo beat: ping 42$", 10)
    m.send("\x1d")
    m.wait_for(r"cairn: console input back to the hypervisor shell", 10)
    m.command("vms", r"cairn: vm 0 beat: running")


@test("a bad scenario fails the build with the file, line and problem")
def bad_scenario_fails_build():
    configs = tempfile.mkdtemp(prefix="cairn-bad-scn-")
    try:
        shutil.copy(os.path.join(ROOT, "tests", "scenarios", "bad-pcpu-overlap.scn"),
                    os.path.join(configs, "badscn.scn"))
        run = subprocess.run(["make", "-C", ROOT, f"BUILD={BUILD}", f"CONFIGS={configs}",
                              "SCENARIO=badscn", f"{BUILD}/scenarios/badscn/cairn.elf"],
                             capture_output=True, text=True, timeout=300)
        out = run.stdout + run.stderr
        check(run.returncode != 0, "make succeeded with a bad scenario")
        check(re.search(r"badscn\.scn:\d+: error: pCPU \d+ is already given to vm '\w+' "
                        r"\(line \d+\)", out), f"no error naming the line in:\n{out[-2000:]}")
        check(not os.path.exists(os.path.join(BUILD, "scenarios", "badscn", "cairn.elf")),
              "an image was produced")
    finally:
        shutil.rmtree(configs)
        shutil.rmtree(os.path.join(BUILD, "scenarios", "badscn"), ignore_errors=True)
