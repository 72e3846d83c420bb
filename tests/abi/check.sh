#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Compiles each abi/cairn/ header alone in every build that includes it and prints a TAP line for each.
# Usage: tests/abi/check.sh BUILD_DIR HEADER...   (run from the repository root; `make header-tests`)
#   freestanding:  the hypervisor's and guests' build, -ffreestanding -nostdinc, no include path
#   kernel-like:   -D__KERNEL__ -ffreestanding -nostdinc, only tests/abi/minimal/linux/types.h
#   userspace:     -std=c99 -pedantic, the host's <linux/types.h> (linux-libc-dev)
#   kbuild:        a module built with Kbuild against Debian's headers ($BUILD/images/kbuild-dir)
# Every header is included twice, so a missing include guard fails too. Exits 1 if any check failed.
set -uo pipefail
build=${1:?usage: tests/abi/check.sh BUILD_DIR HEADER...}
shift
cc=${CC:-gcc}
repo=$(pwd)
failed=0

report() { # report STATUS NAME [LOG]: one TAP line; a failure's compiler output as TAP comments
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		[ -n "${3:-}" ] && sed 's/^/#   /' "$3" | head -n 20
		failed=1
	fi
}

include_twice() { # include_twice HEADER: C source that includes abi/HEADER (cairn/x.h) twice
	printf '#include "%s"\n#include "%s"\n' "$1" "$1"
	echo 'extern int cairn_abi_check; /* ISO C wants a declaration in every translation unit */'
}

compile_alone() { # compile_alone HEADER FLAGS...: compiles the header alone, output in $log
	local header=$1
	shift
	include_twice "$header" | "$cc" "$@" -Wall -Wextra -Werror -Iabi -x c -fsyntax-only - >"$log" 2>&1
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for path in "$@"; do
	header=${path#abi/}
	compile_alone "$header" -std=gnu11 -ffreestanding -nostdinc
	report $? "abi freestanding (hypervisor, guests): $header alone" "$log"
	compile_alone "$header" -std=gnu11 -ffreestanding -nostdinc -D__KERNEL__ -Itests/abi/minimal
	report $? "abi kernel-like (-nostdinc, minimal linux/types.h): $header alone" "$log"
	compile_alone "$header" -std=c99 -pedantic
	report $? "abi userspace (c99 -pedantic, host linux/types.h): $header alone" "$log"
done

# Kbuild: one generated hdr_<name>.c per header plus abi_check.c (all of them), built with make -k
# so that every object that can be built is; a header passes if its object exists.
kbuild_dir_file="$build/images/kbuild-dir"
if [ ! -s "$kbuild_dir_file" ]; then
	for path in "$@"; do
		echo "ok - abi kbuild: ${path#abi/} alone # SKIP no Debian kernel headers (make images)"
	done
	exit $failed
fi
kmod="$build/abi/kmod"
rm -rf "$kmod" && mkdir -p "$kmod"
cp tests/abi/kmod/Kbuild tests/abi/kmod/abi_check.c "$kmod/"
for path in "$@"; do
	name=$(basename "$path" .h)
	include_twice "${path#abi/}" >"$kmod/hdr_$name.c"
done
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -k -C "$(cat "$kbuild_dir_file")" M="$repo/$kmod" \
	CAIRN_ABI="$repo/abi" modules >"$log" 2>&1
header_log=$(mktemp)
trap 'rm -f "$log" "$header_log"' EXIT
for path in "$@"; do
	name=$(basename "$path" .h)
	grep -F -A6 "hdr_$name.c:" "$log" >"$header_log"
	[ -f "$kmod/hdr_$name.o" ]
	report $? "abi kbuild (Debian's kernel headers): ${path#abi/} alone" "$header_log"
done
[ -f "$kmod/cairn_abi_check.ko" ]
report $? "abi kbuild: every header together in one module (tests/abi/kmod/abi_check.c)" "$log"
for path in "$@"; do
	grep -q "^#include \"${path#abi/}\"" tests/abi/kmod/abi_check.c
	report $? "abi kbuild: tests/abi/kmod/abi_check.c includes ${path#abi/}"
done
exit $failed
