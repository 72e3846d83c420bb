#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark (issue 11, item 5): VM exits from power-on to init, Cairn against KVM, same kernel and initramfs.

Each run, side by side: Cairn's Service VM (the default scenario, 3 vCPUs, 933M) to `cairn-svm:
ready`, exits from the hypervisor shell's `stats service`; the same kernel, initramfs, command line
and disk as a KVM guest (bench/kvm_peer.py: L2 under kvm_amd inside QEMU TCG, KVM's debugfs
`exits` read at the same line). Then (unless --service-only) a Linux User VM under cairn-dm
(`launch-uvm`: 2 vCPUs, 256M, virtio rng/blk/net/console) to `cairn-uvm: ready:`, against the
User VM initramfs under KVM with the same devices. Prints totals, by-reason tables and the ratio
Cairn/KVM (target: at most 0.2).
--cpu MODEL: the QEMU CPU model of both machines (Cairn's, and KVM's L1, whose `-cpu host` L2
copies); the default is the suite's qemu64,+svm,+npt, a family 0xF (K8) part, for which Linux
scans every PCI bus for a K8 GART bridge through 0xCF8/0xCFC twice (about 33,000 exits on either
hypervisor); EPYC,+svm,+npt (family 0x17, Zen) is the hardware Cairn targets and has no such scan.
--scenario NAME: Cairn's machine (default `service`; `test-x2apic` is the same with the scenario
flag x2apic: the Service VM offered Cairn's x2APIC over the xAPIC).
Usage: python3 bench/boot_exits.py [--service-only] [--pv-ipi on|off] [--cpu MODEL] [--repeat N]
                                   [--scenario NAME] [BUILD]
       (--repeat: N side-by-side runs, then the ratios' median, min, max)
"""
import argparse
import os
import re
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import harness  # noqa: E402
import kvm_peer  # noqa: E402

TIMEOUT = 300
UVM_TIMEOUT = 400
TARGET = 0.2

# SVM exit codes (AMD APM vol. 2, appendix C) as the kvm_exit tracepoint reports them.
SVM_EXITS = {0x00: "cr0-read", 0x03: "cr3-read", 0x04: "cr4-read", 0x08: "cr8-read",
             0x10: "cr0-write", 0x13: "cr3-write", 0x14: "cr4-write", 0x18: "cr8-write",
             0x60: "intr", 0x61: "nmi", 0x62: "smi", 0x63: "init", 0x64: "vintr",
             0x65: "cr0-sel-write", 0x6e: "rdtsc", 0x6f: "rdpmc", 0x72: "cpuid", 0x73: "rsm",
             0x74: "iret", 0x77: "pause", 0x78: "hlt", 0x79: "invlpg", 0x7b: "ioio",
             0x7c: "msr", 0x7d: "task-switch", 0x7f: "shutdown", 0x80: "vmrun", 0x81: "vmmcall",
             0x87: "rdtscp", 0x89: "wbinvd", 0x8b: "mwait", 0x8d: "xsetbv", 0x400: "npf",
             0x401: "avic-incomplete-ipi", 0x402: "avic-noaccel"}

# Rows of the side-by-side table: (row, Cairn's reasons, KVM's SVM exit codes).
GROUPS = [("port I/O", ["io"], [0x7b]),
          ("memory faults (MMIO, xAPIC, NPT)", ["mem-fault"], [0x400]),
          ("CPUID", ["cpuid"], [0x72]),
          ("MSR read/write", ["msr-read", "msr-write"], [0x7c]),
          ("HLT", ["hlt"], [0x78]),
          ("physical interrupt / NMI", ["nmi"], [0x60, 0x61]),
          ("interrupt window (VINTR)", [], [0x64]),
          ("hypercall", ["hypercall"], [0x81]),
          ("exception intercepts", ["exception"], list(range(0x40, 0x60))),
          ("CR / SMM / cache / other", ["init", "virt-insn", "cache-flush", "other",
                                        "triple-fault", "entry-failed"], None)]


def vm_exits(m, vm):
    """harness.vm_exits(), with the itemised lines `stats` prints after it (io ports, MMIO pages,
    requests)."""
    start = len(m.text())
    exits = harness.vm_exits(m, vm)
    details = [line for line in m.text()[start:].splitlines()
               if re.match(rf"cairn: \S+ exits of vm {vm}:|cairn: .*vm {vm}.*request", line)]
    return exits, details


def run_cairn(with_uvm, cpu, scenario):
    """Cairn's Service VM to its ready line and (with_uvm) a Linux User VM to its own."""
    out = {}
    start = time.monotonic()
    m = harness.boot_scenario(scenario, name="bench-boot-exits-cairn", cpu=cpu)
    try:
        m.wait_for(r"cairn-svm: ready", TIMEOUT)
        out["service wall"] = time.monotonic() - start
        out["service"] = vm_exits(m, "service")
        if with_uvm:
            m.wait_for(r"/ # ", 30)
            since = len(m.text())
            t0 = time.monotonic()
            m.send("launch-uvm\r")
            m.wait_for(r"cairn-uvm: ready: ", UVM_TIMEOUT, since=since)
            out["uvm wall"] = time.monotonic() - t0
            out["uvm"] = vm_exits(m, "uvm1")
    finally:
        m.stop()
    out["log"] = m.log_path
    return out


def kvm_exit_reasons(text):
    """{SVM exit code: count} from L1's `kvm-peer: hist kvm_exit` lines of the ready block."""
    block = text[text.index("kvm-peer: stats ready"):text.index("kvm-peer: stats end ready")]
    return {int(code): int(n) for code, n in re.findall(
        r"^kvm-peer: hist kvm_exit \{ exit_reason:\s+(\d+) \} hitcount:\s+(\d+)", block, re.M)}


def kvm_hist(text, event):
    """[(key text, count)] of a `kvm-peer: hist EVENT` of the ready block, biggest first."""
    block = text[text.index("kvm-peer: stats ready"):text.index("kvm-peer: stats end ready")]
    rows = re.findall(rf"^kvm-peer: hist {event} \{{ (.*?) \}} hitcount:\s+(\d+)", block, re.M)
    return sorted(((re.sub(r"\s+", " ", k), int(n)) for k, n in rows), key=lambda r: -r[1])


def run_kvm(image, pv_ipi, cpu):
    r = kvm_peer.boot_kvm_guest(image, pv_ipi=pv_ipi, name=f"bench-boot-exits-kvm-{image}",
                                cpu=cpu)
    text = r["l1_console"]
    r["svm_exits"] = kvm_exit_reasons(text)
    r["pio"] = kvm_hist(text, "kvm_pio")
    r["msr"] = kvm_hist(text, "kvm_msr")
    r["apic"] = kvm_hist(text, "kvm_apic")
    return r


def hexed(key, field):
    """A histogram key's `field: N` shown in hex."""
    return re.sub(rf"{field}: (\d+)", lambda g: f"{field}: {int(g.group(1)):#x}", key)


def compare(label, cairn, kvm):
    """Prints one VM's comparison; returns the ratio."""
    exits, details = cairn
    ktotal = kvm["ready"]["exits"]
    codes = kvm["svm_exits"]
    ratio = exits["total"] / ktotal
    w = kvm["wall"]
    print(f"\n## {label}")
    print(f"Cairn: {exits['total']} exits; KVM: {ktotal} exits (debugfs `exits`; the kvm_exit "
          f"histogram sums to {sum(codes.values())}); ratio Cairn/KVM {ratio:.3f} "
          f"(target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})")
    fw = (kvm.get("firmware") or {}).get("exits")
    if fw is not None:
        print(f"KVM's firmware (SeaBIOS, to its \"Booting from ROM\"): {fw} of them; KVM from the "
              f"kernel's entry on: {ktotal - fw} (Cairn's VMs start at the kernel): ratio "
              f"{exits['total'] / (ktotal - fw):.3f}")
    print(f"KVM L2 boot: {w['l2_ready'] - w['l2_start']:.0f} s from its QEMU's start to the "
          f"ready line (L1 run {w['done']:.0f} s in all)")
    print("\n| reason | Cairn | KVM (SVM exit codes) |\n|---|---:|---:|")
    used = set()
    for row, creasons, kcodes in GROUPS:
        if kcodes is None:
            kcodes = [c for c in codes if c not in used]
        used.update(kcodes)
        c = sum(exits.get(r, 0) for r in creasons)
        k = sum(codes.get(code, 0) for code in kcodes)
        names = ", ".join(f"{SVM_EXITS.get(code, hex(code))} {codes[code]}"
                          for code in sorted(kcodes, key=lambda x: -codes.get(x, 0))
                          if codes.get(code))
        print(f"| {row} | {c:,} | {k:,}{f' ({names})' if names and len(kcodes) > 1 else ''} |")
    print(f"| **total** | **{exits['total']:,}** | **{ktotal:,}** |")
    print("\nCairn, by reason: " + ", ".join(f"{k} {v}" for k, v in exits.items()
                                       if k not in ("total", "ticks")))
    for line in details:
        print("  " + line.replace("cairn: ", ""))
    d = kvm["ready"]
    print("KVM debugfs: " + ", ".join(f"{n} {d[n]}" for n in kvm_peer.REASONS if d.get(n)))
    print("KVM ports (kvm_pio, rw 1 = out): " + ", ".join(
        f"[{hexed(k, 'port')}] {n}" for k, n in kvm["pio"][:8]))
    print("KVM MSRs (kvm_msr, write 1 = wrmsr): " + ", ".join(
        f"[{hexed(k, 'ecx')}] {n}" for k, n in kvm["msr"][:6]))
    print("KVM LAPIC registers (kvm_apic, rw 1 = write): " + ", ".join(
        f"[{hexed(k, 'reg')}] {n}" for k, n in kvm["apic"][:6]))
    return ratio


def run_once(args):
    """One side-by-side run; {"service": ratio, "uvm": ratio}."""
    t0 = time.monotonic()
    began = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    cairn = run_cairn(not args.service_only, args.cpu, args.scenario)
    t1 = time.monotonic()
    kvm = {"service": run_kvm("service", args.pv_ipi == "on", args.cpu)}
    t2 = time.monotonic()
    if not args.service_only:
        kvm["uvm"] = run_kvm("uvm", args.pv_ipi == "on", args.cpu)
    t3 = time.monotonic()
    print(f"# {began} .. {time.strftime('%H:%M:%S UTC', time.gmtime())}, load "
          f"{os.getloadavg()[0]:.1f}; scenario {args.scenario}; QEMU -cpu {args.cpu}; KVM guests with -cpu "
          f"host,kvm-pv-ipi={args.pv_ipi}")
    print(f"# wall: Cairn machine {t1 - t0:.0f} s (Service VM ready after "
          f"{cairn['service wall']:.0f} s" + (f", User VM ready {cairn['uvm wall']:.0f} s after "
                                               f"launch-uvm" if "uvm wall" in cairn else "")
          + f"), KVM service {t2 - t1:.0f} s" + (f", KVM uvm {t3 - t2:.0f} s" if "uvm" in kvm
                                                 else ""))
    print(f"# logs: {cairn['log']}, " + ", ".join(r["log"] for r in kvm.values()))
    ratios = {"service": compare("Service VM to `cairn-svm: ready` (3 vCPUs, 933M)",
                                 cairn["service"], kvm["service"])}
    if "uvm" in kvm:
        ratios["uvm"] = compare("Linux User VM to `cairn-uvm: ready:` (2 vCPUs, 256M)",
                                cairn["uvm"], kvm["uvm"])
    return ratios


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", nargs="?")
    parser.add_argument("--service-only", action="store_true")
    parser.add_argument("--pv-ipi", choices=["on", "off"], default="on")
    parser.add_argument("--cpu", default="qemu64,+svm,+npt")
    parser.add_argument("--repeat", type=int, default=1, help="side-by-side runs")
    parser.add_argument("--scenario", default="service", help="Cairn's scenario (configs/NAME.scn)")
    args = parser.parse_args()
    if args.build:
        harness.BUILD = os.path.abspath(args.build)
    runs = []
    for n in range(args.repeat):
        print(f"\n# run {n + 1} of {args.repeat}", flush=True)
        runs.append(run_once(args))
    if args.repeat > 1:
        for vm in runs[0]:
            r = sorted(run[vm] for run in runs)
            print(f"# {vm}: Cairn/KVM over {len(r)} runs: median {statistics.median(r):.3f} "
                  f"(min {r[0]:.3f}, max {r[-1]:.3f})")


if __name__ == "__main__":
    main()
