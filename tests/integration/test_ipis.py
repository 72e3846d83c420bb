# SPDX-License-Identifier: BSD-3-Clause
"""IPIs with KVM's PV send-IPI offered and withheld (docs/hypercalls.md): the Service VM's scenario
flag no-pv-ipi and cairn-dm's --no_pv_ipi. bench/ipi-bench/ipi_bench.ko sends the IPIs (each call
waits for every destination's handler, so a lost IPI hangs it); the hypervisor's exit counters
show which way they went: one KVM_HC_SEND_IPI a broadcast, or two trapped ICR writes a destination."""
import re

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test, vm_exits

RUNS = 1000
UVM_BOOT = 300


def pv_ipis_set_up(m):
    """How often the guest's kernel log says it took KVM's PV IPIs (0 or 1)."""
    return int(m.shell("echo pv-ipis-$(dmesg | grep -c 'setup PV IPIs')", r"pv-ipis-(\d+)\s*$",
                       60).group(1))


def broadcasts(m, vm, dests):
    """RUNS broadcasts to the `dests` other CPUs of the VM whose shell is in front; the VM's exits
    by reason during them."""
    before = vm_exits(m, vm)
    done = m.shell(f"insmod /lib/cairn/ipi_bench.ko runs={RUNS} cases=broadcast && "
                   "rmmod ipi_bench; dmesg | grep 'ipi_bench: broadcast:' | tail -n 1",
                   r"ipi_bench: broadcast: (\d+) runs, (\d+) dests, .* cycles each", 120)
    check(done.group(1) == str(RUNS) and done.group(2) == str(dests), done.group(0))
    after = vm_exits(m, vm)
    return {k: after.get(k, 0) - before.get(k, 0) for k in after if k != "ticks"}


def kvm_send_ipi(m, mask, icr):
    """KVM_HC_SEND_IPI (10) from the Service VM's kernel (cairn-probe's VMMCALL at CPL 0): the
    APIC IDs in `mask` (from 0), ICR low `icr`; the hypercall's result."""
    found = m.shell(f"cairn-probe kvm-hc 10 {mask:#x} 0 0 {icr:#x}",
                    r"cairn-probe: kvm-hc 10 -> (-?\d+)", 60)
    return int(found.group(1))


def ipis_dropped(m, vm):
    """The hypervisor's count of IPIs the VM aimed outside itself (`stats`: ipis-dropped)."""
    start = len(m.text())
    vm_exits(m, vm)
    found = re.search(r"\(ipis-dropped (\d+)\)", m.text()[start:])
    return int(found.group(1)) if found else 0


