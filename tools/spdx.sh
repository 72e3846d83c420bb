#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks (--check) or writes (--fix) the SPDX-License-Identifier line of Cairn's source files.
# Usage: tools/spdx.sh --check [FILE...]   every tracked source file if none given; lists each
#                                          offender and exits 1 if there is one
#        tools/spdx.sh --fix [FILE...]     inserts the right line, or replaces a wrong identifier
# Source files: *.c *.h *.S *.ld *.py *.sh *.mk *.scn Makefile Kbuild. The line must be one of
# the first two (the second only after a #! line). Licences (docs/abi.md, "Licence"):
#   hsm/, tests/service-vm/kmod/, GPL-2.0-only (Linux modules using GPL-only symbols; their
#   bench/ipi-bench/ (but its .mk)  MODULE_LICENSE must say "GPL")
#   abi/, tests/service-vm/       GPL-2.0-only OR BSD-3-Clause (included by modules and by
#     cairn_probe.h               userspace alike)
#   everything else               BSD-3-Clause (LICENSE)
set -euo pipefail

TAG="SPDX-License-Identifier:"

is_source() { # is_source PATH: one of the file types that carry the line
	case ${1##*/} in
	*.c | *.h | *.S | *.ld | *.py | *.sh | *.mk | *.scn | Makefile | Kbuild) return 0 ;;
	esac
	return 1
}

licence_of() { # licence_of PATH: the identifier PATH must carry
	case $1 in
	hsm/* | tests/service-vm/kmod/* | bench/ipi-bench/*.c | bench/ipi-bench/Kbuild) echo "GPL-2.0-only" ;;
	abi/* | tests/service-vm/cairn_probe.h) echo "GPL-2.0-only OR BSD-3-Clause" ;;
	*) echo "BSD-3-Clause" ;;
	esac
}

module_licence_of() { # module_licence_of IDENTIFIER: what MODULE_LICENSE() must say under it
	case $1 in
	GPL-2.0-only) echo "GPL" ;;
	*) echo "Dual BSD/GPL" ;;
	esac
}

line_for() { # line_for PATH: the whole SPDX line for PATH, in its comment syntax
	case $1 in
	*.c | *.h | *.S | *.ld) echo "/* $TAG $(licence_of "$1") */" ;;
	*) echo "# $TAG $(licence_of "$1")" ;;
	esac
}

spdx_line_number() { # spdx_line_number PATH: 1 or 2 if the tag is there (2 only after #!), else nothing
	awk -v tag="$TAG" '
		NR == 1 && index($0, tag) { print 1; exit }
		NR == 1 && !/^#!/ { exit }
		NR == 2 && index($0, tag) { print 2 }
		NR >= 2 { exit }' "$1"
}

identifier_on() { # identifier_on PATH LINE: the identifier written on that line
	sed -n "${2}p" "$1" | sed -e "s/.*$TAG[[:space:]]*//" -e 's/[[:space:]]*\*\/[[:space:]]*$//' \
		-e 's/[[:space:]]*$//'
}

problem_of() { # problem_of PATH: prints what is wrong with PATH's licence lines, nothing if right
	local path=$1 want number have module want_module
	want=$(licence_of "$path")
	number=$(spdx_line_number "$path")
	if [ -z "$number" ]; then
		echo "no $TAG line in the first two lines (want $want)"
		return
	fi
	have=$(identifier_on "$path" "$number")
	[ "$have" = "$want" ] || echo "$TAG $have, want $want"
	module=$(sed -n 's/^MODULE_LICENSE("\(.*\)");.*/\1/p' "$path" | head -n 1)
	want_module=$(module_licence_of "$want")
	if [ -n "$module" ] && [ "$module" != "$want_module" ]; then
		echo "MODULE_LICENSE(\"$module\"), want MODULE_LICENSE(\"$want_module\")"
	fi
	return 0
}

fix() { # fix PATH: the right line at the top (after a #! line), or the identifier replaced
	local path=$1 number line tmp
	number=$(spdx_line_number "$path")
	line=$(line_for "$path")
	tmp=$(mktemp)
	if [ -n "$number" ]; then
		awk -v n="$number" -v tag="$TAG" -v want="$(licence_of "$path")" '
			NR == n { sub(tag ".*", tag " " want (index($0, "/*") ? " */" : "")) } { print }' \
			"$path" >"$tmp"
	elif head -n 1 "$path" | grep -q '^#!'; then
		awk -v line="$line" 'NR == 1 { print; print line; next } { print }' "$path" >"$tmp"
	else
		{ echo "$line"; cat "$path"; } >"$tmp"
	fi
	if cmp -s "$tmp" "$path"; then
		rm -f "$tmp"
	else
		cat "$tmp" >"$path" # keeps the file's mode
		rm -f "$tmp"
		echo "spdx: fixed $path"
	fi
}

mode=${1:-}
case $mode in
--check | --fix) shift ;;
*)
	echo "usage: tools/spdx.sh --check|--fix [FILE...]" >&2
	exit 2
	;;
esac
cd "$(git rev-parse --show-toplevel)"
if [ $# -eq 0 ]; then
	mapfile -t files < <(git ls-files)
else
	files=("$@")
fi

offenders=0
for path in "${files[@]}"; do
	is_source "$path" && [ -f "$path" ] || continue
	if [ "$mode" = --fix ]; then
		fix "$path"
	fi
	while IFS= read -r problem; do
		[ -n "$problem" ] || continue
		echo "$path: $problem"
		offenders=$((offenders + 1))
	done < <(problem_of "$path")
done
if [ "$mode" = --check ] && [ "$offenders" -eq 0 ]; then
	echo "spdx: every source file has the right $TAG line"
fi
[ "$offenders" -eq 0 ]
