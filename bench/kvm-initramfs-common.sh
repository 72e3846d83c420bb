# SPDX-License-Identifier: BSD-3-Clause
# Shared by bench/kvm-initramfs.sh and bench/kvm-l1-initramfs.sh: an initramfs root with busybox, KVM's modules, packing.
# Source it (bash), then: kvm_root_init ROOT (busybox, kvm + kvm_amd/kvm_intel and their dependencies,
# decompressed, depmod), kvm_copy_binary ROOT FILE (a dynamic executable with every library ldd names
# and the loader), kvm_pack ROOT OUT.cpio.gz. Needs $images (BUILD/images) and $repo set by the caller.

kvm_version=$(cat "$images/kernel-version")
kvm_tree="$images/linux-image-$kvm_version"
kvm_modules=(kvm_amd kvm_intel)

kvm_check_images() {
	[ -x "$images/busybox-static/bin/busybox" ] && [ -d "$kvm_tree" ] \
		|| { echo "$1: run make images first ($images)" >&2; exit 1; }
	command -v cpio >/dev/null && command -v depmod >/dev/null || "$repo/tools/setup.sh"
}

kvm_root_init() {
	local root=$1 applet module path relative file
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp} "$root/lib/modules/$kvm_version"
	cp "$images/busybox-static/bin/busybox" "$root/bin/busybox"
	for applet in $("$root/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
	done
	ln -sf ../bin/busybox "$root/sbin/modprobe"
	# The modules and everything they depend on, decompressed (as tools/fetch-images.sh does).
	for module in "${kvm_modules[@]}"; do
		modprobe -C /dev/null -d "$kvm_tree" -S "$kvm_version" --show-depends "$module" \
			| awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r path; do
		relative=${path#"$kvm_tree/lib/modules/$kvm_version/"}
		mkdir -p "$root/lib/modules/$kvm_version/$(dirname "$relative")"
		case "$relative" in
		*.ko) cp "$path" "$root/lib/modules/$kvm_version/$relative" ;;
		*.ko.xz) xz -dc "$path" >"$root/lib/modules/$kvm_version/${relative%.xz}" ;;
		*) echo "kvm-initramfs: cannot unpack $relative" >&2; exit 1 ;;
		esac
	done
	for file in modules.builtin modules.builtin.modinfo; do
		[ -f "$kvm_tree/lib/modules/$kvm_version/$file" ] \
			&& cp "$kvm_tree/lib/modules/$kvm_version/$file" "$root/lib/modules/$kvm_version/"
	done
	: >"$root/lib/modules/$kvm_version/modules.order"
	depmod -b "$root" "$kvm_version"
}

# A dynamically linked host executable at the same path in ROOT, with the libraries ldd names
# (at their own paths, symlinks resolved) and the dynamic loader.
kvm_copy_binary() {
	local root=$1 binary=$2 lib
	mkdir -p "$root$(dirname "$binary")"
	cp -L "$binary" "$root$binary"
	for lib in $(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

kvm_pack() {
	local root=$1 out=$2
	(cd "$root" && find . -print0 | LC_ALL=C sort -z \
		| cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) \
		| gzip -6 -n >"$out.tmp"
	mv "$out.tmp" "$out"
}
