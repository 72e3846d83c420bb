#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Tests tools/scenario.py: good scenarios become C that builds, bad ones fail with exact errors."""

import glob
import os
import re
import string
import subprocess
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = "tools/scenario.py"
SCENARIOS = "tests/scenarios"
# The names the Makefile passes: the guests under guests/ and the images `make images` builds.
KNOWN_IMAGES = "hello,heartbeat,faulty,linux,vmlinuz,initramfs"
_GUESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "guests")
# What the Makefile passes for configs/*.scn: every guests/<name>/ but lib and service-vm, and
# the fetched images.
CONFIG_KNOWN_IMAGES = ",".join(sorted(
    d for d in os.listdir(_GUESTS)
    if os.path.isdir(os.path.join(_GUESTS, d)) and d not in ("lib", "service-vm"))
    + ["vmlinuz", "initramfs"])
CC = os.environ.get("HOST_CC", "gcc")
C_FLAGS = ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wmissing-prototypes",
           "-Wstrict-prototypes", "-Ihypervisor/include"]

sys.dont_write_bytecode = True  # no __pycache__ in tools/
sys.path.insert(0, os.path.join(ROOT, "tools"))
import scenario  # noqa: E402  (for its MESSAGES table)

_tests = []


class TestFailure(Exception):
    pass


def test(name):
    def register(fn):
        _tests.append((name, fn))
        return fn
    return register


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def check_equal(got, want, what):
    check(got == want, f"{what}:\n  got:  {got!r}\n  want: {want!r}")


def run(args, **kwargs):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, **kwargs)


def run_tool(*args):
    return run([sys.executable, TOOL, *args])


def generate(path, out_dir, known=KNOWN_IMAGES):
    """Runs gen on `path`; returns the C file's path and text."""
    out = os.path.join(out_dir, os.path.basename(path) + ".c")
    result = run_tool("gen", path, "--known-images", known, "-o", out)
    check(result.returncode == 0 and result.stderr == "",
          f"gen {path} failed (exit {result.returncode}):\n{result.stderr}")
    with open(out) as f:
        return out, f.read()


def compile_c(sources, out, extra_flags=(), link=False):
    args = [CC, *C_FLAGS, *extra_flags, *([] if link else ["-c"]), *sources, "-o", out]
    result = run(args)
    check(result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}")


def c_vm_entries(c_text):
    """The scenario_vms[] entries of generated C, as {field: initializer text} dicts."""
    body = c_text.split("scenario_vms[] = {", 1)[1].split("\n};", 1)[0]
    entries = []
    for block in body.split("\t{\n")[1:]:
        fields = re.findall(r"^\t\t\.(\w+) = (.*?),(?: /\*.*\*/)?$", block, re.M)
        entries.append(dict(fields))
    return entries


def c_definition(c_text, declaration):
    m = re.search(rf"^{re.escape(declaration)} = (.*);$", c_text, re.M)
    check(m, f"no definition '{declaration} = ...;' in the generated C")
    return m.group(1)


# ---- good scenarios ----

PARTITIONS_VMS = [
    {"name": '"hello"', "kind": "VM_KIND_PRE_LAUNCHED", "pcpu_mask": "0x2",
     "memory_size": "0x1000000", "memory_base": "0x0", "image": '"hello"', "initrd": "NULL",
     "args": '"hypercall-tests"', "flags": "VM_FLAG_HYPERCALLS", "watchdog_ms": "0",
     "source": '"configs/partitions.scn:9"'},
    {"name": '"heartbeat"', "kind": "VM_KIND_PRE_LAUNCHED", "pcpu_mask": "0x4",
     "memory_size": "0x1000000", "memory_base": "0x10000000", "image": '"heartbeat"',
     "initrd": "NULL", "args": '""', "flags": "0", "watchdog_ms": "0",
     "source": '"configs/partitions.scn:17"'},
    {"name": '"compute"', "kind": "VM_KIND_PRE_LAUNCHED", "pcpu_mask": "0x8",
     "memory_size": "0x2000000", "memory_base": "0x0", "image": '"heartbeat"', "initrd": "NULL",
     "args": '"period_ms=500 name=compute"', "flags": "0", "watchdog_ms": "0",
     "source": '"configs/partitions.scn:24"'},
]


