# SPDX-License-Identifier: BSD-3-Clause
"""A stock Debian Linux User VM (docs/user-vms.md, "Linux User VMs"): the Service VM's own kernel
booted by cairn-dm (bzImage, boot_params, ACPI, startup_32) on two pCPUs the Service VM gives up,
with launch-uvm's devices: its shell on virtio-console, a virtio-blk disk, virtio-net to the
Service VM's tap, virtio-rng; kvmclock; `reboot` boots it again; ACPI S5 power-off gives the pCPUs
back."""
from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

UVM_BOOT = 300  # the User VM: the same kernel, its devices through I/O requests
SVM_PCPUS = 3
BLOB_MIB = 16


def service_vm(name):
    m = boot_scenario("service", name=name)
    m.wait_for(r"cairn-svm: hsm loaded$", LINUX_BOOT)
    m.wait_for(r"cairn-svm: ready$", 60)
    m.wait_for(r"/ # ", 30)
    return m


def uvm_ready(m, since):
    ready = m.wait_for(r"cairn-uvm: ready: (\d+) CPUs, clocksource (\S+)", UVM_BOOT, since=since)
    m.wait_for(r"# ", 30, since=ready.end())
    return ready


@test("Linux User VM: launch-uvm boots Debian on 2 vCPUs with virtio console, disk, net and rng; "
      "a file on its disk survives reboot; ping and 16 MiB over virtio-net; poweroff gives the "
      "pCPUs back")
def linux_user_vm_with_virtio():
    m = service_vm("linux-user-vm")
    # A 16 MiB file the User VM fetches from the Service VM over virtio-net, and its checksum.
    m.shell(f"mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/blob bs=1M count={BLOB_MIB} "
            "2>/dev/null && httpd -p 8080 -h /tmp/www && echo svm-served", r"svm-served\s*$", 60)
    blob_sum = m.shell("sha256sum /tmp/www/blob", r"^([0-9a-f]{64})  /tmp/www/blob", 60).group(1)
    start = len(m.text())
    m.send("launch-uvm; echo uvm-rc=$?\r")
    m.wait_for(r"^launch-uvm: cairn-dm -m 256M --cpu_affinity 1,2 -k \S+/vmlinuz -r \S+ "
               r"-s 0:0,hostbridge -s 3,virtio-rnd -s 4,virtio-blk,/var/lib/cairn/uvm1\.img "
               r"-s 5,virtio-net,tap=tap0 -s 6,virtio-console,@stdio:stdio_port "
               r"-B \"console=hvc0 ", 30, since=start)
    ready = uvm_ready(m, start)
    check(ready.group(1) == "2", f"the User VM runs on {ready.group(1)} CPUs, not 2")
    check(ready.group(2) == "kvm-clock", f"the User VM's clocksource is {ready.group(2)}")
    check("init: modprobe failed" not in m.text()[start:], "a module did not load in the User VM")
    # Typed into the User VM's shell through cairn-dm's stdin and its virtio-console: hvc0.
    m.shell("echo uvm-nproc=$(nproc) tty=$(cat /sys/class/tty/console/active)",
            r"uvm-nproc=2 tty=hvc0\s*$", 60)
    # Pasted text: a 300-character line in one burst reaches the shell whole (dm/input.c).
    pasted = "".join(f"{i:03d}" for i in range(100))
    off = len(m.text())
    m.send(f"echo pasted-{pasted} | wc -c\r", pace=0)
    m.wait_for(rf"^{len(pasted) + 8}\s*$", 60, since=off)
    m.shell("echo uvm-pci=$(ls /sys/bus/pci/devices | tr '\\n' ' ')",
            r"uvm-pci=0000:00:00\.0 0000:00:03\.0 0000:00:04\.0 0000:00:05\.0 0000:00:06\.0", 60)
    m.shell("echo uvm-msix=$(grep -c PCI-MSI /proc/interrupts)", r"uvm-msix=([5-9]|\d\d)\s*$", 60)
    m.shell("head -c 32 /dev/hwrng | od -An -tx1 | tr -d ' \\n'; echo ' uvm-rng'",
            r"^[0-9a-f]{64} uvm-rng\s*$", 60)
    # virtio-blk: a file system on the image, a file written and synced.
    m.shell("mke2fs -q /dev/vda && mount -t ext4 /dev/vda /mnt && "
            "echo cairn-disk-marker-4242 > /mnt/note && sync && umount /mnt && echo uvm-written",
            r"uvm-written\s*$", 120)
    # virtio-net: ping the Service VM, then the 16 MiB file with its checksum.
    m.shell("ping -c 3 -W 5 10.0.2.1 | grep -c 'bytes from'; echo uvm-pinged",
            r"^3\s+uvm-pinged\s*$", 60)
    got = m.shell("wget -q -O - http://10.0.2.1:8080/blob | sha256sum",
                  r"^([0-9a-f]{64})  -\s*$", 300).group(1)
    check(got == blob_sum, f"the User VM received {got}, the Service VM sent {blob_sum}")
    # `reboot`: cairn-dm resets the VM (reset control 0xCF9) and it boots again; the file is there.
    off = len(m.text())
    m.send("reboot\r")
    m.wait_for(r"cairn-dm: vm uvm1: the guest reset itself: booting it again", 120, since=off)
    uvm_ready(m, off)
    m.shell("mount -t ext4 /dev/vda /mnt && cat /mnt/note && umount /mnt",
            r"^cairn-disk-marker-4242\s*$", 120)
    off = len(m.text())
    m.send("poweroff\r")
    m.wait_for(r"cairn-dm: vm uvm1: ending: the guest powered off", 120, since=off)
    m.wait_for(r"cairn-dm: pCPU 1,2 back online in the Service VM", 60, since=off)
    m.wait_for(r"uvm-rc=0", 30, since=off)
    m.shell("echo svm-nproc=$(nproc)", rf"svm-nproc={SVM_PCPUS}", 30)
    # The data is in the image file on the Service VM's side.
    m.shell("grep -c cairn-disk-marker-4242 /var/lib/cairn/uvm1.img", r"^1\s*$", 30)
    heartbeat_rises(m)
    out = m.text()[start:]
    check("not ok" not in out and "vm service fault" not in out, "a fault was reported")


