#!/usr/bin/env python3
"""Validates a Cairn scenario file (the VMs created at boot) and turns it into C tables."""

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30
BOARD_MAX_PCPUS = 64
BOARD_MEMORY_UNIT = MIB  # QEMU's -m takes MiB
VM_MEMORY_ALIGN = 2 * MIB
VM_MEMORY_MIN = 4 * MIB
PLACEMENT_ALIGN = 2 * MIB
RESERVED_LOW = 16 * MIB  # hypervisor image and firmware
ARGS_MAX_BYTES = 255
WATCHDOG_MIN_MS, WATCHDOG_MAX_MS = 100, 600000

BOARD_KEYS = ("pcpus", "memory")
VM_KEYS = ("kind", "pcpus", "memory", "placement", "image", "initrd", "args", "flags", "watchdog")
KINDS = {"pre-launched": "VM_KIND_PRE_LAUNCHED", "service": "VM_KIND_SERVICE"}
FLAGS = {"hypercalls": "VM_FLAG_HYPERCALLS", "reset-on-fault": "VM_FLAG_RESET_ON_FAULT"}

VM_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,30}")
IMAGE_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
HEADER_RE = re.compile(r"\[([^\]]*)\]\s*(?:#.*)?")
KEY_VALUE_RE = re.compile(r"([A-Za-z0-9_.-]+)\s*=(.*)")
NUMBER_RE = re.compile(r"0[xX][0-9a-fA-F]+|[0-9]+")
SIZE_RE = re.compile(r"(0[xX][0-9a-fA-F]+)|([0-9]+)([KMGkmg]?)")
TRAILING_COMMENT_RE = re.compile(r"(?:^|\s)#.*")

# Every message the tool can print; docs/scenarios.md lists them and the tests check both.
MESSAGES = {
    "bad_line": "expected a comment, a [section] header or 'key = value'",
    "unknown_section": "unknown section '[{text}]' (expected [board] or [vm NAME])",
    "bad_vm_name": "invalid VM name '{name}' (1 to 31 of a-z, 0-9, '_' and '-', "
                   "starting with a letter or digit)",
    "duplicate_board": "duplicate [board] section (first at line {line})",
    "duplicate_vm": "duplicate vm '{name}' (first at line {line})",
    "key_outside": "key '{key}' is outside any section",
    "unknown_key": "unknown key '{key}' in {section} (expected: {expected})",
    "duplicate_key": "duplicate key '{key}' in {section} (first at line {line})",
    "empty_value": "key '{key}' has no value",
    "missing_key": "{section} is missing required key '{key}'",
    "no_board": "no [board] section",
    "no_vm": "no VM: the scenario has no [vm NAME] section",
    "bad_number": "'{key}' value '{value}' is not a number",
    "bad_size": "'{key}' value '{value}' is not a size (bytes, 0x hex, or a K, M or G suffix)",
    "size_too_large": "'{key}' value '{value}' does not fit in 64 bits",
    "board_pcpus_range": "board pcpus {value} is out of range 1..64",
    "board_memory_unit": "board memory {value} is not a positive multiple of 1M (QEMU -m)",
    "bad_kind": "kind '{value}' is not one of: pre-launched, service",
    "second_service": "vm '{name}' is a second service VM (the first is vm '{other}', line {line})",
    "pcpu_range": "pCPU {cpu} is out of range: the board has {count} pCPUs (0..{last})",
    "pcpu_twice": "pCPU {cpu} is listed twice",
    "pcpu_taken": "pCPU {cpu} is already given to vm '{other}' (line {line})",
    "service_no_pcpu": "service vm '{name}' has no pcpus and every pCPU is given to another VM",
    "memory_align": "memory {value} is not a multiple of 2M",
    "memory_min": "memory {value} is less than the 4M minimum",
    "memory_total": "VM memory adds up to {total}, more than the board's {board} (line {line})",
    "placement_align": "placement {value} is not 2M aligned",
    "placement_no_size": "placement needs an explicit memory size",
    "placement_low": "placement {range} overlaps the first 16M (hypervisor image and firmware)",
    "placement_above": "placement {range} ends above the board's memory ({board}, line {line})",
    "placement_overlap": "placement {range} overlaps vm '{other}' at {other_range} (line {line})",
    "bad_image_name": "'{key}' value '{value}' is not an image name (A-Z, a-z, 0-9, '_' and '-')",
    "unknown_image": "'{key}' names unknown image '{value}' (known: {known})",
    "initrd_not_service": "initrd is only allowed for the service VM",
    "args_too_long": "args are {length} bytes long (at most 255)",
    "unknown_flag": "unknown flag '{flag}' (expected: hypercalls, reset-on-fault)",
    "flag_twice": "flag '{flag}' is listed twice",
    "watchdog_range": "watchdog {value} ms is out of range 100..600000",
    "watchdog_needs_hypercalls": "watchdog needs the hypercalls flag (the guest kicks it by "
                                 "hypercall)",
}


