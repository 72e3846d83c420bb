# SPDX-License-Identifier: BSD-3-Clause
"""MSR isolation: a partition reads and writes every host-only MSR and gets #GP; the MSRs Linux
needs at speed still work; a hostile Service VM kernel gets the same answers (docs/isolation.md)."""
import re

from harness import boot_scenario, check, heartbeat_rises, test

HOST_MSRS = 13  # guests/msr-probe's list


@test("MSR attack: a partition gets #GP for every host MSR (VM_HSAVE_PA, VM_CR, SYSCFG...)")
def partition_msr_attack():
    m = boot_scenario("test-cpu-attack")
    m.wait_for(r"\[beat\] heartbeat beat 1$", 30)
    done = m.wait_for(r"\[attacker\] msr-probe: (\d+) of (\d+) host MSRs refused both ways", 60)
    text = m.text()
    for line in re.findall(r"msr-probe: (\S+) 0x[0-9a-f]+ rdmsr (\S+) wrmsr (\S+)", text):
        # SYSCFG alone reads as 0 (Linux reads it unchecked on K8-family CPUs); writes fail.
        expect_read = "nothing" if line[0] == "SYSCFG" else "#GP"
        check(line[1] == expect_read and line[2] == "#GP",
              f"{line[0]}: rdmsr {line[1]} wrmsr {line[2]}")
    check("msr-probe: SYSCFG read 0x0" in text, "SYSCFG did not read as 0")
    check(int(done.group(1)) == HOST_MSRS and int(done.group(2)) == HOST_MSRS,
          f"only {done.group(1)} of {done.group(2)} host MSRs refused")
    check(re.search(r"msr-probe: EFER 0x[0-9a-f]+ svme 0 rdmsr nothing wrmsr nothing", text),
          "EFER shows SVME or refuses the guest's own bits")
    check(re.search(r"msr-probe: KERNEL_GS_BASE nothing nothing nothing reads back "
                    r"0x123456789000", text), "KERNEL_GS_BASE does not pass through")
    check("msr-probe: unknown msrs #GP #GP" in text, "unknown MSRs do not give #GP")
    check("msr-probe: VM_HSAVE_PA read" not in text, "VM_HSAVE_PA was readable")
    check(len(re.findall(r"msr-probe: \S+ read 0x", text)) == 1, "a host MSR other than SYSCFG read")
    heartbeat_rises(m, "host MSRs refused both ways", vm="beat")
    m.send("\x1d")
    m.command("stats attacker", r"cairn: msrs refused in vm attacker: rdmsr 0xc0010114 1 "
              r"wrmsr 0xc0010114 1 rdmsr 0xc0010117 1 wrmsr 0xc0010117 1 wrmsr 0xc0010010 1 ")
    check("FATAL" not in m.text(), "the hypervisor faulted")


@test("INVD, WBINVD and WBNOINVD in a partition exit (INVD never discards the host's caches)")
def partition_cache_instructions():
    m = boot_scenario("test-cpu-attack", name="test-cpu-attack-cache")
    m.wait_for(r"\[cacher\] faulty: cache instructions done", 60)
    m.send("\x1d")
    stats = m.command("stats cacher", r"cairn: exits of vm cacher: [^\n]*\n").group(0)
    check(re.search(r" cache-flush 3\b", stats), f"not 3 cache-flush exits: {stats}")
    heartbeat_rises(m, "cache instructions done", vm="beat")
