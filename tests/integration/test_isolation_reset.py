# SPDX-License-Identifier: BSD-3-Clause
"""Isolation: a root shell in the Service VM cannot reset, power off or SMI the machine.

Every attack boots configs/test-reset-paths.scn, types one command at the Service VM's shell and
expects Cairn to stop the Service VM alone while the heartbeat partition goes on beating. QEMU
runs with -no-reboot, so a machine reset or power-off ends QEMU and fails the test. The benign
test checks, in one boot, that ordinary writes to the same ports still reach the hardware, that
SMI and CPU-eject writes are dropped, that SMRAM stays closed and that the TCO watchdog cannot
reboot the machine.
"""
import re

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

SCENARIO = "test-reset-paths"
PM1A_CNT = 0x604  # QEMU q35: PMBASE 0x600 + 4 (the FADT's PM1a_CNT_BLK)


def ready(name, **kwargs):
    m = boot_scenario(SCENARIO, name=name, **kwargs)
    m.wait_for(r"cairn: chipset: SMRAM locked", 60)
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    heartbeat_rises(m, 0)  # before the attack
    return m


def attack(name, command, refusal):
    """`command` must stop the Service VM with `refusal` in its fault line; the machine stays."""
    m = ready("reset-" + name)
    start = len(m.text())
    m.send(command + "\r")
    m.wait_for(rf"cairn: vm service(?: fault: |: stopping \()[^\n]*{refusal}[^\n]*refused", 60,
               since=start)
    m.wait_for(r"cairn: vm service stopped", 20, since=start)
    heartbeat_rises(m, len(m.text()), more=5)  # after: the partition never noticed
    check(m.proc.poll() is None, "QEMU exited: the machine was reset or powered off")
    check(m.text().count("cairn: vm service: stopping (") == 1, "more than one stop request")


RESET = r"asked for a machine reset"
SLEEP = r"asked to sleep or power off the machine"
CF9 = RESET + r" \(reset control 0xCF9"
PORT92 = RESET + r" \(port 0x92 fast reset\)"
PULSE = RESET + r" \(keyboard controller pulses the reset line\)"
OUTPORT = RESET + r" \(keyboard controller output port, reset line low\)"
PM1 = SLEEP + r" \(PM1 control SLP_EN\)"

ATTACKS = [
    # name, command, what the refusal says
    ("cf9-byte", "cairn-probe outb 0xcf9 0x6", CF9),
    ("cf9-word", "cairn-probe outw 0xcf9 0x0e", CF9),
    ("cf9-dword", "cairn-probe outl 0xcf9 0x0e", CF9),
    ("cf9-word-at-cf8", "cairn-probe outw 0xcf8 0x0600", CF9),
    ("cf9-dword-at-cf6", "cairn-probe outl 0xcf6 0x06000000", CF9),
    ("port92-byte", "cairn-probe outb 0x92 0x3", PORT92),
    ("port92-word", "cairn-probe outw 0x92 0x0302", PORT92),
    ("port92-word-at-91", "cairn-probe outw 0x91 0x0100", PORT92),
    ("kbc-pulse-fe", "cairn-probe outb 0x64 0xfe", PULSE),
    ("kbc-pulse-f0", "cairn-probe outb 0x64 0xf0", PULSE),
    ("kbc-pulse-word", "cairn-probe outw 0x64 0xfa00", PULSE),
    ("kbc-pulse-dword-at-61", "cairn-probe outl 0x61 0xfe000000", PULSE),
    ("kbc-output-port", "cairn-probe outb 0x64 0xd1; cairn-probe outb 0x60 0x02", OUTPORT),
    ("kbc-output-port-word",
     "cairn-probe outb 0x64 0xd1; cairn-probe outb 0x64 0xae; cairn-probe outw 0x60 0x0202",
     OUTPORT),
    ("pm1a-byte-slp-en", f"cairn-probe outb {PM1A_CNT + 1:#x} 0x20", PM1),
    ("pm1a-word", f"cairn-probe outw {PM1A_CNT:#x} 0x2001", PM1),
    ("pm1a-dword", f"cairn-probe outl {PM1A_CNT:#x} 0x2001", PM1),
    ("pm1a-dword-at-602", f"cairn-probe outl {PM1A_CNT - 2:#x} 0x20010000", PM1),
    ("pm1a-s3", f"cairn-probe outw {PM1A_CNT:#x} 0x2401", PM1),
]


def make_attack(name, command, refusal):
    @test(f"Service VM reset/power path {name} ({command}): stopped alone, the partition beats")
    def run():
        attack(name, command, refusal)
    return run


for _name, _command, _refusal in ATTACKS:
    make_attack(_name, _command, _refusal)


def probe_value(m, line, what):
    """Runs a cairn-probe read and returns the number it printed."""
    return int(m.shell(line, rf"cairn-probe: {what}[^\n]*: (0x[0-9a-f]+)\s*$").group(1), 16)


@test("Service VM benign writes to reset/power/A20/SMI ports still work; SMRAM stays shut; the "
      "TCO watchdog cannot reboot the machine")