class Diagnostics:
    """Errors found in one scenario file, printed as FILE:LINE: error: MESSAGE."""

    def __init__(self, path):
        self.path = path
        self.errors = []

    def error(self, at, kind, **fields):
        self.errors.append((at, MESSAGES[kind].format(**fields)))

    def lines(self):
        ordered = sorted(self.errors, key=lambda e: e[0])  # stable: same-line errors keep order
        return [f"{self.path}:{line}: error: {message}" for line, message in ordered]


@dataclass
class Entry:
    key: str
    value: str
    line: int


@dataclass
class Section:
    title: str  # "[board]" or "[vm NAME]", for messages
    name: str
    line: int
    entries: dict = field(default_factory=dict)  # key -> Entry, for values that are not empty
    seen: dict = field(default_factory=dict)  # key -> line, for every key given


@dataclass
class Vm:
    name: str
    line: int
    kind: str = None
    pcpus: list = None
    memory: int = None  # 0: service default
    placement: int = None
    image: str = None
    initrd: str = None
    args: str = ""
    flags: list = field(default_factory=list)
    watchdog_ms: int = 0
    default_pcpus: list = field(default_factory=list)  # a service VM without pcpus gets these


@dataclass
class Board:
    pcpus: int = None
    memory: int = None
    memory_line: int = 0


@dataclass
class Scenario:
    path: str
    board: Board
    vms: list
    images: list  # (line, name) of every image and initrd value


# ---- values ----

def format_size(n):
    """Bytes as the shortest exact K/M/G spelling, for messages and comments."""
    for unit, suffix in ((GIB, "G"), (MIB, "M"), (KIB, "K")):
        if n and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def format_range(start, size):
    return f"0x{start:x}-0x{start + size:x}"


def parse_number(entry, diag, text=None):
    text = entry.value if text is None else text
    if not NUMBER_RE.fullmatch(text):
        diag.error(entry.line, "bad_number", key=entry.key, value=text)
        return None
    return int(text[2:], 16) if text[:2].lower() == "0x" else int(text, 10)


def parse_size(entry, diag):
    m = SIZE_RE.fullmatch(entry.value)
    if not m:
        diag.error(entry.line, "bad_size", key=entry.key, value=entry.value)
        return None
    if m.group(1):
        size = int(m.group(1)[2:], 16)
    else:
        unit = {"": 1, "K": KIB, "M": MIB, "G": GIB}[m.group(3).upper()]
        size = int(m.group(2), 10) * unit
    if size >= 1 << 64:
        diag.error(entry.line, "size_too_large", key=entry.key, value=entry.value)
        return None
    return size


def list_items(text):
    return [item.strip() for item in text.split(",")]


# ---- lines and sections ----

def strip_value(key, raw):
    """The value after '='; args keep everything, other keys lose a trailing ' # comment'."""
    if key != "args":
        raw = TRAILING_COMMENT_RE.sub("", raw, count=1)
    return raw.strip()


