# SPDX-License-Identifier: BSD-3-Clause
"""The HSM (hsm/, cairn_hsm.ko) in the real Debian Service VM: loaded at boot, /dev/acrn_hsm answers."""
import re

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

REMOVE_CPU = "/sys/devices/virtual/misc/acrn_hsm/remove_cpu"
# Before the hypervisor serves HC_CREATE_VM its answer is -ENOTTY; once it does, a VM is made.
# cairn-hsm-check asks for a pCPU the Service VM still runs on: the hypervisor's -EBUSY comes back
# unchanged (docs/hypercalls.md); a VM is created only where that pCPU was given back first.
CREATE_VM = r"cairn-hsm: create_vm: (hypervisor answered errno 16 |created vm \d+ with 1 vCPUs)"


def no_oops(m):
    """The kernel log has no oops, BUG or warning splat (the HSM never trusts its callers)."""
    m.shell("dmesg | grep -c -E 'Oops|BUG:|WARNING:|Call Trace' | sed 's/^/cairn-oops /'",
            r"^cairn-oops (\d+)\s*$")
    count = int(re.findall(r"^cairn-oops (\d+)\s*$", m.text(), re.M)[-1])
    check(count == 0, f"{count} oops/BUG/WARNING lines in dmesg")


@test("HSM: cairn_hsm.ko loads at boot; /dev/acrn_hsm answers bad and early ioctls with Linux's codes")
def hsm_ioctls():
    m = boot_scenario("service", name="hsm-ioctls")
    m.wait_for(r"cairn-svm: hsm loaded$", LINUX_BOOT)
    m.wait_for(r"cairn-svm: ready$", 60)
    m.wait_for(r"/ # ", 30)
    out_start = len(m.text())
    m.shell("cairn-hsm-check", r"cairn-hsm: done, \d+ failed", timeout=60)
    out = m.text()[out_start:]
    failed = re.findall(r"cairn-hsm: .*FAILED.*", out)
    check(not failed, "failed checks: " + "; ".join(failed))
    check(re.search(r"cairn-hsm: done, 0 failed", out), "cairn-hsm-check reported failures")
    check(re.search(CREATE_VM, out), "CREATE_VM did not pass the hypervisor's answer back")
    check(re.search(r"cairn-hsm: unknown ioctl 0xA27F: Inappropriate ioctl for device ok", out),
          "an unknown ioctl did not answer -ENOTTY")
    # debugfs shows the service device's state and the upcall count.
    m.shell("mount -t debugfs none /sys/kernel/debug; cat /sys/kernel/debug/cairn_hsm/summary",
            r"upcalls: \d+")
    no_oops(m)
    heartbeat_rises(m)


@test("HSM: remove_cpu refuses CPU 0 and garbage; a CPU the hypervisor refuses comes back online")
def hsm_remove_cpu():
    m = boot_scenario("service", name="hsm-remove-cpu")
    m.wait_for(r"cairn-svm: hsm loaded$", LINUX_BOOT)
    m.wait_for(r"cairn-svm: ready$", 60)
    m.wait_for(r"/ # ", 30)
    for value in ("0", "abc", "4096"):
        m.shell(f"echo {value} > {REMOVE_CPU}; echo cairn-rc-{value} $?",
                rf"^cairn-rc-{value} (\d+)\s*$")
        rc = int(re.findall(rf"^cairn-rc-{value} (\d+)\s*$", m.text(), re.M)[-1])
        check(rc != 0, f"remove_cpu accepted {value!r}")
    m.shell(f"echo 1 > {REMOVE_CPU}; echo cairn-rc-1 $?; nproc | sed 's/^/cairn-nproc /'",
            r"^cairn-nproc (\d+)\s*$", timeout=60)
    text = m.text()
    rc = int(re.findall(r"^cairn-rc-1 (\d+)\s*$", text, re.M)[-1])
    nproc = int(re.findall(r"^cairn-nproc (\d+)\s*$", text, re.M)[-1])
    if rc != 0:
        # HC_SERVICE_VM_OFFLINE_CPU refused (the hypervisor does not serve it yet): CPU 1 is back.
        check(nproc == 3, f"nproc {nproc} after a refused remove_cpu; want 3")
    else:
        check(nproc == 2, f"nproc {nproc} after remove_cpu 1; want 2")
    no_oops(m)
    heartbeat_rises(m)


@test("HSM live: blocked clients woken, hugetlbfs/memfd/anonymous memory pinned and unpinned, ioeventfd, irqfd and SET_IRQLINE on a running guest, state errors")
def hsm_live():
    m = boot_scenario("service", name="hsm-live")
    m.wait_for(r"cairn-svm: hsm loaded$", LINUX_BOOT)
    m.wait_for(r"cairn-svm: ready$", 60)
    m.wait_for(r"/ # ", 30)
    out_start = len(m.text())
    m.shell("cairn-hsm-live", r"cairn-hsm-live: done, \d+ checks, \d+ failed", timeout=180)
    out = m.text()[out_start:]
    failed = re.findall(r"cairn-hsm-live: .*: FAIL.*", out)
    check(not failed, "failed checks: " + "; ".join(failed))
    done = re.search(r"cairn-hsm-live: done, (\d+) checks, (\d+) failed", out)
    check(done.group(2) == "0", f"{done.group(2)} of {done.group(1)} checks failed")
    # Every section ran (a program that stopped early would report fewer checks).
    for line in ("destroy_vm wakes the attach", "destroy_ioreq_client wakes the attach",
                 "destroy_range_client wakes the fetch", "set_memseg hugetlbfs file",
                 "unset_memseg unpinned the file's page", "an irqfd write interrupts the guest",
                 "an irqfd assigned with a signal pending delivers it once",
                 "mmio write 0x22 signals the DATAMATCH ioeventfd", "the cleared read reads all-ones",
                 "the guest reads the vIOAPIC version", "set_high while high: none",
                 "level: set_low, none", "set_irqline op 0xFFFFFFFF",
                 "cpu2 back online"):
        check(f"cairn-hsm-live: {line}: ok" in out, f"no ok for {line!r}")
    m.shell("echo hsm-nproc=$(nproc)", r"hsm-nproc=3\s*$", 30)
    no_oops(m)
    heartbeat_rises(m)
