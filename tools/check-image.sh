#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks build/cairn.elf is bootable: one load segment laid out linearly, multiboot headers where loaders look.
set -euo pipefail
elf=$1

loads=$(readelf -lW "$elf" | awk '$1 == "LOAD"' | wc -l)
[ "$loads" -eq 1 ] || { echo "check-image: $elf has $loads LOAD segments, expected 1" >&2; exit 1; }

mb1_off=$(python3 - "$elf" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
def find(magic, limit, align):
    for off in range(0, min(limit, len(data)) - 12, align):
        m, f, c = struct.unpack_from('<III', data, off)
        if m == magic and (m + f + c) & 0xffffffff == 0:
            return off
    return -1
mb1 = find(0x1BADB002, 8192, 4)
mb2 = -1
for off in range(0, min(32768, len(data)) - 16, 8):
    m, a, l, c = struct.unpack_from('<IIII', data, off)
    if m == 0xE85250D6 and (m + a + l + c) & 0xffffffff == 0:
        mb2 = off
        break
if mb1 < 0 or mb2 < 0:
    print(f"missing header: multiboot1 at {mb1}, multiboot2 at {mb2}")
    sys.exit(1)
print(mb1)
PY
) || { echo "check-image: $mb1_off" >&2; exit 1; }
exit 0
