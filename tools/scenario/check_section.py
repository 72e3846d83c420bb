# SPDX-License-Identifier: BSD-3-Clause
"""Checks one [board] or [vm NAME] section's values and turns it into a Board or a Vm."""

import re

from .model import FLAGS, KINDS, SERVICE_ONLY_FLAGS, Board, Vm
from .parse import BOARD_KEYS
from .values import MIB, format_range, format_size, list_items, parse_number, parse_size

BOARD_MAX_PCPUS = 64
BOARD_MEMORY_UNIT = MIB  # QEMU's -m takes MiB
VM_MEMORY_ALIGN = 2 * MIB
VM_MEMORY_MIN = 4 * MIB
PLACEMENT_ALIGN = 2 * MIB
RESERVED_LOW = 16 * MIB  # hypervisor image and firmware
ARGS_MAX_BYTES = 255
WATCHDOG_MIN_MS, WATCHDOG_MAX_MS = 100, 600000

IMAGE_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")


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
        elif flag in SERVICE_ONLY_FLAGS and vm.kind != "service":
            diag.error(entry.line, "flag_service_only", flag=flag)
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