class Parser:
    """Splits a scenario into its [board] and [vm NAME] sections of key = value entries."""

    def __init__(self, diag):
        self.diag = diag
        self.board = None
        self.vms = []
        self.current = None  # the section keys go to; None before any header
        self.ignoring = False  # inside an unknown or repeated section

    def parse(self, text):
        for number, line in enumerate(text.split("\n"), 1):
            self.parse_line(number, line.strip())
        return self.board, self.vms

    def parse_line(self, number, line):
        if not line or line.startswith("#"):
            return
        header = HEADER_RE.fullmatch(line)
        if header:
            self.open_section(number, header.group(1))
            return
        pair = KEY_VALUE_RE.fullmatch(line)
        if not pair:
            self.diag.error(number, "bad_line")
            return
        key = pair.group(1)
        self.add_entry(Entry(key, strip_value(key, pair.group(2)), number))

    def open_section(self, number, text):
        words = text.split()
        self.current, self.ignoring = None, True
        if words == ["board"]:
            self.open_board(number)
        elif words[:1] == ["vm"]:
            self.open_vm(number, " ".join(words[1:]))
        else:
            self.diag.error(number, "unknown_section", text=text)

    def open_board(self, number):
        if self.board:
            self.diag.error(number, "duplicate_board", line=self.board.line)
            return
        self.board = self.current = Section("[board]", "", number)
        self.ignoring = False

    def open_vm(self, number, name):
        if not VM_NAME_RE.fullmatch(name):
            self.diag.error(number, "bad_vm_name", name=name)  # still check its keys
        first = next((vm for vm in self.vms if vm.name == name), None)
        if first:
            self.diag.error(number, "duplicate_vm", name=name, line=first.line)
            return
        self.current = Section(f"[vm {name}]", name, number)
        self.vms.append(self.current)
        self.ignoring = False

    def add_entry(self, entry):
        if self.ignoring:
            return
        section = self.current
        if section is None:
            self.diag.error(entry.line, "key_outside", key=entry.key)
            return
        allowed = BOARD_KEYS if section is self.board else VM_KEYS
        if entry.key not in allowed:
            self.diag.error(entry.line, "unknown_key", key=entry.key, section=section.title,
                            expected=", ".join(allowed))
        elif entry.key in section.seen:
            self.diag.error(entry.line, "duplicate_key", key=entry.key, section=section.title,
                            line=section.seen[entry.key])
        elif entry.value == "" and entry.key != "args":
            self.diag.error(entry.line, "empty_value", key=entry.key)
            section.seen[entry.key] = entry.line
        else:
            section.entries[entry.key] = entry
            section.seen[entry.key] = entry.line


# ---- checks on one section ----

def require(section, keys, diag):
    for key in keys:
        if key not in section.seen:
            diag.error(section.line, "missing_key", section=section.title, key=key)


def check_board(section, diag):
    board = Board()
    require(section, BOARD_KEYS, diag)
    entries = section.entries
    if "pcpus" in entries:
        pcpus = parse_number(entries["pcpus"], diag)
        if pcpus is not None and not 1 <= pcpus <= BOARD_MAX_PCPUS:
            diag.error(entries["pcpus"].line, "board_pcpus_range", value=pcpus)
        elif pcpus is not None:
            board.pcpus = pcpus
    if "memory" in entries:
        entry = entries["memory"]
        memory = parse_size(entry, diag)
        if memory is not None and (memory == 0 or memory % BOARD_MEMORY_UNIT):
            diag.error(entry.line, "board_memory_unit", value=entry.value)
        elif memory is not None:
            board.memory, board.memory_line = memory, entry.line
    return board


def check_kind(vm, entries, diag):
    entry = entries.get("kind")
    if entry and entry.value not in KINDS:
        diag.error(entry.line, "bad_kind", value=entry.value)
    elif entry:
        vm.kind = entry.value


def check_pcpus(vm, entries, board, diag):
    entry = entries.get("pcpus")
    if not entry:
        return
    cpus = [parse_number(entry, diag, item) for item in list_items(entry.value)]
    if None in cpus:
        return
    errors = len(diag.errors)
    for i, cpu in enumerate(cpus):
        if cpu in cpus[:i]:
            diag.error(entry.line, "pcpu_twice", cpu=cpu)
        elif board.pcpus is not None and cpu >= board.pcpus:
            diag.error(entry.line, "pcpu_range", cpu=cpu, count=board.pcpus,
                       last=board.pcpus - 1)
    if len(diag.errors) == errors:
        vm.pcpus = cpus


