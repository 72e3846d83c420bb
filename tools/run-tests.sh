#!/usr/bin/env bash
# Runs every test (host unit tests, then QEMU integration tests) and ends with "N passed, N failed".
set -uo pipefail
build=${1:-build}
log="$build/test-results.txt"
mkdir -p "$build"
: >"$log"

for bin in "$build"/tests/unit/test_*; do
	[ -x "$bin" ] || continue
	"$bin" 2>&1 | tee -a "$log"
done

python3 tests/unit/test_scenario.py 2>&1 | tee -a "$log"

CAIRN_BUILD="$(cd "$build" && pwd)" python3 tests/integration/run.py 2>&1 | tee -a "$log"

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