# In the background (stdin not the console's, or the shell stops it for tty input), no disk or
# network: two Linux User VMs side by side, one vCPU each.
BACKGROUND = ("(CAIRN_UVM_CPUS={cpu} CAIRN_UVM_MEM=128M CAIRN_UVM_DISK= CAIRN_UVM_TAP= "
              "CAIRN_UVM_ARGS=cairn_uvm={what} CAIRN_UVM_DM_ARGS='{dm}' launch-uvm {name} "
              "</dev/null >/tmp/{name}.out 2>&1; echo {name}-rc=$? >>/tmp/{name}.out) &")
HUGE = "/sys/kernel/mm/hugepages/hugepages-2048kB"


def dm_pid(m, name):
    """The pid of the cairn-dm running VM `name`, as cairnctl reports it."""
    return m.shell(f"cairnctl status {name}", rf"^{name}: {name} \w+ vmid \d+ .* pid (\d+)",
                   30).group(1)


def file_has(m, path, pattern, timeout):
    """Waits until the Service VM's file `path` has a line matching the grep -E `pattern`."""
    m.shell(f"for i in $(seq {timeout}); do grep -qE '{pattern}' {path} && break; sleep 1; done; "
            f"grep -cE '{pattern}' {path}; echo uvm-grep", r"^[1-9]\d*\s+uvm-grep\s*$",
            timeout + 30)


@test("Linux User VMs: two at once; a panic ends one (--crash_policy exit) or restarts it "
      "(restart) while the other keeps running; SIGKILL and SIGTERM of cairn-dm leave no VM, "
      "pinned memory or offline pCPU")
