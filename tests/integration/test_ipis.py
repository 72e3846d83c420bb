# SPDX-License-Identifier: BSD-3-Clause
"""IPIs with KVM's PV send-IPI offered and withheld (docs/hypercalls.md): the Service VM's scenario
flag no-pv-ipi and cairn-dm's --no_pv_ipi. bench/ipi-bench/ipi_bench.ko sends the IPIs (each call
waits for every destination's handler, so a lost IPI hangs it); the hypervisor's exit counters
show which way they went: one KVM_HC_SEND_IPI a broadcast, or two trapped ICR writes a destination."""
from harness import LINUX_BOOT, boot_scenario, check, test, vm_exits

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


def check_pv(delta, what):
    """With PV IPIs: a hypercall a broadcast."""
    check(delta.get("hypercall", 0) >= RUNS, f"{what}: {delta.get('hypercall', 0)} hypercalls for "
          f"{RUNS} broadcasts: {delta}")


def check_no_pv(delta, dests, what):
    """Without: no hypercall at all, and at least the ICR route's two trapped writes a destination."""
    check(delta.get("hypercall", 0) == 0, f"{what}: {delta.get('hypercall', 0)} hypercalls with "
          f"PV IPIs withheld: {delta}")
    check(delta.get("mem-fault", 0) >= 2 * dests * RUNS, f"{what}: {delta.get('mem-fault', 0)} "
          f"memory-fault exits for {RUNS} broadcasts to {dests} CPUs: {delta}")


@test("IPIs: PV send-IPI withheld from the Service VM (scenario flag no-pv-ipi): Linux does not "
      "take it, and 1,000 broadcasts to its 3 other CPUs all arrive through trapped ICR writes, "
      "with no hypercall")
def service_vm_without_pv_ipis():
    m = boot_scenario("bench-ipi-nopv", name="ipi-service-nopv")
    m.wait_for(r"cairn: vm service: Service VM on 4 pCPUs", 60)
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    check(pv_ipis_set_up(m) == 0, "Linux set up PV IPIs that were withheld")
    check_no_pv(broadcasts(m, "service", 3), 3, "Service VM")
    check("vm service fault" not in m.text(), "the Service VM faulted")


@test("IPIs: a Linux User VM on 3 vCPUs takes PV send-IPI (1,000 broadcasts, a hypercall each), "
      "then booted again with cairn-dm --no_pv_ipi does not (ICR writes, no hypercall); every "
      "broadcast arrives both ways")
def user_vm_pv_ipis_offered_and_withheld():
    m = boot_scenario("bench-io", name="ipi-user-vm")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
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
