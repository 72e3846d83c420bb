#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Boots a scenario in QEMU TCG on this terminal: its image, its guests as multiboot modules, its board.
set -euo pipefail
build=$1
scenario=$2
shift 2
name=$(basename "$scenario" .scn)
modules=()
for image in $(python3 tools/scenario.py modules "$scenario"); do
	modules+=("$(tools/module-path.sh "$build" "$image")")
done
initrd=$(IFS=,; echo "${modules[*]}")
disk="$build/images/test-disk.img"
args=(-accel tcg -machine q35 -cpu qemu64,+svm,+npt $(python3 tools/scenario.py qemu-args "$scenario")
	-nographic -no-reboot -kernel "$build/scenarios/$name/cairn.elf")
[ -n "$initrd" ] && args+=(-initrd "$initrd")
[ -f "$disk" ] && args+=(-drive "file=$disk,if=virtio,format=raw,readonly=on")
echo "run-scenario: qemu-system-x86_64 ${args[*]} $*   (quit: Ctrl-A x)"
exec qemu-system-x86_64 "${args[@]}" "$@"
