"""The iden3 binary container shared by circom/snarkjs ``.r1cs``, ``.wtns``, ``.zkey`` and ``.ptau``.

Layout (all integers little-endian; ``@iden3/binfileutils``)::

    magic    4 bytes ASCII ("r1cs", "wtns", "zkey", "ptau")
    version  u32
    nSec     u32
    nSec × { id u32, size u64, data[size] }

Sections are located by id, never by position (circom writes .r1cs sections in the
order 2, 1, 3; ``snarkjs groth16 setup`` writes .zkey sections 1, 2, 4, 3, 9, 8, 5, 6,
7, 10). The reader checks, before touching any section data, that every section lies
inside the real file, that no id repeats and that nothing trails the last section, so
a forged u64 size fails at once without an allocation. Section contents are read
through a :class:`SectionCursor`, which checks every count against the bytes that
remain in the section *before* slicing, and converts field elements and curve points
with range and curve checks. Every error is a :class:`BinFileError` (a
:class:`~zkreceipt.errors.FormatError`) whose message names the file and section.

The writer (:func:`write_bin_file`) writes atomically through
:func:`zkreceipt.fileio.write_file_atomically` (0600 for private files).
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

import numpy as np

from ..curve import G1Points, G2Points
from ..errors import CurveError, FieldError, FormatError
from ..field import FieldVector
from ..field.prime_field import PrimeField
from ..fileio import write_file_atomically

PathLike = str | os.PathLike[str]
P = TypeVar("P", G1Points, G2Points)
#: What a section part may be when writing: raw bytes or a C-contiguous NumPy array.
BytesLike = bytes | bytearray | memoryview | np.ndarray

MAGIC_SIZE = 4
#: magic + version u32 + nSec u32.
FILE_HEADER_SIZE = MAGIC_SIZE + 4 + 4
#: id u32 + size u64 in front of each section.
SECTION_HEADER_SIZE = 4 + 8
#: Bytes of one BN254 field element (Fr or Fq) on disk.
FIELD_BYTES = 32
#: Bytes of an affine G1 point (x‖y) and G2 point (x.c0‖x.c1‖y.c0‖y.c1) in LEM form.
G1_BYTES = 2 * FIELD_BYTES
G2_BYTES = 4 * FIELD_BYTES

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_SECTION_HEADER = struct.Struct("<IQ")


class BinFileError(FormatError):
    """A malformed iden3 binary file; ``path`` and ``section`` (a label such as
    "section 2 (constraints)", or None for the container itself) say where."""

    def __init__(self, path: str, message: str, section: str | None = None) -> None:
        self.path = path
        self.section = section
        where = f"{path}: {section}: " if section else f"{path}: "
        super().__init__(where + message)


class TruncatedFileError(BinFileError):
    """The file or a section ends before the data its header announces."""


class InvalidFieldElementError(BinFileError, FieldError):
    """A field element in the file is ≥ its modulus, or the file declares the wrong prime."""


class InvalidPointError(BinFileError, CurveError):
    """A curve point in the file has a coordinate ≥ q, is off the curve or outside the subgroup."""


@dataclass(frozen=True)
class SectionSpan:
    """Where one section's data lies: ``offset`` (of the first data byte) and ``size`` in bytes."""

    id: int
    offset: int
    size: int


