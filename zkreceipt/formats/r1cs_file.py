"""circom ``.r1cs`` files (version 1), read into and written from :class:`zkreceipt.r1cs.R1CS`.

Container: :mod:`zkreceipt.formats.binfile`, magic ``"r1cs"``. Sections
(``r1csfile/src/r1csfile.js``):

* 1 header (64 bytes for BN254): ``n8 u32`` (= 32), ``prime[n8]`` (= r), ``nVars u32``
  (wires; wire 0 is the constant 1), ``nOutputs u32``, ``nPubInputs u32``,
  ``nPrvInputs u32``, ``nLabels u64``, ``nConstraints u32``.
* 2 constraints: ``nConstraints × (A, B, C)``; each linear combination is
  ``nTerms u32`` then ``nTerms × {wireId u32, coeff[n8]}``, coefficients in
  **standard** (non-Montgomery) little-endian form. Row i means
  (A·w)ᵢ · (B·w)ᵢ − (C·w)ᵢ = 0.
* 3 wire → label map: ``nVars × u64`` (label ids as in the ``.sym`` file); optional.
* 4, 5: custom gates (PLONK only), rejected: Groth16 cannot prove them.

Counts are bounded before anything is allocated from them: nConstraints and every
term count by the bytes of section 2, the wire map by nVars × 8 bytes of section 3,
and nVars and nPublic by what a proving key for the circuit would take in memory
(:func:`proving_key_bytes`, at most the machine's physical memory), since neither
needs bytes in the file: a 1 KB file may claim 2^32 wires, and ``groth16 setup``
would then try to allocate hundreds of GiB.

Wire order: ``[1, outputs…, public inputs…, private inputs…, internal…]``, so
``R1CS.n_public = nOutputs + nPubInputs``. circom writes the sections in the order
2, 1, 3; :attr:`R1csFile.section_order` keeps the order read so a round trip is
byte-for-byte.

The terms of a linear combination are contiguous 36-byte records separated by
4-byte counts. Reading walks the 3·nConstraints counts once (checking each
against the section's end), then drops the count bytes with a mask and views
what is left as an ``(nnz, 36)`` record array: wire ids, range checks and the
conversion of all coefficients are single NumPy operations.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ..errors import FormatError
from ..field import FieldVector, Fr
from ..r1cs import R1CS, SparseMatrix
from .binfile import (
    FIELD_BYTES,
    G1_BYTES,
    G2_BYTES,
    BinFileReader,
    PathLike,
    SectionData,
    TruncatedFileError,
    int_bytes,
    physical_memory_bytes,
    u32,
    u64,
    write_bin_file,
)

MAGIC = "r1cs"
VERSION = 1


class R1csSection(IntEnum):
    HEADER = 1
    CONSTRAINTS = 2
    WIRE_TO_LABEL = 3
    CUSTOM_GATES_LIST = 4
    CUSTOM_GATES_USES = 5


SECTION_NAMES = {
    R1csSection.HEADER: "header",
    R1csSection.CONSTRAINTS: "constraints",
    R1csSection.WIRE_TO_LABEL: "wire-to-label map",
    R1csSection.CUSTOM_GATES_LIST: "custom gates list",
    R1csSection.CUSTOM_GATES_USES: "custom gates uses",
}

#: The order circom 2.x writes the sections in.
CIRCOM_SECTION_ORDER: tuple[int, ...] = (R1csSection.CONSTRAINTS, R1csSection.HEADER, R1csSection.WIRE_TO_LABEL)

#: One term of a linear combination: wire id u32 + coefficient (32 bytes).
TERM_BYTES = 4 + FIELD_BYTES
#: nTerms u32 in front of each linear combination.
COUNT_BYTES = 4
#: A, B, C: the three linear combinations of a constraint, in file order.
MATRIX_NAMES = ("A", "B", "C")
_LCS = len(MATRIX_NAMES)

_U32 = struct.Struct("<I")

#: Bytes a proving key takes per wire (A, B1, C in G1, B2 in G2, affine) and per
#: domain point (an H point, and the prover's Fr vectors: A·w, B·w, C·w and two NTT buffers).
KEY_BYTES_PER_WIRE = 3 * G1_BYTES + G2_BYTES
KEY_BYTES_PER_DOMAIN_POINT = G1_BYTES + 5 * FIELD_BYTES


def proving_key_bytes(n_wires: int, n_constraints: int, n_public: int) -> int:
    """About how many bytes a Groth16 proving key for this circuit takes in memory."""
    domain = 1 << max(0, n_constraints + n_public).bit_length()
    return n_wires * KEY_BYTES_PER_WIRE + domain * KEY_BYTES_PER_DOMAIN_POINT


@dataclass(frozen=True)
class R1csHeader:
    """Section 1 of a ``.r1cs`` file (the prime is checked to be BN254's r when read)."""

    n_wires: int
    n_outputs: int
    n_pub_inputs: int
    n_prv_inputs: int
    n_labels: int
    n_constraints: int
    prime: int = Fr.modulus

    @property
    def n_public(self) -> int:
        """Public wires after the constant: outputs + public inputs (snarkjs ``nPublic``)."""
        return self.n_outputs + self.n_pub_inputs


@dataclass(frozen=True, eq=False)
class R1csFile:
    """A parsed ``.r1cs`` file.

    ``r1cs``: the constraint system (terms in file order; coefficients as Fr vectors);
    ``header``: the counts circom records; ``wire_to_label``: (n_wires,) uint64
    label id of each wire, or None when the file has no section 3;
    ``section_order``: the order to write sections back in.
    """

    header: R1csHeader
    r1cs: R1CS
    wire_to_label: np.ndarray | None = None
    section_order: tuple[int, ...] = CIRCOM_SECTION_ORDER

    @classmethod
    def from_r1cs(
        cls,
        r1cs: R1CS,
        *,
        n_outputs: int = 0,
        n_prv_inputs: int = 0,
        wire_to_label: np.ndarray | None = None,
        n_labels: int | None = None,
    ) -> R1csFile:
        """Wrap a zkreceipt R1CS for export: its first ``n_outputs`` public wires are
        outputs, the rest public inputs; labels default to the wire index."""
        if not 0 <= n_outputs <= r1cs.n_public:
            raise FormatError(f"n_outputs = {n_outputs} must be within [0, n_public = {r1cs.n_public}]")
        if wire_to_label is None:
            wire_to_label = np.arange(r1cs.n_wires, dtype=np.uint64)
        if n_labels is None:
            n_labels = int(wire_to_label.max()) + 1 if len(wire_to_label) else 0
        header = R1csHeader(
            n_wires=r1cs.n_wires,
            n_outputs=n_outputs,
            n_pub_inputs=r1cs.n_public - n_outputs,
            n_prv_inputs=n_prv_inputs,
            n_labels=n_labels,
            n_constraints=r1cs.n_constraints,
        )
        return cls(header, r1cs, np.asarray(wire_to_label, dtype=np.uint64))


# --- reading ---------------------------------------------------------------------------


def _read_header(reader: BinFileReader) -> R1csHeader:
    cur = reader.cursor(R1csSection.HEADER)
    cur.prime(Fr.modulus, "prime")
    n_wires = cur.u32("nVars")
    n_outputs = cur.u32("nOutputs")
    n_pub_inputs = cur.u32("nPubInputs")
    n_prv_inputs = cur.u32("nPrvInputs")
    n_labels = cur.u64("nLabels")
    n_constraints = cur.u32("nConstraints")
    cur.expect_end()
    if n_wires < 1:
        raise cur.error("nVars = 0: wire 0 (the constant 1) is missing")
    if n_outputs + n_pub_inputs + n_prv_inputs > n_wires - 1:
        raise cur.error(
            f"nOutputs + nPubInputs + nPrvInputs = {n_outputs + n_pub_inputs + n_prv_inputs} "
            f"exceeds the {n_wires - 1} wires after the constant"
        )
    return R1csHeader(n_wires, n_outputs, n_pub_inputs, n_prv_inputs, n_labels, n_constraints)


def _check_fits_in_memory(reader: BinFileReader, header: R1csHeader) -> None:
    """nVars and nPublic need no bytes in the file: bound them by the memory a proving key would take."""
    needed = proving_key_bytes(header.n_wires, header.n_constraints, header.n_public)
    memory = physical_memory_bytes()
    if needed > memory:
        raise reader.error(
            f"nVars = {header.n_wires}, nConstraints = {header.n_constraints}, {header.n_public} public wires: "
            f"a proving key would take {needed / 2**30:.1f} GiB, more than this machine's {memory / 2**30:.1f} GiB",
            R1csSection.HEADER,
        )


def _lc_name(k: int) -> str:
    return f"constraint {k // _LCS} {MATRIX_NAMES[k % _LCS]}"


def _walk_counts(reader: BinFileReader, data: bytes, n_constraints: int) -> np.ndarray:
    """Term count of each of the 3·n linear combinations, checked against the section end."""
    section = R1csSection.CONSTRAINTS
    if n_constraints > len(data) // (_LCS * COUNT_BYTES):
        raise reader.error(
            f"nConstraints = {n_constraints} cannot fit in {len(data)} bytes", section, TruncatedFileError
        )
    n_lcs = _LCS * n_constraints
    counts = [0] * n_lcs
    unpack = _U32.unpack_from
    end = len(data)
    position = 0
    for k in range(n_lcs):
        if position + COUNT_BYTES > end:
            raise reader.error(f"the section ends before {_lc_name(k)}", section, TruncatedFileError)
        n_terms = unpack(data, position)[0]
        position += COUNT_BYTES + TERM_BYTES * n_terms
        if position > end:
            raise reader.error(
                f"{_lc_name(k)} declares {n_terms} terms, past the end of the section", section, TruncatedFileError
            )
        counts[k] = n_terms
    if position != end:
        raise reader.error(f"{end - position} unexpected bytes after the last constraint", section)
    return np.array(counts, dtype=np.int64)


def _read_constraints(reader: BinFileReader, header: R1csHeader) -> tuple[SparseMatrix, SparseMatrix, SparseMatrix]:
    section = R1csSection.CONSTRAINTS
    data = reader.section_bytes(section)
    counts = _walk_counts(reader, data, header.n_constraints)
    lc_sizes = COUNT_BYTES + TERM_BYTES * counts
    count_offsets = np.concatenate(([0], np.cumsum(lc_sizes)[:-1])) if len(counts) else counts
    keep = np.ones(len(data), dtype=bool)
    for byte in range(COUNT_BYTES):
        keep[count_offsets + byte] = False
    records = np.frombuffer(data, dtype=np.uint8)[keep].reshape(-1, TERM_BYTES)
    lc_of_term = np.repeat(np.arange(len(counts), dtype=np.int64), counts)

    wires = np.ascontiguousarray(records[:, :4]).view("<u4").reshape(-1).astype(np.int64)
    if wires.size and int(wires.max()) >= header.n_wires:
        term = int(np.argmax(wires >= header.n_wires))
        raise reader.error(
            f"{_lc_name(int(lc_of_term[term]))} uses wire {int(wires[term])}, but nVars = {header.n_wires}", section
        )
    coeffs = reader.field_from_standard(
        Fr,
        np.ascontiguousarray(records[:, 4:]).tobytes(),
        len(records),
        "coefficient",
        section,
        lambda term: f"{_lc_name(int(lc_of_term[term]))} term for wire {int(wires[term])}",
    )

    rows = lc_of_term // _LCS
    which = lc_of_term % _LCS
    matrices = []
    for m in range(_LCS):
        sel = which == m
        matrices.append(
            SparseMatrix(rows[sel], wires[sel], coeffs[np.flatnonzero(sel)], header.n_constraints, header.n_wires)
        )
    return matrices[0], matrices[1], matrices[2]


def _read_wire_map(reader: BinFileReader, header: R1csHeader) -> np.ndarray | None:
    if not reader.has(R1csSection.WIRE_TO_LABEL):
        return None
    cur = reader.cursor(R1csSection.WIRE_TO_LABEL)
    labels = np.frombuffer(cur.take_items(header.n_wires, 8, "label ids"), dtype="<u8").astype(np.uint64)
    cur.expect_end()
    if labels.size and int(labels.max()) >= header.n_labels:
        wire = int(np.argmax(labels >= header.n_labels))
        raise cur.error(f"wire {wire} has label {int(labels[wire])}, but nLabels = {header.n_labels}")
    return labels


def read_r1cs(path: PathLike) -> R1csFile:
    """Read and validate a circom ``.r1cs`` file (v1, BN254)."""
    with BinFileReader(path, MAGIC, {VERSION}, SECTION_NAMES) as reader:
        for gates in (R1csSection.CUSTOM_GATES_LIST, R1csSection.CUSTOM_GATES_USES):
            if reader.has(gates):
                raise reader.error("custom gates are PLONK-only and cannot be proved with Groth16", gates)
        header = _read_header(reader)
        a, b, c = _read_constraints(reader, header)
        _check_fits_in_memory(reader, header)
        wire_to_label = _read_wire_map(reader, header)
        order = reader.section_order
    r1cs = R1CS(header.n_wires, header.n_public, a, b, c)
    return R1csFile(header, r1cs, wire_to_label, order)


# --- writing ---------------------------------------------------------------------------


def _header_bytes(header: R1csHeader) -> bytes:
    return b"".join(
        (
            u32(FIELD_BYTES),
            int_bytes(header.prime),
            u32(header.n_wires),
            u32(header.n_outputs),
            u32(header.n_pub_inputs),
            u32(header.n_prv_inputs),
            u64(header.n_labels),
            u32(header.n_constraints),
        )
    )


def _merge_repeated_terms(
    lc: np.ndarray, wires: np.ndarray, coeffs: FieldVector
) -> tuple[np.ndarray, np.ndarray, FieldVector]:
    """Sum the coefficients of terms that repeat a wire within one linear combination.

    ``R1CS`` lets (row, col) repeat and adds the entries up; snarkjs's r1cs reader keeps
    one coefficient per wire (the last), so a file must not repeat a wire in a linear
    combination. The merged term takes the place of the first occurrence. Arrays are in
    linear-combination order (``lc`` non-decreasing).
    """
    if len(lc) < 2:
        return lc, wires, coeffs
    by_wire = np.lexsort((np.arange(len(lc)), wires, lc))
    same = (lc[by_wire][1:] == lc[by_wire][:-1]) & (wires[by_wire][1:] == wires[by_wire][:-1])
    if not same.any():
        return lc, wires, coeffs
    merged = coeffs.copy()
    drop = np.zeros(len(lc), dtype=bool)
    group_starts = np.flatnonzero(np.concatenate(([True], ~same)))
    group_ends = np.concatenate((group_starts[1:], [len(lc)]))
    repeated = group_ends - group_starts > 1
    for start, end in zip(group_starts[repeated], group_ends[repeated], strict=True):
        members = by_wire[start:end]  # ascending original positions: members[0] is the first occurrence
        merged[int(members[0])] = coeffs[members].sum()
        drop[members[1:]] = True
    keep = ~drop
    return lc[keep], wires[keep], merged[np.flatnonzero(keep)]


def _constraints_bytes(r1cs: R1CS) -> np.ndarray:
    """Section 2 as a uint8 array: the inverse of :func:`_read_constraints`.

    Terms keep their order within each linear combination; a wire repeated within one
    is merged (see :func:`_merge_repeated_terms`).
    """
    n = r1cs.n_constraints
    mats = (r1cs.a, r1cs.b, r1cs.c)
    lc = np.concatenate([m.rows * _LCS + k for k, m in enumerate(mats)]).astype(np.int64)
    order = np.argsort(lc, kind="stable")
    lc = lc[order]
    wires = np.concatenate([m.cols for m in mats]).astype(np.int64)[order]
    coeffs = Fr.concatenate([m.coeffs for m in mats])[order]
    lc, wires, coeffs = _merge_repeated_terms(lc, wires, coeffs)
    counts = np.bincount(lc, minlength=_LCS * n).astype(np.int64)
    records = np.empty((len(lc), TERM_BYTES), dtype=np.uint8)
    records[:, :4] = wires.astype("<u4").view(np.uint8).reshape(-1, 4)
    records[:, 4:] = np.frombuffer(coeffs.to_bytes("little"), dtype=np.uint8).reshape(-1, FIELD_BYTES)

    lc_sizes = COUNT_BYTES + TERM_BYTES * counts
    total = int(lc_sizes.sum())
    count_offsets = np.concatenate(([0], np.cumsum(lc_sizes)[:-1])).astype(np.int64)
    out = np.empty(total, dtype=np.uint8)
    is_count = np.zeros(total, dtype=bool)
    count_bytes = counts.astype("<u4").view(np.uint8).reshape(-1, COUNT_BYTES)
    for byte in range(COUNT_BYTES):
        is_count[count_offsets + byte] = True
        out[count_offsets + byte] = count_bytes[:, byte]
    out[~is_count] = records.reshape(-1)
    return out


def write_r1cs(path: PathLike, r1cs_file: R1csFile) -> None:
    """Write a circom-compatible ``.r1cs`` (v1) file, sections in ``r1cs_file.section_order``."""
    header, r1cs = r1cs_file.header, r1cs_file.r1cs
    if (header.n_wires, header.n_constraints, header.n_public) != (r1cs.n_wires, r1cs.n_constraints, r1cs.n_public):
        raise FormatError(f"{path}: the R1csFile header's counts do not match its R1CS")
    builders = {
        R1csSection.HEADER: lambda: SectionData.of(R1csSection.HEADER, _header_bytes(header)),
        R1csSection.CONSTRAINTS: lambda: SectionData.of(R1csSection.CONSTRAINTS, _constraints_bytes(r1cs)),
    }
    if r1cs_file.wire_to_label is not None:
        labels = np.asarray(r1cs_file.wire_to_label, dtype="<u8")
        if labels.shape != (header.n_wires,):
            raise FormatError(f"{path}: wire_to_label must have {header.n_wires} entries, got {labels.shape}")
        builders[R1csSection.WIRE_TO_LABEL] = lambda: SectionData.of(R1csSection.WIRE_TO_LABEL, labels)
    order = [s for s in r1cs_file.section_order if s in builders]
    order += [s for s in sorted(builders) if s not in order]
    write_bin_file(path, MAGIC, VERSION, [builders[R1csSection(s)]() for s in order])
