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
version=$(cat "$images/kernel-version")
tree="$images/linux-image-$version"
modules=(kvm_amd kvm_intel)

[ -x "$images/busybox-static/bin/busybox" ] && [ -d "$tree" ] \
	|| { echo "kvm-initramfs: run make images first ($images)" >&2; exit 1; }
command -v cpio >/dev/null && command -v depmod >/dev/null || "$repo/tools/setup.sh"

mkdir -p "$out"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o "$out/kvm-pio" "$repo/bench/kvm-pio.c"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp} "$root/lib/modules/$version"
cp "$images/busybox-static/bin/busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
ln -sf ../bin/busybox "$root/sbin/modprobe"
cp "$out/kvm-pio" "$root/bin/kvm-pio"

# The modules and everything they depend on, decompressed (as tools/fetch-images.sh does).
for module in "${modules[@]}"; do
	modprobe -C /dev/null -d "$tree" -S "$version" --show-depends "$module" \
		| awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r path; do
	relative=${path#"$tree/lib/modules/$version/"}
	mkdir -p "$root/lib/modules/$version/$(dirname "$relative")"
	case "$relative" in
	*.ko) cp "$path" "$root/lib/modules/$version/$relative" ;;
	*.ko.xz) xz -dc "$path" >"$root/lib/modules/$version/${relative%.xz}" ;;
	*) echo "kvm-initramfs: cannot unpack $relative" >&2; exit 1 ;;
	esac
done
for file in modules.builtin modules.builtin.modinfo; do
	[ -f "$tree/lib/modules/$version/$file" ] && cp "$tree/lib/modules/$version/$file" "$root/lib/modules/$version/"
done
: >"$root/lib/modules/$version/modules.order"
depmod -b "$root" "$version"

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
(cd "$root" && find . -print0 | LC_ALL=C sort -z \
	| cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) \
	| gzip -6 -n >"$out/kvm-initramfs.cpio.gz.tmp"
mv "$out/kvm-initramfs.cpio.gz.tmp" "$out/kvm-initramfs.cpio.gz"
echo "kvm-initramfs: $out/kvm-initramfs.cpio.gz ($(cd "$root/lib/modules/$version" && find . -name '*.ko' -printf '%f '))"