def physical_memory_bytes() -> int:
    """The machine's physical memory in bytes (a large value if the platform cannot tell)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 1 << 50


def u32(value: int) -> bytes:
    return _U32.pack(value)


def u64(value: int) -> bytes:
    return _U64.pack(value)


def int_bytes(value: int, width: int = FIELD_BYTES) -> bytes:
    """A non-negative int as a fixed-width little-endian integer (``writeBigInt``)."""
    return value.to_bytes(width, "little")


def first_not_below(words: np.ndarray, modulus: int) -> int | None:
    """Index of the first row of ``words`` ((n, 4) uint64, little-endian words) that is ≥ modulus."""
    m = np.frombuffer(modulus.to_bytes(32, "little"), dtype="<u8")
    less = np.zeros(words.shape[0], dtype=bool)
    equal = np.ones(words.shape[0], dtype=bool)
    for limb in range(3, -1, -1):
        column = words[:, limb]
        less |= equal & (column < m[limb])
        equal &= column == m[limb]
    bad = np.flatnonzero(~less)
    return int(bad[0]) if bad.size else None


def _words(data: bytes, count: int) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").reshape(count, 4)


class SectionCursor:
    """Sequential, bounds-checked reads inside one section of a :class:`BinFileReader`.

    Every read names what it reads (``what``) so an error can say which field of
    which section is at fault. Reads never go past the section's end; a count read
    from the file is checked against the remaining bytes before anything is sliced.
    """

    def __init__(self, reader: BinFileReader, span: SectionSpan) -> None:
        self._reader = reader
        self.span = span
        self.position = 0

    @property
    def remaining(self) -> int:
        return self.span.size - self.position

    def error(self, message: str, kind: type[BinFileError] = BinFileError) -> BinFileError:
        return self._reader.error(message, self.span.id, kind)

    def take(self, size: int, what: str) -> bytes:
        """The next ``size`` bytes (a copy)."""
        if size < 0 or size > self.remaining:
            raise self.error(
                f"{what} needs {size} bytes at offset {self.position}, only {self.remaining} remain",
                TruncatedFileError,
            )
        data = self._reader.read_span(self.span, self.position, size)
        self.position += size
        return data

    def take_items(self, count: int, item_size: int, what: str) -> bytes:
        """``count`` records of ``item_size`` bytes; the count is checked before any slicing."""
        if count < 0 or count > self.remaining // max(item_size, 1):
            raise self.error(
                f"{what}: {count} items of {item_size} bytes do not fit in the {self.remaining} bytes left",
                TruncatedFileError,
            )
        return self.take(count * item_size, what)

    def u32(self, what: str) -> int:
        return int(_U32.unpack(self.take(4, what))[0])

    def u64(self, what: str) -> int:
        return int(_U64.unpack(self.take(8, what))[0])

    def prime(self, expected: int, what: str) -> None:
        """``n8 u32`` then an n8-byte prime, which must be ``expected`` (n8 = 32 for BN254)."""
        n8 = self.u32(f"{what} byte width n8")
        if n8 != FIELD_BYTES:
            raise self.error(
                f"{what}: element width n8 = {n8}, expected {FIELD_BYTES} (only BN254 is supported)",
                InvalidFieldElementError,
            )
        value = int.from_bytes(self.take(n8, what), "little")
        if value != expected:
            raise self.error(f"{what} is {value}, expected the BN254 prime {expected}", InvalidFieldElementError)

    def field_standard(self, field: PrimeField, count: int, what: str) -> FieldVector:
        """``count`` 32-byte little-endian standard-form elements, each checked < p."""
        data = self.take_items(count, FIELD_BYTES, what)
        return self._reader.field_from_standard(field, data, count, what, self.span.id)

    def field_montgomery(self, field: PrimeField, count: int, what: str) -> FieldVector:
        """``count`` 32-byte "LEM" (Montgomery form) elements, each checked < p."""
        data = self.take_items(count, FIELD_BYTES, what)
        return self._reader.field_from_montgomery(field, data, count, what, self.span.id)

    def points(self, cls: type[P], count: int, what: str) -> P:
        """``count`` LEM points of ``cls`` (G1Points or G2Points), validated."""
        size = G1_BYTES if cls is G1Points else G2_BYTES
        return self._reader.points(cls, self.take_items(count, size, what), what, self.span.id)

    def g1(self, count: int, what: str) -> G1Points:
        return self.points(G1Points, count, what)

    def g2(self, count: int, what: str) -> G2Points:
        return self.points(G2Points, count, what)

    def expect_end(self) -> None:
        if self.remaining:
            raise self.error(f"{self.remaining} unexpected bytes after offset {self.position}")


class BinFileReader:
    """An open iden3 binary file whose section table has been validated.

    ``magic``: the expected 4-character type; ``versions``: accepted versions;
    ``section_names``: id → name of every section this file type may contain (an
    unknown id is an error, so nothing in the file is silently ignored or lost).
    The data is memory-mapped; every accessor returns a copy, so :meth:`close`
    (or leaving the ``with`` block) releases the file. ``name`` in messages is the
    path as given.
    """

    def __init__(
        self,
        path: PathLike,
        magic: str,
        versions: Collection[int],
        section_names: Mapping[int, str],
    ) -> None:
        self.path = os.fspath(path)
        self.magic = magic
        self._names = dict(section_names)
        self._mmap: mmap.mmap | None = None
        try:
            with open(self.path, "rb") as f:
                self.file_size = os.fstat(f.fileno()).st_size
                if self.file_size:
                    self._mmap = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as exc:
            raise BinFileError(self.path, f"cannot read the file: {exc.strerror or exc}") from None
        try:
            self.version, self.sections, self.section_order = self._parse_table(magic, versions)
        except BaseException:
            self.close()
            raise

    # --- context manager --------------------------------------------------------------

    def __enter__(self) -> BinFileReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._mmap is not None:
            self._mmap.close()
            self._mmap = None

    # --- errors -----------------------------------------------------------------------

    def section_label(self, section_id: int) -> str:
        name = self._names.get(section_id)
        return f"section {section_id} ({name})" if name else f"section {section_id}"

    def error(
        self, message: str, section_id: int | None = None, kind: type[BinFileError] = BinFileError
    ) -> BinFileError:
        label = None if section_id is None else self.section_label(section_id)
        return kind(self.path, message, label)

    # --- section table ----------------------------------------------------------------

    def _raw(self, offset: int, size: int) -> bytes:
        assert self._mmap is not None and offset + size <= self.file_size
        return self._mmap[offset : offset + size]

    def _parse_table(
        self, magic: str, versions: Collection[int]
    ) -> tuple[int, dict[int, SectionSpan], tuple[int, ...]]:
        if self.file_size < FILE_HEADER_SIZE:
            raise self.error(
                f"{self.file_size} bytes is too short for a {magic} file header ({FILE_HEADER_SIZE} bytes)",
                kind=TruncatedFileError,
            )
        head = self._raw(0, FILE_HEADER_SIZE)
        found = head[:MAGIC_SIZE]
        if found != magic.encode("ascii"):
            raise self.error(f"not a {magic} file: magic is {found!r}, expected {magic.encode('ascii')!r}")
        version, n_sections = struct.unpack_from("<II", head, MAGIC_SIZE)
        if version not in versions:
            accepted = ", ".join(str(v) for v in sorted(versions))
            raise self.error(f"unsupported {magic} version {version} (supported: {accepted})")
        sections: dict[int, SectionSpan] = {}
        order: list[int] = []
        position = FILE_HEADER_SIZE
        for index in range(n_sections):
            if position + SECTION_HEADER_SIZE > self.file_size:
                raise self.error(
                    f"the file ends inside the header of section #{index} of {n_sections} (offset {position})",
                    kind=TruncatedFileError,
                )
            section_id, size = _SECTION_HEADER.unpack(self._raw(position, SECTION_HEADER_SIZE))
            position += SECTION_HEADER_SIZE
            if size > self.file_size - position:
                raise self.error(
                    f"declares {size} bytes at offset {position}, but the file has only "
                    f"{self.file_size - position} bytes left",
                    section_id,
                    TruncatedFileError,
                )
            if section_id not in self._names:
                raise self.error(f"unknown section id in a {magic} file", section_id)
            if section_id in sections:
                raise self.error("appears twice", section_id)
            sections[section_id] = SectionSpan(section_id, position, size)
            order.append(section_id)
            position += size
        if position != self.file_size:
            raise self.error(f"{self.file_size - position} unexpected bytes after the last section")
        return version, sections, tuple(order)

    # --- access -----------------------------------------------------------------------

    def has(self, section_id: int) -> bool:
        return section_id in self.sections

    def require(self, section_id: int) -> SectionSpan:
        span = self.sections.get(section_id)
        if span is None:
            raise self.error("is missing", section_id)
        return span

    def cursor(self, section_id: int) -> SectionCursor:
        return SectionCursor(self, self.require(section_id))

    def read_span(self, span: SectionSpan, start: int, size: int) -> bytes:
        """``size`` bytes from ``start`` within ``span`` (a copy); callers check the bounds."""
        if start < 0 or size < 0 or start + size > span.size:
            raise self.error(f"read of {size} bytes at {start} is outside the section", span.id, TruncatedFileError)
        if size == 0:
            return b""
        return self._raw(span.offset + start, size)

    def section_bytes(self, section_id: int) -> bytes:
        span = self.require(section_id)
        return self.read_span(span, 0, span.size)

    # --- typed conversions (shared by all file types) -----------------------------------

    def check_below_modulus(
        self,
        field: PrimeField,
        data: bytes,
        count: int,
        what: str,
        section_id: int,
        item_name: Callable[[int], str] | None = None,
    ) -> None:
        """Raise naming the first of ``count`` 32-byte LE integers in ``data`` that is ≥ p.

        ``item_name(index)`` describes the element in the message (default "element i").
        """
        bad = first_not_below(_words(data, count), field.modulus)
        if bad is not None:
            value = int.from_bytes(data[32 * bad : 32 * bad + 32], "little")
            name = item_name(bad) if item_name else f"element {bad}"
            raise self.error(
                f"{what}: {name} = {value} is not below the {field.name} modulus",
                section_id,
                InvalidFieldElementError,
            )

    def field_from_standard(
        self,
        field: PrimeField,
        data: bytes,
        count: int,
        what: str,
        section_id: int,
        item_name: Callable[[int], str] | None = None,
    ) -> FieldVector:
        """Standard-form little-endian elements, each checked < p."""
        self.check_below_modulus(field, data, count, what, section_id, item_name)
        return field.from_bytes(data, "little")

    def field_from_montgomery(
        self, field: PrimeField, data: bytes, count: int, what: str, section_id: int
    ) -> FieldVector:
        """LEM (Montgomery-form) elements, each checked < p."""
        self.check_below_modulus(field, data, count, f"{what} (Montgomery form)", section_id)
        return field.from_montgomery_bytes(data)

    def points(self, cls: type[P], data: bytes, what: str, section_id: int) -> P:
        """LEM points, validated: coordinates < q, on the curve, in the subgroup."""
        try:
            return cls.from_montgomery_bytes(data)
        except CurveError as exc:
            raise self.error(f"{what}: {exc}", section_id, InvalidPointError) from None


# --- writing --------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionData:
    """One section to write: its id and the parts whose concatenation is its data."""

    id: int
    parts: tuple[BytesLike, ...]

    @classmethod
    def of(cls, section_id: int, *parts: BytesLike) -> SectionData:
        return cls(section_id, tuple(parts))

    @property
    def size(self) -> int:
        return sum(_nbytes(p) for p in self.parts)


def _nbytes(part: BytesLike) -> int:
    return part.nbytes if isinstance(part, (np.ndarray, memoryview)) else len(part)


def _as_buffer(part: BytesLike) -> BytesLike:
    if isinstance(part, np.ndarray):
        return memoryview(np.ascontiguousarray(part)).cast("B")
    return part


def write_bin_file(
    path: PathLike, magic: str, version: int, sections: Sequence[SectionData], *, private: bool = False
) -> None:
    """Write an iden3 binary file with ``sections`` in the given order.

    The write is atomic (:func:`zkreceipt.fileio.write_file_atomically`, overwriting
    an existing file); ``private`` files (keys, witnesses) get mode 0600, others 0644.
    """
    encoded = magic.encode("ascii")
    if len(encoded) != MAGIC_SIZE:
        raise FormatError(f"{os.fspath(path)}: magic must be {MAGIC_SIZE} ASCII characters, got {magic!r}")
    ids = [s.id for s in sections]
    if len(set(ids)) != len(ids):
        raise FormatError(f"{os.fspath(path)}: section ids repeat: {ids}")
    chunks: list[BytesLike] = [encoded + struct.pack("<II", version, len(sections))]
    for section in sections:
        chunks.append(_SECTION_HEADER.pack(section.id, section.size))
        chunks.extend(_as_buffer(part) for part in section.parts)
    write_file_atomically(path, b"".join(chunks), private=private, overwrite=True)


__all__ = [
    "BinFileError",
    "BinFileReader",
    "FIELD_BYTES",
    "G1_BYTES",
    "G2_BYTES",
    "InvalidFieldElementError",
    "InvalidPointError",
    "SectionCursor",
    "SectionData",
    "SectionSpan",
    "TruncatedFileError",
    "first_not_below",
    "int_bytes",
    "physical_memory_bytes",
    "u32",
    "u64",
    "write_bin_file",
]
