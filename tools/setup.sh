#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs the Debian packages Cairn's build, run and tests need; does nothing when all are present.
set -euo pipefail

packages=(
	make gcc binutils python3       # build and build-time tools
	gcc-12 libc6-dev                # the Service VM's static test programs and modules (Debian's kernels use gcc-12)
	qemu-system-x86                 # the test machine (TCG)
	bochs bochsbios vgabios bochs-term   # the VMX test machine (docs/bochs.md); bochs-term satisfies bochs-gui, so no wx/X
	grub-pc-bin grub-common xorriso mtools   # the GRUB rescue ISO
	clang-format cppcheck           # make format-check, make static-check
	linux-libc-dev                  # <linux/types.h> for the userspace abi check (make header-tests)
	cpio kmod xz-utils gzip         # make images (tools/fetch-images.sh): initramfs, depmod, .ko.xz
)

missing=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
