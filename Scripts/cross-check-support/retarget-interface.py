#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Rewrites one of the toolchain's x86_64 Swift module interfaces for aarch64.

Scripts/cross-check compiles the daemon's modules for aarch64 without an aarch64 toolchain:
the standard library's modules ship as .swiftinterface text, which the compiler rebuilds
for any target. What the x86_64 text holds that aarch64 lacks is Float80 (the x87 type)
and a literal type 80 bits wide; those declarations are dropped and the literal type made
64-bit, as the aarch64 standard library has it. Declarations inside `#if ... arch(x86_64)`
are left alone: they are compiled out on aarch64 anyway.
Usage: retarget-interface.py X86_64.swiftinterface OUTPUT.swiftinterface TRIPLE
"""
import re
import sys

source, output, triple = sys.argv[1:4]
text = open(source, encoding="utf-8").read()
text = text.replace("-target x86_64-unknown-linux-gnu", "-target " + triple)
for old, new in [
    ("_MaxBuiltinFloatType = Builtin.FPIEEE80", "_MaxBuiltinFloatType = Builtin.FPIEEE64"),
    ("init(_builtinFloatLiteral value: Builtin.FPIEEE80)", "init(_builtinFloatLiteral value: Builtin.FPIEEE64)"),
    ("Float(Builtin.fptrunc_FPIEEE80_FPIEEE32(value))", "Float(Builtin.fptrunc_FPIEEE64_FPIEEE32(value))"),
    ("Double(Builtin.fptrunc_FPIEEE80_FPIEEE64(value))", "Double(value)"),
    ("Float16(Float80(value))", "Float16(Double(value))"),
]:
    text = text.replace(old, new)

X86 = re.compile(r"Float80|FPIEEE80|_stdlib_\w+l\b")
ATTRIBUTE_ONLY = re.compile(r"^\s*@\w+(\(.*\))?\s*$")
DIRECTIVE = re.compile(r"^\s*#(if|elseif|else|endif)\b")


def braces(line):
    """The change of brace depth on a line, ignoring string literals (good enough for interfaces)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    return line.count("{") - line.count("}")


def items(lines):
    """Splits lines at one nesting level into declarations (with their attributes) and directives."""
    current, depth = [], 0
    for line in lines:
        if depth == 0 and not current and DIRECTIVE.match(line):
            yield [line]
            continue
        current.append(line)
        depth += braces(line)
        if depth <= 0 and not ATTRIBUTE_ONLY.match(line):
            yield current
            current, depth = [], 0
    if current:
        yield current


def active(lines):
    """The text of lines as aarch64 compiles it: without what `#if ... arch(x86_64)` guards."""
    kept, inactive = [], 0
    for line in lines:
        directive = DIRECTIVE.match(line)
        kind = directive.group(1) if directive else None
        if inactive:
            inactive += {"if": 1, "endif": -1}.get(kind, 0)
            if inactive == 1 and kind in ("else", "elseif"):
                inactive = 0
        elif kind == "if" and "arch(x86_64)" in line:
            inactive = 1
        else:
            kept.append(line)
    return "".join(kept)


def strip(lines):
    out, inactive = [], 0
    for item in items(lines):
        directive = DIRECTIVE.match(item[0]) if len(item) == 1 else None
        if directive:
            kind = directive.group(1)
            if inactive:
                inactive += {"if": 1, "endif": -1}.get(kind, 0)
            elif kind == "if" and "arch(x86_64)" in item[0]:
                inactive = 1
            out.append(item[0])
            continue
        if inactive or not X86.search(active(item)):
            out.extend(item)
            continue
        header_end = next((i for i, l in enumerate(item) if "{" in l), None)
        if header_end is None or X86.search("".join(item[: header_end + 1]).split("{")[0]) \
                or not re.match(r"\s*(@.*\s)?(public |internal |@\w+ )*(extension|struct|enum|protocol|class|actor)\b",
                                "".join(l.strip() + " " for l in item[: header_end + 1])):
            continue  # a declaration about Float80, or a function whose body needs it: dropped
        out.extend(item[: header_end + 1])
        out.extend(strip(item[header_end + 1 : -1]))
        out.append(item[-1])
    return out


lines = text.splitlines(keepends=True)
open(output, "w", encoding="utf-8").write("".join(strip(lines)))
