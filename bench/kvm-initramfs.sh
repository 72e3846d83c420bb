#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds BUILD/bench/kvm-initramfs.cpio.gz: busybox, kvm + kvm_amd/kvm_intel, bench/kvm-pio, a /init that runs it.
# Usage: bench/kvm-initramfs.sh BUILD   (after `make images`: it reuses BUILD/images' kernel tree and busybox)
# The KVM peer of bench/ioreq-roundtrip: the Service VM's Debian kernel, booted alone under QEMU TCG
# with nested SVM, loads KVM and runs one VM doing port I/O to its userspace (kvm-pio).
set -euo pipefail
PATH="$PATH:/usr/sbin:/sbin"

build=$(cd "${1:?usage: bench/kvm-initramfs.sh BUILD}" && pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
images="$build/images"
out="$build/bench"
root="$out/kvm-initramfs-root"
# shellcheck source=bench/kvm-initramfs-common.sh
source "$repo/bench/kvm-initramfs-common.sh"
kvm_check_images kvm-initramfs

mkdir -p "$out"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o "$out/kvm-pio" "$repo/bench/kvm-pio.c"

kvm_root_init "$root"
cp "$out/kvm-pio" "$root/bin/kvm-pio"

cat >"$root/init" <<'INIT'
#!/bin/sh
# kvm-bench /init: loads KVM, shows what it said, runs kvm-pio with kvm_rounds= from the command line, powers off.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
rounds=$(sed -n 's/.*kvm_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
echo "kvm-bench: init started, cpu: $(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'svm|npt|nrip_save|vmx' | tr '\n' ' ')"
if grep -q -w svm /proc/cpuinfo; then module=kvm_amd; else module=kvm_intel; fi
modprobe "$module"
echo "kvm-bench: modprobe $module rc=$?"
dmesg | grep -E 'kvm:|SVM:|kvm_amd|kvm_intel' | sed 's/^/kvm-bench: dmesg: /'
if [ -c /dev/kvm ]; then
	kvm-pio ${rounds:-100000}
	echo "kvm-bench: kvm-pio rc=$?"
else
	echo "kvm-bench: no /dev/kvm"
fi
echo "kvm-bench: done"
poweroff -f
INIT
chmod 0755 "$root/init"
kvm_pack "$root" "$out/kvm-initramfs.cpio.gz"
echo "kvm-initramfs: $out/kvm-initramfs.cpio.gz ($(cd "$root/lib/modules/$kvm_version" && find . -name '*.ko' -printf '%f '))"