def check_memory(vm, entries, diag):
    entry = entries.get("memory")
    if not entry:
        vm.memory = 0 if vm.kind == "service" else None
        return
    memory = parse_size(entry, diag)
    if memory is None:
        return
    if memory == 0 and vm.kind == "service":
        vm.memory = 0
    elif memory % VM_MEMORY_ALIGN:
        diag.error(entry.line, "memory_align", value=entry.value)
    elif memory < VM_MEMORY_MIN:
        diag.error(entry.line, "memory_min", value=entry.value)
    else:
        vm.memory = memory


def check_placement(vm, entries, board, diag):
    entry = entries.get("placement")
    if not entry:
        return
    base = parse_size(entry, diag)
    if base is None:
        return
    if base % PLACEMENT_ALIGN:
        diag.error(entry.line, "placement_align", value=entry.value)
    elif vm.memory == 0:
        diag.error(entry.line, "placement_no_size")
    elif vm.memory is not None:
        check_placement_range(entry, base, vm.memory, board, diag)
        vm.placement = base


def check_placement_range(entry, base, size, board, diag):
    span = format_range(base, size)
    if base < RESERVED_LOW:
        diag.error(entry.line, "placement_low", range=span)
    if board.memory is not None and base + size > board.memory:
        diag.error(entry.line, "placement_above", range=span, board=format_size(board.memory),
                   line=board.memory_line)


def check_image(entry, known, diag):
    """The image name, or None; `known` is None when the caller gave no image list."""
    if not IMAGE_NAME_RE.fullmatch(entry.value):
        diag.error(entry.line, "bad_image_name", key=entry.key, value=entry.value)
        return None
    if known is not None and entry.value not in known:
        diag.error(entry.line, "unknown_image", key=entry.key, value=entry.value,
                   known=", ".join(known) or "none")
        return None
    return entry.value


def check_images(vm, entries, known, diag):
    if "image" in entries:
        vm.image = check_image(entries["image"], known, diag)
    entry = entries.get("initrd")
    if not entry:
        return
    if vm.kind == "pre-launched":
        diag.error(entry.line, "initrd_not_service")
    else:
        vm.initrd = check_image(entry, known, diag)


def check_args(vm, entries, diag):
    entry = entries.get("args")
    if not entry:
        return
    length = len(entry.value.encode("utf-8", "surrogateescape"))
    if length > ARGS_MAX_BYTES:
        diag.error(entry.line, "args_too_long", length=length)
    vm.args = entry.value


def check_flags(vm, entries, diag):
    """Parses flags; returns False if the value had errors."""
    entry = entries.get("flags")
    if not entry:
        return True
    ok = True
    items = list_items(entry.value)
    for i, flag in enumerate(items):
        if flag not in FLAGS:
            diag.error(entry.line, "unknown_flag", flag=flag)
            ok = False
        elif flag in items[:i]:
            diag.error(entry.line, "flag_twice", flag=flag)
            ok = False
        else:
            vm.flags.append(flag)
    return ok


def check_watchdog(vm, entries, flags_ok, diag):
    entry = entries.get("watchdog")
    if not entry:
        return
    ms = parse_number(entry, diag)
    if ms is None:
        return
    if not WATCHDOG_MIN_MS <= ms <= WATCHDOG_MAX_MS:
        diag.error(entry.line, "watchdog_range", value=ms)
    elif flags_ok and "hypercalls" not in vm.flags:
        diag.error(entry.line, "watchdog_needs_hypercalls")
    else:
        vm.watchdog_ms = ms


def check_vm(section, board, known, diag):
    vm = Vm(section.name, section.line)
    entries = section.entries
    check_kind(vm, entries, diag)
    required = ("kind", "pcpus", "memory", "image") if vm.kind == "pre-launched" else \
        ("kind", "image")
    require(section, required, diag)
    check_pcpus(vm, entries, board, diag)
    check_memory(vm, entries, diag)
    check_placement(vm, entries, board, diag)
    check_images(vm, entries, known, diag)
    check_args(vm, entries, diag)
    check_watchdog(vm, entries, check_flags(vm, entries, diag), diag)
    return vm


# ---- checks across VMs ----

def check_single_service(sections, vms, diag):
    first = None
    for section, vm in zip(sections, vms):
        if vm.kind != "service":
            continue
        if first:
            diag.error(section.entries["kind"].line, "second_service", name=vm.name,
                       other=first.name, line=first.line)
        else:
            first = vm