def check_pv(delta, what):
    """With PV IPIs: a hypercall a broadcast, nearly always. Linux sends a broadcast's IPIs only to
    the destinations whose call queue was empty; when just one needs one, it goes as a
    single-destination IPI, which KVM's PV code leaves on the native ICR route (two trapped
    writes, no hypercall). CI once saw 994 hypercalls for 1,000 broadcasts, the other 6 most likely
    so (not traced). Withheld, there are none, so 95 % still tells the two apart."""
    calls = delta.get("hypercall", 0)
    check(calls >= RUNS * 95 // 100, f"{what}: {calls} hypercalls for {RUNS} broadcasts: {delta}")
    check(calls <= RUNS * 105 // 100, f"{what}: {calls} hypercalls for {RUNS} broadcasts, more than one "
          f"each: {delta}")


def check_no_pv(delta, dests, what):
    """Without: no hypercall at all, and at least the ICR route's two trapped writes a destination."""
    check(delta.get("hypercall", 0) == 0, f"{what}: {delta.get('hypercall', 0)} hypercalls with "
          f"PV IPIs withheld: {delta}")
    check(delta.get("mem-fault", 0) >= 2 * dests * RUNS, f"{what}: {delta.get('mem-fault', 0)} "
          f"memory-fault exits for {RUNS} broadcasts to {dests} CPUs: {delta}")


@test("IPIs: PV send-IPI withheld from the Service VM (scenario flag no-pv-ipi): Linux does not "
      "take it, 1,000 broadcasts to its 3 other CPUs all arrive through trapped ICR writes, with no "
      "hypercall, and a KVM_HC_SEND_IPI made anyway (cairn-probe, CPL 0) gets -KVM_ENOSYS")
def service_vm_without_pv_ipis():
    m = boot_scenario("bench-ipi-nopv", name="ipi-service-nopv")
    m.wait_for(r"cairn: vm service: Service VM on 4 pCPUs", 60)
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    check(pv_ipis_set_up(m) == 0, "Linux set up PV IPIs that were withheld")
    check_no_pv(broadcasts(m, "service", 3), 3, "Service VM")
    # A hostile kernel calls the withheld hypercall anyway: refused as KVM refuses a feature it
    # did not offer, the guest goes on, and the call was seen (one hypercall exit).
    before = vm_exits(m, "service").get("hypercall", 0)
    result = kvm_send_ipi(m, 0xE, 0xFD)
    check(result == -1000, f"KVM_HC_SEND_IPI withheld returned {result}, not -KVM_ENOSYS (-1000)")
    after = vm_exits(m, "service").get("hypercall", 0)
    check(after - before == 1, f"{after - before} hypercall exits for one withheld call")
    check("vm service fault" not in m.text(), "the Service VM faulted")


@test("IPIs: a Linux User VM on 3 vCPUs takes PV send-IPI (1,000 broadcasts, 95 % or more by hypercall), "
      "then booted again with cairn-dm --no_pv_ipi does not (ICR writes, no hypercall); every "
      "broadcast arrives both ways; the Service VM's own KVM_HC_SEND_IPI (cairn-probe) reaches its "
      "3 other CPUs, drops an APIC ID outside it and refuses a logical destination")
def user_vm_pv_ipis_offered_and_withheld():
    m = boot_scenario("bench-io", name="ipi-user-vm")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    # The hypercall offered, called by hand: the result is the number delivered (a reschedule
    # vector, harmless to Linux); an APIC ID the VM does not hold is dropped and counted.
    result = kvm_send_ipi(m, 0xE, 0xFD)
    check(result == 3, f"KVM_HC_SEND_IPI to APIC IDs 1-3 delivered {result}, not 3")
    dropped = ipis_dropped(m, "service")
    result = kvm_send_ipi(m, 1 << 40, 0xFD)
    check(result == 0, f"KVM_HC_SEND_IPI to APIC ID 40 (not the VM's) delivered {result}")
    check(ipis_dropped(m, "service") == dropped + 1, "the IPI to APIC ID 40 was not counted dropped")
    result = kvm_send_ipi(m, 0xE, 0xFD | 1 << 11)
    check(result == -22, f"KVM_HC_SEND_IPI with a logical destination returned {result}, not "
          "-KVM_EINVAL (-22)")
    deltas = {}
    for dm_args, expected in (("", 1), ("--no_pv_ipi", 0)):
        start = len(m.text())
        m.send(f"CAIRN_UVM_CPUS=1,2,3 CAIRN_UVM_DISK= CAIRN_UVM_TAP= "
               f"CAIRN_UVM_DM_ARGS='{dm_args}' launch-uvm\r")
        m.wait_for(r"cairn-uvm: ready: 3 CPUs", UVM_BOOT, since=start)
        m.wait_for(r"# ", 30, since=start)
        what = f"User VM{' ' + dm_args if dm_args else ''}"
        check(pv_ipis_set_up(m) == expected, f"{what}: 'setup PV IPIs' expected {expected} times")
        delta = deltas[expected] = broadcasts(m, "uvm1", 2)
        if expected:
            check_pv(delta, what)
        else:
            check_no_pv(delta, 2, what)
        start = len(m.text())
        m.send("poweroff\r")
        m.wait_for(r"cairn-dm: pCPU 1,2,3 back online", 120, since=start)
        m.wait_for(r"/ # ", 30, since=start)
    # The hypercall replaced the sender's two ICR writes a destination (the destinations' EOIs and
    # the console's and timers' exits are in both runs): at least one a destination saved.
    saved = deltas[0].get("mem-fault", 0) - deltas[1].get("mem-fault", 0)
    check(saved >= 2 * RUNS, f"PV IPIs saved only {saved} trapped LAPIC writes: {deltas}")
    check("vm service fault" not in m.text(), "the Service VM faulted")


def x2apic_on(m):
    """The guest whose shell is in front took the offered x2APIC: its kernel log says so."""
    found = m.shell("echo x2apic-$(dmesg | grep -c -e 'x2apic enabled' -e 'physical x2apic')",
                    r"x2apic-(\d+)\s*$", 60)
    return found.group(1) == "2"


def exits_and_lapic_page_writes(m, vm):
    """The VM's exits by reason, and its trapped writes to the LAPIC page (the `stats` line
    `mmio exits of vm X:` by address, 0xFEE00000-0xFEE00FFF summed)."""
    start = len(m.text())
    exits = vm_exits(m, vm)
    found = re.search(rf"mmio exits of vm {vm}: (.*)$", m.text()[start:], re.M)
    pairs = re.findall(r"0x([0-9a-f]+) (\d+)", found.group(1)) if found else []
    return exits, sum(int(n) for a, n in pairs if 0xFEE00000 <= int(a, 16) < 0xFEE01000)


def single_ipis(m, vm):
    """RUNS single-destination IPIs (ipi_bench's normal case); the VM's exits by reason during
    them, and its trapped LAPIC page writes."""
    before, page_before = exits_and_lapic_page_writes(m, vm)
    done = m.shell(f"insmod /lib/cairn/ipi_bench.ko runs={RUNS} cases=normal && "
                   "rmmod ipi_bench; dmesg | grep 'ipi_bench: normal:' | tail -n 1",
                   r"ipi_bench: normal: (\d+) runs, 1 dests", 120)
    check(done.group(1) == str(RUNS), done.group(0))
    after, page_after = exits_and_lapic_page_writes(m, vm)
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after if k != "ticks"}
    delta["lapic-page"] = page_after - page_before
    return delta


