#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds BUILD/bench/kvm-l1-IMAGE.cpio.gz: an L1 Linux with KVM and Debian's QEMU that boots Cairn's Service VM or User VM image as a KVM (L2) guest.
# Usage: bench/kvm-l1-initramfs.sh BUILD [--image service|uvm] [--l2-script FILE] [--out FILE]
#   (after `make images`). The L1 machine is the same Debian kernel under QEMU TCG with nested SVM
#   (bench/kvm_peer.py boots it); its /init loads kvm_amd, starts L2 with `qemu-system-x86_64 -accel
#   kvm` on the Service VM's (configs/service.scn) or launch-uvm's kernel command line, copies L2's
#   console to its own as `l2| ` lines, prints KVM's debugfs counters (`kvm-peer: stat NAME VALUE`)
#   when SeaBIOS boots L2's kernel and when L2 prints its ready line, types the commands of FILE (one a line) and kvm_peer.cmd="..."
#   from L1's command line into L2's shell, prints the counters after each (`stats commandN`) and
#   after all of them, and powers both off.
#   L1 command-line options (all optional): kvm_peer.pv_ipi=on|off kvm_peer.smp=N kvm_peer.mem=SIZE
#   kvm_peer.cmd="shell command" kvm_peer.timeout=SECONDS kvm_peer.qemu="more L2 QEMU options".
set -euo pipefail
PATH="$PATH:/usr/sbin:/sbin"

usage="usage: bench/kvm-l1-initramfs.sh BUILD [--image service|uvm] [--l2-script FILE] [--out FILE]"
build=$(cd "${1:?$usage}" && pwd)
shift
image=service
script=
output=
while [ $# -gt 0 ]; do
	case $1 in
	--image) image=${2:?$usage}; shift 2 ;;
	--l2-script) script=$(realpath "${2:?$usage}"); shift 2 ;;
	--out) output=${2:?$usage}; shift 2 ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
images="$build/images"
out="$build/bench"
root="$out/kvm-l1-$image-root"
output=${output:-$out/kvm-l1-$image.cpio.gz}
qemu=/usr/bin/qemu-system-x86_64
# shellcheck source=bench/kvm-initramfs-common.sh
source "$repo/bench/kvm-initramfs-common.sh"
kvm_check_images kvm-l1-initramfs
[ -x "$qemu" ] || "$repo/tools/setup.sh"

# What L2 is: its initramfs, RAM, vCPUs, kernel command line (Cairn's own for the same VM), the
# line that says it reached init, and the devices QEMU gives it (Cairn's for the same VM).
case $image in
service)
	initrd=initramfs.cpio.gz
	mem=933M # bench/service_boot.py: the Service VM's RAM in the default scenario
	smp=3    # configs/service.scn: pCPUs 0-2
	append=$(awk '/^\[vm service\]/ { on = 1 } on && /^args = / { sub(/^args = /, ""); print; exit }' \
		"$repo/configs/service.scn")
	ready='cairn-svm: ready'
	# The read-only test disk the Service VM finds as QEMU's virtio disk under Cairn (/dev/vda).
	devices='-drive file=/l2/test-disk.img,if=virtio,format=raw,readonly=on -serial chardev:c'
	;;
uvm)
	initrd=uvm-initramfs.cpio.gz
	mem=256M # launch-uvm's defaults: 256M on pCPUs 1,2
	smp=2
	# launch-uvm's arguments with its default console (virtio-console: hvc0).
	append="console=hvc0 $(sed -n 's/^args="console=\$tty \(.*\)\${CAIRN_UVM_ARGS.*/\1/p' \
		"$repo/guests/user-vm/launch-uvm")"
	ready='cairn-uvm: ready:'
	# launch-uvm's devices in its slots: virtio-rng 3, virtio-blk 4 (a 64 MiB image), virtio-net 5
	# (user networking here, the Service VM's tap under Cairn), virtio-console 6 (hvc0).
	devices='-device virtio-rng-pci,addr=3 -drive file=/tmp/uvm1.img,if=none,format=raw,id=d0'
	devices="$devices -device virtio-blk-pci,drive=d0,addr=4 -netdev user,id=n0"
	devices="$devices -device virtio-net-pci,netdev=n0,addr=5,romfile="
	devices="$devices -device virtio-serial-pci,addr=6 -device virtconsole,chardev=c"
	;;
*) echo "$usage" >&2; exit 2 ;;
esac
[ -n "$append" ] || { echo "kvm-l1-initramfs: no kernel command line for $image" >&2; exit 1; }

