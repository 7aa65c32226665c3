"""Builders and byte surgery for the synthetic-file tests.

The section-table parser and the container builder here are written independently of
``zkreceipt.formats.binfile`` so the tests do not trust the code they test.
"""

from __future__ import annotations

import struct
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zkreceipt.curve import G1Points, G2Points
from zkreceipt.field import Fq, Fr

#: BLS12-381's scalar field modulus: a real prime circom supports, which zkreceipt must refuse.
BLS12_381_R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001


@dataclass(frozen=True)
class RawSection:
    id: int
    header_offset: int  # where "id u32, size u64" starts
    data_offset: int
    size: int


def sections(data: bytes) -> dict[int, RawSection]:
    """The section table of a well-formed container, by id."""
    (n,) = struct.unpack_from("<I", data, 8)
    out, position = {}, 12
    for _ in range(n):
        section_id, size = struct.unpack_from("<IQ", data, position)
        out[section_id] = RawSection(section_id, position, position + 12, size)
        position += 12 + size
    return out


def container(magic: bytes, version: int, parts: list[tuple[int, bytes]]) -> bytes:
    """An iden3 container built by hand: magic, version, then (id, data) sections in order."""
    out = magic + struct.pack("<II", version, len(parts))
    for section_id, data in parts:
        out += struct.pack("<IQ", section_id, len(data)) + data
    return out


def section_data(path: Path, section_id: int) -> bytes:
    data = path.read_bytes()
    s = sections(data)[section_id]
    return data[s.data_offset : s.data_offset + s.size]


def patch(path: Path, section_id: int, offset: int, new: bytes) -> None:
    """Overwrite bytes at ``offset`` inside section ``section_id`` (same length)."""
    data = bytearray(path.read_bytes())
    s = sections(bytes(data))[section_id]
    assert offset + len(new) <= s.size
    data[s.data_offset + offset : s.data_offset + offset + len(new)] = new
    path.write_bytes(bytes(data))


def replace_section(path: Path, section_id: int, new: bytes) -> None:
    """Replace a section's data (its size field follows)."""
    data = path.read_bytes()
    table = sections(data)
    parts = []
    for sid in sorted(table, key=lambda i: table[i].header_offset):
        s = table[sid]
        parts.append((sid, new if sid == section_id else data[s.data_offset : s.data_offset + s.size]))
    path.write_bytes(container(data[:4], struct.unpack_from("<I", data, 4)[0], parts))


def u32(v: int) -> bytes:
    return struct.pack("<I", v)


def u64(v: int) -> bytes:
    return struct.pack("<Q", v)


def le(v: int, width: int = 32) -> bytes:
    return v.to_bytes(width, "little")


def g1_points(n: int, start: int = 1) -> G1Points:
    """n distinct valid G1 points: [start..start+n)·G."""
    return G1Points.generator() * Fr.from_ints(range(start, start + n))


def g2_points(n: int, start: int = 1) -> G2Points:
    return G2Points.generator() * Fr.from_ints(range(start, start + n))


def mont_q(value: int) -> bytes:
    """A coordinate value as raw LEM bytes without reduction (value may be ≥ q)."""
    return value.to_bytes(32, "little")


def off_curve_g1_lem() -> bytes:
    """(x, y) = (1, 1) in Montgomery form: 1 ≠ 1 + 3."""
    one = Fq.from_int(1).to_montgomery_bytes()
    return one + one


@contextmanager
def fails_fast(max_seconds: float = 1.0, max_bytes: int = 8 << 20) -> Iterator[None]:
    """Assert the block finishes quickly without a large allocation (a forged length must not
    make the reader allocate or loop over what it claims)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < max_seconds, f"took {elapsed:.2f} s"
    assert peak < max_bytes, f"allocated {peak} bytes"


def expect(error_type: type[BaseException], *fragments: str) -> Callable[[BaseException], None]:
    """A checker for ``pytest.raises(...).value``: right type, message contains every fragment."""

    def check(exc: BaseException) -> None:
        assert isinstance(exc, error_type), f"{type(exc).__name__}: {exc}"
        for fragment in fragments:
            assert fragment in str(exc), f"{fragment!r} not in {str(exc)!r}"

    return check