def check_pcpu_owners(sections, vms, board, diag):
    owners = {}  # pCPU -> (vm name, line of its pcpus)
    for section, vm in zip(sections, vms):
        if not vm.pcpus:
            continue
        line = section.entries["pcpus"].line
        for cpu in vm.pcpus:
            if cpu in owners:
                diag.error(line, "pcpu_taken", cpu=cpu, other=owners[cpu][0], line=owners[cpu][1])
            else:
                owners[cpu] = (vm.name, line)
    for section, vm in zip(sections, vms):
        if vm.kind == "service" and "pcpus" not in section.seen:
            assign_default_pcpus(vm, owners, board, diag)


def assign_default_pcpus(vm, owners, board, diag):
    if board.pcpus is None:
        return
    vm.default_pcpus = [cpu for cpu in range(board.pcpus) if cpu not in owners]
    if not vm.default_pcpus:
        diag.error(vm.line, "service_no_pcpu", name=vm.name)


def check_memory_total(sections, vms, board, diag):
    if board.memory is None:
        return
    total = 0
    for section, vm in zip(sections, vms):
        total += vm.memory or 0
        if total > board.memory:
            diag.error(section.entries["memory"].line, "memory_total", total=format_size(total),
                       board=format_size(board.memory), line=board.memory_line)
            return


def check_placement_overlaps(sections, vms, diag):
    placed = []  # (vm, line) in file order
    for section, vm in zip(sections, vms):
        if vm.placement is None:
            continue
        line = section.entries["placement"].line
        for other, other_line in placed:
            if vm.placement < other.placement + other.memory and \
                    other.placement < vm.placement + vm.memory:
                diag.error(line, "placement_overlap", range=format_range(vm.placement, vm.memory),
                           other=other.name, line=other_line,
                           other_range=format_range(other.placement, other.memory))
        placed.append((vm, line))


def collect_images(sections):
    images = []
    for section in sections:
        for key in ("image", "initrd"):
            if key in section.entries:
                images.append((section.entries[key].line, section.entries[key].value))
    return sorted(images, key=lambda image: image[0])


def load(path, known, diag):
    """Reads and validates a scenario; returns it, or None after reporting errors to `diag`."""
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as f:  # drop a BOM
        text = f.read()
    board_section, vm_sections = Parser(diag).parse(text)
    if board_section is None:
        diag.error(1, "no_board")
    if not vm_sections:
        diag.error(1, "no_vm")
    board = check_board(board_section, diag) if board_section else Board()
    vms = [check_vm(section, board, known, diag) for section in vm_sections]
    check_single_service(vm_sections, vms, diag)
    check_pcpu_owners(vm_sections, vms, board, diag)
    check_memory_total(vm_sections, vms, board, diag)
    check_placement_overlaps(vm_sections, vms, diag)
    if diag.errors:
        return None
    return Scenario(path, board, vms, collect_images(vm_sections))


# ---- C output ----

C_SIMPLE_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("?"): "\\?", ord("\n"): "\\n",
                    ord("\t"): "\\t", ord("\r"): "\\r"}


def c_string(text):
    """A C string literal with the exact bytes of `text` (UTF-8); other bytes as octal escapes."""
    if text is None:
        return "NULL"
    out = []
    for byte in text.encode("utf-8", "surrogateescape"):
        if byte in C_SIMPLE_ESCAPES:
            out.append(C_SIMPLE_ESCAPES[byte])
        elif 0x20 <= byte < 0x7f:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03o}")  # always 3 digits, so a following digit is not absorbed
    return '"' + "".join(out) + '"'


def c_comment_text(text):
    printable = "".join(ch if " " <= ch <= "~" else "?" for ch in text)
    return printable.replace("*/", "* /")


def pcpu_list_text(cpus):
    return ("pCPU " if len(cpus) == 1 else "pCPUs ") + " ".join(str(c) for c in sorted(cpus))


