#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Header self-containment: compiles each given header alone (included twice, for its guard) with the given flags.
# Usage: tools/header-check.sh 'CFLAGS' HEADER...   (from the repository root; `make header-tests`
# passes the hypervisor's CFLAGS and every hypervisor/**/*.h). One TAP line per header; exits 1 if
# any header needs something it does not include itself.
set -uo pipefail
flags=${1:?usage: tools/header-check.sh CFLAGS HEADER...}
shift
cc=${CC:-gcc}
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for header in "$@"; do
	# shellcheck disable=SC2086 # the flags are a list
	if printf '#include "%s"\n#include "%s"\n' "$header" "$header" |
		"$cc" $flags -I. -x c -fsyntax-only - >"$log" 2>&1; then
		echo "ok - header compiles alone: $header"
	else
		echo "not ok - header compiles alone: $header"
		sed 's/^/#   /' "$log" | head -n 20
		failed=1
	fi
done
exit $failed
