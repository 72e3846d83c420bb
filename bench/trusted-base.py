#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Size of the trusted base (issue 11, item 7): Cairn's hypervisor beside ACRN's and Jailhouse's.

Counts source lines of code (SLOC: lines of C and assembly under hypervisor/ that are neither
blank nor only comment) of Cairn's work tree, and of ACRN's and Jailhouse's hypervisors read from
their git directories (bare mirrors are fine: files are read with git ls-tree / cat-file at
HEAD). Prints the image size of build/cairn.elf (binutils `size`), the commits counted, and a
table of feature rows side by side; which files make up each row is in bench/trusted_base_maps.py.

Usage: python3 bench/trusted-base.py [--build DIR] [--acrn GITDIR] [--jailhouse GITDIR]
                                     [--list ROW] [--self-test]
  --build DIR      where cairn.elf is (default ./build)
  --acrn GITDIR    git directory of projectacrn/acrn-hypervisor
  --jailhouse GITDIR  git directory of siemens/jailhouse
  --list ROW       print the files of one row (a key such as npt, or "other") per project
  --self-test      check the line counter on small samples; exit 1 on a mismatch
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trusted_base_maps as maps  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_EXT = (".c", ".h", ".S", ".s")
CPP_DIRECTIVE = re.compile(r"#\s*(include|define|undef|if|ifdef|ifndef|elif|else|endif|error|"
                           r"warning|pragma|line)\b")


def sloc(text, asm=False):
    """Lines of `text` holding code. C: /* */ (across lines) and // comments; string and character
    literals are skipped so comment markers inside them count as code. asm (.S/.s, run through
    cpp): also a line whose first non-blank character is `;`, or `#` not starting a cpp
    directive, is a comment, and `'c` is a GAS character constant."""
    count = 0
    in_block = False
    quote = None  # the open string's delimiter, carried over a backslash-newline only
    for line in text.splitlines():
        if asm and not in_block and quote is None:
            s = line.lstrip()
            if s.startswith(";") or (s.startswith("#") and not CPP_DIRECTIVE.match(s)):
                continue
        code = quote is not None
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if in_block:
                if line.startswith("*/", i):
                    in_block = False
                    i += 1
            elif quote:
                if c == "\\":
                    i += 1
                elif c == quote:
                    quote = None
            elif line.startswith("/*", i):
                in_block = True
                i += 1
            elif line.startswith("//", i):
                break
            elif not c.isspace():
                code = True
                if c == '"' or (c == "'" and not asm):
                    quote = c
                elif c == "'":  # GAS: 'A is the character constant A
                    i += 1
            i += 1
        if quote and not line.endswith("\\"):
            quote = None
        count += code
    return count


class WorkTree:
    """Cairn's files, read from the file system (uncommitted changes count)."""

    def __init__(self, root):
        self.root = root
        head = git(["-C", root, "rev-parse", "HEAD"]).strip()
        dirty = git(["-C", root, "status", "--porcelain", "--", "hypervisor", "abi"]).strip()
        self.commit = head + (" + uncommitted changes" if dirty else "")

    def files(self, top):
        for d, _, names in os.walk(os.path.join(self.root, top)):
            for name in names:
                yield os.path.relpath(os.path.join(d, name), self.root)

    def read(self, path):
        with open(os.path.join(self.root, path), encoding="utf-8", errors="replace") as f:
            return f.read()


class GitTree:
    """A project's files at HEAD of a (bare) git directory."""

    def __init__(self, gitdir):
        self.gitdir = gitdir
        self.commit = git(["--git-dir", gitdir, "log", "-1", "--format=%H (%cs)", "HEAD"]).strip()
        self.blobs = {}
        for row in git(["--git-dir", gitdir, "ls-tree", "-r", "HEAD"]).splitlines():
            meta, path = row.split("\t", 1)
            mode, kind, sha = meta.split()
            if kind == "blob" and mode != "120000":
                self.blobs[path] = sha

    def files(self, top):
        return [p for p in self.blobs if p.startswith(top + "/")]

    def read(self, path):
        blob = git(["--git-dir", self.gitdir, "cat-file", "-p", self.blobs[path]], raw=True)
        return blob.decode("utf-8", errors="replace")


def git(args, raw=False):
    out = subprocess.run(["git"] + args, check=True, capture_output=True).stdout
    return out if raw else out.decode()


def matches(path, globs):
    return any(fnmatch.fnmatchcase(path, g) for g in globs)


def count_project(name, tree):
    """{file relative to hypervisor/: (row key, SLOC)} for one project's hypervisor."""
    result = {}
    for path in sorted(tree.files("hypervisor")):
        rel = path[len("hypervisor/"):]
        if not rel.endswith(SOURCE_EXT) or matches(rel, maps.EXCLUDE[name]):
            continue
        rows = [key for key, _, globs in maps.ROWS if matches(rel, globs[name])]
        if len(rows) > 1:
            sys.exit(f"trusted_base_maps: {name} {rel} is in rows {', '.join(rows)}")
        asm = rel.endswith((".S", ".s"))
        result[rel] = (rows[0] if rows else "other", sloc(tree.read(path), asm))
    for key, _, globs in maps.ROWS:  # a glob that matches nothing is a stale map entry
        for g in globs[name]:
            if not any(fnmatch.fnmatchcase(rel, g) for rel in result):
                print(f"warning: {name} row {key}: {g} matches no file", file=sys.stderr)
    return result