mkdir -p "$out"
kvm_root_init "$root"
kvm_copy_binary "$root" "$qemu"
# Firmware for a -kernel boot of q35 with -nodefaults: SeaBIOS, the option ROM that loads the
# kernel, and the TPR-patching ROM QEMU loads under KVM. Nothing else is asked for.
mkdir -p "$root/usr/share/qemu"
for file in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin; do
	cp -L "$file" "$root/usr/share/qemu/"
done
mkdir -p "$root/l2"
cp "$images/vmlinuz" "$root/l2/vmlinuz"
cp "$images/$initrd" "$root/l2/initrd"
[ "$image" != service ] || cp "$images/test-disk.img" "$root/l2/test-disk.img"
echo "$image" >"$root/l2/image"
echo "$mem" >"$root/l2/mem"
echo "$smp" >"$root/l2/smp"
echo "$append" >"$root/l2/append"
echo "$ready" >"$root/l2/ready"
echo "$devices" >"$root/l2/devices"
if [ -n "$script" ]; then cp "$script" "$root/l2/commands"; else : >"$root/l2/commands"; fi

cat >"$root/init" <<'INIT'
#!/bin/sh
# kvm-peer L1 /init: loads KVM, boots L2 (/l2) under qemu -accel kvm, prints KVM's counters at L2's ready line and after its commands, powers off.
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
exec </dev/console >/dev/console 2>&1
cmdline=$(cat /proc/cmdline)
stats_dir=/sys/kernel/debug/kvm

say() {
	echo "kvm-peer: $*"
}

# The value of key=value on L1's command line; a value may be "double quoted".
value() {
	case " $cmdline " in
	*" $1=\""*) echo " $cmdline" | sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" ;;
	*" $1="*) echo " $cmdline" | sed -n "s/.* $1=\([^ ]*\).*/\1/p" ;;
	esac
}

uptime_now() {
	read -r up _ </proc/uptime
	echo "$up"
}

# Every KVM debugfs counter, machine-readably: the aggregate ones (all VMs), the VM's own
# directory (its VM stats and its vCPUs' stats summed) and each vCPU's directory. Shell builtins
# only (read, echo): no process per file, so the counters are read within a few milliseconds.
stats() {
	say "stats $1 at $(uptime_now)"
	for f in "$stats_dir"/*; do
		[ -f "$f" ] && read -r v <"$f" && say "stat ${f##*/} $v"
	done
	for d in "$stats_dir"/*/; do
		[ -d "$d" ] || continue
		for f in "$d"*; do
			[ -f "$f" ] && read -r v <"$f" && say "stat vm/${f##*/} $v"
		done
		for c in "$d"vcpu*; do
			[ -d "$c" ] || continue
			for f in "$c"/*; do
				[ -f "$f" ] && read -r v <"$f" && say "stat vm/${c##*/}/${f##*/} $v"
			done
		done
	done
	# The exit-reason, port, LAPIC-register, MSR and hypercall histograms of KVM's tracepoints
	# (set below before L2 starts): `kvm-peer: hist EVENT { key: value ... } hitcount: N`.
	for e in $hist_events; do
		[ -r "$events/$e/hist" ] || continue
		while IFS= read -r l; do
			case $l in "{"*) say "hist $e $l" ;; esac
		done <"$events/$e/hist"
	done
	say "stats end $1"
}