@test("gen configs/partitions.scn: C compiles and holds the declared values")
def test_gen_partitions():
    with tempfile.TemporaryDirectory() as tmp:
        out, text = generate("configs/partitions.scn", tmp)
        compile_c([out], os.path.join(tmp, "scenario.o"))
    check("Generated from configs/partitions.scn by tools/scenario.py" in text.split("\n")[0],
          f"first line does not name the source and the tool: {text.splitlines()[0]!r}")
    check('#include "core/scenario.h"' in text, "no #include \"core/scenario.h\"")
    check_equal(c_definition(text, "const char scenario_name[]"), '"partitions"', "scenario_name")
    check_equal(c_definition(text, "const uint32_t scenario_board_pcpus"), "4",
                "scenario_board_pcpus")
    check_equal(c_definition(text, "const size_t scenario_vm_count"),
                "ARRAY_SIZE(scenario_vms)", "scenario_vm_count")
    entries = c_vm_entries(text)
    check_equal(len(entries), len(PARTITIONS_VMS), "number of scenario_vms[] entries")
    for got, want in zip(entries, PARTITIONS_VMS):
        check_equal(got, want, f"scenario_vms[] entry {want['name']}")


# Prints the compiled tables, strings' bytes in hex where escapes matter.
DUMP_C = r"""
#include <stdio.h>
#include "core/scenario.h"

static void dump_hex(const char *s)
{
	if (!s) {
		fputs("NULL", stdout);
		return;
	}
	for (; *s; s++)
		printf("%02x", (unsigned char)*s);
}

int main(void)
{
	printf("%s %u %zu\n", scenario_name, scenario_board_pcpus, scenario_vm_count);
	for (size_t i = 0; i < scenario_vm_count; i++) {
		const struct vm_config *vm = &scenario_vms[i];
		printf("%s|%d|%#llx|%#llx|%#llx|%s|%s|", vm->name, (int)vm->kind,
		       (unsigned long long)vm->pcpu_mask, (unsigned long long)vm->memory_size,
		       (unsigned long long)vm->memory_base, vm->image, vm->initrd ? vm->initrd : "NULL");
		dump_hex(vm->args);
		printf("|%#x|%u|%s\n", vm->flags, vm->watchdog_ms, vm->source);
	}
	return 0;
}
"""

SERVICE_ARGS = 'console=ttyS0 root="/dev/ram0" dir=C:\\boot\\ x??=y\ttab # not a comment \u00e91'


def good_service_dump():
    src = "tests/scenarios/good-service.scn"
    return [
        "good-service 4 3",
        f"sos|1|0|0|0|linux|initramfs|{SERVICE_ARGS.encode().hex()}|0x3|600000|{src}:7",
        f"rt_0|0|0xa|0x800000|0x3f800000|faulty|NULL||0x2|0|{src}:15",
        f"b-2|0|0x1|0x400000|0|hello|NULL||0|0|{src}:23",
    ]


@test("gen good-service.scn: compiled values match (escapes, defaults, flags, watchdog)")
def test_gen_service_values():
    with tempfile.TemporaryDirectory() as tmp:
        out, text = generate("tests/scenarios/good-service.scn", tmp)
        dump_src = os.path.join(tmp, "dump.c")
        with open(dump_src, "w") as f:
            f.write(DUMP_C)
        dump = os.path.join(tmp, "dump")
        compile_c([dump_src, out], dump, link=True)
        result = run([dump])
    check_equal(result.stdout.splitlines(), good_service_dump(), "tables as compiled")
    check("pCPU 2" in text.split(".pcpu_mask = 0x0,")[1].split("\n")[0],
          "the service VM's pcpu_mask comment does not name its default pCPU 2")


