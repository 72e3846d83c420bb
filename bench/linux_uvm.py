#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark: a Linux User VM with cairn-dm's virtio devices, side by side in one run.

Prints: the User VM's boot to its shell (launch-uvm) against the same kernel booted directly by
QEMU TCG and against the Service VM's boot; virtio-blk sequential write and read (32 MiB,
O_DIRECT) in the User VM with its VM exits per MiB, against the Service VM reading QEMU's own
virtio disk; virtio-net throughput (16 MiB over HTTP from the Service VM) and ping round trips;
the blk read and net transfer again with --virtio_irqfd (irqfds instead of HC_INJECT_MSI).
Usage: python3 bench/linux_uvm.py [BUILD]   (after `make images all scenarios`)
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
if len(sys.argv) > 1:
    os.environ["CAIRN_BUILD"] = os.path.abspath(sys.argv[1])
import harness  # noqa: E402

BUILD = harness.BUILD
IMAGES = os.path.join(BUILD, "images")
TIMEOUT = 400
MIB = 64
UVM_ARGS = ("nokaslr mitigations=off tsc=reliable loglevel=4 panic=-1 no_ipi_broadcast=1")


def run_direct():
    """The User VM's kernel and initramfs booted by QEMU TCG itself: 2 CPUs, 256 MiB."""
    start = time.monotonic()
    m = harness.Machine("bench-uvm-direct", smp=2, mem="256M", cpu="qemu64",
                        kernel=os.path.join(IMAGES, "vmlinuz"),
                        append="console=ttyS0,115200 " + UVM_ARGS,
                        extra=["-initrd", os.path.join(IMAGES, "uvm-initramfs.cpio.gz")])
    try:
        m.wait_for(r"cairn-uvm: ready", TIMEOUT)
        return time.monotonic() - start
    finally:
        m.stop()


def timed(m, line, timeout=TIMEOUT):
    """Runs `line` in the guest shell; seconds it took by the guest's /proc/uptime."""
    found = m.shell(f"s=$(cut -d' ' -f1 /proc/uptime); {line}; e=$(cut -d' ' -f1 /proc/uptime); "
                    "echo bench-t $s $e", r"bench-t ([\d.]+) ([\d.]+)\s*$", timeout)
    return float(found.group(2)) - float(found.group(1))


def exits(m, vm):
    """The VM's exit count, from the hypervisor shell (console input then back to the Service VM)."""
    m.send("\x1d")
    total = int(m.command(f"stats {vm}", rf"cairn: exits of vm {vm}: total (\d+)", 30).group(1))
    m.command("console service", r"console input goes to vm service", 30)
    return total


def uvm_session(m, dm_args, results, key):
    start_text = len(m.text())
    t0 = time.monotonic()
    m.send(f"CAIRN_UVM_DM_ARGS='{dm_args}' CAIRN_UVM_DISK=/tmp/bench-uvm.img launch-uvm\r")
    m.wait_for(r"cairn-uvm: ready", TIMEOUT, since=start_text)
    results[f"{key} boot"] = time.monotonic() - t0
    m.wait_for(r"# ", 30, since=start_text)
    m.shell("echo bench-up", r"bench-up\s*$", 60)
    if key == "inject":
        e0 = exits(m, "uvm1")
        t = timed(m, f"dd if=/dev/zero of=/dev/vda bs=1M count={MIB} oflag=direct 2>/dev/null")
        e1 = exits(m, "uvm1")
        results["blk write"] = (MIB / t, (e1 - e0) / MIB)
    e0 = exits(m, "uvm1")
    t = timed(m, f"dd if=/dev/vda of=/dev/null bs=1M count={MIB} iflag=direct 2>/dev/null")
    e1 = exits(m, "uvm1")
    results[f"{key} blk read"] = (MIB / t, (e1 - e0) / MIB)
    t = timed(m, "wget -q -O /dev/null http://10.0.2.1:8080/blob")
    results[f"{key} net"] = 16 / t
    if key == "inject":
        rtt = m.shell("ping -c 20 -i 0.2 10.0.2.1 | tail -n 1",
                      r"round-trip min/avg/max = ([\d.]+)/([\d.]+)/([\d.]+) ms", 120)
        results["ping"] = tuple(float(g) for g in rtt.groups())
    off = len(m.text())
    m.send("poweroff\r")
    m.wait_for(r"cairn-dm: pCPU 1,2 back online", 120, since=off)
    m.wait_for(r"/ # ", 30, since=off)


def run_cairn(results):
    disk = os.path.join(BUILD, "bench", "svm-disk.img")
    os.makedirs(os.path.dirname(disk), exist_ok=True)
    subprocess.run(["truncate", "-s", "64M", disk], check=True)
    t0 = time.monotonic()
    m = harness.boot_scenario("service", name="bench-linux-uvm",
                              extra=["-drive", f"file={disk},if=virtio,format=raw"])
    try:
        m.wait_for(r"cairn-svm: ready", TIMEOUT)
        results["service boot"] = time.monotonic() - t0
        m.wait_for(r"/ # ", 30)
        # The Service VM reads QEMU's own virtio disk (the 64 MiB one).
        vd = m.shell("for d in /sys/block/vd*; do [ $(cat $d/size) = 131072 ] && echo bench-${d##*/}; "
                     "done", r"bench-(vd\w+)\s*$", 30).group(1)
        e0 = exits(m, "service")
        t = timed(m, f"dd if=/dev/{vd} of=/dev/null bs=1M count={MIB} iflag=direct 2>/dev/null")
        e1 = exits(m, "service")
        results["service blk read"] = (MIB / t, (e1 - e0) / MIB)
        m.shell("mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/blob bs=1M count=16 "
                "2>/dev/null && httpd -p 8080 -h /tmp/www && echo svm-served", r"svm-served\s*$",
                60)
        uvm_session(m, "", results, "inject")
        uvm_session(m, "--virtio_irqfd", results, "irqfd")
    finally:
        m.stop()


def main():
    results = {}
    direct = run_direct()
    run_cairn(results)
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"load {os.getloadavg()[0]:.1f}")
    print("| what | figure |\n|---|---|")
    print(f"| User VM boot to its shell, directly in QEMU TCG (2 CPUs, 256 MiB) | {direct:.1f} s |")
    print(f"| the same kernel as Service VM, QEMU start to `ready` | {results['service boot']:.1f} s |")
    print(f"| User VM under Cairn, `launch-uvm` to its shell (INJECT_MSI) | "
          f"{results['inject boot']:.1f} s |")
    print(f"| the same with --virtio_irqfd | {results['irqfd boot']:.1f} s |")
    for key, label in (("service blk read", "Service VM, QEMU's virtio-blk, read"),
                       ("blk write", "User VM, cairn-dm's virtio-blk, write (INJECT_MSI)"),
                       ("inject blk read", "User VM, cairn-dm's virtio-blk, read (INJECT_MSI)"),
                       ("irqfd blk read", "User VM, cairn-dm's virtio-blk, read (irqfd)")):
        rate, per_mib = results[key]
        print(f"| {label}, {MIB} MiB O_DIRECT | {rate:.1f} MiB/s, {per_mib:.0f} exits/MiB |")
    print(f"| virtio-net, 16 MiB Service VM -> User VM over HTTP (INJECT_MSI) | "
          f"{results['inject net']:.1f} MiB/s |")
    print(f"| the same with irqfd | {results['irqfd net']:.1f} MiB/s |")
    lo, avg, hi = results["ping"]
    print(f"| ping User VM -> Service VM, 20 round trips | min {lo} / avg {avg} / max {hi} ms |")


if __name__ == "__main__":
    main()
