# SPDX-License-Identifier: BSD-3-Clause
"""Integration test harness: boots QEMU TCG machines, watches their serial output, reports TAP lines.

Each test is a function decorated with @test(name). The runner prints exactly one line per test,
`ok - integration: NAME` or `not ok - integration: NAME`, followed on failure by the reason and
the tail of the serial log (indented with '#'). Every QEMU run has a hard timeout.
"""
import bisect
import os
import re
import socket
import subprocess
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("CAIRN_BUILD", os.path.join(ROOT, "build"))
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
SERIAL_TAIL_LINES = 40

_tests = []


def test(name):
    def register(fn):
        _tests.append((name, fn))
        return fn
    return register


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


class Machine:
    """One QEMU TCG machine whose COM1 goes to a log file and a line buffer."""

    emulator = "QEMU"  # for messages (tests/integration/bochs.py's machines say "Bochs")

    def __init__(self, name, smp=2, mem="256M", cpu="qemu64,+svm,+npt", kernel=None,
                 cdrom=None, append=None, extra=()):
        self.name = name
        self.log_path = os.path.join(BUILD, "test-logs", name + ".log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.kernel = kernel
        # The QEMU monitor, only for the runner's state dump after a failure (_cpu_dump).
        self.monitor_path = f"/tmp/cairn-mon-{os.getpid()}-{len(_machines)}-{name[:40]}.sock"
        if os.path.exists(self.monitor_path):
            os.unlink(self.monitor_path)
        args = [QEMU, "-accel", "tcg", "-machine", "q35", "-cpu", cpu, "-smp", str(smp),
                "-m", mem, "-display", "none",
                "-monitor", f"unix:{self.monitor_path},server=on,wait=off",
                "-serial", "stdio", "-no-reboot"]
        if kernel:
            args += ["-kernel", kernel]
            if append:
                args += ["-append", append]
        if cdrom:
            args += ["-cdrom", cdrom, "-boot", "d"]
        args += list(extra)
        self.args = args
        self.output = ""
        self._lock = threading.Lock()
        self._log = open(self.log_path, "w")
        self._log.write("# " + " ".join(args) + "\n")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                break
            text = chunk.decode("utf-8", "replace").replace("\r", "")
            with self._lock:
                self.output += text
            self._log.write(text)
            self._log.flush()

    def send(self, text, pace=0.02):
        """Types `text` on COM1, one byte at a time (the hypervisor polls the UART)."""
        for ch in text.encode():
            self.proc.stdin.write(bytes([ch]))
            self.proc.stdin.flush()
            time.sleep(pace)

    def command(self, line, expect, timeout=20):
        """Types a hypervisor shell command and waits for `expect` after it."""
        start = len(self.text())
        self.send(line + "\r")
        return self.wait_for(expect, timeout, since=start)

    def shell(self, line, expect, timeout=30):
        """Types a command at the Service VM's shell and waits for `expect` (regex) after it.

        The typed echo can be interleaved with partition output, so `expect` should match what
        the command prints (e.g. a `cairn-probe: ...` line), not the echo."""
        start = len(self.text())
        self.send(line + "\r")
        return self.wait_for(expect, timeout, since=start)

    def text(self):
        with self._lock:
            return self.output

    def wait_for(self, pattern, timeout, since=0):
        """Waits until `pattern` (regex) appears in the serial output after offset `since`."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = regex.search(self.text(), since)
            if m:
                return m
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader drain
                m = regex.search(self.text(), since)
                if m:
                    return m
                raise TestFailure(f"{self.emulator} exited (status {self.proc.returncode}) before "
                                  f"/{pattern}/ appeared")
            time.sleep(0.05)
        raise TestFailure(f"timed out after {timeout}s waiting for /{pattern}/")

    def stays_quiet(self, pattern, seconds):
        """Fails if `pattern` appears within the next `seconds`."""
        time.sleep(seconds)
        m = re.search(pattern, self.text(), re.M)
        check(m is None, f"unexpected output /{pattern}/: {m.group(0) if m else ''}")

    def tail(self, n=SERIAL_TAIL_LINES):
        return self.text().splitlines()[-n:]

    def monitor(self, command, timeout=10):
        """QEMU monitor (HMP) commands' output (one per line of `command`), or '' when the monitor
        does not answer."""
        out, prompts = b"", command.count("\n") + 2
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout)
                s.connect(self.monitor_path)
                s.sendall(command.encode() + b"\n")
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline and out.count(b"(qemu)") < prompts:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    out += chunk
        except OSError:
            pass
        text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode("utf-8", "replace"))
        return text.replace("\r", "")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join(timeout=2)
        self._log.close()
        if os.path.exists(self.monitor_path):
            os.unlink(self.monitor_path)


_machines = []


def scenario_tool(*args):
    out = subprocess.run(["python3", os.path.join(ROOT, "tools", "scenario.py"), *args],
                         check=True, capture_output=True, text=True).stdout
    return out.split()


def boot_scenario(scenario, name=None, **kwargs):
    """Boots build/scenarios/SCENARIO/cairn.elf on its board with its guests as modules."""
    path = os.path.join(ROOT, "configs", scenario + ".scn")
    qemu = scenario_tool("qemu-args", path)
    smp = qemu[qemu.index("-smp") + 1]
    mem = qemu[qemu.index("-m") + 1]
    modules = [subprocess.run([os.path.join(ROOT, "tools", "module-path.sh"), BUILD, image],
                              check=True, capture_output=True, text=True).stdout.strip()
               for image in scenario_tool("modules", path)]
    extra = list(kwargs.pop("extra", ()))
    if modules:
        extra += ["-initrd", ",".join(modules)]
    disk = os.path.join(BUILD, "images", "test-disk.img")
    if os.path.exists(disk):  # read-only: several machines may share it
        extra += ["-drive", f"file={disk},if=virtio,format=raw,readonly=on"]
    return boot(name or scenario, smp=smp, mem=mem,
                kernel=os.path.join(BUILD, "scenarios", scenario, "cairn.elf"),
                extra=extra, **kwargs)


def heartbeat_rises(machine, since=None, vm="heartbeat", more=3, timeout=30):
    """The heartbeat partition `vm` (guests/heartbeat) keeps beating: after `since` (an offset
    into the serial output, a marker text, or None for now) its counter rises by `more`."""
    if since is None:
        since = len(machine.text())
    elif isinstance(since, str):
        since = machine.text().index(since)
    beat = rf"\[{vm}\] heartbeat {vm} (\d+)$"
    first = int(machine.wait_for(beat, timeout, since=since).group(1))
    machine.wait_for(rf"\[{vm}\] heartbeat {vm} {first + more}$", timeout, since=since)


def boot(name, **kwargs):
    """Starts a machine that the runner stops (and shows the serial tail of) after the test."""
    m = Machine(name, **kwargs)
    _machines.append(m)
    return m


# QEMU's own deaths, by the signal that ended it: a segfault in TCG, or an assertion of QEMU's
# that failed (abort). A guest, however hostile, must not be able to do either to the emulator.
QEMU_CRASH_SIGNALS = {-11: "SIGSEGV", -6: "SIGABRT"}
QEMU_MESSAGE = re.compile(r"^(qemu[-\w]*:.*|\*\*.*|ERROR:.*|.*[Aa]ssertion.*)$", re.M)


def _qemu_crashed():
    """This test's machines whose QEMU died by itself of a crash signal (not stopped by us), as
    "name (SIGNAL: QEMU's last message)"."""
    crashed = []
    for m in _machines:
        signal = QEMU_CRASH_SIGNALS.get(m.proc.poll()) if m.proc.poll() is not None else None
        if signal:
            said = QEMU_MESSAGE.findall(m.text())
            crashed.append(f"{m.name} ({signal}" + (f": {said[-1].strip()[:200]}" if said else "")
                           + ")")
    return crashed


DIAGNOSTIC_LINE = re.compile(r"^cairn: (vm \S+ vcpu \d+:|vm \S+: vuart |exits of vm |io exits of vm )")


def vm_exits(m, vm):
    """VM `vm`'s exits so far by reason ({"total": n, "io": n, ..., "ticks": {reason: the
    hypervisor's ticks per exit}}), from the hypervisor shell's
    `stats VM`; console input then goes back to the Service VM (and through cairn-dm to a User VM
    in front of its shell)."""
    m.send("\x1d")
    m.wait_for(r"cairn: console input back to the hypervisor shell", 15)
    start = len(m.text())
    found = m.command(f"stats {vm}", rf"cairn: exits of vm {vm}: total (\d+)([^\n]*)\n", 30)
    ticks = m.wait_for(rf"cairn: exit handling of vm {vm}, ticks each:([^\n]*)\n", 30, since=start)
    m.command("console service", r"cairn: console input goes to vm service", 30)
    words = found.group(2).split()
    exits = {k: int(v) for k, v in zip(words[0::2], words[1::2]) if v.isdigit()}
    exits["total"] = int(found.group(1))
    words = ticks.group(1).split()
    # The hypervisor's own ticks (TSC cycles) per exit, by reason, averaged since the VM started.
    exits["ticks"] = {k: int(v) for k, v in zip(words[0::2], words[1::2]) if v.isdigit()}
    return exits


def service_exits(m):
    """The Service VM's VM exits so far by reason (vm_exits)."""
    return vm_exits(m, "service")


def _dump_state(m):
    """After a failure, asks a machine's hypervisor shell (when it has one and QEMU still runs)
    where every vCPU is: `vcpus` prints each vCPU's last exit, then each pCPU its own line with
    the registers and LAPIC (timer, ISR, IRR, TPR), so a hang says where it hangs. With no free
    pCPU the shell reads a character per VM exit (about one a second with only the heartbeat
    exiting), hence the patient waits."""
    if m.proc.poll() is not None or "cairn: ready" not in m.text():
        return
    start = len(m.text())
    try:
        m.send("\x1d")
        m.wait_for(r"console input back to the hypervisor shell|^cairn> ", 15, since=start)
        m.send("vcpus\r", pace=0.05)
        m.wait_for(r"cairn: vm \S+ vcpu \d+: on pCPU", 40, since=start)
        time.sleep(3)  # the other pCPUs' lines
    except (OSError, TestFailure):
        pass
    m.diagnostics = [line for line in m.text()[start:].splitlines() if DIAGNOSTIC_LINE.match(line)]


def _symbolizer(elf):
    """addr -> 'symbol+0xoff' for the hypervisor's ELF (or None when nm cannot read it)."""
    try:
        out = subprocess.run(["nm", "-n", elf], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    rows = [l.split()[:3] for l in out.splitlines() if len(l.split()) >= 3]
    syms = [(int(a, 16), n) for a, t, n in rows if t in "tTwW"]
    end = max((int(a, 16) for a, _, n in rows if n == "__image_end"), default=0)
    addrs = [a for a, _ in syms]

    def name(addr):
        i = bisect.bisect_right(addrs, addr) - 1
        return f"{syms[i][1]}+{addr - syms[i][0]:#x}" if i >= 0 and addr < end else ""
    return name


def _cpu_dump(m):
    """Every emulated CPU as QEMU sees it (the monitor's `info registers -a`): RIP (named in the
    hypervisor's ELF when it is in it), RSP, RFLAGS, CPL and whether the CPU is halted. Unlike the
    hypervisor shell this answers for a pCPU stuck in the hypervisor with GIF clear."""
    if m.proc.poll() is not None:
        return []
    regs = m.monitor("info registers -a", timeout=15)
    name = _symbolizer(m.kernel) if m.kernel else None
    lines = []
    for cpu in re.split(r"\n(?=CPU#\d+)", regs):
        found = re.match(r"CPU#(\d+)", cpu)
        rip = re.search(r"RIP=([0-9a-f]+) RFL=([0-9a-f]+).*CPL=(\d).*HLT=(\d)", cpu, re.S)
        if not found or not rip:
            continue
        rsp = re.search(r"RSP=([0-9a-f]+)", cpu)
        addr = int(rip.group(1), 16)
        where = name(addr) if name and addr >> 47 == 0 and rip.group(3) == "0" else ""
        where = f"(if in the hypervisor: {where}) " if where else ""
        lines.append(f"qemu: CPU {found.group(1)}: rip {addr:#x} {where}rsp 0x"
                     f"{rsp.group(1) if rsp else '?'} rflags 0x{rip.group(2)} "
                     f"cpl {rip.group(3)} halted {rip.group(4)}")
        if where and rsp and rip.group(4) == "0":
            lines += _stack_trace(m, found.group(1), int(rsp.group(1), 16), name)
    return lines


def _stack_trace(m, cpu, rsp, name):
    """The hypervisor code addresses on a running CPU's stack (a guess at its callers)."""
    words = m.monitor(f"cpu {cpu}\nx /64gx {rsp:#x}", timeout=10)
    calls = []
    for word in re.findall(r"0x([0-9a-f]{16})", words.split("x /64gx", 1)[-1]):
        where = name(int(word, 16)) if int(word, 16) >> 47 == 0 else ""
        if where and not where.startswith("__image") and len(calls) < 12:
            calls.append(where)
    return [f"qemu: CPU {cpu}: on its stack: {' '.join(calls)}"] if calls else []


def _run_one(fn):
    """Runs one test; returns (error or None, names of machines whose QEMU crashed)."""
    _machines.clear()
    error, crashed = None, []
    try:
        fn()
    except TestFailure as e:
        error = str(e)
    except Exception:
        error = traceback.format_exc()
    finally:
        crashed = _qemu_crashed() if error else []
        for m in _machines:
            if error and not crashed:
                cpus = _cpu_dump(m)  # first: where each CPU is at the failure itself
                _dump_state(m)
                m.diagnostics = cpus + (getattr(m, "diagnostics", None) or [])
            m.stop()
    return error, crashed


# Seconds a test waits for the Service VM's Linux to reach its /init lines: a stock kernel gets
# there in 10-40 s under TCG on the 2-core machine, so this is three times the worst seen, and it
# bounds what the known rare boot hang (docs/testing.md) costs before its one retry.
LINUX_BOOT = 120

SERVICE_VM_WAIT = re.compile(r"timed out after \d+s waiting for /\^?cairn-svm: ")


def _service_vm_boot_hung(error):
    """The known rare Service VM boot hang (docs/testing.md, "Known"): the hypervisor is up, a
    machine's Linux never reached its /init's ready line, and the test failed waiting for it."""
    if not error or not SERVICE_VM_WAIT.match(error):
        return []
    return [m.name for m in _machines
            if "cairn: ready" in m.text() and "cairn-svm: ready" not in m.text()]


VCPU_RUNNING = re.compile(r"^cairn: vm (\S+) vcpu (\d+): pCPU (\d+) running,")


def _silent_pcpus():
    """The known rare hang (docs/testing.md, "Known"), seen after the boot too: a machine whose
    shell dump lists a vCPU as running on a pCPU that never answered the dump's NMI (no `on
    pCPU` line of its own). Returns "machine: vm vcpu N on pCPU P" for each such vCPU."""
    found = []
    for m in _machines:
        lines = getattr(m, "diagnostics", None) or []
        if not any(" on pCPU " in line for line in lines):
            continue  # the dump itself did not get through: not this signature
        for line in lines:
            r = VCPU_RUNNING.match(line)
            if r and not any(l.startswith(f"cairn: vm {r.group(1)} vcpu {r.group(2)}: on pCPU ")
                             for l in lines):
                found.append(f"{m.name}: vm {r.group(1)} vcpu {r.group(2)} on pCPU {r.group(3)}")
    return found


STUCK_VECTOR = re.compile(r"^cairn: vm (\S+) vcpu (\d+): on pCPU (\d+): .* isr (\d+) irr (\d+) ")


def _stuck_in_service():
    """The known hang's LAPIC picture (docs/testing.md, "Known"): a vCPU whose LAPIC has the same
    vector (a device or timer vector, 32 and up) both in service and pending, so that the vector,
    and every one below it, waits for an EOI that never comes. Returns "machine: vm vcpu N on
    pCPU P (vector V)" for each."""
    found = []
    for m in _machines:
        for line in getattr(m, "diagnostics", None) or []:
            r = STUCK_VECTOR.match(line)
            if r and r.group(4) == r.group(5) and int(r.group(4)) >= 32:
                found.append(f"{m.name}: vm {r.group(1)} vcpu {r.group(2)} on pCPU {r.group(3)} "
                             f"(vector {r.group(4)})")
    return found


BANNER = re.compile(r"^cairn: Cairn partitioning hypervisor \S+ \(x86-64, ([^)]+)\)", re.M)


def _backends():
    """The vendor backends ("AMD SVM", "Intel VMX") the test's machines booted, from their
    banners: QEMU's TCG gives SVM, Bochs VMX (docs/testing.md)."""
    return sorted({b.group(1) for m in _machines for b in [BANNER.search(m.text())] if b})


def _run_with_retries(name, fn):
    """Runs one test, once more for the known hang and QEMU's own crashes (below); returns
    (passed, the lines to print, seconds)."""
    out = []
    start = time.monotonic()
    error, crashed = _run_one(fn)
    hung = _service_vm_boot_hung(error) if not crashed else []
    # Only for a wait that timed out: a failed check is the test's own verdict, whatever
    # the dump shows (a busy partition's pCPU may answer after the dump's few seconds).
    timed_out = bool(error) and error.startswith("timed out after")
    silent = _silent_pcpus() if timed_out and not crashed and not hung else []
    if timed_out and not crashed and not hung and not silent:
        silent = [f"{stuck}: in service and pending" for stuck in _stuck_in_service()]
    if silent:
        # The same hang after the boot: not explained yet either; said, dumped, run again.
        out.append(f"# known hang (a pCPU did not answer the state dump, or a vector waits for "
                   f"an EOI: {'; '.join(silent)}) "
                   f"during '{name}': running it once more (docs/testing.md); the first try's "
                   f"error and state:")
        out += [f"#   {line}" for line in error.rstrip().splitlines()[:3]]
        out += [f"#   | {line}" for m in _machines for line in getattr(m, "diagnostics", []) or []]
        error, crashed = _run_one(fn)
    elif hung:
        # Not explained yet, and not the test's subject: it says so, with the state dump of
        # the first try printed here, and runs once more (docs/testing.md).
        out.append(f"# known Service VM boot hang in {', '.join(hung)} during '{name}': "
                   f"running it once more (docs/testing.md); the first try's state:")
        out += [f"#   | {line}" for m in _machines for line in getattr(m, "diagnostics", []) or []]
        error, crashed = _run_one(fn)
    if error and crashed:
        # QEMU 7.2's TCG segfaults (memory_region_dispatch_write) or aborts now and then:
        # that is QEMU's failure, not the hypervisor's, so the test runs once more, and says so.
        out.append(f"# QEMU crashed in {', '.join(crashed)} during '{name}': "
                   f"running it once more (docs/testing.md)")
        error, crashed = _run_one(fn)
    elapsed = time.monotonic() - start
    backends = _backends()
    where = "".join(f", {b}" for b in backends)
    if error is None:
        out.append(f"ok - integration: {name} ({elapsed:.1f}s{where})")
        return True, out, elapsed, backends
    out.append(f"not ok - integration: {name} ({elapsed:.1f}s{where})")
    out += [f"#   {line}" for line in error.rstrip().splitlines()]
    for m in _machines:
        out.append(f"#   serial tail of {m.name} ({m.log_path}):")
        out += [f"#   | {line}" for line in m.tail()]
        if getattr(m, "diagnostics", None):
            out.append(f"#   state of {m.name} after the failure (hypervisor shell: vcpus, stats):")
            out += [f"#   | {line}" for line in m.diagnostics]
    return False, out, elapsed, backends


# Tests run CAIRN_TEST_JOBS at a time (default 2: each QEMU keeps about one host core busy, the
# Linux it boots; every idle vCPU halts, the heartbeat partition's too). Each runs in its own
# process (fork), so machines, logs and retries stay the test's own; lines print as tests end.
JOBS = max(1, int(os.environ.get("CAIRN_TEST_JOBS", "2")))

# The longest tests start first, so that the last one to end is a short one (modules, in order).
LONG_FIRST = ("test_bochs", "test_linux_user_vm", "test_user_vm", "test_ipis", "test_dm",
              "test_isolation_restart", "test_isolation_service_kernel", "test_hsm")


def _run_indexed(index):
    name, fn = _tests[index]
    return _run_with_retries(name, fn)


def _order(tests):
    def rank(item):
        module = item[1][1].__module__
        return LONG_FIRST.index(module) if module in LONG_FIRST else len(LONG_FIRST)
    return [i for i, _ in sorted(enumerate(tests), key=rank)]


def run_all(selected=None):
    import multiprocessing

    chosen = [(i, t) for i, t in enumerate(_tests)
              if not selected or any(s in t[0] for s in selected)]
    order = [chosen[k][0] for k in _order([t for _, t in chosen])]
    passed = failed = 0
    by_backend = {}
    if JOBS == 1 or len(order) <= 1:
        results = map(_run_indexed, order)
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(JOBS, maxtasksperchild=1)
        results = pool.imap_unordered(_run_indexed, order)
    try:
        for ok, lines, _, backends in results:
            passed += ok
            failed += not ok
            for b in backends:
                by_backend.setdefault(b, [0, 0])[0 if ok else 1] += 1
            print("\n".join(lines), flush=True)
    finally:
        if pool:
            pool.close()
            pool.join()
    print("# integration tests by vendor backend: " + ("; ".join(
        f"{b}: {n[0]} passed, {n[1]} failed" for b, n in sorted(by_backend.items())) or "none"),
        flush=True)
    return passed, failed