def image_size(build):
    elf = os.path.join(build, "cairn.elf")
    if not os.path.exists(elf):
        return f"{elf}: not built"
    text, data, bss = subprocess.run(["size", elf], check=True, capture_output=True,
                                     text=True).stdout.splitlines()[1].split()[:3]
    return f"{elf}: text {int(text):,}, data {int(data):,}, bss {int(bss):,} bytes"


def self_test():
    cases = [
        ("int a;\n\n   \n\t\nint b;\n", False, 2),                      # blank lines
        ("/* one\n * two\n */\nint a;\n", False, 1),                    # block across lines
        ("x = 1; /* start\n middle\n end */ y = 2;\nz;\n", False, 3),   # code after the close
        ("/* a */ /* b */\n/**/\n", False, 0),                          # comments only
        ("// only\nx = 1; // trailing\n", False, 1),                    # // comments
        ('char *s = "/* not a comment";\nint d;\n', False, 2),          # "/*" in a string
        ('s = "a\\" // /*";\nint e;\n', False, 2),                      # escaped quote
        ("c = '\"'; d = '/'; /* q */\nint f;\n", False, 2),             # character literals
        ('s = "one \\\n/* two";\nint g;\n', False, 3),                  # string over a newline
        ("# comment\n#include \"x.h\"\n  movq %rax, %rbx # move\n", True, 2),
        ("; comment\n/* c\n */\n.asciz \"#;/*\"\n  movb $'A, %al\n", True, 2),
        ("#define X 1\n  # define Y 2\n#ifdef X\n#endif\n", True, 4),
    ]
    bad = 0
    for text, asm, want in cases:
        got = sloc(text, asm)
        if got != want:
            bad += 1
            print(f"FAIL: {text!r} (asm={asm}): {got} lines, expected {want}")
    print(f"self-test: {len(cases) - bad}/{len(cases)} samples right")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--acrn")
    ap.add_argument("--jailhouse")
    ap.add_argument("--list", metavar="ROW")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test()

    trees = {"cairn": WorkTree(ROOT)}
    if args.acrn:
        trees["acrn"] = GitTree(args.acrn)
    if args.jailhouse:
        trees["jailhouse"] = GitTree(args.jailhouse)
    counted = {name: count_project(name, tree) for name, tree in trees.items()}

    keys = [key for key, _, _ in maps.ROWS] + ["other"]
    if args.list:
        if args.list not in keys:
            sys.exit(f"unknown row {args.list!r}; rows: {', '.join(keys)}")
        for name, files in counted.items():
            mine = {p: n for p, (key, n) in files.items() if key == args.list}
            print(f"{name} ({sum(mine.values()):,} SLOC):")
            for path, n in mine.items():
                print(f"  {n:6,}  hypervisor/{path}")
        return 0

    # Columns: Cairn, ACRN, Jailhouse x86, Jailhouse as an AMD-only build.
    columns = [("Cairn", "cairn", None), ("ACRN", "acrn", None), ("Jailhouse", "jailhouse", None),
               ("Jailhouse AMD", "jailhouse", maps.JAILHOUSE_INTEL_ONLY)]
    columns = [c for c in columns if c[1] in counted]

    def total(name, drop, key=None, skip=None):
        return sum(n for p, (k, n) in counted[name].items()
                   if (key is None or k == key) and k != skip and not (drop and matches(p, drop)))

    print("Commits counted:")
    for name, tree in trees.items():
        print(f"  {name:9} {tree.commit}")
    print(f"Cairn image: {image_size(args.build)}")
    cairn_abi = sum(sloc(trees["cairn"].read(p)) for p in trees["cairn"].files("abi")
                    if p.endswith(SOURCE_EXT))
    print(f"Cairn abi/ (headers shared with hsm/ and dm/, not counted below): {cairn_abi:,} SLOC")
    print()
    titles = {key: title for key, title, _ in maps.ROWS}
    titles["other"] = "other"
    print("| row | " + " | ".join(c[0] for c in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for key in keys:
        cells = [f"{total(name, drop, key):,}" for _, name, drop in columns]
        print(f"| {titles[key]} | " + " | ".join(cells) + " |")
    cells = [f"**{total(name, drop):,}**" for _, name, drop in columns]
    print("| **total** | " + " | ".join(cells) + " |")
    cells = [f"**{total(name, drop, skip='absent'):,}**" for _, name, drop in columns]
    print("| **comparable** (total minus \"not in Cairn\") | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
