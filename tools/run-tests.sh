#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs every test (host unit tests, header checks, scenario tool, cppcheck, then QEMU integration tests) and ends with "N passed, N failed".
set -uo pipefail
build=${1:-build}
log="$build/test-results.txt"
mkdir -p "$build"
: >"$log"

# A stage that dies (a crash, an import error) fails the run even if it printed no "not ok".
run_stage() {
	local name=$1 before after status
	shift
	before=$(grep -c '^not ok - ' "$log")
	"$@" 2>&1 | tee -a "$log"
	status=${PIPESTATUS[0]}
	after=$(grep -c '^not ok - ' "$log")
	if [ "$status" -ne 0 ] && [ "$after" -eq "$before" ]; then
		echo "not ok - $name exited with status $status without reporting a failed test" | tee -a "$log"
	fi
}

for bin in "$build"/tests/unit/test_*; do
	[ -x "$bin" ] || continue
	run_stage "unit: $(basename "$bin")" "$bin"
done

run_stage "header checks" make --no-print-directory -s BUILD="$build" header-tests
run_stage "scenario tool tests" python3 tests/unit/test_scenario.py
static_check() {
	if make --no-print-directory -s BUILD="$build" static-check; then
		echo "ok - static check: cppcheck finds nothing in hypervisor/ and guests/"
	else
		echo "not ok - static check: cppcheck's findings are above"
	fi
}
run_stage "static check" static_check

CAIRN_BUILD="$(cd "$build" && pwd)"
export CAIRN_BUILD
run_stage "integration tests" python3 tests/integration/run.py

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
