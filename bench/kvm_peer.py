#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""KVM peer: Cairn's Service VM or User VM image booted as a KVM guest (L2) inside QEMU TCG, with KVM's exit counters.

The L1 machine (bench/kvm-l1-initramfs.sh) is the same Debian kernel under QEMU TCG with nested
SVM; its /init loads kvm_amd and boots L2 with Debian's qemu-system-x86_64 -accel kvm on the
command line and devices Cairn gives the same VM, reads KVM's debugfs counters when L2 prints its
ready line, runs the given commands in L2's shell, reads them again and powers off.

    from kvm_peer import boot_kvm_guest
    r = boot_kvm_guest("service", pv_ipi=True, l2_commands=["cat /proc/interrupts"])
    r["ready"]["exits"], r["commands"], r["console"], r["wall"]

Usage: python3 bench/kvm_peer.py [--image service|uvm] [--pv-ipi on|off] [--l1-smp N] [BUILD]
prints KVM's exits at L2's ready line by reason.
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402

TIMEOUT = 900  # L1's boot, L2's boot under nested KVM in TCG, the commands
L1_SMP = 4     # L2's 3 vCPUs, plus one for L1's QEMU main loop and its console reader
L1_MEM = "3G"
L1_ARGS = "console=ttyS0,115200 nokaslr mitigations=off tsc=reliable loglevel=4 panic=-1"
STAT = re.compile(r"^kvm-peer: stat (\S+) (-?\d+)\s*$", re.M)

# KVM's exit reasons as its debugfs names them (arch/x86/kvm/x86.c), the ones an exit table shows;
# "exits" is their total and more: every VM exit of every vCPU, however it was handled.
REASONS = ["io_exits", "mmio_exits", "irq_exits", "halt_exits", "nmi_window_exits",
           "irq_window_exits", "request_irq_exits", "signal_exits", "hypercalls",
           "insn_emulation", "irq_injections", "nmi_injections", "host_state_reload",
           "fpu_reload", "pf_taken", "pf_fixed", "pf_emulate", "tlb_flush",
           "invlpg", "l1d_flush", "halt_wakeup", "directed_yield_successful",
           "req_event", "preemption_reported"]


def l1_image(image, l2_script=None):
    """Builds (when older than its inputs) and returns BUILD/bench/kvm-l1-IMAGE.cpio.gz."""
    build = harness.BUILD
    suffix = "-script" if l2_script else ""
    out = os.path.join(build, "bench", f"kvm-l1-{image}{suffix}.cpio.gz")
    initrd = "initramfs.cpio.gz" if image == "service" else "uvm-initramfs.cpio.gz"
    inputs = [os.path.join(build, "images", f) for f in ("vmlinuz", initrd)]
    inputs += [os.path.join(ROOT, "bench", f) for f in
               ("kvm-l1-initramfs.sh", "kvm-initramfs-common.sh")]
    inputs += [os.path.join(ROOT, "configs", "service.scn"),
               os.path.join(ROOT, "guests", "user-vm", "launch-uvm")]
    if l2_script:
        inputs.append(l2_script)
    if (l2_script or not os.path.exists(out)
            or os.path.getmtime(out) < max(os.path.getmtime(p) for p in inputs)):
        cmd = [os.path.join(ROOT, "bench", "kvm-l1-initramfs.sh"), build, "--image", image,
               "--out", out]
        if l2_script:
            cmd += ["--l2-script", l2_script]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return out


def parse_stats(text, label):
    """{name: value} of the `kvm-peer: stats LABEL` block in L1's console text (None if absent)."""
    found = re.search(rf"^kvm-peer: stats {label} at [\d.]+\n(.*?)^kvm-peer: stats end {label}",
                      text, re.M | re.S)
    if not found:
        return None
    return {name: int(value) for name, value in STAT.findall(found.group(1))}