finish() {
	[ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null && wait "$qpid"
	say "done at $(uptime_now)"
	poweroff -f
}

image=$(cat /l2/image)
ready=$(cat /l2/ready)
pv_ipi=$(value kvm_peer.pv_ipi)
smp=$(value kvm_peer.smp)
mem=$(value kvm_peer.mem)
timeout=$(value kvm_peer.timeout)
say "init started at $(uptime_now): $(nproc) CPUs, image $image, cpu flags: $(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'svm|npt|nrip_save|vmx' | tr '\n' ' ')"
if grep -q -w svm /proc/cpuinfo; then module=kvm_amd; else module=kvm_intel; fi
modprobe "$module"
say "modprobe $module rc=$?"
dmesg | grep -E 'kvm:|SVM:|kvm_amd|kvm_intel' | sed 's/^/kvm-peer: dmesg: /'
[ -c /dev/kvm ] || { say "FAILED: no /dev/kvm"; finish; }
[ -r "$stats_dir/exits" ] || { say "FAILED: no $stats_dir/exits"; finish; }
# Histogram triggers on KVM's tracepoints: SVM exit codes, PIO ports, LAPIC registers, MSRs,
# hypercalls (the by-reason breakdown debugfs does not have).
events=/sys/kernel/tracing/events/kvm
[ -d "$events" ] || mount -t tracefs tracefs /sys/kernel/tracing
hist_events=
for spec in kvm_exit:exit_reason kvm_pio:rw,port kvm_apic:rw,reg kvm_msr:write,ecx kvm_hypercall:nr; do
	e=${spec%%:*}
	if echo "hist:keys=${spec#*:}" >"$events/$e/trigger" 2>/dev/null; then
		hist_events="$hist_events $e"
	else
		say "no histogram for $e"
	fi
done
[ "$image" = uvm ] && truncate -s 64M /tmp/uvm1.img

mkfifo /tmp/l2.in /tmp/l2.out /tmp/fw.in /tmp/fw.out
: >/tmp/l2.log
# SeaBIOS's debug port (0x402, QEMU's isa-debugcon: it writes there whether or not a device
# listens, one exit a byte either way): its last line before the kernel reads the counters, so
# that the firmware's exits can be told from the kernel's (Cairn's VMs start at the kernel).
(tr -d '\r' </tmp/fw.out | while IFS= read -r line; do
	echo "$line" >>/tmp/fw.log
	case $line in
	"Booting from ROM"*) [ -e /tmp/fw.done ] || { stats firmware; : >/tmp/fw.done; } ;;
	esac
done) &
# L2's console: copied to L1's as `l2| ` lines and to /tmp/l2.log; its ready line reads the counters.
(tr -d '\r' </tmp/l2.out | while IFS= read -r line; do
	echo "l2| $line"
	echo "$line" >>/tmp/l2.log
	case $line in
	*"$ready"*) [ -e /tmp/l2.ready ] || { stats ready; : >/tmp/l2.ready; } ;;
	esac
done) &

set -- -accel kvm -machine q35 -cpu "host,kvm-pv-ipi=${pv_ipi:-on}" -smp "${smp:-$(cat /l2/smp)}" \
	-m "${mem:-$(cat /l2/mem)}" -nodefaults -nographic -no-reboot -L /usr/share/qemu \
	-kernel /l2/vmlinuz -initrd /l2/initrd -append "$(cat /l2/append)" \
	-chardev pipe,id=c,path=/tmp/l2 -chardev pipe,id=fw,path=/tmp/fw \
	-device isa-debugcon,iobase=0x402,chardev=fw $(cat /l2/devices) $(value kvm_peer.qemu)
say "l2 starting at $(uptime_now): qemu-system-x86_64 $*"
qemu-system-x86_64 "$@" </dev/null &
qpid=$!
waited=0
while [ ! -e /tmp/l2.ready ]; do
	kill -0 "$qpid" 2>/dev/null || { say "FAILED: L2's QEMU ended before its ready line"; qpid=; finish; }
	[ "$waited" -lt "${timeout:-1500}" ] || { say "FAILED: no ready line from L2 in $waited s"; finish; }
	sleep 1
	waited=$((waited + 1))
done
say "l2 ready seen by $(uptime_now)"

# Commands for L2's shell: the --l2-script file's lines, then kvm_peer.cmd. Each is typed with an
# echo of a marker after it; the marker's text in the typed echo differs from its output.
n=0
{ cat /l2/commands; value kvm_peer.cmd; } | while IFS= read -r command; do
	[ -n "$command" ] || continue
	n=$((n + 1))
	say "l2 command $n at $(uptime_now): $command"
	printf '%s; echo kvm-peer-l2-""done-%d\r' "$command" "$n" >/tmp/l2.in
	until grep -q "^kvm-peer-l2-done-$n\$" /tmp/l2.log; do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 1
	done
	say "l2 command $n done at $(uptime_now)"
	stats "command$n"
	echo "$n" >/tmp/l2.commands
done
[ -s /tmp/l2.commands ] && stats commands
finish
INIT
chmod 0755 "$root/init"
kvm_pack "$root" "$output"
echo "kvm-l1-initramfs: $output ($(du -h "$output" | cut -f1); L2: $image, $smp vCPUs, $mem, \"$append\")"
