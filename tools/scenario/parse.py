# SPDX-License-Identifier: BSD-3-Clause
"""Reads a scenario file into its [board] and [vm NAME] sections of key = value entries."""

import re
from dataclasses import dataclass, field

BOARD_KEYS = ("pcpus", "memory")
VM_KEYS = ("kind", "pcpus", "memory", "placement", "image", "initrd", "args", "flags", "watchdog")

VM_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,30}")
HEADER_RE = re.compile(r"\[([^\]]*)\]\s*(?:#.*)?")
KEY_VALUE_RE = re.compile(r"([A-Za-z0-9_.-]+)\s*=(.*)")
TRAILING_COMMENT_RE = re.compile(r"(?:^|\s)#.*")


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


def parse_file(path, diag):
    """The [board] section (None if absent) and the [vm NAME] sections of the file at `path`."""
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as f:  # drop a BOM
        text = f.read()
    return Parser(diag).parse(text)
