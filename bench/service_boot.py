#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark: the Service VM's boot to init under Cairn vs the same kernel booted directly by QEMU TCG.

Prints both times, their ratio (one run of each, back to back) and the Service VM's VM exits
during boot, by reason. Usage: python3 bench/service_boot.py [BUILD]  (after `make images all scenarios`)
"""
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
if len(sys.argv) > 1:
    os.environ["CAIRN_BUILD"] = os.path.abspath(sys.argv[1])
import harness  # noqa: E402

BUILD = harness.BUILD
TIMEOUT = 300


def scenario_cmdline():
    text = open(os.path.join(ROOT, "configs", "service.scn")).read()
    section = text[text.index("[vm service]"):]
    return re.search(r"^args = (.*)$", section, re.M).group(1).strip()


def time_to(machine, pattern, start):
    machine.wait_for(pattern, TIMEOUT)
    return time.monotonic() - start


def run_direct(cmdline):
    images = os.path.join(BUILD, "images")
    start = time.monotonic()
    m = harness.Machine("bench-direct", smp=3, mem="933M", cpu="qemu64",
                        kernel=os.path.join(images, "vmlinuz"), append=cmdline,
                        extra=["-initrd", os.path.join(images, "initramfs.cpio.gz"), "-drive",
                               f"file={images}/test-disk.img,if=virtio,format=raw,readonly=on"])
    try:
        init = time_to(m, r"cairn-svm: init started", start)
        ready = time_to(m, r"cairn-svm: ready", start)
    finally:
        m.stop()
    return init, ready


def run_cairn():
    start = time.monotonic()
    m = harness.boot_scenario("service", name="bench-cairn")
    try:
        init = time_to(m, r"cairn-svm: init started", start)
        ready = time_to(m, r"cairn-svm: ready", start)
        m.send("\x1d")
        stats = m.command("stats service", r"cairn: exits of vm service: total (\d+)([^\n]*)\n")
        details = m.wait_for(r"cairn: mmio exits of vm service:[^\n]*\n", 10)
        detail_text = m.text()[stats.start():details.end()]
    finally:
        m.stop()
    words = stats.group(2).split()
    exits = dict(zip(words[0::2], words[1::2]))
    return init, ready, int(stats.group(1)), exits, detail_text


def main():
    cmdline = scenario_cmdline()
    d_init, d_ready = run_direct(cmdline)
    c_init, c_ready, total, exits, detail_text = run_cairn()
    print(f"kernel command line: {cmdline}")
    print(f"direct QEMU TCG (-smp 3, 933M): init after {d_init:.1f} s, ready after {d_ready:.1f} s")
    print(f"under Cairn (Service VM on 3 of 4 pCPUs): init after {c_init:.1f} s, "
          f"ready after {c_ready:.1f} s")
    print(f"ratio Cairn/direct: init {c_init / d_init:.2f}, ready {c_ready / d_ready:.2f}")
    print(f"Service VM exits from power-on to the stats command: {total}")
    for reason, count in sorted(exits.items(), key=lambda kv: -int(kv[1].strip('()'))
                                if kv[1].strip('()').isdigit() else 0):
        print(f"  {reason:14} {count}")
    print("by port / MMIO address (first ones seen):")
    for line in detail_text.splitlines()[1:]:
        print("  " + line.replace("cairn: ", ""))


if __name__ == "__main__":
    main()
