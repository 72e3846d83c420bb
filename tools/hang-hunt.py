#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Boots the default scenario again and again to catch the known rare hang (docs/testing.md).

Each round waits for the Service VM's shell and runs one command; a round that times out prints
QEMU's view of every CPU (twice, 2 s apart), the hypervisor shell's dump, and keeps the serial
log as hang-<tag>-<round>.log in the current directory. Not a test: a tool for the hunt.
Usage: CAIRN_BUILD=<a copy of build/> python3 tools/hang-hunt.py <tag> <rounds>
(a copy, so that a rebuild cannot change the files a round is booting from).
"""
import os
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402


def main():
    tag, rounds = sys.argv[1], int(sys.argv[2])
    for i in range(rounds):
        m = harness.boot_scenario("service", name=f"hunt-{tag}")
        try:
            m.wait_for(r"cairn-svm: ready$", 90)
            m.wait_for(r"/ # ", 20)
            m.shell("echo hunt-ok", r"hunt-ok\s*$", 60)
            print(f"{tag} {i}: ok", flush=True)
        except harness.TestFailure as e:
            print(f"{tag} {i}: HANG {e}", flush=True)
            print("\n".join(harness._cpu_dump(m)), flush=True)
            time.sleep(2)
            print("\n".join(harness._cpu_dump(m)), flush=True)
            harness._dump_state(m)
            print("\n".join(getattr(m, "diagnostics", [])), flush=True)
            shutil.copy(m.log_path, f"hang-{tag}-{i}.log")
        finally:
            m.stop()


if __name__ == "__main__":
    main()
