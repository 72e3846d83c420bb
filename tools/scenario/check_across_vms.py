# SPDX-License-Identifier: BSD-3-Clause
"""Checks that need every VM at once: one service VM, pCPU owners, memory total, placements."""

from .values import format_range, format_size


def check_across_vms(sections, vms, board, diag):
    """`sections` and `vms` are parallel lists, in file order."""
    check_single_service(sections, vms, diag)
    check_pcpu_owners(sections, vms, board, diag)
    check_memory_total(sections, vms, board, diag)
    check_placement_overlaps(sections, vms, diag)


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
