# SPDX-License-Identifier: BSD-3-Clause
"""cairn-dm in the real Service VM: its options, and the make-run command's hello User VM."""
import re
import time

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

SVM_PCPUS = 3
HELLO = "cairn-dm -m 16M --cpu_affinity 2 -E /usr/lib/cairn/guests/hello.elf -l com1,stdio hello1"


def run(m, line, timeout=60):
    """Runs a shell line; returns (its exit status, the output after it was typed)."""
    start = len(m.text())
    rc = int(m.shell(f"{line}; echo cairn-dm-rc=$?", r"cairn-dm-rc=(\d+)", timeout).group(1))
    return rc, m.text()[start:]


@test("cairn-dm: --help, bad options exit 2, hello1 prints through the I/O request path, pCPU 2 comes back")
def dm_in_the_service_vm():
    m = boot_scenario("service", name="dm")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    rc, out = run(m, "cairn-dm --help")
    check(rc == 0, f"--help exited {rc}")
    for option in ("--memsize", "--cpu_affinity", "--elf_file", "--lpc", "--bootargs",
                   "--ioreq_polling", "--testdev_clients", "--debugexit", "--pci_slot"):
        check(option in out, f"--help does not list {option}")
    rc, out = run(m, "cairn-dm --frobnicate hello1")
    check(rc == 2, f"an unknown option exited {rc}, not 2")
    check(re.search(r"^cairn-dm: unknown option '--frobnicate' \(see --help\)$", out, re.M),
          "no one-line error for an unknown option")
    rc, out = run(m, "cairn-dm -m 16M --cpu_affinity 2 -E /nonexistent.elf hello1")
    check(rc == 1 and "cairn-dm: " in out, f"a missing image exited {rc}")
    rc, out = run(m, "ls /usr/lib/cairn/guests")
    check(all(g in out for g in ("hello.elf", "heartbeat.elf", "iotest.elf")),
          "the test guests are not in /usr/lib/cairn/guests")

    # cairn-dm's RAM comes from 2 MiB hugetlb pages it reserves itself: the kernel must have them.
    huge = "/sys/kernel/mm/hugepages/hugepages-2048kB"
    m.shell(f"echo 8 > {huge}/nr_hugepages; echo cairn-dm-huge=$(cat {huge}/free_hugepages); "
            f"echo 0 > {huge}/nr_hugepages", r"cairn-dm-huge=8\s*$", 30)

    # The make-run command: the hello guest's lines travel as I/O requests to cairn-dm's COM1.
    rc, out = run(m, HELLO, timeout=120)
    check("hello: done" in out, "the hello guest did not finish")
    check(rc == 0, f"hello1 ran but cairn-dm exited {rc}")
    check(re.search(r"^hello from hello1: vCPU 0 on APIC ID 2$", out, re.M), "no hello line")
    check("cairn-dm: vm hello1: ending: the guest powered off" in out, "no power-off line")
    check("cairn-dm: pCPU 2 back online in the Service VM" in out, "pCPU 2 not back")
    check(re.search(r"^cairn: io requests of vm hello1: pio \d+ mmio 0 notified \d+ polled 0",
                    out, re.M), "no I/O request counts for hello1 in the hypervisor's log")
    m.shell("echo cairn-dm-nproc=$(nproc) cpu2=$(cat /sys/devices/system/cpu/cpu2/online)",
            rf"cairn-dm-nproc={SVM_PCPUS} cpu2=1", 30)
    heartbeat_rises(m)
    check("FATAL" not in m.text() and "vm service fault" not in m.text(), "a fault was reported")


HB = ("cairn-dm -m 16M --cpu_affinity 2 -B period_ms=500 "
      "-E /usr/lib/cairn/guests/heartbeat.elf -l com1,stdio hb1 </dev/null &")


def ctl(m, args, timeout=30):
    """Runs cairnctl; returns (its exit status, the output after it was typed)."""
    return run(m, f"cairnctl {args}", timeout)


def beats_after(m, mark, timeout=20):
    """The hb1 User VM prints a beat after offset mark; returns its number."""
    return int(m.wait_for(r"^heartbeat hb1 (\d+)$", timeout, since=mark).group(1))


