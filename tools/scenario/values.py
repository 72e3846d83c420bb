# SPDX-License-Identifier: BSD-3-Clause
"""Numbers, sizes and lists as a scenario spells them, and sizes as messages spell them."""

import re

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30

NUMBER_RE = re.compile(r"0[xX][0-9a-fA-F]+|[0-9]+")
SIZE_RE = re.compile(r"(0[xX][0-9a-fA-F]+)|([0-9]+)([KMGkmg]?)")


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
