"""Deterministic mutations of seed files for the reader fuzzers.

``MUTATORS[kind](seed, rng)`` returns one mutated input. ``kind`` is "binary" (iden3
containers: .r1cs .wtns .zkey .ptau), "json" or "text" (.sym). Every choice comes from
``rng`` (a ``random.Random``), so ``input_for(seed, kind, label, index)`` rebuilds input
``index`` of a run exactly: a finding is reproduced from its label and number alone.

Binary mutations aim at what a forged file changes: the section table (ids, u64 sizes),
u32/u64 counts anywhere (0, 1, 2^31, 2^32 − 1, 2^64 − 1, sizes near the real ones),
field elements (≥ p, = p, all ones), truncation, insertion, deletion, duplication and
bit flips. JSON mutations parse the seed and change one node: numbers of thousands of
digits, deep nesting, wrong types, huge or empty strings and lists, lone surrogates,
NaN/Infinity, duplicate and unknown keys, the field moduli ± 1, negative and
fractional values; the result is written compactly or indented, and sometimes also
byte-mutated so that broken JSON is covered too.
"""

from __future__ import annotations

import json
import random
import re
import struct
from typing import Any

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583

INTERESTING_U32 = (0, 1, 2, 3, 4, 7, 8, 31, 32, 33, 63, 64, 127, 128, 255, 256, 1 << 16, (1 << 31) - 1, 1 << 31, (1 << 32) - 1)
INTERESTING_U64 = (0, 1, 32, 64, 1 << 32, (1 << 32) - 1, 1 << 40, 1 << 62, 1 << 63, (1 << 64) - 1)
FIELD_VALUES = (0, 1, R - 1, R, R + 1, Q - 1, Q, Q + 1, (1 << 254), (1 << 256) - 1)

JSON_REPLACEMENTS: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    -0.0,
    "",
    "0",
    "-1",
    "1.5",
    "1e3",
    "0x10",
    " 1",
    "１２",  # full-width digits
    "٣",  # Arabic-Indic digit
    "\ud800",
    "a" * 10_000,
    [],
    {},
    [[]],
    str(R),
    str(R - 1),
    str(R + 1),
    str(Q),
    str(Q + 1),
    str(1 << 256),
    "9" * 80,
    "9" * 5000,
    "0" * 5000 + "1",
    "1." + "0" * 5000 + "1",
    str(-R),
)


def _u32_at(data: bytearray, offset: int, value: int) -> None:
    if 0 <= offset <= len(data) - 4:
        struct.pack_into("<I", data, offset, value & 0xFFFFFFFF)


def _u64_at(data: bytearray, offset: int, value: int) -> None:
    if 0 <= offset <= len(data) - 8:
        struct.pack_into("<Q", data, offset, value & 0xFFFFFFFFFFFFFFFF)