def c_vm_fields(scenario, vm):
    """(field, value, comment) rows for one scenario_vms[] entry."""
    mask = sum(1 << cpu for cpu in vm.pcpus or [])
    cpus = pcpu_list_text(vm.pcpus) if vm.pcpus else \
        "service default: " + pcpu_list_text(vm.default_pcpus)
    memory = format_size(vm.memory) if vm.memory else "service default: all remaining RAM"
    flags = " | ".join(FLAGS[f] for f in vm.flags) or "0"
    return [
        ("name", c_string(vm.name), None),
        ("kind", KINDS[vm.kind], None),
        ("pcpu_mask", f"0x{mask:x}", cpus),
        ("memory_size", f"0x{vm.memory:x}", memory),
        ("memory_base", f"0x{vm.placement or 0:x}",
         format_size(vm.placement) if vm.placement else "anywhere"),
        ("image", c_string(vm.image), None),
        ("initrd", c_string(vm.initrd), None),
        ("args", c_string(vm.args), None),
        ("flags", flags, None),
        ("watchdog_ms", str(vm.watchdog_ms), None),
        ("source", c_string(f"{scenario.path}:{vm.line}"), None),
    ]


def c_vm_entry(scenario, vm):
    lines = ["\t{"]
    for name, value, comment in c_vm_fields(scenario, vm):
        note = f" /* {c_comment_text(comment)} */" if comment else ""
        lines.append(f"\t\t.{name} = {value},{note}")
    lines.append("\t},")
    return lines


def generate_c(scenario):
    name = os.path.splitext(os.path.basename(scenario.path))[0]
    lines = [
        f"/* Generated from {c_comment_text(scenario.path)} by tools/scenario.py; do not edit. */",
        '#include "core/scenario.h"',
        "",
        f"const char scenario_name[] = {c_string(name)};",
        f"const uint32_t scenario_board_pcpus = {scenario.board.pcpus};",
        "",
        "const struct vm_config scenario_vms[] = {",
    ]
    for vm in scenario.vms:
        lines += c_vm_entry(scenario, vm)
    lines += ["};", "", "const size_t scenario_vm_count = ARRAY_SIZE(scenario_vms);", ""]
    return "\n".join(lines)


def write_atomically(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    os.replace(temporary, path)


# ---- command line ----

def known_images(text):
    return [name.strip() for name in text.split(",") if name.strip()]


def load_or_report(path, known):
    diag = Diagnostics(path)
    try:
        scenario = load(path, known, diag)
    except OSError as e:
        print(f"{path}: error: cannot read: {e.strerror}", file=sys.stderr)
        return None
    for line in diag.lines():
        print(line, file=sys.stderr)
    return scenario


def command_gen(args):
    scenario = load_or_report(args.file, known_images(args.known_images))
    if scenario is None:
        if os.path.exists(args.output):
            os.remove(args.output)  # a stale table must not outlive the scenario that broke
        return 1
    write_atomically(args.output, generate_c(scenario))
    return 0


def command_check(args):
    return 0 if load_or_report(args.file, known_images(args.known_images)) else 1


def command_modules(args):
    scenario = load_or_report(args.file, None)
    if scenario is None:
        return 1
    seen = []
    for _, image in scenario.images:
        if image not in seen:
            seen.append(image)
    print("\n".join(seen))
    return 0


def command_qemu_args(args):
    scenario = load_or_report(args.file, None)
    if scenario is None:
        return 1
    board = scenario.board
    print(f"-smp {board.pcpus} -m {board.memory // MIB}M")
    return 0


COMMANDS = (
    ("gen", command_gen, "validate FILE and write its C tables"),
    ("check", command_check, "validate FILE"),
    ("modules", command_modules, "print the image names FILE uses, one a line"),
    ("qemu-args", command_qemu_args, "print -smp and -m for FILE's board"),
)


def argument_parser():
    parser = argparse.ArgumentParser(prog="tools/scenario.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run, summary in COMMANDS:
        command = commands.add_parser(name, help=summary)
        command.add_argument("file", metavar="FILE")
        if name in ("gen", "check"):
            command.add_argument("--known-images", required=True, metavar="LIST",
                                 help="comma-separated image names the build provides")
        if name == "gen":
            command.add_argument("-o", dest="output", required=True, metavar="OUT.c")
        command.set_defaults(run=run)
    return parser


def main(argv):
    args = argument_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