def boot_kvm_guest(image="service", pv_ipi=True, l2_commands=(), smp=None, mem=None,
                   l1_smp=L1_SMP, l1_mem=L1_MEM, extra_qemu="", timeout=TIMEOUT, name=None,
                   l2_script=None, cpu="qemu64,+svm,+npt"):
    """Boots L1, which boots IMAGE ("service": initramfs.cpio.gz, 3 vCPUs, 933M; "uvm":
    uvm-initramfs.cpio.gz, 2 vCPUs, 256M, launch-uvm's devices) under KVM with
    -cpu host,kvm-pv-ipi=on|off and runs `l2_commands` in its shell after its ready line.
    Returns {"ready": counters at the ready line, "firmware": counters when SeaBIOS boots the
    kernel (its "Booting from ROM" line on the debug port), "commands": counters after the commands (or
    None), "after": counters after each of `l2_commands` (None where missing), "console": L2's console text, "l1_console": L1's whole serial text, "wall": {seconds
    from L1's QEMU start to: "l1_init", "l2_start", "l2_ready", "done"}, "l1_uptime": L1's
    /proc/uptime at "l2_start", "l2_ready"}. `cpu`: L1's QEMU CPU model (L2's `-cpu host` is a copy
    of it). Counter names: the aggregate debugfs files
    (`exits`, `io_exits`, ...); `vm/NAME` the VM's directory; `vm/vcpuN/NAME` a vCPU's."""
    script = l2_script
    if l2_commands:
        script = os.path.join(harness.BUILD, "bench", f"kvm-peer-{image}-commands.sh")
        os.makedirs(os.path.dirname(script), exist_ok=True)
        with open(script, "w") as f:
            f.write("".join(c + "\n" for c in l2_commands))
    initrd = l1_image(image, script)
    append = f"{L1_ARGS} kvm_peer.pv_ipi={'on' if pv_ipi else 'off'} kvm_peer.timeout={timeout}"
    if smp:
        append += f" kvm_peer.smp={smp}"
    if mem:
        append += f" kvm_peer.mem={mem}"
    if extra_qemu:
        append += f' kvm_peer.qemu="{extra_qemu}"'
    name = name or f"bench-kvm-peer-{image}"
    start = time.monotonic()
    wall = {}
    m = harness.Machine(name, smp=l1_smp, mem=l1_mem, cpu=cpu,
                        kernel=os.path.join(harness.BUILD, "images", "vmlinuz"), append=append,
                        extra=["-initrd", initrd])
    try:
        for key, pattern in (("l1_init", r"^kvm-peer: init started"),
                             ("l2_start", r"^kvm-peer: l2 starting at"),
                             ("l2_ready", r"^kvm-peer: stats end ready|^kvm-peer: FAILED.*"),
                             ("done", r"^kvm-peer: done at")):
            found = m.wait_for(pattern, timeout)
            if "FAILED" in found.group(0):
                raise harness.TestFailure(found.group(0))
            wall[key] = time.monotonic() - start
        m.proc.wait(timeout=60)
    finally:
        m.stop()
    text = m.text()
    uptime = {k: float(v) for k, v in re.findall(r"^kvm-peer: (l2 starting|stats ready) at ([\d.]+)",
                                                   text, re.M)}
    return {"ready": parse_stats(text, "ready"), "commands": parse_stats(text, "commands"),
            "firmware": parse_stats(text, "firmware"),
            "after": [parse_stats(text, f"command{i + 1}") for i in range(len(l2_commands))],
            "console": "".join(line[4:] + "\n" for line in text.splitlines()
                               if line.startswith("l2| ")),
            "l1_console": text, "wall": wall,
            "l1_uptime": {"l2_start": uptime.get("l2 starting"), "l2_ready": uptime.get("stats ready")},
            "log": m.log_path}


def reasons(counters):
    """The exit table's rows: (name, value) of REASONS present, biggest first, then `exits`."""
    rows = [(r, counters[r]) for r in REASONS if r in counters]
    return sorted(rows, key=lambda kv: -kv[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", nargs="?")
    parser.add_argument("--image", choices=["service", "uvm"], default="service")
    parser.add_argument("--pv-ipi", choices=["on", "off"], default="on")
    parser.add_argument("--l1-smp", type=int, default=L1_SMP)
    parser.add_argument("--smp", type=int)
    parser.add_argument("--command", action="append", default=[],
                        help="a command for L2's shell after its ready line (repeatable)")
    args = parser.parse_args()
    if args.build:
        harness.BUILD = os.path.abspath(args.build)
    r = boot_kvm_guest(args.image, args.pv_ipi == "on", args.command, smp=args.smp,
                       l1_smp=args.l1_smp)
    ready = r["ready"]
    w = r["wall"]
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: KVM L2 {args.image}, "
          f"kvm-pv-ipi={args.pv_ipi}, L1 -smp {args.l1_smp}; log {r['log']}")
    print(f"wall: L1 init {w['l1_init']:.0f} s, L2 start {w['l2_start']:.0f} s, "
          f"L2 ready {w['l2_ready']:.0f} s (L2 boot {w['l2_ready'] - w['l2_start']:.0f} s), "
          f"done {w['done']:.0f} s")
    fw = r["firmware"] or {}
    print(f"KVM exits at L2's ready line: {ready['exits']} (firmware, to SeaBIOS's \"Booting "
          f"from ROM\": {fw.get('exits')})")
    for name, value in reasons(ready):
        print(f"  {name:26} {value}")
    if r["commands"]:
        c = r["commands"]
        print(f"after the commands: exits {c['exits']} (+{c['exits'] - ready['exits']})")
        for name, value in reasons(c):
            print(f"  {name:26} {value} (+{value - ready.get(name, 0)})")


if __name__ == "__main__":
    main()
