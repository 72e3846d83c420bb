#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs Cairn's integration tests (tests/integration/test_*.py); optional args filter by name."""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

for fname in sorted(os.listdir(os.path.dirname(os.path.abspath(__file__)))):
    if fname.startswith("test_") and fname.endswith(".py"):
        importlib.import_module(fname[:-3])

passed, failed = harness.run_all(sys.argv[1:])
sys.exit(1 if failed else 0)
