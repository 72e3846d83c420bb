#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark (issue 11, item 4): I/O request round trips with 1, 2 and 4 User VM vCPUs issuing at once.

configs/bench-scale.scn (6 pCPUs, the Service VM on all) is booted once; from its shell cairn-dm
runs a 4-vCPU Linux User VM on pCPUs 1-4 whose /init runs cairn-ioloop T R (thread i pinned to
vCPU i, R port reads of the test device each, every answer checked) for T = 1, 2, 4, in each
completion mode: notification, polling (--ioreq_polling) and exit-less (--ioreq_exitless=5).
The User VM's and the Service VM's exits are read from the hypervisor shell just before the loop
starts (the VM waits DELAY seconds for it) and after it ends. Prints per mode and T: requests per
second in all, guest TSC cycles per request (median thread), the User VM's and the Service VM's
exits per request. On this 2-core host TCG runs at most two vCPUs at a time, so requests per
second measure that contention more than Cairn's; the exits per request do not depend on it.
Usage: python3 bench/ioreq_scaling.py [--rounds R] [--repeat N] [--threads 1,2,4] [BUILD]
"""
import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402

TIMEOUT = 300
DELAY = 8  # seconds between the User VM's ready line and its loop: the counters are read then
UVM_DIR = "/usr/lib/cairn/uvm"
ARGS = ("console=ttyS0,115200 8250.nr_uarts=1 nokaslr mitigations=off tsc=reliable loglevel=4 "
        "panic=-1 no_ipi_broadcast=1 cairn_uvm=ioloop:{threads}:{rounds}:{delay}")
MODES = [("notification", ""), ("polling", "--ioreq_polling"), ("exit-less", "--ioreq_exitless=5")]


def run_loop(m, threads, rounds, dm_args):
    start = len(m.text())
    args = ARGS.format(threads=threads, rounds=rounds, delay=DELAY)
    m.send(f"cairn-dm -m 128M --cpu_affinity 1,2,3,4 --testdev {dm_args} -s 0:0,hostbridge "
           f"-l com1,stdio -k {UVM_DIR}/vmlinuz -r {UVM_DIR}/initramfs.cpio.gz -B '{args}' uvs\r")
    m.wait_for(r"cairn-uvm: ioloop in \d+ s", TIMEOUT, since=start)
    uvm0, svm0 = harness.vm_exits(m, "uvs"), harness.vm_exits(m, "service")
    if "cairn-uvm: ioloop starts" in m.text()[start:]:
        raise harness.TestFailure(f"the loop started before the counters were read (DELAY {DELAY})")
    summary = m.wait_for(r"cairn-ioloop: (\d+) threads, (\d+) reads, (\d+) wrong, (\d+) cycles "
                         r"each \(median thread\), (\d+) ns wall, (\d+) requests/s",
                         TIMEOUT, since=start)
    uvm1, svm1 = harness.vm_exits(m, "uvs"), harness.vm_exits(m, "service")
    reads, wrong = int(summary.group(2)), int(summary.group(3))
    if wrong or reads != threads * rounds:
        raise harness.TestFailure(summary.group(0))
    m.wait_for(r"cairn-dm: pCPU 1,2,3,4 back online", 120, since=start)
    m.wait_for(r"/ # ", 30, since=start)
    return {"rps": int(summary.group(6)), "cycles": int(summary.group(4)),
            "uvm": (uvm1["total"] - uvm0["total"]) / reads,
            "svm": (svm1["total"] - svm0["total"]) / reads}


def spread(values, fmt):
    values = sorted(values)
    text = fmt.format(statistics.median(values))
    return text if len(values) == 1 else f"{text} ({fmt.format(values[0])}..{fmt.format(values[-1])})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", nargs="?")
    parser.add_argument("--rounds", type=int, default=2000, help="reads per thread")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each row")
    parser.add_argument("--threads", default="1,2,4")
    args = parser.parse_args()
    if args.build:
        harness.BUILD = os.path.abspath(args.build)
    counts = [int(t) for t in args.threads.split(",")]
    began = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = {}
    m = harness.boot_scenario("bench-scale", name="bench-ioreq-scaling")
    try:
        m.wait_for(r"cairn-svm: ready", TIMEOUT)
        m.wait_for(r"/ # ", 30)
        for _ in range(args.repeat):
            for mode, dm_args in MODES:
                for t in counts:
                    results.setdefault((mode, t), []).append(run_loop(m, t, args.rounds, dm_args))
                    print(f"# {mode} x{t}: {results[(mode, t)][-1]}", flush=True)
    finally:
        m.stop()
    print(f"# {began} .. {time.strftime('%H:%M UTC', time.gmtime())}, load "
          f"{os.getloadavg()[0]:.1f}; {args.rounds} reads a thread, {args.repeat} run(s) a row; "
          "median (min..max)")
    print("\n| mode | vCPUs issuing | requests/s (all) | cycles/request (median thread) | "
          "User VM exits/request | Service VM exits/request |\n|---|---:|---:|---:|---:|---:|")
    for mode, _ in MODES:
        for t in counts:
            rows = results[(mode, t)]
            print(f"| {mode} | {t} | {spread([r['rps'] for r in rows], '{:.0f}')} | "
                  f"{spread([r['cycles'] for r in rows], '{:.0f}')} | "
                  f"{spread([r['uvm'] for r in rows], '{:.2f}')} | "
                  f"{spread([r['svm'] for r in rows], '{:.2f}')} |")


if __name__ == "__main__":
    main()