@test("gen good-minimal.scn: a lone service VM gets every default")
def test_gen_minimal():
    with tempfile.TemporaryDirectory() as tmp:
        out, text = generate("tests/scenarios/good-minimal.scn", tmp, known="linux")
        compile_c([out], os.path.join(tmp, "scenario.o"))
    (entry,) = c_vm_entries(text)
    want = {"kind": "VM_KIND_SERVICE", "pcpu_mask": "0x0", "memory_size": "0x0",
            "memory_base": "0x0", "initrd": "NULL", "args": '""', "flags": "0"}
    check_equal({key: entry[key] for key in want}, want, "service defaults")


STRING_TEST_C = r"""
#include <stdio.h>

static const char text[] = %s;

int main(void)
{
	fwrite(text, 1, sizeof(text) - 1, stdout);
	return 0;
}
"""


@test("C strings: every byte 1..255, each followed by a digit, compiles back to itself")
def test_c_string_bytes():
    raw = b"".join(bytes([byte]) + b"7" for byte in range(1, 256)) + b'??=??/"\\'
    literal = scenario.c_string(raw.decode("utf-8", "surrogateescape"))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "string.c")
        with open(src, "w") as f:
            f.write(STRING_TEST_C % literal)
        binary = os.path.join(tmp, "string")
        compile_c([src], binary, extra_flags=["-trigraphs"], link=True)  # as in ISO C modes
        result = subprocess.run([binary], capture_output=True)
    check_equal(result.stdout, raw, "bytes of the compiled string")


@test("check: good scenarios and configs/*.scn pass silently")
def test_check_good():
    paths = sorted(glob.glob(os.path.join(ROOT, SCENARIOS, "good-*.scn")) +
                   glob.glob(os.path.join(ROOT, "configs", "*.scn")))
    check(len(paths) >= 3, f"expected good scenarios and configs, found {paths}")
    for path in paths:
        known = CONFIG_KNOWN_IMAGES if "/configs/" in path else KNOWN_IMAGES
        result = run_tool("check", os.path.relpath(path, ROOT), "--known-images", known)
        check(result.returncode == 0 and result.stdout == "" and result.stderr == "",
              f"check {path}: exit {result.returncode}, output {result.stdout + result.stderr!r}")


@test("modules: image and initrd names, deduplicated, in first-use order")
def test_modules():
    for path, want in (("configs/partitions.scn", "hello\nheartbeat\n"),
                       ("tests/scenarios/good-service.scn", "linux\ninitramfs\nfaulty\nhello\n")):
        result = run_tool("modules", path)
        check_equal((result.returncode, result.stdout, result.stderr), (0, want, ""),
                    f"modules {path}")


@test("qemu-args: -smp and -m from [board]")
def test_qemu_args():
    for path, want in (("configs/partitions.scn", "-smp 4 -m 512M\n"),
                       ("tests/scenarios/good-service.scn", "-smp 4 -m 1024M\n"),
                       ("tests/scenarios/good-minimal.scn", "-smp 1 -m 64M\n")):
        result = run_tool("qemu-args", path)
        check_equal((result.returncode, result.stdout, result.stderr), (0, want, ""),
                    f"qemu-args {path}")


# ---- bad scenarios ----

