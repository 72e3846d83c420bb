# SPDX-License-Identifier: BSD-3-Clause
"""Bochs tests: the Intel VMX machine (docs/bochs.md) has what the VMX backend needs; Cairn runs on it."""
import os
import time

from bochs import boot_bochs
from harness import BUILD, check, test
from test_partitions import (FAULTS, beats, exit_stats, expect_beating, expect_faults_stopped,
                             expect_ipis_dropped, expect_no_hypercall_right)
from test_service_vm import expect_nmi_backtraces

ISO = os.path.join(BUILD, "cairn.iso")
PROBE_ISO = os.path.join(BUILD, "bochs", "vmx-probe.iso")
PARTITIONS_ISO = os.path.join(BUILD, "bochs", "partitions.iso")
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


@test("Bochs (Intel CPU, VMX): cairn.iso through GRUB picks the VMX backend, every pCPU online")
def bochs_cairn_iso():
    m = boot_bochs("bochs-cairn-iso", ISO, cpus=2, megs=1024, timeout=ISO_BOOT + 60)
    m.wait_for(r"cairn: Cairn partitioning hypervisor [^\n]*\(x86-64, Intel VMX\)", ISO_BOOT)
    m.wait_for(r"cairn: loaded by GRUB[^\n]*\(multiboot 2\)", 5)
    m.wait_for(r"cairn: memory: 10[12]\d MiB usable RAM", 20)
    m.wait_for(r"cairn: ACPI: 2 CPUs in the MADT", 20)
    m.wait_for(r"cairn: pCPUs online: 2 of 2 \(APIC IDs 0 1\)", 30)
    check("FATAL" not in m.text() and "halting" not in m.text(),
          "a hypervisor exception or a halt")


# A quarter of bochs.IPS: emulated time (the heartbeats, the watchdog's second) passes 4 times
# faster per instruction, and 100 ms is still 2.5 million instructions for a guest.
IPS = 25_000_000


# One boot of configs/bochs-partitions.scn covers the partition tests (test_partitions.py) that
# need no QEMU: Bochs runs 13 CPUs on one host thread, so each boot is dear. Hypercalls with and
# without the right, CPUID, the faulty guests of test-faults.scn, IPIs aimed outside a partition,
# the shell's pause/resume/stop and console switch, both watchdog outcomes (stopped, reset).
# VMRUN is an invalid opcode on Intel: its #UD goes to the guest (no intercept, unlike SVM's
# "injecting #UD" line), which has no IDT: the same triple fault.


