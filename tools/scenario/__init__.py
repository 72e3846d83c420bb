# SPDX-License-Identifier: BSD-3-Clause
"""The scenario tool's library: reads a configs/*.scn file, checks it, and emits its C tables."""

from .diagnostics import MESSAGES, Diagnostics
from .emit_c import c_string, generate_c
from .loader import load

__all__ = ["MESSAGES", "Diagnostics", "c_string", "generate_c", "load"]