def check_one_exit_each(delta, what):
    """x2APIC: every LAPIC access is an MSR exit: no write to the LAPIC page at all (the xAPIC
    route's ICR high, ICR low and EOI writes are three an IPI), and at least one MSR write a
    send. (The exact count has the timer's re-arms and the EOIs of other interrupts in it; the
    User VM's other memory faults are its virtio console's.)"""
    check(delta["lapic-page"] == 0, f"{what}: {delta['lapic-page']} LAPIC page writes for "
          f"{RUNS} x2APIC IPIs: {delta}")
    writes = delta.get("msr-write", 0)
    check(writes >= RUNS, f"{what}: {writes} MSR writes for {RUNS} IPIs: {delta}")


@test("IPIs: an x2APIC offered over the xAPIC (scenario flag x2apic, cairn-dm --x2apic): the "
      "Service VM and a User VM take it, a single-destination IPI is one trapped MSR write (no "
      "page write), and a hostile kernel's x2APIC writes (the partition's APIC ID, a 32-bit one, "
      "read-only registers, APIC_BASE back to xAPIC) are dropped or get #GP while the partition "
      "beats")
def x2apic_single_exit_ipis():
    m = boot_scenario("test-x2apic", name="ipi-x2apic")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    check(x2apic_on(m), "the Service VM did not switch to the offered x2APIC")
    check(m.shell("nproc", r"^(\d+)\s*$", 30).group(1) == "3", "not every CPU came up through "
          "x2APIC INIT/SIPI")
    check_one_exit_each(single_ipis(m, "service"), "Service VM")
    for probe, answer in (("wrmsr 0x802 5", "#GP"), ("wrmsr 0x80d 0xff", "#GP"),
                          ("wrmsr 0x1b 0", "#GP"), ("wrmsr 0x1b 0xfee00800", "#GP"),
                          ("wrmsr 0x831 0", "#GP"), ("rdmsr 0x80b", "#GP")):
        got = m.shell(f"cairn-probe {probe}", r"cairn-probe: (?:rd|wr)msr 0x\w+: (\S+)", 30).group(1)
        check(got == answer, f"cairn-probe {probe}: {got}, not {answer}")
    dropped = ipis_dropped(m, "service")
    mark = len(m.text())
    for dest_icr in ("0x3000044fd", "0x300000400", "0x103000004fd", "0x28000000fd"):
        m.shell(f"cairn-probe wrmsr 0x830 {dest_icr}", r"cairn-probe: wrmsr 0x830: ", 30)
    check(ipis_dropped(m, "service") == dropped + 4, "x2APIC IPIs to the partition's APIC ID 3 "
          "(INIT, NMI), to APIC ID 0x103 and to 40 were not all dropped")
    heartbeat_rises(m, since=mark)
    start = len(m.text())
    m.send("CAIRN_UVM_CPUS=1,2 CAIRN_UVM_DISK= CAIRN_UVM_TAP= CAIRN_UVM_DM_ARGS='--x2apic' "
           "launch-uvm\r")
    m.wait_for(r"cairn-uvm: ready: 2 CPUs", UVM_BOOT, since=start)
    m.wait_for(r"# ", 30, since=start)
    check(x2apic_on(m), "the User VM did not switch to the offered x2APIC")
    check_one_exit_each(single_ipis(m, "uvm1"), "User VM")
    start = len(m.text())
    m.send("poweroff\r")
    m.wait_for(r"cairn-dm: pCPU 1,2 back online", 120, since=start)
    check("vm service fault" not in m.text() and "vm uvm1 fault" not in m.text(),
          "a VM faulted")