def expected_errors(path):
    """The `# expect: LINE: error: MESSAGE` lines of a bad scenario, as full messages."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        lines = f.read().splitlines()
    return [f"{path}:{line[len('# expect: '):]}" for line in lines if line.startswith("# expect: ")]


def bad_scenarios():
    paths = sorted(glob.glob(os.path.join(ROOT, SCENARIOS, "bad-*.scn")))
    return [os.path.relpath(path, ROOT) for path in paths]


def make_bad_scenario_test(path):
    def run_bad_scenario():
        want = expected_errors(path)
        check(want, f"{path} has no '# expect: LINE: error: MESSAGE' line")
        result = run_tool("check", path, "--known-images", KNOWN_IMAGES)
        check_equal(result.returncode, 1, "exit status")
        check_equal(result.stderr.splitlines(), want, "error lines")
        check_equal(result.stdout, "", "stdout")
    return run_bad_scenario


for _path in bad_scenarios():
    test(f"check {os.path.basename(_path)}: exact errors")(make_bad_scenario_test(_path))


@test("gen on a bad scenario writes no C and removes a stale one")
def test_gen_bad_leaves_nothing():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "scenario.c")
        with open(out, "w") as f:
            f.write("/* stale */\n")
        result = run_tool("gen", "tests/scenarios/bad-pcpu-overlap.scn",
                          "--known-images", KNOWN_IMAGES, "-o", out)
        check_equal(result.returncode, 1, "exit status")
        check(not os.path.exists(out), "the stale C file is still there")
        check_equal(os.listdir(tmp), [], "files left in the output directory")


@test("modules and qemu-args refuse a bad scenario")
def test_queries_validate():
    path = "tests/scenarios/bad-no-board.scn"
    for command in ("modules", "qemu-args"):
        result = run_tool(command, path)
        check_equal((result.returncode, result.stdout, result.stderr.splitlines()),
                    (1, "", expected_errors(path)), command)


@test("gen with an image missing from --known-images fails")
def test_known_images_enforced():
    with tempfile.TemporaryDirectory() as tmp:
        result = run_tool("gen", "configs/partitions.scn", "--known-images", "hello",
                          "-o", os.path.join(tmp, "x.c"))
    want = [f"configs/partitions.scn:{line}: error: 'image' names unknown image 'heartbeat' "
            f"(known: hello)" for line in (22, 28)]
    check_equal((result.returncode, result.stderr.splitlines()), (1, want), "gen")


@test("a missing scenario file is an error, not a traceback")
def test_missing_file():
    result = run_tool("check", "tests/scenarios/no-such-file.scn", "--known-images", "")
    check_equal((result.returncode, result.stderr),
                (1, "tests/scenarios/no-such-file.scn: error: cannot read: No such file or "
                    "directory\n"), "check")


@test("the example in docs/scenarios.md passes check")
def test_doc_example():
    with open(os.path.join(ROOT, "docs", "scenarios.md"), encoding="utf-8") as f:
        example = f.read().split("## Example\n\n```\n", 1)[1].split("```", 1)[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "example.scn")
        with open(path, "w", encoding="utf-8") as f:
            f.write(example)
        result = run_tool("check", path, "--known-images", KNOWN_IMAGES)
    check_equal((result.returncode, result.stderr), (0, ""), "check of the example")


def template_regex(template):
    """A regex matching every message `template` (a str.format string) can produce."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".*")
    return re.compile("".join(parts))


@test("every error message is exercised by a tests/scenarios/bad-*.scn file")
def test_messages_covered():
    messages = [line.split(": error: ", 1)[1] for path in bad_scenarios()
                for line in expected_errors(path)]
    missing = [kind for kind, template in scenario.MESSAGES.items()
               if not any(template_regex(template).fullmatch(m) for m in messages)]
    check_equal(missing, [], "messages no bad scenario expects")


@test("every error message is listed in docs/scenarios.md")
def test_messages_documented():
    with open(os.path.join(ROOT, "docs", "scenarios.md"), encoding="utf-8") as f:
        doc = f.read()
    missing = []
    for kind, template in scenario.MESSAGES.items():
        shown = re.sub(r"\{(\w+)\}", r"<\1>", template)
        if shown not in doc:
            missing.append(shown)
    check_equal(missing, [], "messages missing from docs/scenarios.md")


def main():
    passed = failed = 0
    for name, fn in _tests:
        try:
            fn()
            error = None
        except TestFailure as e:
            error = str(e)
        except Exception:
            error = traceback.format_exc()
        if error is None:
            passed += 1
            print(f"ok - scenario: {name}", flush=True)
            continue
        failed += 1
        print(f"not ok - scenario: {name}")
        for line in error.rstrip().splitlines():
            print(f"#   {line}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
