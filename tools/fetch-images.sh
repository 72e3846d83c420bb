#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fetches Debian's current kernel, its headers and busybox-static and builds the Service VM images under BUILD_DIR/images/.
# Outputs: vmlinuz, kernel-version, kbuild-dir, initramfs.cpio.gz, uvm-initramfs.cpio.gz (the Linux
# User VM's), test-disk.img. Does nothing when all are up to date. The Makefile runs it in three
# stages, building programs between them: `fetch-images.sh BUILD fetch` stops after the downloads;
# `fetch-images.sh BUILD uvm-initramfs` packs the User VM's initramfs with BUILD/user-vm/root (its
# programs, if present), which the Service VM's tree then carries; `fetch-images.sh BUILD
# initramfs` packs the Service VM's with BUILD/service-vm/root (if present). No second argument
# does all three.
# See docs/images.md.
set -euo pipefail
PATH="$PATH:/usr/sbin:/sbin" # depmod and modprobe, for users whose PATH lacks them

build=${1:?usage: tools/fetch-images.sh BUILD_DIR [fetch|initramfs]}
stage=${2:-all}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$repo/tools/fetch-images.sh"
init_script="$repo/guests/service-vm/init"
uvm_init_script="$repo/guests/user-vm/init"

mkdir -p "$build/images"
images=$(cd "$build/images" && pwd)
debs="$images/debs"
busybox_root="$images/busybox-static"
initramfs_root="$images/initramfs-root"
initramfs="$images/initramfs.cpio.gz"
uvm_initramfs_root="$images/uvm-initramfs-root"
uvm_initramfs="$images/uvm-initramfs.cpio.gz"
test_disk="$images/test-disk.img"
# The Service VM's test programs and modules (tests/service-vm/), built by `make service-vm-root`.
overlay_root="$build/service-vm/root"
# The Linux User VM's programs (tests/user-vm/), built by `make user-vm-root`.
uvm_overlay_root="$build/user-vm/root"

# Modules the initramfs carries (their dependencies are added from modules.dep).
# The Linux User VM's: cairn-dm's virtio devices (docs/user-vms.md).
uvm_modules=(virtio_pci virtio_blk virtio_net virtio_console virtio-rng pvpanic-mmio ext4)
initramfs_modules=(virtio_pci virtio_blk tun) # tun: taps for cairn-dm's virtio-net
# Small module index files copied as they are; depmod regenerates the rest for the copied tree.
module_index_files=(modules.builtin modules.builtin.modinfo)
test_disk_marker='CAIRN-TEST-DISK!'
test_disk_size=1M

apt_lists_refreshed=no
kernel_version= # set by download_kernel

