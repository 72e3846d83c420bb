#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark (issue 11, items 1, 2 and 4): IPIs with KVM's PV send-IPI offered and withheld, Cairn against KVM.

The module bench/ipi-bench/ipi_bench.ko (the seed's five cases, a real self IPI, a multicast to
N other CPUs, and two exit references: a LAPIC register write that changes nothing and a CPUID)
runs one case per insmod, and each case's VM exits are read around it:
  - Cairn's Service VM on 4 vCPUs (configs/bench-io.scn: PV IPIs offered; bench-ipi-nopv.scn:
    the scenario flag no-pv-ipi), exits from the hypervisor shell's `stats service`;
  - a Linux User VM on 3 vCPUs under cairn-dm (launch-uvm with CAIRN_UVM_CPUS=1,2,3; and with
    --no_pv_ipi), `stats uvm1`;
  - the same Service VM image as a 4-vCPU KVM guest (bench/kvm_peer.py: kvm_amd inside QEMU TCG,
    -cpu host,kvm-pv-ipi=on|off), KVM's debugfs `exits` read after each command.
Exits per IPI = (the case's exits - the dry run's) / runs: the dry run types and prints as much
and sends nothing, so the shell's and console's exits cancel. Each figure is the median of the
rounds, with min..max; times are TCG's and only their ratios (PV on/off, Cairn/KVM) mean anything.
Usage: python3 bench/ipi.py [--runs N] [--rounds R] [--cases a,b] [--no-kvm] [--no-uvm]
                            [--cpu MODEL] [BUILD]   (--cases: a subset of CASES' labels; the dry
run is always measured)
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
MODULE = "/lib/cairn/ipi_bench.ko"
# (label, module case, multicast destinations); the dry run first: the others are measured against it.
CASES = [("dry", "dry", 0), ("self", "self", 0), ("self-apic", "self-apic", 0),
         ("normal", "normal", 0), ("multicast-1", "multicast", 1), ("multicast-2", "multicast", 2),
         ("broadcast", "broadcast", 0), ("lock", "lock", 0),
         ("apic-write", "apic-write", 0), ("cpuid", "cpuid", 0)]
RESULT = re.compile(r"ipi_bench: (\S+): (\d+) runs, (\d+) dests, latency (\d+) ns, total (\d+) ns, "
                    r"(\d+) ns (\d+) cycles each")


def case_command(case, dests, runs):
    """One case's shell line, padded to one length: every typed character costs the shell's
    console a few exits, so that the dry run's cancel the others' exactly."""
    line = (f"insmod {MODULE} runs={runs} cases={case} dests={dests} && rmmod ipi_bench; "
            f"dmesg | grep 'ipi_bench: {case}:' | tail -n 1")
    return line + " " * (120 - len(line))


def cairn_cases(m, vm, runs):
    """Runs every case in the shell in front (the Service VM's or, through cairn-dm's console, a
    User VM's); {label: (module line's figures, exits by reason)}."""
    out = {}
    for label, case, dests in CASES:
        before = harness.vm_exits(m, vm)
        mark = len(m.text())
        m.send(case_command(case, dests, runs) + "\r")
        found = m.wait_for(rf"ipi_bench: {case}: .* cycles each", TIMEOUT, since=mark)
        time.sleep(1)  # the shell's prompt
        after = harness.vm_exits(m, vm)
        delta = {k: after.get(k, 0) - before.get(k, 0) for k in after if k != "ticks"}
        # The hypervisor's own ticks for this case's exits, by reason (from its running averages).
        delta["ticks"] = {r: after["ticks"][r] * after[r] - before["ticks"].get(r, 0) * before.get(r, 0)
                          for r in after["ticks"] if r in after}
        out[label] = (RESULT.search(found.group(0)).groups(), delta)
    return out


def run_cairn_service(scenario, runs, cpu):
    m = harness.boot_scenario(scenario, name=f"bench-ipi-{scenario}", cpu=cpu)
    try:
        m.wait_for(r"cairn-svm: ready", TIMEOUT)
        m.wait_for(r"/ # ", 30)
        return cairn_cases(m, "service", runs)
    finally:
        m.stop()