@test("cairnctl: list, pause, resume, reset and stop a running User VM; a second VM of the same name is refused")
def cairnctl_verbs():
    m = boot_scenario("service", name="cairnctl")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    m.shell(HB, r"^heartbeat hb1 2$", 60)

    rc, out = ctl(m, "list")
    check(rc == 0 and re.search(r"^hb1\s+running\s+\d+\s+2\s+16\s+\d+\s*$", out, re.M),
          f"cairnctl list does not show hb1 running on pCPU 2 with 16 MiB: {out!r}")
    rc, out = run(m, "cairn-dm -m 16M --cpu_affinity 1 -E /usr/lib/cairn/guests/hello.elf hb1")
    check(rc == 1 and "cairn-dm: a VM named hb1 already runs" in out,
          f"a second hb1 was not refused (exit {rc})")
    check(int(m.shell("cat /sys/devices/system/cpu/cpu1/online", r"^([01])\s*$").group(1)) == 1,
          "the refused cairn-dm took pCPU 1 offline")

    rc, out = ctl(m, "pause hb1")
    check(rc == 0 and "hb1: paused" in out, f"pause: exit {rc}")
    time.sleep(1.5)
    mark = len(m.text())
    time.sleep(2)
    check(not re.search(r"^heartbeat hb1 \d+$", m.text()[mark:], re.M), "hb1 beats while paused")
    rc, out = ctl(m, "pause hb1")
    check(rc == 1 and "already" in out, f"pausing twice: exit {rc}")
    mark = len(m.text())
    rc, out = ctl(m, "resume hb1")
    check(rc == 0 and "hb1: running" in out, f"resume: exit {rc}")
    before = beats_after(m, mark)
    check(before > 2, f"hb1 started again from {before} on resume")

    mark = len(m.text())
    rc, out = ctl(m, "reset hb1")
    check(rc == 0 and "hb1: running" in out, f"reset: exit {rc}")
    m.wait_for(r"heartbeat hb1: vCPU 0 on APIC ID 2$", 20, since=mark)  # may end a cut line
    m.wait_for(r"^heartbeat hb1 1$", 20, since=mark)

    mark = len(m.text())
    rc, out = ctl(m, "stop hb1")
    check(rc == 0 and "hb1: stopping" in out, f"stop: exit {rc}")
    m.wait_for(r"cairn-dm: vm hb1: ending: cairnctl stop", 30, since=mark)
    m.wait_for(r"cairn-dm: pCPU 2 back online in the Service VM", 30, since=mark)
    rc, out = ctl(m, "status hb1")
    check(rc == 1 and "cairnctl: hb1: no such VM" in out, f"status of a stopped VM: exit {rc}")
    rc, out = ctl(m, "frobnicate hb1")
    check(rc == 2, f"an unknown verb exited {rc}, not 2")
    rc, out = ctl(m, "list")
    check(rc == 0 and "(no User VMs)" in out, "cairnctl list still shows a VM")
    heartbeat_rises(m)
    check("FATAL" not in m.text() and "vm service fault" not in m.text(), "a fault was reported")


VT = ("cairn-dm -m 16M --cpu_affinity 2 -E /usr/lib/cairn/guests/virtiotest.elf -l com1,stdio "
      "-s 0:0,hostbridge -s 3,virtio-blk,/tmp/d.img{ro} -s 4,virtio-rnd vt1")


@test("cairn-dm virtio: virtio-rng and virtio-blk (read, write, flush, ro, past the end) over PCI for a polled guest driver; a descriptor loop gets a device reset")
def dm_virtio_devices():
    m = boot_scenario("service", name="dm-virtio")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    m.shell("mkdir -p /tmp; dd if=/dev/zero of=/tmp/d.img bs=1k count=64 2>/dev/null",
            r"/ # ", 30)
    m.shell("printf CAIRN-DISK-SECT0 | dd of=/tmp/d.img conv=notrunc 2>/dev/null; echo made",
            r"^made\s*$", 30)

    rc, out = run(m, VT.format(ro=""), timeout=120)
    check(rc == 0, f"cairn-dm exited {rc}")
    for line in ("virtiotest: rng ok", "virtiotest: rng descriptor loop: device needs reset",
                 "virtiotest: rng after reset ok", "virtiotest: blk capacity 128 sectors",
                 "virtiotest: blk read sector 0: status 0: CAIRN-DISK-SECT0",
                 "virtiotest: blk write 0 flush 0 read back 0: ok",
                 "virtiotest: blk read past the end: IOERR", "virtiotest: done"):
        check(re.search(rf"^{re.escape(line)}\s*$", out, re.M), f"no '{line}'")
    check("FAILED" not in out, "a virtiotest step failed")
    # Queue notifications went through the HSM's ioeventfds, none fell back to a request.
    check(re.search(r"^cairn-dm: virtio-blk at 3:0: [1-9]\d* queue services, 0 ioeventfds refused",
                    out, re.M), "virtio-blk's notifications did not all go through ioeventfds")
    check(re.search(r"^cairn-dm: virtio-rnd at 4:0: [1-9]\d* queue services, 0 ioeventfds "
                    r"refused \(last 0\), 1 resets needed", out, re.M),
          "virtio-rnd did not count the one reset the loop needed")
    # The guest's write is in the image file.
    m.shell("dd if=/tmp/d.img bs=512 skip=1 count=1 2>/dev/null | head -c 19; echo",
            r"^virtiotest-sector-1\s*$", 30)

    # Read-only: the write is refused and the file does not change.
    m.shell("sha256sum /tmp/d.img > /tmp/d.sum; echo summed", r"^summed\s*$", 30)
    rc, out = run(m, VT.format(ro=",ro"), timeout=120)
    check(rc == 0, f"cairn-dm (ro) exited {rc}")
    check(re.search(r"^virtiotest: blk capacity 128 sectors, read-only\s*$", out, re.M),
          "the disk is not offered read-only")
    check(re.search(r"^virtiotest: blk write on read-only: IOERR\s*$", out, re.M),
          "a write to the read-only disk was not refused")
    m.shell("sha256sum -c /tmp/d.sum", r"^/tmp/d.img: OK\s*$", 30)

    # A missing image: one line, exit 1, nothing started.
    rc, out = run(m, VT.format(ro="").replace("/tmp/d.img", "/tmp/none.img"))
    check(rc == 1 and "/tmp/none.img" in out, f"a missing image exited {rc}")
    m.shell("echo vt-nproc=$(nproc)", rf"vt-nproc={SVM_PCPUS}\s*$", 30)
    heartbeat_rises(m)
    check("FATAL" not in m.text() and "vm service fault" not in m.text(), "a fault was reported")
