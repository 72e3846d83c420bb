# SPDX-License-Identifier: BSD-3-Clause
"""Boot tests: the hypervisor image comes up in QEMU TCG with every pCPU online, by -kernel and GRUB."""
import os

from harness import LINUX_BOOT, BUILD, boot, check, test

ELF = os.path.join(BUILD, "cairn.elf")
ISO = os.path.join(BUILD, "cairn.iso")
BOOT_TIMEOUT = 60
ONLINE = r"cairn: pCPUs online: (\d+) of (\d+) \(APIC IDs([ \d]*)\)"
MEMORY = r"cairn: memory: (\d+) MiB usable RAM, (\d+) MiB free"


def expect_online(machine, count):
    m = machine.wait_for(ONLINE, BOOT_TIMEOUT)
    check(int(m.group(1)) == count and int(m.group(2)) == count,
          f"expected {count} of {count} pCPUs online, got: {m.group(0)}")
    apic_ids = [int(x) for x in m.group(3).split()]
    check(sorted(apic_ids) == list(range(count)), f"unexpected APIC IDs {apic_ids}")
    machine.wait_for(r"cairn: ready", 10)
    check("FATAL" not in machine.text(), "an exception was reported")


def expect_memory(machine, low_mib, high_mib):
    m = machine.wait_for(MEMORY, BOOT_TIMEOUT)
    usable, free = int(m.group(1)), int(m.group(2))
    check(low_mib <= usable <= high_mib, f"usable RAM {usable} MiB not in [{low_mib}, {high_mib}]")
    check(0 < free < usable, f"free RAM {free} MiB should be below usable {usable} MiB")


for n in (1, 2, 4):
    def boot_smp(n=n):
        m = boot(f"boot-smp{n}", smp=n, kernel=ELF)
        expect_online(m, n)
    test(f"boot with -smp {n}: {n} pCPUs online, SVM enabled on each")(boot_smp)


@test("boot with 256 MiB: memory map and totals")
def boot_small_memory():
    m = boot("boot-mem256", smp=2, mem="256M", kernel=ELF)
    expect_memory(m, 250, 256)
    expect_online(m, 2)


@test("boot with 5 GiB: RAM above 4 GiB mapped and counted")
def boot_large_memory():
    m = boot("boot-mem5g", smp=2, mem="5G", kernel=ELF)
    m.wait_for(r"cairn: memory 0000000100000000-00000001bfffffff usable", BOOT_TIMEOUT)
    expect_memory(m, 5000, 5120)
    expect_online(m, 2)


@test("boot from the GRUB rescue ISO (multiboot 2): modules, Service VM and partition")
def boot_grub_iso():
    disk = os.path.join(BUILD, "images", "test-disk.img")
    m = boot("boot-grub-iso", smp=4, mem="1024M", cdrom=ISO,
             extra=["-drive", f"file={disk},if=virtio,format=raw,readonly=on"])
    m.wait_for(r"cairn: loaded by GRUB[^\n]*\(multiboot 2\)", BOOT_TIMEOUT)
    m.wait_for(r"cairn: 3 boot modules", 5)
    m.wait_for(r"cairn: module 0: [0-9a-f]+-[0-9a-f]+ \(\d+ bytes\) \"vmlinuz\"", 5)
    expect_online(m, 4)
    m.wait_for(r"cairn-svm: ready", LINUX_BOOT)
    m.wait_for(r"\[heartbeat\] heartbeat heartbeat 3$", 30)


@test("multiboot modules and their command lines are recorded")
def boot_modules():
    mod_a = os.path.join(BUILD, "test-logs", "module-a.bin")
    mod_b = os.path.join(BUILD, "test-logs", "module-b.bin")
    os.makedirs(os.path.dirname(mod_a), exist_ok=True)
    with open(mod_a, "wb") as f:
        f.write(b"A" * 5000)
    with open(mod_b, "wb") as f:
        f.write(b"B" * 123)
    m = boot("boot-modules", smp=1, kernel=ELF, append="console=com1",
             extra=["-initrd", f"{mod_a} first arg=1,{mod_b} second"])
    m.wait_for(r"cairn: loaded by [^\n]*command line \"[^\"]*console=com1\"", BOOT_TIMEOUT)
    m.wait_for(r"cairn: 2 boot modules", BOOT_TIMEOUT)
    m.wait_for(r"cairn: module 0: [0-9a-f]+-[0-9a-f]+ \(5000 bytes\) \"[^\"]*module-a.bin first "
               r"arg=1\"", 5)
    m.wait_for(r"cairn: module 1: [0-9a-f]+-[0-9a-f]+ \(123 bytes\) \"[^\"]*module-b.bin "
               r"second\"", 5)
    expect_online(m, 1)


@test("a CPU without SVM (-cpu qemu64,-svm): clear message, clean halt")
def boot_without_svm():
    m = boot("boot-no-svm", smp=2, cpu="qemu64,-svm", kernel=ELF)
    m.wait_for(r"cairn: AMD SVM is not available: CPUID 8000_0001h ECX\[2\] \(SVM\) is clear",
               BOOT_TIMEOUT)
    m.wait_for(r"Cairn needs hardware virtualization; halting", 5)
    m.stays_quiet(r"FATAL|pCPUs online|ready", 2)


@test("plain -cpu qemu64 (SVM without nested paging): clear message, clean halt")
def boot_without_npt():
    m = boot("boot-no-npt", smp=2, cpu="qemu64", kernel=ELF)
    m.wait_for(r"cairn: AMD SVM has no nested paging: CPUID 8000_000Ah EDX\[0\] \(NP\) is clear",
               BOOT_TIMEOUT)
    m.wait_for(r"Cairn needs hardware virtualization; halting", 5)
    m.stays_quiet(r"FATAL|pCPUs online|ready", 2)


@test("a CPU that never answers INIT-SIPI-SIPI is reported and the others still come up")
def boot_missing_cpu():
    # QEMU lists possible-but-absent CPUs in the MADT as disabled; cpus=madt-all makes Cairn try them.
    m = boot("boot-missing-cpu", smp="2,maxcpus=3", kernel=ELF, append="cpus=madt-all")
    m.wait_for(r"cairn: pCPU 2 \(APIC ID 2\) did not start: no answer to INIT-SIPI-SIPI", 60)
    m.wait_for(r"cairn: pCPUs online: 2 of 3 \(APIC IDs 0 1\)", 10)