def run_cairn_uvm(runs, cpu):
    """The User VM on pCPUs 1-3 of bench-io, PV IPIs offered, then withheld (--no_pv_ipi)."""
    m = harness.boot_scenario("bench-io", name="bench-ipi-uvm", cpu=cpu)
    results = {}
    try:
        m.wait_for(r"cairn-svm: ready", TIMEOUT)
        m.wait_for(r"/ # ", 30)
        for key, dm_args in (("on", ""), ("off", "--no_pv_ipi")):
            mark = len(m.text())
            m.send(f"CAIRN_UVM_CPUS=1,2,3 CAIRN_UVM_DISK= CAIRN_UVM_TAP= "
                   f"CAIRN_UVM_DM_ARGS='{dm_args}' launch-uvm\r")
            m.wait_for(r"cairn-uvm: ready: 3 CPUs", TIMEOUT, since=mark)
            m.wait_for(r"# ", 30, since=mark)
            results[key] = cairn_cases(m, "uvm1", runs)
            mark = len(m.text())
            m.send("poweroff\r")
            m.wait_for(r"cairn-dm: pCPU 1,2,3 back online", 120, since=mark)
            m.wait_for(r"/ # ", 30, since=mark)
    finally:
        m.stop()
    return results


def run_kvm(runs, pv_ipi, cpu):
    """The Service VM image as a 4-vCPU KVM guest; the same cases, KVM's exits after each."""
    commands = ["true"] + [case_command(case, dests, runs) for _, case, dests in CASES]
    r = kvm_peer.boot_kvm_guest("service", pv_ipi=pv_ipi, l2_commands=commands, smp=4, l1_smp=5,
                                name=f"bench-ipi-kvm-{'on' if pv_ipi else 'off'}", cpu=cpu)
    out = {}
    # Each command prints one result line (its typed echo has no "cycles each"): one a case, in order.
    lines = RESULT.findall(r["console"])
    if len(lines) != len(CASES):
        raise harness.TestFailure(f"KVM guest: {len(lines)} result lines (log {r['log']})")
    for i, (label, case, _) in enumerate(CASES):
        before, after = r["after"][i], r["after"][i + 1]
        if not (before and after):
            raise harness.TestFailure(f"KVM guest: no figures for {label} (log {r['log']})")
        out[label] = (lines[i],
                      {"total": after["exits"] - before["exits"],
                       **{k: after.get(k, 0) - before.get(k, 0) for k in kvm_peer.REASONS}})
    return out


def per_ipi(result, label):
    """(exits per run beyond the dry run's, ns per run, cycles per run) of one case."""
    figures, delta = result[label]
    runs = int(figures[1])
    dry_total = result["dry"][1]["total"]
    return ((delta["total"] - dry_total) / runs, int(figures[5]), int(figures[6]))


def spread(values, fmt):
    values = sorted(values)
    med = statistics.median(values)
    return f"{fmt.format(med)} ({fmt.format(values[0])}..{fmt.format(values[-1])})" \
        if len(values) > 1 else fmt.format(med)


def by_reason(result, label):
    """The case's exits per run by reason, beyond the dry run's (Cairn's reasons or KVM's)."""
    figures, delta = result[label]
    runs = int(figures[1])
    dry = result["dry"][1]
    rows = [(k, (v - dry.get(k, 0)) / runs) for k, v in delta.items()
            if k not in ("total", "ticks")]
    return ", ".join(f"{k} {v:.2f}" for k, v in sorted(rows, key=lambda kv: -kv[1]) if v >= 0.05)