log() {
	echo "fetch-images: $*"
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Downloads a package's .deb into $debs, replacing older ones; fails if apt cannot find or fetch it.
apt_download() {
	local package=$1
	mkdir -p "$debs"
	rm -f "$debs/${package}"_*.deb
	log "downloading $package"
	(cd "$debs" && apt-get -qq -o APT::Sandbox::User=root download "$package")
}

# Stale or absent apt lists name packages the archive no longer has: refresh them, once per run.
refresh_apt_lists() {
	[ "$apt_lists_refreshed" = no ] || return 0
	log "refreshing the apt lists"
	as_root apt-get update -qq
	apt_lists_refreshed=yes
}

deb_of() {
	local matches=("$debs/$1"_*.deb)
	[ -f "${matches[0]}" ] || { log "no .deb for $1 in $debs" >&2; exit 1; }
	echo "${matches[0]}"
}

# Installs the host tools this script uses (cpio, kmod, xz-utils, gzip) through tools/setup.sh.
ensure_host_tools() {
	command -v cpio >/dev/null && command -v depmod >/dev/null && command -v modprobe >/dev/null \
		&& command -v xz >/dev/null && command -v gzip >/dev/null && return 0
	"$repo/tools/setup.sh"
}

# Prints the kernel ABI name (e.g. 6.1.0-56-amd64) that the downloaded linux-image-amd64 depends on.
metapackage_kernel_version() {
	local depends package
	depends=$(dpkg-deb -f "$(deb_of linux-image-amd64)" Depends)
	package=$(grep -o -E 'linux-image-[0-9][^ ,()|]*' <<<"$depends" | head -n 1)
	[ -n "$package" ] || { log "linux-image-amd64 depends on no kernel: '$depends'" >&2; exit 1; }
	echo "${package#linux-image-}"
}

kernel_tree() {
	echo "$images/linux-image-$1"
}

kernel_is_indexed() {
	[ -s "$(kernel_tree "$1")/lib/modules/$1/modules.dep" ]
}

kernel_is_ready() {
	[ -s "$images/kernel-version" ] && [ -s "$images/vmlinuz" ] \
		&& kernel_is_indexed "$(cat "$images/kernel-version")"
}

# Sets kernel_version from linux-image-amd64 and downloads that kernel unless it is already extracted.
download_kernel() {
	apt_download linux-image-amd64 || return 1
	kernel_version=$(metapackage_kernel_version) || return 1
	kernel_is_indexed "$kernel_version" || apt_download "linux-image-$kernel_version"
}

# Extracts linux-image-<version>, indexes its modules, publishes vmlinuz and kernel-version.
fetch_kernel() {
	local tree
	download_kernel 2>/dev/null || { refresh_apt_lists && download_kernel; }
	tree=$(kernel_tree "$kernel_version")
	if ! kernel_is_indexed "$kernel_version"; then
		log "extracting linux-image-$kernel_version"
		rm -rf "$tree" "$tree.tmp"
		dpkg-deb -x "$(deb_of "linux-image-$kernel_version")" "$tree.tmp"
		depmod -b "$tree.tmp" "$kernel_version"
		mv "$tree.tmp" "$tree"
	fi
	cp "$tree/boot/vmlinuz-$kernel_version" "$images/vmlinuz.tmp"
	mv "$images/vmlinuz.tmp" "$images/vmlinuz"
	echo "$kernel_version" >"$images/kernel-version.tmp"
	mv "$images/kernel-version.tmp" "$images/kernel-version"
	log "kernel $kernel_version"
}

headers_tree() {
	echo "$images/linux-headers-$1"
}

headers_are_ready() {
	local version
	[ -s "$images/kernel-version" ] || return 1
	version=$(cat "$images/kernel-version")
	[ -s "$images/kbuild-dir" ] && [ -f "$(headers_tree "$version")/.ready" ]
}

# Downloads linux-headers-<version> (and the -common and linux-kbuild packages it depends on),
# extracts them into one tree and points its Makefile at the extracted -common tree, so that
# `make -C $(cat kbuild-dir) M=... modules` builds out-of-tree modules for the Service VM's kernel.
fetch_headers() {
	local version base tree kbuild_pkg deb
	version=$(cat "$images/kernel-version")
	base=${version%-amd64}
	tree=$(headers_tree "$version")
	for package in "linux-headers-$version" "linux-headers-$base-common"; do
		apt_download "$package" 2>/dev/null || { refresh_apt_lists && apt_download "$package"; }
	done
	kbuild_pkg=$(dpkg-deb -f "$(deb_of "linux-headers-$version")" Depends \
		| grep -o -E 'linux-kbuild-[0-9.]+' | head -n 1)
	[ -n "$kbuild_pkg" ] || { log "linux-headers-$version names no linux-kbuild package" >&2; exit 1; }
	apt_download "$kbuild_pkg" 2>/dev/null || { refresh_apt_lists && apt_download "$kbuild_pkg"; }
	log "extracting the headers of $version"
	rm -rf "$tree" "$tree.tmp"
	for deb in "$(deb_of "linux-headers-$version")" "$(deb_of "linux-headers-$base-common")" \
		"$(deb_of "$kbuild_pkg")"; do
		dpkg-deb -x "$deb" "$tree.tmp"
	done
	sed -i "s|/usr/src/|$tree/usr/src/|" "$tree.tmp/usr/src/linux-headers-$version/Makefile"
	mv "$tree.tmp" "$tree"
	sed -i "s|$tree.tmp/|$tree/|" "$tree/usr/src/linux-headers-$version/Makefile"
	touch "$tree/.ready"
	echo "$tree/usr/src/linux-headers-$version" >"$images/kbuild-dir.tmp"
	mv "$images/kbuild-dir.tmp" "$images/kbuild-dir"
}

fetch_busybox() {
	[ -x "$busybox_root/bin/busybox" ] && return 0
	apt_download busybox-static 2>/dev/null || { refresh_apt_lists && apt_download busybox-static; }
	rm -rf "$busybox_root" "$busybox_root.tmp"
	dpkg-deb -x "$(deb_of busybox-static)" "$busybox_root.tmp"
	mv "$busybox_root.tmp" "$busybox_root"
}

initramfs_is_current() {
	[ -s "$initramfs" ] && [ "$initramfs" -nt "$init_script" ] && [ "$initramfs" -nt "$self" ] \
		&& [ "$initramfs" -nt "$images/kernel-version" ] && [ "$initramfs" -nt "$busybox_root/bin/busybox" ] \
		&& { [ ! -d "$overlay_root" ] || [ -z "$(find "$overlay_root" -newer "$initramfs" -print -quit)" ]; }
}

# The Service VM's test programs (/bin/cairn-*) and modules (/lib/cairn/*.ko), when built.
populate_overlay() {
	[ -d "$overlay_root" ] || return 0
	cp -a "$overlay_root/." "$initramfs_root/"
	log "initramfs test tools: $(cd "$overlay_root" && find . -type f -printf '%P ')"
}

# Prints the .ko paths (relative to lib/modules/<version>/) of the modules and everything they depend on.
module_closure() {
	local tree=$1 version=$2 module
	shift 2
	for module in "$@"; do
		modprobe -C /dev/null -d "$tree" -S "$version" --show-depends "$module" \
			| awk '$1 == "insmod" { print $2 }'
	done | sed "s|^$tree/lib/modules/$version/||" | awk '!seen[$0]++'
}

# Copies one module into the initramfs tree, decompressed. Debian's busybox modprobe does load .ko.xz,
# but plain .ko files do not depend on its build options, and the initramfs is gzipped anyway.
copy_module() {
	local from=$1 to_dir=$2 relative=$3
	mkdir -p "$to_dir/$(dirname "$relative")"
	case "$relative" in
	*.ko) cp "$from" "$to_dir/$relative" ;;
	*.ko.xz) xz -dc "$from" >"$to_dir/${relative%.xz}" ;;
	*.ko.gz) gzip -dc "$from" >"$to_dir/${relative%.gz}" ;;
	*) log "cannot unpack module $relative" >&2; exit 1 ;;
	esac
}

