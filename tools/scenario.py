#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Validates a Cairn scenario file (the VMs created at boot) and turns it into C tables."""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in tools/
# The scenario/ package beside this file, whatever the current directory (it wins over this file).
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

from scenario import Diagnostics, generate_c, load  # noqa: E402
from scenario.values import MIB  # noqa: E402


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


def write_atomically(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    os.replace(temporary, path)


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
