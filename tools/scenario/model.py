# SPDX-License-Identifier: BSD-3-Clause
"""What a checked scenario holds: its board, its VMs (kinds and flags with C names), its images."""

from dataclasses import dataclass, field

KINDS = {"pre-launched": "VM_KIND_PRE_LAUNCHED", "service": "VM_KIND_SERVICE"}
FLAGS = {"hypercalls": "VM_FLAG_HYPERCALLS", "reset-on-fault": "VM_FLAG_RESET_ON_FAULT",
         "no-pv-ipi": "VM_FLAG_NO_PV_IPI", "x2apic": "VM_FLAG_X2APIC"}
# Flags that only the service VM may have (pre-launched guests get no KVM PV leaves at all).
SERVICE_ONLY_FLAGS = ("no-pv-ipi",)


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
