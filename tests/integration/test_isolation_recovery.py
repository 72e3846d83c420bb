# SPDX-License-Identifier: BSD-3-Clause
"""Recovery tests: the hypervisor keeps working after any VM dies; console and log limits."""
import re
import time

from harness import LINUX_BOOT, boot_scenario, check, heartbeat_rises, test

READY = 60
WATCHDOG_S = 5.0  # `watchdog = 5000` in the test-recovery scenarios
# The watchdog must fire this long after the guest says it stopped kicking (it kicked at most
# 100 ms before saying so; housekeeping runs every 10 ms; the rest is slack for a loaded host).
WATCHDOG_EARLIEST_S = WATCHDOG_S - 0.5
WATCHDOG_LATEST_S = WATCHDOG_S + 4.0
VM_LOG_BURST = 10  # hypervisor/include/core/vm_log.h


def exit_free_machine_still_serves(m):
    """With the heartbeat paused and `guarded` spinning exit-free, only the housekeeping pCPU's
    timer can serve the shell and the watchdog: both must work, and on time."""
    m.send("\x1d")  # harmless if input already goes to the shell
    m.command("pause heartbeat", r"cairn> ", timeout=20)
    m.command("vms", r"cairn: vm \d+ heartbeat: paused", timeout=20)
    m.command("console guarded", r"cairn: console input goes to vm guarded", timeout=20)
    start = len(m.text())
    m.send("x")
    m.wait_for(r"^\[guarded\] faulty: stopped kicking after \d+ kicks$", 20, since=start)
    stopped_kicking = time.monotonic()
    m.wait_for(r"cairn: vm guarded fault: watchdog expired \(no kick for 5000 ms\)", 30,
               since=start)
    elapsed = time.monotonic() - stopped_kicking
    check(WATCHDOG_EARLIEST_S <= elapsed <= WATCHDOG_LATEST_S,
          f"the 5000 ms watchdog fired {elapsed:.2f} s after the last kick")
    m.wait_for(r"cairn: console input back to the hypervisor shell \(vm guarded stopped\)", 10,
               since=start)
    # The shell answers with nothing but the housekeeping timer to read COM1.
    m.command("vms", r"cairn: vm \d+ guarded: stopped", timeout=20)
    resumed = len(m.text())
    m.command("resume heartbeat", r"cairn> ", timeout=20)
    heartbeat_rises(m, resumed)


@test("recovery: after a Service VM panic its pCPUs keep the shell and a watchdog working")
def service_panic_then_housekeeping():
    m = boot_scenario("test-recovery-service-panic")
    m.wait_for(r"cairn: no free pCPU: console input and watchdogs are served on VM exits", READY)
    m.wait_for(r"^\[guarded\] faulty: kicking the watchdog until input$", READY)
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"cairn: vm service fault: triple-fault", 60)
    m.wait_for(r"cairn: vm service stopped", 20)
    # Linux's panic path software-disabled its LAPICs; Cairn enables them again.
    reclaim = m.wait_for(r"cairn: pCPU [01] back from vm service: LAPIC was SVR (0x[0-9a-f]+)", 5)
    check(not int(reclaim.group(1), 16) & 0x100,
          f"expected Linux to leave its LAPIC software-disabled: {reclaim.group(0)}")
    m.wait_for(r"cairn: housekeeping \(console input, watchdogs\) moves to pCPU [01]", 10)
    stopped = m.text().index("cairn: vm service stopped")
    heartbeat_rises(m, stopped)
    exit_free_machine_still_serves(m)
    check("FATAL" not in m.text(), "a pCPU died")


@test("recovery: a partition leaving TPR 15 and a microsecond LAPIC timer, faulting early, does not stop housekeeping")
def tpr_fault_then_housekeeping():
    m = boot_scenario("test-recovery-tpr")
    m.wait_for(r"^\[tpr\] faulty: cr8 15, APIC disable through IA32_APIC_BASE raised #GP$", READY)
    m.wait_for(r"cairn: vm tpr fault: triple-fault", 20)
    m.wait_for(r"cairn: pCPU 1 back from vm tpr: LAPIC was SVR 0x1ff TPR 0xf0", 10)
    # It had armed its own LAPIC timer to fire every microsecond, through its trapped writes.
    m.wait_for(r"cairn: mmio exits of vm tpr: [^\n]*0xfee00320 1[^\n]*0xfee00380 1", 10)
    m.wait_for(r"cairn: housekeeping \(console input, watchdogs\) moves to pCPU 1", 10)
    m.wait_for(r"cairn: ready", READY)
    m.wait_for(r"^\[guarded\] faulty: kicking the watchdog until input$", 20)
    heartbeat_rises(m, m.text().index("cairn: ready"))
    exit_free_machine_still_serves(m)
    check("FATAL" not in m.text(), "a pCPU died")


@test("recovery: every pCPU runs with its caches on (CR0.CD and CR0.NW clear)")
def caches_on():
    m = boot_scenario("test-recovery-log-limit", name="recovery-caches")
    m.wait_for(r"cairn: pCPUs online: 3 of 3", READY)
    m.wait_for(r"cairn: caches on for all 3 online pCPUs \(CR0\.CD and CR0\.NW clear\)", 10)
    m.wait_for(r"cairn: ready", 30)
    check("arrived with caches off" not in m.text(), "a pCPU started with caches off")


