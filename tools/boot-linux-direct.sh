#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Boots the Service VM kernel and initramfs straight in QEMU TCG, without Cairn, to check the images alone.
# Usage: tools/boot-linux-direct.sh BUILD_DIR [extra kernel args...]   (quit: Ctrl-A x)
set -euo pipefail

build=${1:?usage: tools/boot-linux-direct.sh BUILD_DIR [extra kernel args...]}
shift
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
images="$build/images"

# The command line recommended for fast Service VM boots under TCG (docs/images.md explains each part).
fast_boot_cmdline="console=ttyS0,115200 nokaslr mitigations=off tsc=reliable no_timer_check \
cpu_init_udelay=0 io_delay=none panic=-1 quiet"

"$repo/tools/fetch-images.sh" "$build"
command -v qemu-system-x86_64 >/dev/null || "$repo/tools/setup.sh"

cmdline="$fast_boot_cmdline${*:+ $*}"
args=(-accel tcg -machine q35 -cpu qemu64 -smp 2 -m 512M -nographic -no-reboot
	-kernel "$images/vmlinuz" -initrd "$images/initramfs.cpio.gz"
	-drive "file=$images/test-disk.img,if=virtio,format=raw,readonly=on")
echo "boot-linux-direct: qemu-system-x86_64 ${args[*]} -append '$cmdline'   (quit: Ctrl-A x)"
exec qemu-system-x86_64 "${args[@]}" -append "$cmdline"
