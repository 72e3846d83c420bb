# SPDX-License-Identifier: BSD-3-Clause
"""Turns one scenario file into a checked Scenario: parse, check each section, check across VMs."""

from .check_across_vms import check_across_vms
from .check_section import check_board, check_vm
from .model import Board, Scenario
from .parse import parse_file


def load(path, known, diag):
    """Reads and validates a scenario; returns it, or None after reporting errors to `diag`."""
    board_section, vm_sections = parse_file(path, diag)
    if board_section is None:
        diag.error(1, "no_board")
    if not vm_sections:
        diag.error(1, "no_vm")
    board = check_board(board_section, diag) if board_section else Board()
    vms = [check_vm(section, board, known, diag) for section in vm_sections]
    check_across_vms(vm_sections, vms, board, diag)
    if diag.errors:
        return None
    return Scenario(path, board, vms, collect_images(vm_sections))


def collect_images(sections):
    images = []
    for section in sections:
        for key in ("image", "initrd"):
            if key in section.entries:
                images.append((section.entries[key].line, section.entries[key].value))
    return sorted(images, key=lambda image: image[0])