def two_linux_user_vms_and_a_panic():
    m = service_vm("linux-user-vms")
    m.shell(BACKGROUND.format(cpu=1, what="beat", dm="", name="uva"), r"/ # ", 30)
    # The second panics as soon as it is up; with --crash_policy exit its cairn-dm ends (status 1).
    m.shell(BACKGROUND.format(cpu=2, what="panic", dm="--crash_policy exit", name="ubx"),
            r"/ # ", 30)
    file_has(m, "/tmp/ubx.out", "cairn-dm: vm ubx: the guest panicked \\(pvpanic\\)$", UVM_BOOT)
    file_has(m, "/tmp/ubx.out", "^ubx-rc=1$", 60)
    file_has(m, "/tmp/ubx.out", "ending: the guest crashed \\(--crash_policy exit\\)", 10)
    file_has(m, "/tmp/ubx.out", "pCPU 2 back online in the Service VM", 10)
    # Again with --crash_policy restart: it boots again after its panic, and panics again.
    m.shell(BACKGROUND.format(cpu=2, what="panic", dm="--crash_policy restart", name="ubr"),
            r"/ # ", 30)
    file_has(m, "/tmp/ubr.out", "vm ubr: the guest panicked \\(pvpanic\\): restarting it", UVM_BOOT)
    m.shell("grep -c 'cairn-uvm: panicking' /tmp/ubr.out; echo uvm-first", r"/ # ", 30)
    file_has(m, "/tmp/ubr.out", "cairn-uvm: ready: 1 CPUs", 10)
    m.shell("for i in $(seq 200); do [ $(grep -c 'cairn-uvm: panicking' /tmp/ubr.out) -ge 2 ] "
            "&& break; sleep 1; done; grep -c 'cairn-uvm: panicking' /tmp/ubr.out",
            r"^([2-9])\s*$", UVM_BOOT)
    # The first User VM beat all along, and beats still.
    file_has(m, "/tmp/uva.out", "cairn-uvm: beat [0-9]+", 10)
    beats = int(m.shell("grep -c 'cairn-uvm: beat' /tmp/uva.out", r"^(\d+)\s*$", 30).group(1))
    m.shell("sleep 6; grep -c 'cairn-uvm: beat' /tmp/uva.out", rf"^(?!{beats}\s)(\d+)\s*$", 30)
    heartbeat_rises(m)
    # SIGKILL: the HSM destroys the VM and brings its pCPU back online itself.
    pid = dm_pid(m, "ubr")
    m.shell(f"kill -9 {pid}; c=/sys/devices/system/cpu/cpu2/online; for i in $(seq 20); do "
            "[ $(cat $c) = 1 ] && break; sleep 0.5; done; echo uvm-online=$(cat $c)",
            r"uvm-online=1\s*$", 60)
    # SIGTERM: cairn-dm ends the VM in order and gives pCPU 1 back.
    pid = dm_pid(m, "uva")
    m.shell(f"kill -TERM {pid}; for i in $(seq 60); do grep -q 'back online' /tmp/uva.out && "
            "break; sleep 0.5; done; echo uvm-termed", r"uvm-termed\s*$", 60)
    file_has(m, "/tmp/uva.out", "cairn-dm: vm uva: ending: a signal", 10)
    file_has(m, "/tmp/uva.out", "cairn-dm: pCPU 1 back online in the Service VM", 10)
    m.shell("echo svm-nproc=$(nproc) huge=$(cat " + HUGE + "/free_hugepages)/$(cat " + HUGE +
            "/nr_hugepages)", rf"svm-nproc={SVM_PCPUS} huge=(\d+)/\1\s*$", 30)
    # The killed one's control socket is left behind; cairnctl skips it.
    m.shell("cairnctl list", r"^\(no User VMs\)\s*$", 30)
    heartbeat_rises(m)
    check("vm service fault" not in m.text(), "the Service VM faulted")


UVM_DIR = "/usr/lib/cairn/uvm"
IOLOOP_ARGS = ("console=ttyS0,115200 8250.nr_uarts=1 nokaslr mitigations=off tsc=reliable "
               "loglevel=4 panic=-1 no_ipi_broadcast=1 cairn_uvm=ioloop:{threads}:{rounds}")


def ioloop_command(name, cpus, threads, rounds, dm_args=""):
    """cairn-dm running a Linux User VM whose /init runs cairn-ioloop, then powers off."""
    args = IOLOOP_ARGS.format(threads=threads, rounds=rounds)
    return (f"cairn-dm -m 128M --cpu_affinity {cpus} --testdev {dm_args} -s 0:0,hostbridge "
            f"-l com1,stdio -k {UVM_DIR}/vmlinuz -r {UVM_DIR}/initramfs.cpio.gz "
            f"-B '{args}' {name}")


@test("Linux User VM: its 2 vCPUs issue I/O requests at once, each from its own slot: 2 x 2,000 "
      "reads of the test device, every answer right; the VM powers off and its pCPUs come back")
def linux_user_vm_concurrent_requests():
    m = service_vm("linux-user-vm-ioloop")
    start = len(m.text())
    m.send(ioloop_command("uvio", "1,2", 2, 2000) + "\r")
    threads = [m.wait_for(rf"cairn-ioloop: thread {i} cpu {i}: (\d+) reads, (\d+) wrong",
                          UVM_BOOT, since=start) for i in (0, 1)]
    for i, t in enumerate(threads):
        check(t.group(1) == "2000" and t.group(2) == "0",
              f"thread {i}: {t.group(1)} reads, {t.group(2)} wrong")
    summary = m.wait_for(r"cairn-ioloop: 2 threads, (\d+) reads, (\d+) wrong", 30, since=start)
    check(summary.group(1) == "4000" and summary.group(2) == "0", summary.group(0))
    m.wait_for(r"cairn-uvm: ioloop rc=0", 30, since=start)
    # The hypervisor counted every read as a port request of this VM when it stopped.
    pio = m.wait_for(r"cairn: io requests of vm uvio: pio (\d+)", 120, since=start)
    check(int(pio.group(1)) >= 4000, f"only {pio.group(1)} port requests")
    m.wait_for(r"cairn-dm: pCPU 1,2 back online in the Service VM", 60, since=start)
    heartbeat_rises(m)
    check("vm service fault" not in m.text(), "the Service VM faulted")