# Busybox and its applets into the tree $1 (default: the Service VM's).
populate_busybox() {
	local root=${1:-$initramfs_root} applet
	mkdir -p "$root/bin" "$root/sbin"
	cp "$busybox_root/bin/busybox" "$root/bin/busybox"
	for applet in $("$busybox_root/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	# The kernel's request_module() runs /sbin/modprobe.
	ln -s ../bin/busybox "$root/sbin/modprobe"
}

# Packs the tree $1 into the gzipped newc cpio $2 (through $2.tmp).
pack_cpio() {
	# The kernel opens /dev/console for /init before /init can mount devtmpfs.
	if [ "$(id -u)" -eq 0 ]; then
		mknod -m 0600 "$1/dev/console" c 5 1
	fi
	(cd "$1" && find . -print0 | LC_ALL=C sort -z \
		| cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) \
		| gzip -9 -n >"$2.tmp"
	mv "$2.tmp" "$2"
}

uvm_initramfs_is_current() {
	[ -s "$uvm_initramfs" ] && [ "$uvm_initramfs" -nt "$uvm_init_script" ] \
		&& [ "$uvm_initramfs" -nt "$self" ] && [ "$uvm_initramfs" -nt "$busybox_root/bin/busybox" ] \
		&& { [ ! -d "$uvm_overlay_root" ] \
			|| [ -z "$(find "$uvm_overlay_root" -newer "$uvm_initramfs" -print -quit)" ]; }
}

# The Linux User VM's initramfs (launch-uvm's, under /usr/lib/cairn/uvm/ in the Service VM's):
# busybox, the virtio modules, its programs (when built) and its /init.
build_uvm_initramfs() {
	log "building $uvm_initramfs"
	rm -rf "$uvm_initramfs_root"
	mkdir -p "$uvm_initramfs_root"/{dev,proc,sys,tmp,root,etc}
	populate_busybox "$uvm_initramfs_root"
	populate_modules "$uvm_initramfs_root" "${uvm_modules[@]}"
	if [ -d "$uvm_overlay_root" ]; then
		cp -a "$uvm_overlay_root/." "$uvm_initramfs_root/"
		log "User VM initramfs programs: $(cd "$uvm_overlay_root" && find . -type f -printf '%P ')"
	fi
	install -m 0755 "$uvm_init_script" "$uvm_initramfs_root/init"
	pack_cpio "$uvm_initramfs_root" "$uvm_initramfs"
}

# The modules $2... (default: the Service VM's) and their dependencies into the tree $1 (default:
# the Service VM's), indexed for modprobe.
populate_modules() {
	local root=${1:-$initramfs_root} version tree modules_dir relative file
	shift || true
	[ $# -gt 0 ] || set -- "${initramfs_modules[@]}"
	version=$(cat "$images/kernel-version")
	tree=$(kernel_tree "$version")
	modules_dir="$root/lib/modules/$version"
	mkdir -p "$modules_dir"
	for relative in $(module_closure "$tree" "$version" "$@"); do
		copy_module "$tree/lib/modules/$version/$relative" "$modules_dir" "$relative"
		echo "${relative%.ko*}.ko" >>"$modules_dir/modules.order"
	done
	for file in "${module_index_files[@]}"; do
		if [ -f "$tree/lib/modules/$version/$file" ]; then
			cp "$tree/lib/modules/$version/$file" "$modules_dir/"
		fi
	done
	depmod -b "$root" "$version"
	log "initramfs modules: $(cd "$modules_dir" && find . -name '*.ko' -printf '%f ' )"
}

build_initramfs() {
	log "building $initramfs"
	rm -rf "$initramfs_root"
	mkdir -p "$initramfs_root"/{dev,proc,sys,tmp,root,etc}
	populate_busybox
	populate_modules
	populate_overlay
	install -m 0755 "$init_script" "$initramfs_root/init"
	pack_cpio "$initramfs_root" "$initramfs"
}

make_test_disk() {
	[ -s "$test_disk" ] && return 0
	printf '%s' "$test_disk_marker" >"$test_disk.tmp"
	truncate -s "$test_disk_size" "$test_disk.tmp"
	mv "$test_disk.tmp" "$test_disk"
}

if ! kernel_is_ready || ! headers_are_ready || [ ! -x "$busybox_root/bin/busybox" ] \
	|| ! initramfs_is_current || ! uvm_initramfs_is_current; then
	ensure_host_tools
fi
case $stage in
fetch | uvm-initramfs | initramfs | all) ;;
*)
	echo "fetch-images: stage '$stage': fetch, uvm-initramfs, initramfs or none" >&2
	exit 2
	;;
esac
if [ "$stage" = fetch ] || [ "$stage" = all ]; then
	kernel_is_ready || fetch_kernel
	headers_are_ready || fetch_headers
	fetch_busybox
	make_test_disk
fi
if [ "$stage" = uvm-initramfs ] || [ "$stage" = all ]; then
	uvm_initramfs_is_current || build_uvm_initramfs
fi
if [ "$stage" = initramfs ] || [ "$stage" = all ]; then
	initramfs_is_current || build_initramfs
fi
