#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark: the Service VM's boot to init under Cairn vs the same kernel booted directly by QEMU TCG.

Each round boots a scenario under Cairn, then the same kernel, initramfs, disk and command line
directly in QEMU TCG with the Service VM's CPUs and RAM, back to back, and prints both times
(wall time from QEMU's start, and the guest's own uptime when /init ran, from dmesg), their
ratio, and the Service VM's VM exits at `ready` by reason. Several rounds give min/median/max.

Usage: python3 bench/service_boot.py [--build BUILD] [--scenario NAME] [--pcpus 1,2,4] [--rounds N]
                                     [--cpu MODEL]
  --scenario NAME   a scenario of configs/ (default: service, `make run`'s, with its partition)
  --pcpus LIST      instead: configs/bench-boot-<n>.scn for each n (the Service VM alone on n pCPUs)
  --cpu MODEL       QEMU's CPU model for both machines (default: the suite's qemu64,+svm,+npt under
                    Cairn, qemu64 direct); e.g. EPYC,+svm,+npt, a Zen, for which Linux makes no
                    K8 GART scans (docs/benchmarks.md)
(after `make images all scenarios`)
"""
import argparse
import os
import re
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

TIMEOUT = 300
RUN_INIT = r"\[\s*([\d.]+)\] Run /init as init process"


def scenario_cmdline(scenario):
    text = open(os.path.join(ROOT, "configs", scenario + ".scn")).read()
    section = text[text.index("[vm service]"):]
    return re.search(r"^args = (.*)$", section, re.M).group(1).strip()


def guest_uptime_at_init(m):
    """The kernel's uptime (seconds) when it ran /init, from dmesg, asked at the guest's shell."""
    found = m.shell("dmesg | grep -m1 'Run /init'", RUN_INIT, 60)
    return float(found.group(1))


def boot_times(m, start):
    init = m.wait_for(r"cairn-svm: init started", TIMEOUT) and time.monotonic() - start
    ready = m.wait_for(r"cairn-svm: ready", TIMEOUT) and time.monotonic() - start
    m.wait_for(r"/ # ", 60)  # the shell's prompt: typed commands reach it
    time.sleep(0.5)
    return {"init": init, "ready": ready, "uptime": guest_uptime_at_init(m)}


def run_cairn(harness, scenario, cpu):
    start = time.monotonic()
    extra = {"cpu": cpu} if cpu else {}
    m = harness.boot_scenario(scenario, name=f"bench-boot-cairn-{scenario}", **extra)
    try:
        shape = m.wait_for(r"Service VM on (\d+) pCPUs, (\d+) MiB of RAM", TIMEOUT)
        times = boot_times(m, start)
        since = len(m.text())
        times["exits"] = harness.service_exits(m)
        times["details"] = re.findall(r"^cairn: ((?:io|mmio) exits of vm service:[^\n]*)$",
                                      m.text()[since:], re.M)
    finally:
        m.stop()
    times["cpus"], times["mib"] = int(shape.group(1)), int(shape.group(2))
    return times


def run_direct(harness, cmdline, cpus, mib, cpu):
    images = os.path.join(harness.BUILD, "images")
    start = time.monotonic()
    m = harness.Machine(f"bench-boot-direct-{cpus}", smp=cpus, mem=f"{mib}M", cpu=cpu or "qemu64",
                        kernel=os.path.join(images, "vmlinuz"), append=cmdline,
                        extra=["-initrd", os.path.join(images, "initramfs.cpio.gz"), "-drive",
                               f"file={images}/test-disk.img,if=virtio,format=raw,readonly=on"])
    try:
        return boot_times(m, start)
    finally:
        m.stop()


def spread(values, fmt="{:.2f}"):
    """min / median / max of values, or the one value."""
    if len(values) == 1:
        return fmt.format(values[0])
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def bench_scenario(harness, scenario, rounds, cpu):
    cmdline = scenario_cmdline(scenario)
    cairn, direct = [], []
    for r in range(rounds):
        c = run_cairn(harness, scenario, cpu)
        d = run_direct(harness, cmdline, c["cpus"], c["mib"], cpu)
        cairn.append(c)
        direct.append(d)
        print(f"  round {r + 1}: {scenario}: direct ready {d['ready']:.1f} s (uptime at /init "
              f"{d['uptime']:.2f} s), Cairn ready {c['ready']:.1f} s (uptime at /init "
              f"{c['uptime']:.2f} s), ratio {c['ready'] / d['ready']:.2f}; exits "
              f"{c['exits']['total']}", flush=True)
    return cmdline, cairn, direct


def report(scenario, cmdline, cairn, direct):
    cpus, mib = cairn[0]["cpus"], cairn[0]["mib"]
    print(f"\n== {scenario}: Service VM on {cpus} pCPUs, {mib} MiB; direct: -smp {cpus} "
          f"-m {mib}M; {len(cairn)} round(s), min / median / max")
    print(f"kernel command line: {cmdline}")
    for key, what in (("init", "wall time to init"), ("ready", "wall time to ready"),
                      ("uptime", "guest uptime at /init")):
        ratios = [c[key] / d[key] for c, d in zip(cairn, direct)]
        print(f"  {what:22} direct {spread([d[key] for d in direct])} s, Cairn "
              f"{spread([c[key] for c in cairn])} s, ratio {spread(ratios)}")
    totals = [c["exits"]["total"] for c in cairn]
    print(f"  Service VM exits at ready: {spread(totals, '{:.0f}')}")
    last = cairn[-1]["exits"]
    counts = {r: n for r, n in last.items() if r != "total" and isinstance(n, int)}
    for reason, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"    {reason:14} {count}")
    for line in cairn[-1]["details"]:
        print(f"    {line} (address count, the first ones seen)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build")
    ap.add_argument("--scenario", default="service")
    ap.add_argument("--pcpus", help="comma-separated pCPU counts (configs/bench-boot-<n>.scn)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--cpu", help="QEMU CPU model of both machines")
    args = ap.parse_args()
    if args.build:
        os.environ["CAIRN_BUILD"] = os.path.abspath(args.build)
    import harness  # noqa: E402  (reads CAIRN_BUILD when imported)

    scenarios = ([f"bench-boot-{n}" for n in args.pcpus.split(",")] if args.pcpus
                 else [args.scenario])
    results = [(s, *bench_scenario(harness, s, args.rounds, args.cpu)) for s in scenarios]
    for result in results:
        report(*result)


if __name__ == "__main__":
    main()