@test("recovery: a guest executing 20000 SVM instructions causes a bounded number of log lines")
def svm_instruction_log_is_rate_limited():
    m = boot_scenario("test-recovery-log-limit")
    m.wait_for(r"cairn: ready", READY)
    heartbeat_rises(m, 0)
    started = time.monotonic()
    done = m.wait_for(r"^\[svmloop\] faulty: 20000 of 20000 VMRUNs raised #UD$", 240)
    elapsed = time.monotonic() - started
    lines = re.findall(r"^cairn: vm svmloop: VMRUN at RIP 0x[0-9a-f]+ is not available",
                       m.text()[:done.end()], re.M)
    # A burst, then one line per second; the guest ran at most `elapsed` seconds after ready.
    limit = VM_LOG_BURST + int(elapsed) + 2
    check(len(lines) <= limit, f"{len(lines)} SVM-instruction lines in {elapsed:.0f} s "
          f"(limit {limit})")
    check(len(lines) >= VM_LOG_BURST, f"only {len(lines)} SVM-instruction lines")
    # (The "N log lines suppressed" line comes with the VM's next line or its stop: the loop may
    # end within the first second, so only the count in `stats` is certain.)
    stats = m.command("stats svmloop", r"cairn: exits of vm svmloop: [^\n]*\n").group(0)
    suppressed = re.search(r"\(log-suppressed (\d+)\)", stats)
    check(suppressed and int(suppressed.group(1)) + len(lines) >= 20000 - 2 * limit,
          f"suppressed lines not counted: {stats}")
    heartbeat_rises(m, done.end())


@test("recovery: 250 characters pasted at once reach the Service VM shell whole")
def console_paste_arrives_whole():
    m = boot_scenario("test-recovery-console", name="recovery-paste")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    heartbeat_rises(m, m.text().index("cairn-svm: ready"))
    payload = "".join(f"{i:03d}abcdefg" for i in range(25))  # 250 characters, each position unique
    start = len(m.text())
    m.send(f"echo {payload}\r", pace=0)
    m.wait_for(rf"^{payload}\s*$", 60, since=start)
    heartbeat_rises(m, start)


@test("recovery: slowly written Service VM lines are never split by partition lines")
def console_lines_never_split():
    m = boot_scenario("test-recovery-console", name="recovery-split")
    m.wait_for(r"cairn-svm: ready$", LINUX_BOOT)
    m.wait_for(r"/ # ", 30)
    start = len(m.text())
    heartbeat_rises(m, start)
    m.send("cairn-slowline 6 60 2000\r")
    m.wait_for(r"^cairn-slowline: done\s*$", 120, since=start)
    out = m.text()[start:]
    whole = re.findall(r"^slowline-\d-x{60}$", out, re.M)
    pieces = [line for line in out.splitlines() if "slowline-" in line and "cairn-slowline" not in line]
    check(len(whole) == 6, f"{len(whole)} of 6 lines arrived whole: {pieces}")
    heartbeat_rises(m, len(m.text()) - 1)


@test("recovery: a partition reset in a loop by its faults causes a bounded number of log lines")
def reset_storm_log_is_rate_limited():
    m = boot_scenario("test-recovery-reset-storm")
    m.wait_for(r"cairn: ready", READY)
    m.wait_for(r"cairn: vm storm: reset done \(1 so far\)", 20)
    started = time.monotonic()
    resets = 0
    for _ in range(20):  # until it has been reset well beyond the burst
        time.sleep(1)
        vms = m.command("vms", r"cairn: vm \d+ storm: \w+, [^\n]*resets (\d+)\n", timeout=20)
        resets = int(vms.group(1))
        if resets >= 5 * VM_LOG_BURST:
            break
    elapsed = time.monotonic() - started
    check(resets >= 5 * VM_LOG_BURST, f"only {resets} resets in {elapsed:.0f} s")
    text = m.text()
    lines = len(re.findall(r"^cairn: vm storm( fault|: resetting|: reset done)", text, re.M))
    limit = VM_LOG_BURST + int(elapsed) + 3
    check(lines <= limit, f"{lines} fault/reset lines for {resets} resets (limit {limit})")
    m.wait_for(r"cairn: vm storm: \d+ log lines suppressed \(rate limit\)", 10)
    stopped = len(m.text())
    m.command("stop storm", r"cairn: vm storm stopped", timeout=20)
    heartbeat_rises(m, stopped)


@test("recovery: a housekeeper on an AP starts by itself and serves the shell")
def ap_housekeeper_starts():
    m = boot_scenario("test-recovery-ap-housekeeper")
    m.wait_for(r"cairn: housekeeping \(console input, watchdogs\) on pCPU 1", READY)
    m.wait_for(r"cairn: ready", 20)
    heartbeat_rises(m, m.text().index("cairn: ready"))
    # With the heartbeat paused nothing exits: only pCPU 1's timer reads the console.
    m.command("pause heartbeat", r"cairn> ", timeout=20)
    m.command("vms", r"cairn: vm \d+ heartbeat: paused", timeout=20)
    m.command("vms", r"cairn: vm \d+ looper: running", timeout=20)
    resumed = len(m.text())
    m.command("resume heartbeat", r"cairn> ", timeout=20)
    heartbeat_rises(m, resumed)
