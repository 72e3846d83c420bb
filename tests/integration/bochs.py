#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Bochs machines for the integration tests: an Intel CPU with VMX (EPT, unrestricted guest).

A BochsMachine is a harness.Machine (the same wait_for, command, shell, send, tail, stop) whose
emulator is Debian's Bochs instead of QEMU (docs/bochs.md). Bochs is configured from
tests/bochs/bochsrc.in; COM1 is a pseudo-terminal (Bochs' `mode=term`) that the harness reads
into the serial log and writes typed input to, so the hypervisor shell works as under QEMU.
Bochs' own console (its term display and built-in debugger) is a second pty, drained into
NAME.console beside the serial log; the debugger is told to continue at once (-rc), and to quit
if the simulation ever stops. There is no monitor: monitor() answers '' (no `qemu: CPU` lines
after a failure). Bochs never exits when its guest halts: the runner kills it by PID.

Run by hand:  python3 tests/integration/bochs.py build/cairn.iso --cpus 2 --megs 1024
(COM1 on stdout until the timeout or Ctrl-C; docs/bochs.md).
"""
import argparse
import os
import pty
import re
import select
import string
import subprocess
import sys
import termios
import threading
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BOCHS = os.environ.get("BOCHS", "bochs")
BOCHSRC = os.path.join(harness.ROOT, "tests", "bochs", "bochsrc.in")
MODEL = "corei7_icelake_u"
# The emulated clock (instructions per emulated second): the TSC runs at IPS / 1000 kHz.
IPS = 100_000_000


def bochsrc(iso, serial, log, cpus=1, megs=1024, model=MODEL, ips=IPS):
    """The text of a bochsrc for `iso` with COM1 on the tty `serial`."""
    with open(BOCHSRC) as f:
        template = string.Template(f.read())
    # Bochs allocates at most 2048 MiB of host memory up front; more guest RAM is allocated
    # as the guest touches it.
    return template.substitute(iso=iso, serial=serial, log=log, cpus=cpus, megs=megs,
                               host_megs=min(megs, 2048), model=model, ips=ips)


def _raw_pty():
    """A pty pair (master, slave) with the line discipline off: bytes pass unchanged."""
    master, slave = pty.openpty()
    tty.setraw(slave, termios.TCSANOW)
    return master, slave


class BochsMachine(harness.Machine):
    """One Bochs machine booting `iso` whose COM1 goes to a log file and a line buffer.

    `timeout` is a hard limit in seconds: Bochs runs under timeout(1), so a test that forgets
    it (or a runner that dies) cannot leave it running."""

    emulator = "Bochs"

    def __init__(self, name, iso, cpus=1, megs=1024, model=MODEL, ips=IPS, timeout=600):
        self.name = name
        base = os.path.join(harness.BUILD, "test-logs", name)
        self.log_path = base + ".log"
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.kernel = None
        self.bochs_log = base + ".bochs.log"
        self.console_path = base + ".console"
        self._serial, serial_slave = _raw_pty()
        self._console, console_slave = _raw_pty()
        # Bochs opens COM1 by name; the slave end stays open here too so the master never
        # reads EIO while Bochs has not opened it yet.
        self._serial_slave = serial_slave
        rc_path, dbg_path = base + ".bochsrc", base + ".dbgrc"
        with open(rc_path, "w") as f:
            f.write(bochsrc(iso, os.ttyname(serial_slave), self.bochs_log, cpus, megs, model,
                            ips))
        with open(dbg_path, "w") as f:
            f.write("continue\nquit\n")
        self.args = ["timeout", "-s", "KILL", str(timeout), BOCHS, "-q", "-f", rc_path,
                     "-rc", dbg_path]
        self.output = ""
        self._lock = threading.Lock()
        self._log = open(self.log_path, "w")
        self._log.write("# " + " ".join(self.args) + "\n")
        self._log.flush()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.args, stdin=console_slave, stdout=console_slave,
                                     stderr=console_slave, env=dict(os.environ, TERM="vt100"),
                                     start_new_session=True)
        os.close(console_slave)
        self._console_log = open(self.console_path, "wb")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        fds = [self._serial, self._console]
        while fds:
            ready, _, _ = select.select(fds, [], [], 0.2)
            for fd in ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    fds.remove(fd)
                elif fd == self._console:
                    self._console_log.write(chunk)
                else:
                    text = chunk.decode("utf-8", "replace").replace("\r", "")
                    with self._lock:
                        self.output += text
                    self._log.write(text)
                    self._log.flush()
            if not ready and self.proc.poll() is not None:
                break

    def send(self, text, pace=0.02):
        """Types `text` on COM1, one byte at a time (the hypervisor polls the UART)."""
        for ch in text.encode():
            os.write(self._serial, bytes([ch]))
            time.sleep(pace)

    def monitor(self, command, timeout=10):
        return ""

    def stop(self):
        try:
            os.killpg(self.proc.pid, 9)  # timeout(1) and the Bochs it started, by their group
        except ProcessLookupError:
            pass
        self.proc.wait()
        # Bochs itself is timeout's child: wait until it is gone too, so that the next test's
        # Bochs never runs beside it.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self._reader.join(timeout=2)
        for fd in (self._serial, self._serial_slave, self._console):
            try:
                os.close(fd)
            except OSError:
                pass
        self._console_log.close()
        self._log.close()


def boot_bochs(name, iso, **kwargs):
    """Starts a Bochs machine that the runner stops (and shows the serial tail of) after a test."""
    m = BochsMachine(name, iso, **kwargs)
    harness._machines.append(m)
    return m


def main():
    parser = argparse.ArgumentParser(description="Boots an ISO under Bochs, COM1 on stdout.")
    parser.add_argument("iso")
    parser.add_argument("--cpus", type=int, default=1)
    parser.add_argument("--megs", type=int, default=1024)
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--ips", type=int, default=IPS)
    parser.add_argument("--timeout", type=int, default=300, help="seconds, then Bochs is killed")
    parser.add_argument("--name", default="bochs-manual")
    parser.add_argument("--first", default=r"^cairn: ",
                        help="report when this regex first appears")
    parser.add_argument("--until", help="stop when this regex appears on COM1")
    args = parser.parse_args()
    m = BochsMachine(args.name, os.path.abspath(args.iso), cpus=args.cpus, megs=args.megs,
                     model=args.model, ips=args.ips, timeout=args.timeout)
    print(f"# serial log {m.log_path}, Bochs log {m.bochs_log}", file=sys.stderr)
    shown, first, until = 0, None, None
    try:
        while m.proc.poll() is None:
            text = m.text()
            if first is None and re.search(args.first, text, re.M):
                first = time.monotonic() - m.started
            sys.stdout.write(text[shown:])
            sys.stdout.flush()
            shown = len(text)
            if args.until and re.search(args.until, text, re.M):
                until = time.monotonic() - m.started
                break
            time.sleep(0.05)
    except KeyboardInterrupt:
        pass
    finally:
        m.stop()
        sys.stdout.write(m.text()[shown:])
    said = [f"Bochs ran {time.monotonic() - m.started:.1f}s"]
    if first is not None:
        said.append(f"/{args.first}/ after {first:.1f}s")
    if until is not None:
        said.append(f"/{args.until}/ after {until:.1f}s")
    print("# " + ", ".join(said), file=sys.stderr)


if __name__ == "__main__":
    main()