def own_work(result, label):
    """Cairn only: the hypervisor's ticks per exit for each reason the case exits for at least
    once a run in two (its handler's work, not the world switch)."""
    figures, delta = result[label]
    ticks = delta.get("ticks")
    if not ticks:
        return ""
    runs = int(figures[1])
    return ", ".join(f"{r} {ticks[r] / delta[r]:.0f}" for r in ticks
                     if delta.get(r, 0) >= runs / 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", nargs="?")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-kvm", action="store_true")
    parser.add_argument("--no-uvm", action="store_true")
    parser.add_argument("--cpu", default="qemu64,+svm,+npt")
    parser.add_argument("--cases")
    parser.add_argument("--x2apic", action="store_true",
                        help="also the Service VM offered an x2APIC (configs/bench-ipi-x2apic.scn)")
    args = parser.parse_args()
    if args.cases:
        wanted = ["dry"] + args.cases.split(",")
        unknown = set(wanted) - {c[0] for c in CASES}
        if unknown:
            parser.error(f"unknown cases {sorted(unknown)}: {[c[0] for c in CASES]}")
        CASES[:] = [c for c in CASES if c[0] in wanted]
    if args.build:
        harness.BUILD = os.path.abspath(args.build)
    began = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rounds = []
    for n in range(args.rounds):
        r = {"Cairn Service VM, PV on": run_cairn_service("bench-io", args.runs, args.cpu),
             "Cairn Service VM, PV off": run_cairn_service("bench-ipi-nopv", args.runs, args.cpu)}
        if args.x2apic:
            r["Cairn Service VM, x2APIC, PV on"] = run_cairn_service("bench-ipi-x2apic",
                                                                     args.runs, args.cpu)
        if not args.no_uvm:
            uvm = run_cairn_uvm(args.runs, args.cpu)
            r["Cairn User VM (3 vCPUs), PV on"] = uvm["on"]
            r["Cairn User VM (3 vCPUs), PV off"] = uvm["off"]
        if not args.no_kvm:
            r["KVM guest, PV on"] = run_kvm(args.runs, True, args.cpu)
            r["KVM guest, PV off"] = run_kvm(args.runs, False, args.cpu)
        rounds.append(r)
        print(f"# round {n + 1} of {args.rounds} done", flush=True)
    print(f"# {began} .. {time.strftime('%H:%M UTC', time.gmtime())}, load "
          f"{os.getloadavg()[0]:.1f}; {args.runs} runs a case, {args.rounds} round(s), "
          f"-cpu {args.cpu}; median (min..max)")
    labels = [c[0] for c in CASES[1:]]
    for what in rounds[0]:
        print(f"\n## {what}\n\n| case | dests | exits per IPI | ns each | cycles each |"
              "\n|---|---:|---:|---:|---:|")
        for label in labels:
            dests = rounds[0][what][label][0][2]
            cells = [per_ipi(r[what], label) for r in rounds]
            print(f"| {label} | {dests} | {spread([c[0] for c in cells], '{:.2f}')} | "
                  f"{spread([c[1] for c in cells], '{:.0f}')} | "
                  f"{spread([c[2] for c in cells], '{:.0f}')} |")
        handling = [f"{label}: {own_work(rounds[0][what], label)}" for label in labels
                    if own_work(rounds[0][what], label)]
        if handling:
            print("\nThe hypervisor's own work per exit (TSC cycles, handler entry to return; "
                  "round 1): " + "; ".join(handling))
        dry = [int(r[what]["dry"][0][5]) for r in rounds]
        print(f"\ndry run: {spread(dry, '{:.0f}')} ns each. By reason (round 1): " + "; ".join(
            f"{label}: {by_reason(rounds[0][what], label)}" for label in labels))
    print("\n## Broadcast gain of PV send-IPI (time per broadcast, PV off / PV on - 1)\n")
    for who in ("Cairn Service VM", "Cairn User VM (3 vCPUs)", "KVM guest"):
        on, off = f"{who}, PV on", f"{who}, PV off"
        if on not in rounds[0]:
            continue
        for label in [c for c in ("broadcast", "lock") if c in rounds[0][on]]:
            gains = [per_ipi(r[off], label)[1] / per_ipi(r[on], label)[1] - 1 for r in rounds]
            ex_on = [per_ipi(r[on], label)[0] for r in rounds]
            ex_off = [per_ipi(r[off], label)[0] for r in rounds]
            print(f"- {who}, {label}: gain {spread([g * 100 for g in gains], '{:+.0f}')} %; exits "
                  f"per broadcast {spread(ex_on, '{:.2f}')} with PV, "
                  f"{spread(ex_off, '{:.2f}')} without")


if __name__ == "__main__":
    main()
