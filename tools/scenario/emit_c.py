# SPDX-License-Identifier: BSD-3-Clause
"""The C tables (core/scenario.h) for a checked scenario, with exact C string literals."""

import os

from .model import FLAGS, KINDS
from .values import format_size

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
