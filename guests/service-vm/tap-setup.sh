#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# /usr/lib/cairn/tap-setup [tap] [address/prefix]: makes the tap cairn-dm's virtio-net attaches to; idempotent.
# Defaults: tap0 with 10.0.2.1/24, up. Run it again and it only checks; see docs/user-vms.md.

tap=${1:-tap0}
addr=${2:-10.0.2.1/24}

fail() {
	echo "tap-setup: $*" >&2
	exit 1
}

case $tap in
"" | . | .. | *[!A-Za-z0-9._-]*) fail "'$tap' is not an interface name" ;;
esac
[ ${#tap} -le 15 ] || fail "'$tap' is longer than 15 characters"
case $addr in
*/*) ;;
*) fail "'$addr': give the address as a.b.c.d/prefix" ;;
esac

if [ ! -e "/sys/class/net/$tap" ]; then
	[ -e /dev/net/tun ] || modprobe tun 2>/dev/null
	[ -e /dev/net/tun ] || fail "no /dev/net/tun (is the tun module there?)"
	tunctl -t "$tap" >/dev/null || fail "tunctl -t $tap failed"
fi
[ -e "/sys/class/net/$tap/tun_flags" ] || fail "'$tap' exists and is not a tap"
if ! ip -4 addr show dev "$tap" | grep -q "inet $addr "; then
	ip addr add "$addr" dev "$tap" || fail "cannot give $tap the address $addr"
fi
ip link set dev "$tap" up || fail "cannot bring $tap up"
echo "tap-setup: $tap is up with $addr"
