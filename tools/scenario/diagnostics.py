# SPDX-License-Identifier: BSD-3-Clause
"""Every message the tool can print, and the list of errors found in one scenario file."""

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
    "unknown_flag": "unknown flag '{flag}' (expected: hypercalls, reset-on-fault, no-pv-ipi, x2apic)",
    "flag_service_only": "flag '{flag}' is only for the service VM (pre-launched VMs are not "
                         "offered KVM's PV features)",
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