def _section_headers(data: bytes) -> list[tuple[int, int, int]]:
    """(offset of the id, id, size) of each section header that lies in ``data`` (lenient)."""
    if len(data) < 12:
        return []
    (count,) = struct.unpack_from("<I", data, 8)
    headers, position = [], 12
    for _ in range(min(count, 64)):
        if position + 12 > len(data):
            break
        section_id, size = struct.unpack_from("<IQ", data, position)
        headers.append((position, section_id, size))
        position += 12 + size
        if position > len(data):
            break
    return headers


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One generic byte-level mutation."""
    out = bytearray(data)
    choice = rng.randrange(9)
    if not out:
        return bytes(rng.randbytes(rng.randrange(1, 64)))
    position = rng.randrange(len(out))
    if choice == 0:  # flip a few bits
        for _ in range(rng.randrange(1, 5)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    elif choice == 1:  # interesting byte
        out[position] = rng.choice((0, 1, 0x7F, 0x80, 0xFF, ord("["), ord('"'), ord("\\")))
    elif choice == 2:  # truncate
        del out[position:]
    elif choice == 3:  # insert random bytes
        out[position:position] = rng.randbytes(rng.randrange(1, 32))
    elif choice == 4:  # delete a chunk
        del out[position : position + rng.randrange(1, 64)]
    elif choice == 5:  # duplicate a chunk
        end = min(len(out), position + rng.randrange(1, 256))
        out[end:end] = out[position:end]
    elif choice == 6:  # random bytes in place
        length = min(len(out) - position, rng.randrange(1, 16))
        out[position : position + length] = rng.randbytes(length)
    elif choice == 7:  # swap two chunks
        other = rng.randrange(len(out))
        length = rng.randrange(1, 32)
        a, b = bytes(out[position : position + length]), bytes(out[other : other + length])
        if len(a) == len(b):
            out[position : position + length], out[other : other + length] = b, a
    else:  # repeat a byte many times (long runs)
        out[position:position] = bytes((out[position],)) * rng.randrange(100, 5000)
    return bytes(out)


def mutate_binary(data: bytes, rng: random.Random) -> bytes:
    """One mutation of an iden3 container, aimed at its counts, sizes and field elements."""
    out = bytearray(data)
    headers = _section_headers(data)
    choice = rng.randrange(10)
    if choice == 0 and headers:  # a section's u64 size
        offset, _, size = rng.choice(headers)
        _u64_at(out, offset + 4, rng.choice((*INTERESTING_U64, size + 1, max(size - 1, 0), size * 2, size // 2)))
    elif choice == 1 and headers:  # a section's id
        offset, _, _ = rng.choice(headers)
        _u32_at(out, offset, rng.choice((0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 16, 99, 100, 101, (1 << 32) - 1)))
    elif choice == 2 and headers:  # the first words of a section: counts and widths live there
        offset, _, size = rng.choice(headers)
        start = offset + 12 + 4 * rng.randrange(max(1, min(size, 160) // 4))
        _u32_at(out, start, rng.choice((*INTERESTING_U32, rng.randrange(1 << 32))))
    elif choice == 3:  # any aligned u32
        _u32_at(out, 4 * rng.randrange(max(1, len(out) // 4)), rng.choice(INTERESTING_U32))
    elif choice == 4:  # any aligned u64
        _u64_at(out, 4 * rng.randrange(max(1, len(out) // 4)), rng.choice(INTERESTING_U64))
    elif choice == 5 and len(out) >= 32:  # a 32-byte word: a field element or coordinate
        start = 4 * rng.randrange(max(1, (len(out) - 32) // 4))
        value = rng.choice(FIELD_VALUES)
        form = rng.randrange(3)
        word = value.to_bytes(32, "little") if form == 0 else (bytes(32) if form == 1 else b"\xff" * 32)
        out[start : start + 32] = word
    elif choice == 6:  # the section count, or the version
        _u32_at(out, rng.choice((4, 8)), rng.choice(INTERESTING_U32))
    elif choice == 7 and headers:  # move a section's data: drop or duplicate a whole section
        offset, _, size = rng.choice(headers)
        section = bytes(out[offset : offset + 12 + size])
        if rng.randrange(2):
            del out[offset : offset + 12 + size]
        else:
            out[offset:offset] = section
    else:
        return mutate_bytes(data, rng)
    return bytes(out)


#: Containers deeper than this are not descended into (deep values are made as text, see _deep).
_MAX_WALK_DEPTH = 24
#: A document with more brackets than this is only byte-mutated (never parsed by the mutator).
_MAX_PARSED_BRACKETS = 2000


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [path]
    if len(path) >= _MAX_WALK_DEPTH:
        return paths
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _nodes(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:64]):
            paths += _nodes(child, (*path, index))
    return paths


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = _replace(copy[head], tuple(rest), new)
    return copy


_DEEP_DEPTHS = (33, 100, 1000, 75_000)


def _deep(rng: random.Random) -> str:
    """A placeholder that :func:`mutate_json` replaces by nesting this deep, written as text."""
    return f"@deep:{rng.choice(_DEEP_DEPTHS)}:{rng.randrange(2)}@"


_DEEP_PLACEHOLDER = re.compile(r'"@deep:([0-9]+):([01])@"')


def _expand_deep(text: str) -> str:
    def nested(match: re.Match[str]) -> str:
        depth = int(match.group(1))
        opening, closing = ("[", "]") if match.group(2) == "1" else ('{"k":', "}")
        return opening * depth + "1" + closing * depth

    return _DEEP_PLACEHOLDER.sub(nested, text)


def _replacement(rng: random.Random, old: Any) -> Any:
    choice = rng.randrange(8)
    if choice == 0:
        return rng.choice(JSON_REPLACEMENTS)
    if choice == 1:
        return _deep(rng)
    if choice == 2 and isinstance(old, list):  # grow, shrink or reorder a list
        action = rng.randrange(4)
        if action == 0:
            return old * rng.choice((2, 10, 300))
        if action == 1:
            return old[: rng.randrange(len(old) + 1)]
        if action == 2:
            return [*old, rng.choice(JSON_REPLACEMENTS)]
        return list(reversed(old))
    if choice == 3 and isinstance(old, dict) and old:  # drop or add a key
        copy = dict(old)
        if rng.randrange(2):
            copy.pop(rng.choice(list(copy)))
        else:
            copy[rng.choice(("extra", "", "protocol", "curve", "nPublic", "version", "format"))] = rng.choice(
                JSON_REPLACEMENTS
            )
        return copy
    if choice == 4 and isinstance(old, str):  # edit a string: digits, hex, length
        action = rng.randrange(5)
        if action == 0:
            return old + rng.choice(("0", "9", "x", " ", "\u0000", "é"))
        if action == 1:
            return old[: rng.randrange(len(old) + 1)]
        if action == 2:
            return "-" + old
        if action == 3:
            return old.upper()
        return old * rng.choice((2, 100))
    if choice == 5 and isinstance(old, int) and not isinstance(old, bool):
        return rng.choice((old + 1, old - 1, -old, old * 10**30, 1 << 64, 1 << 256, -(1 << 63)))
    if choice == 6:
        return rng.choice((str(old), [old], {"value": old}))
    return rng.choice(JSON_REPLACEMENTS)


_RAW_TOKENS = ("NaN", "Infinity", "-Infinity", "1e999999999", "-1e-999999999", "9" * 5000, "0." + "0" * 5000 + "1")


def mutate_json(data: bytes, rng: random.Random) -> bytes:
    """One structural JSON mutation (sometimes followed by a byte-level one)."""
    if data.count(b"[") + data.count(b"{") > _MAX_PARSED_BRACKETS:
        return mutate_bytes(data, rng)
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return mutate_bytes(data, rng)
    paths = _nodes(document)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        path = rng.choice(paths)
        old: Any = document
        for step in path:
            old = old[step]
        document = _replace(document, path, _replacement(rng, old))
        paths = _nodes(document)
    text = _expand_deep(json.dumps(document, indent=rng.choice((None, 1)), ensure_ascii=rng.randrange(2) == 0))
    style = rng.randrange(10)
    if style == 0:  # a raw token JSON cannot express as a Python value, in place of a number or string
        token = rng.choice(_RAW_TOKENS)
        targets = [i for i, c in enumerate(text) if c in '0123456789"'] or [0]
        start = rng.choice(targets)
        end = start + 1
        if text[start] == '"':
            end = text.find('"', start + 1) + 1 or start + 1
        else:
            while end < len(text) and text[end].isdigit():
                end += 1
        text = text[:start] + token + text[end:]
    elif style == 1:  # a duplicated key
        text = text.replace('{"', '{"' + text[2 : text.find('"', 2)] + '": 1, "', 1) if text.startswith('{"') else text
    encoded = text.encode("utf-8", "surrogatepass")
    return mutate_bytes(encoded, rng) if style == 2 else encoded


def mutate_text(data: bytes, rng: random.Random) -> bytes:
    """One mutation of a line-based text file (.sym): whole lines, fields, or bytes."""
    lines = data.decode("utf-8", "replace").split("\n")
    choice = rng.randrange(6)
    index = rng.randrange(len(lines))
    fields = lines[index].split(",")
    if choice == 0:  # a numeric field out of range or not a number
        field = rng.randrange(min(3, len(fields)))
        fields[field] = rng.choice(("-2", "-1", "", "x", "9" * 5000, str(1 << 63), str(1 << 64), " 3", "3 ", "+3", "1_0"))
        lines[index] = ",".join(fields)
    elif choice == 1:  # duplicate or drop a line
        if rng.randrange(2):
            lines.insert(index, lines[index])
        else:
            del lines[index]
    elif choice == 2:  # fewer or more fields
        lines[index] = ",".join(fields[: rng.randrange(len(fields) + 1)]) if rng.randrange(2) else lines[index] + ",x"
    elif choice == 3:  # reorder lines
        rng.shuffle(lines)
    elif choice == 4:  # many lines
        lines = lines * rng.choice((2, 50))
    else:
        return mutate_bytes(data, rng)
    return "\n".join(lines).encode("utf-8", "surrogatepass")


MUTATORS = {"binary": mutate_binary, "json": mutate_json, "text": mutate_text}


def input_for(seed: bytes, kind: str, label: str, index: int) -> bytes:
    """Input ``index`` of the run ``label`` (e.g. "1:proof", base seed and reader): one to three
    stacked mutations of ``seed``. String seeds hash with SHA-512, so this is the same in every process."""
    rng = random.Random(f"{label}:{index}")
    data = seed
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        data = MUTATORS[kind](data, rng)
    return data