@test("Bochs (VMX) partitions: hypercalls, faults and IPIs out stopped alone, shell lifecycle, watchdogs")
def bochs_partitions():
    started = time.monotonic()
    m = boot_bochs("bochs-partitions", PARTITIONS_ISO, cpus=13, megs=512, ips=IPS, timeout=480)
    m.wait_for(r"cairn: Cairn partitioning hypervisor [^\n]*\(x86-64, Intel VMX\)", 60)
    m.wait_for(r"cairn: pCPUs online: 13 of 13", 60)
    m.wait_for(r"cairn: ready", 60)
    ready = time.monotonic() - started
    # hello: CPUID and the hypercalls, VMCALL native and VMMCALL through #UD (the mirror of SVM)
    m.wait_for(r"^\[hello\] cpuid: hypervisor bit 1$", 60)
    m.wait_for(r"^\[hello\] cpuid: signature CairnCairnHV max leaf 0x40000001$", 10)
    m.wait_for(r"^\[hello\] cpuid: svm bit 0$", 10)
    m.wait_for(r"^\[hello\] hypercall: api version 1\.0 rc 0 \(vmmcall\)$", 20)
    m.wait_for(r"^\[hello\] hypercall: api version 1\.0 rc 0 \(vmcall\)$", 10)
    m.wait_for(r"^\[hello\] hypercall: bad pointer rc -14$", 10)
    m.wait_for(r"^\[hello\] hypercall: pause other vm rc -1$", 10)
    m.wait_for(r"^\[hello\] hypercall: unknown id rc -25$", 10)
    m.wait_for(r"^\[hello\] hypercall: from CPL 3 raised #GP error 0x0$", 10)
    m.wait_for(r"^\[hello\] svm: vmload raised #UD$", 10)
    m.wait_for(r"^\[hello\] hello: done$", 10)
    expect_no_hypercall_right(m, "nohc")
    # faulty guests: each stopped alone, with the reason; IPIs out of a partition dropped
    expect_faults_stopped(m, FAULTS, timeout=60)
    expect_ipis_dropped(m, "escaper", 1, timeout=60)
    expect_beating(m, "beat", more=3, timeout=60)
    stats = exit_stats(m, "hello")
    check(stats.get("hypercall", 0) >= 1, f"VMCALL exits {stats}")
    check(stats.get("exception", 0) >= 5, f"VMMCALL arrives as #UD {stats}")
    check(stats.get("cpuid", 0) >= 5 and stats.get("io", 0) > 100, f"exit counts {stats}")
    # lifecycle from the shell: a guest spinning with interrupts off is stopped (by NMI)
    m.wait_for(r"^\[looper\] faulty: looping$", 30)
    m.command("pause beat", r"cairn> ", timeout=30)
    m.command("vms", r"cairn: vm 0 beat: paused", timeout=30)
    paused_at = max(beats(m, "beat"))
    m.stays_quiet(rf"\[beat\] heartbeat beat {paused_at + 2}$", 5)
    m.command("resume beat", r"cairn> ", timeout=30)
    expect_beating(m, "beat", more=2, timeout=60)
    m.command("stop looper", r"cairn: vm looper stopped", timeout=30)
    m.wait_for(r"cairn: exits of vm looper: total \d+[^\n]* nmi \d+", 20)
    # console input to a VM's vUART and back
    m.command("console beat", r"cairn: console input goes to vm beat", timeout=30)
    m.send("ping 42\r")
    m.wait_for(r"\[beat\] echo beat: ping 42$", 60)
    m.send("\x1d")
    m.wait_for(r"cairn: console input back to the hypervisor shell", 30)
    # the watchdog: guarded stops kicking and is stopped; phoenix is reset, twice
    m.wait_for(r"^\[guarded\] heartbeat guarded: stopped kicking the watchdog$", 60)
    m.wait_for(r"cairn: vm guarded fault: watchdog expired \(no kick for 1000 ms\)", 60)
    m.wait_for(r"cairn: vm guarded stopped", 20)
    m.wait_for(r"cairn: vm phoenix: resetting \(watchdog expired", 120)
    m.wait_for(r"cairn: vm phoenix: reset done \(1 so far\)", 30)
    start = m.text().rindex("reset done (1 so far)")
    m.wait_for(r"^\[phoenix\] heartbeat phoenix 2$", 60, since=start)
    m.wait_for(r"cairn: vm phoenix: reset done \(2 so far\)", 120)
    expect_beating(m, "beat", more=3, timeout=60)
    check("FATAL" not in m.text(), "hypervisor exception")
    print(f"# bochs-partitions: ready after {ready:.1f} s, all checks after "
          f"{time.monotonic() - started:.1f} s")


SERVICE_ISO = os.path.join(BUILD, "bochs", "service.iso")


@test("Bochs (VMX): the stock Debian Service VM boots on both pCPUs to its shell, which answers; NMIs")
def bochs_service_vm():
    """configs/bochs-service.scn: the Service VM alone, 2 pCPUs, 1 GiB. About 3 minutes of one
    host core (Bochs is one thread), run beside the QEMU tests."""
    m = boot_bochs("bochs-service", SERVICE_ISO, cpus=2, megs=1024, timeout=540)
    m.wait_for(r"cairn: Cairn partitioning hypervisor [^\n]*\(x86-64, Intel VMX\)", 150)
    m.wait_for(r"cairn: vm service: Service VM on 2 pCPUs", 60)
    m.wait_for(r"cairn: ready", 60)
    m.wait_for(r"cairn-svm: init started", 300)
    nproc = int(m.wait_for(r"cairn-svm: nproc (\d+)", 60).group(1))
    check(nproc == 2, f"nproc {nproc}, the Service VM has 2 pCPUs")
    m.wait_for(r"cairn-svm: hsm loaded", 120)
    m.wait_for(r"cairn-svm: ready$", 120)
    m.wait_for(r"/ # ", 60)
    # Typed slowly: at 20 ms a byte the Service VM lost characters under Bochs (docs/bochs.md).
    m.send("echo typed-$((6*7))\r", pace=0.25)
    m.wait_for(r"typed-42\s*$", 60)
    expect_nmi_backtraces(m, 2, pace=0.25)  # virtual NMIs under VMX (NMI exiting, NMI window)
    check("FATAL" not in m.text() and "vm service fault" not in m.text(),
          "a hypervisor exception or a Service VM fault")