def benign_writes_and_locks():
    # The TCO's pin strap is QEMU's noreboot=on by default: off here, so NO_REBOOT alone decides.
    m = ready("reset-benign", extra=["-global", "ICH9-LPC.noreboot=false"])
    start = len(m.text())
    # The kernel found the keyboard controller through the trapped 0x60/0x64.
    m.shell("dmesg | grep -c 'i8042 KBD port'", r"^[1-9]\s*$")
    # PCI conf1: a dword at 0xCF8 is CONFIG_ADDRESS, not the reset register.
    check(probe_value(m, "cairn-probe outl 0xcf8 0x80000000 >/dev/null; cairn-probe inl 0xcfc",
                      "inl 0xcfc") == 0x29C08086, "conf1 read of 00:00.0 is not the q35 MCH")
    check(probe_value(m, "cairn-probe cfg-read32 0000:00:1f.0 0", "cfg-read32") == 0x29188086,
          "config read of 00:1f.0 is not ICH9's LPC bridge")
    # RST_CNT bits other than RST_CPU reach the chipset (QEMU keeps SYS_RST and FULL_RST).
    check(probe_value(m, "cairn-probe outb 0xcf9 0xa >/dev/null; cairn-probe inb 0xcf9",
                      "inb 0xcf9") == 0xA, "RST_CNT did not keep bits 1 and 3")
    m.shell("cairn-probe outb 0xcf9 0", r"outb 0xcf9 done")
    # A20 stays on, through port 0x92 and through the keyboard controller.
    check(probe_value(m, "cairn-probe outb 0x92 0 >/dev/null; cairn-probe inb 0x92",
                      "inb 0x92") & 2, "port 0x92 turned A20 off")
    m.shell("cairn-probe outb 0x64 0xdd", r"outb 0x64 done")
    m.shell("cairn-probe outb 0x64 0xd1; cairn-probe outb 0x60 0x01", r"outb 0x60 done")
    out = probe_value(m, "cairn-probe outb 0x64 0xd0 >/dev/null; cairn-probe inb 0x60",
                      "inb 0x60")
    check(out & 3 == 3, f"KBC output port 0x{out:x}: A20 (bit 1) or the reset line (bit 0) low")
    # PM1a control written back as it is (SCI_EN, no SLP_EN) reaches the chipset.
    pm1 = probe_value(m, f"cairn-probe inw {PM1A_CNT:#x}", f"inw {PM1A_CNT:#x}")
    m.shell(f"cairn-probe outw {PM1A_CNT:#x} {pm1:#x}", rf"outw {PM1A_CNT:#x} done")
    check(probe_value(m, f"cairn-probe inw {PM1A_CNT:#x}", f"inw {PM1A_CNT:#x}") == pm1,
          "PM1a control changed")
    # SMIs: APM commands other than ACPI enable/disable, and TCO_DAT_IN, are dropped; SMI_EN
    # keeps APMC_EN and TCO_EN clear.
    m.shell("cairn-probe outb 0xb2 0x42",
            r"cairn: vm service: APM command write would raise an SMI: dropped \(0xb2 <- 0x42\)")
    m.shell("cairn-probe outb 0x662 0x1",
            r"cairn: vm service: TCO_DAT_IN write would raise an SMI: dropped \(0x662 <- 0x1\)")
    smi_en = probe_value(m, "cairn-probe outl 0x630 0x2021 >/dev/null; cairn-probe inl 0x630",
                         "inl 0x630")
    check(smi_en & 0x2020 == 0, f"SMI_EN 0x{smi_en:x} has APMC_EN or TCO_EN set")
    # QEMU's ACPI CPU hotplug block: ejecting the heartbeat's CPU (selector 3) is dropped.
    m.shell("cairn-probe outl 0xcd8 3 >/dev/null; cairn-probe outb 0xcdc 8",
            r"cairn: vm service: CPU eject would take a CPU out of the machine: dropped "
            r"\(0xcdc <- 0x8\)")
    heartbeat_rises(m, len(m.text()))
    # fw_cfg DMA (it writes wherever its descriptor says) is dropped; fw_cfg reads still work.
    m.shell("cairn-probe outl 0x514 0",
            r"cairn: vm service: fw_cfg DMA would reach any memory: dropped \(0x514 <- 0x0\)")
    m.shell("cairn-probe outw 0x510 0 >/dev/null; cairn-probe inb 0x511", r"inb 0x511: 0x51$")
    # SMRAM: D_OPEN attempted from the Service VM; the MCH's lock keeps SMRAM shut.
    before = probe_value(m, "cairn-probe peek32 0xa8000", "peek32 0xa8000")
    m.shell("cairn-probe cfg-write8 0000:00:00.0 0x9d 0x4a", r"cfg-write8 0000:00:00.0 0x9d done")
    smram = probe_value(m, "cairn-probe cfg-read8 0000:00:00.0 0x9d", "cfg-read8")
    check(smram & 0x10 and not smram & 0x40, f"SMRAM register 0x{smram:x}: not locked shut")
    after = probe_value(m, "cairn-probe peek32 0xa8000", "peek32 0xa8000")
    check(before == after, f"0xA8000 reads 0x{after:x} with D_OPEN attempted, 0x{before:x} before")
    # TCO watchdog: NO_REBOOT cannot be cleared; armed and left to expire twice, it reboots nothing.
    gcs = 0xFED1F410  # SeaBIOS's RCBA 0xFED1C000 + GCS 0x3410
    m.shell(f"cairn-probe poke32 {gcs:#x} 0", rf"poke32 {gcs:#x} done")
    check(probe_value(m, f"cairn-probe peek32 {gcs:#x}", f"peek32 {gcs:#x}") & 0x20,
          "GCS NO_REBOOT was cleared")
    m.shell("cairn-probe outw 0x672 4; cairn-probe outw 0x660 1; cairn-probe outw 0x668 0",
            r"outw 0x668 done")
    m.shell("sleep 8; echo tco-$((20+22))", r"^tco-42\s*$", timeout=60)
    check("vm service fault" not in m.text()[start:], "the Service VM was stopped")
    heartbeat_rises(m, len(m.text()), more=5)
    check(m.proc.poll() is None, "QEMU exited")
