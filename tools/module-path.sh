#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Prints the file a scenario image name stands for: a guest (build/guests/NAME.elf) or a fetched image (build/images/NAME*).
set -euo pipefail
build=$1
name=$2
if [ -f "$build/guests/$name.elf" ]; then
	echo "$build/guests/$name.elf"
	exit 0
fi
for f in "$build/images/$name" "$build/images/$name".*; do
	[ -f "$f" ] && { echo "$f"; exit 0; }
done
echo "module-path: no file for image '$name' (run 'make guests images')" >&2
exit 1
