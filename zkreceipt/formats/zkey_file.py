"""snarkjs Groth16 proving keys, ``.zkey`` version 1.

Container: :mod:`zkreceipt.formats.binfile`, magic ``"zkey"``. Sections (writers
``snarkjs/src/zkey_new.js`` and ``zkey_contribute.js``, reader ``zkey_utils.js``):

====  ============  =================================================================
 id   name          contents
====  ============  =================================================================
 1    header        ``protocol u32`` (1 = Groth16; PLONK/FFLONK keys are rejected)
 2    groth16       ``n8q u32, q[n8q], n8r u32, r[n8r], nVars u32, nPublic u32,
      header        domainSize u32``, then alpha1 (G1), beta1 (G1), beta2 (G2),
                    gamma2 (G2), delta1 (G1), delta2 (G2) — in this on-disk order
 3    IC            (nPublic + 1) G1
 4    coefficients  ``nCoefs u32``, then nCoefs × {matrix u32 (0 = A, 1 = B),
                    constraint u32, signal u32, value[32]}
 5    A             nVars G1
 6    B1            nVars G1
 7    B2            nVars G2
 8    C             (nVars − nPublic − 1) G1, private wires only
 9    H             domainSize G1
 10   contributions csHash[64], nContributions u32, contributions
====  ============  =================================================================

Points are affine, each Fq coordinate 32 bytes little-endian **Montgomery** ("LEM"),
G2 as x.c0‖x.c1‖y.c0‖y.c1; infinity is all zeros (refused for α, β, γ, δ and IC). Coefficient values are stored
"double Montgomery": the integer v·R² mod r (R = 2^256), i.e. the Montgomery form of
v·R; :class:`ZkeyCoefficients` holds the plain coefficients v.

``snarkjs groth16 setup`` writes the sections in the order 1, 2, 4, 3, 9, 8, 5, 6, 7, 10;
``zkey contribute`` rewrites them 1…10. :attr:`Groth16Zkey.section_order` records the
order read so :func:`write_zkey` reproduces a file byte for byte.

Notation for the field docs below: the QAP has one row per r1cs constraint plus one
input-consistency row per public wire (see :class:`ZkeyCoefficients`), over the domain
D = ⟨ω⟩ of size n = domainSize; Aᵢ, Bᵢ, Cᵢ are the polynomials of degree < n
interpolating column i of A, B, C on D (Aᵢ(τ) = Σ_rows A[row, i]·L_row(τ), with L the
Lagrange basis of D). τ, α, β, γ, δ are the setup's toxic waste; snarkjs fixes γ = 1
(gamma2 is the G2 generator) and starts with δ = 1, each ``zkey contribute`` multiplies
δ by a secret and divides C and H by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from ..curve import G1Points, G2Points
from ..errors import FormatError
from ..field import FieldVector, Fq, Fr
from ..r1cs import SparseMatrix
from .binfile import (
    FIELD_BYTES,
    G1_BYTES,
    G2_BYTES,
    BinFileReader,
    InvalidPointError,
    P,
    PathLike,
    SectionCursor,
    SectionData,
    int_bytes,
    u32,
    write_bin_file,
)

MAGIC = "zkey"
VERSION = 1
#: ``protocol`` in section 1 (snarkjs zkey_constants.js).
GROTH16_PROTOCOL_ID = 1
OTHER_PROTOCOLS = {2: "PLONK", 10: "FFLONK"}
#: Largest domain BN254's Fr supports (its two-adicity).
MAX_DOMAIN_POWER = Fr.two_adicity


class ZkeySection(IntEnum):
    HEADER = 1
    GROTH16_HEADER = 2
    IC = 3
    COEFFICIENTS = 4
    POINTS_A = 5
    POINTS_B1 = 6
    POINTS_B2 = 7
    POINTS_C = 8
    POINTS_H = 9
    CONTRIBUTIONS = 10


SECTION_NAMES = {
    ZkeySection.HEADER: "header",
    ZkeySection.GROTH16_HEADER: "groth16 header",
    ZkeySection.IC: "IC",
    ZkeySection.COEFFICIENTS: "coefficients",
    ZkeySection.POINTS_A: "A points",
    ZkeySection.POINTS_B1: "B1 points",
    ZkeySection.POINTS_B2: "B2 points",
    ZkeySection.POINTS_C: "C points",
    ZkeySection.POINTS_H: "H points",
    ZkeySection.CONTRIBUTIONS: "contributions",
}

#: zkreceipt's development-setup marker: an extra section after 10 whose id no snarkjs
#: zkey uses (Groth16 keys have 1..10, PLONK 1..14, FFLONK 1..17) and whose content is
#: exactly :data:`DEVELOPMENT_MARKER`. snarkjs's binfile reader keeps sections it does
#: not know, so ``groth16 prove`` and ``zkey export`` accept a marked key; ``zkey
#: contribute`` drops it. The reader accepts this one extra section, nothing else.
DEVELOPMENT_MARKER_SECTION = 100
DEVELOPMENT_MARKER = b'{"generator":"zkreceipt","setup":"development"}'
_READABLE_SECTIONS: dict[int, str] = {int(s): name for s, name in SECTION_NAMES.items()}
_READABLE_SECTIONS[DEVELOPMENT_MARKER_SECTION] = "zkreceipt development marker"

#: Order after ``snarkjs zkey contribute`` (and zkreceipt's default).
CANONICAL_SECTION_ORDER: tuple[int, ...] = tuple(ZkeySection)
#: Order written by ``snarkjs groth16 setup``.
SETUP_SECTION_ORDER: tuple[int, ...] = (1, 2, 4, 3, 9, 8, 5, 6, 7, 10)

#: Matrix ids of coefficient entries.
MATRIX_A = 0
MATRIX_B = 1
#: matrix u32 + constraint u32 + signal u32 + value[32].
COEFFICIENT_BYTES = 12 + FIELD_BYTES
CS_HASH_BYTES = 64
TRANSCRIPT_BYTES = 64

#: Contribution parameter types (snarkjs zkey_utils.js readContribution).
PARAM_NAME = 1
PARAM_NUM_ITERATIONS_EXP = 2
PARAM_BEACON_HASH = 3


def _double_montgomery_to_plain(stored: FieldVector) -> FieldVector:
    """Stored u = v·R² (read as a Montgomery vector, so it denotes v·R) → v."""
    return Fr.from_montgomery_bytes(stored.to_bytes("little"))


def _plain_to_double_montgomery(values: FieldVector) -> bytes:
    """v → the 32-byte little-endian integers v·R² mod r."""
    return Fr.from_bytes(values.to_montgomery_bytes(), "little").to_montgomery_bytes()


@dataclass(frozen=True, eq=False)
class ZkeyCoefficients:
    """Section 4: the A and B matrices of the QAP, entry by entry in file order.

    ``matrix``: (m,) uint8, 0 = A, 1 = B; ``constraint``: (m,) int64 row;
    ``signal``: (m,) int64 wire; ``values``: Fr vector of the plain coefficients.
    C is not stored: the prover gets C·w as (A·w)∘(B·w). The rows are the r1cs
    constraints 0..n_constraints−1 followed by the input-consistency rows that snarkjs
    appends, one per public wire i = 0..nPublic: row n_constraints + i, matrix A,
    signal i, coefficient 1. They make the Aᵢ of public wires linearly independent.
    """

    matrix: np.ndarray
    constraint: np.ndarray
    signal: np.ndarray
    values: FieldVector

    def __len__(self) -> int:
        return len(self.values)

    def sparse_matrix(self, which: int, n_rows: int, n_cols: int) -> SparseMatrix:
        """Matrix A (``which`` = 0) or B (1) as an ``n_rows × n_cols`` sparse matrix."""
        sel = np.flatnonzero(self.matrix == which)
        return SparseMatrix(self.constraint[sel], self.signal[sel], self.values[sel], n_rows, n_cols)

    def to_bytes(self) -> bytes:
        """Section 4's bytes (count then 44-byte entries)."""
        records = np.empty((len(self), COEFFICIENT_BYTES), dtype=np.uint8)
        ids = np.stack([self.matrix, self.constraint, self.signal], axis=1).astype("<u4")
        records[:, :12] = ids.view(np.uint8).reshape(-1, 12)
        values = _plain_to_double_montgomery(self.values)
        records[:, 12:] = np.frombuffer(values, dtype=np.uint8).reshape(-1, FIELD_BYTES)
        return u32(len(self)) + records.tobytes()


@dataclass(frozen=True, eq=False)
class ZkeyContribution:
    """One phase-2 contribution (section 10), as ``zkey_utils.js`` reads it.

    ``delta_after``: δ·G1 after this contribution; ``g1_s``, ``g1_sx``, ``g2_spx``: the
    proof of knowledge of the contributed factor x of δ (a random G1 point S, x·S, and
    x·SP where SP is the G2 point hashed from ``transcript``); ``transcript``: the
    64-byte blake2b hash of csHash, the earlier contributions, S and x·S; ``type``:
    0 normal, 1 beacon; ``params``: the raw parameter block (name, numIterationsExp,
    beaconHash); ``name``: the name parameter, if any.
    """

    delta_after: G1Points
    g1_s: G1Points
    g1_sx: G1Points
    g2_spx: G2Points
    transcript: bytes
    type: int
    params: bytes
    name: str | None

    def to_bytes(self) -> bytes:
        """The record as ``zkey_utils.writeContribution`` writes it (points LEM)."""
        points = (self.delta_after, self.g1_s, self.g1_sx, self.g2_spx)
        return b"".join(
            (*(p.to_montgomery_bytes() for p in points), self.transcript, u32(self.type), u32(len(self.params)), self.params)
        )


#: snarkjs writes at most this many UTF-16 code units of a contributor's name.
MAX_NAME_UNITS = 64


def _snarkjs_name_bytes(name: str) -> bytes:
    """``new TextEncoder().encode(name.substring(0, 64))``: cut after 64 UTF-16 code units,
    UTF-8 encode, a surrogate half left by the cut becoming U+FFFD as in JavaScript."""
    units = name.encode("utf-16-le", "surrogatepass")[: 2 * MAX_NAME_UNITS]
    text = units.decode("utf-16-le", "surrogatepass")
    return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text).encode("utf-8")


def snarkjs_contributor_name(name: str | None) -> str | None:
    """The name as a snarkjs reader gets it back (``None`` for no or an empty name)."""
    return _snarkjs_name_bytes(name).decode("utf-8") if name else None


def contribution_params(
    name: str | None, *, num_iterations_exp: int | None = None, beacon_hash: bytes | None = None
) -> bytes:
    """A contribution's parameter block as ``writeContribution`` builds it: the name (if
    non-empty), then for a beacon its iteration exponent and hash (at most 255 bytes)."""
    params = b""
    if name:
        encoded = _snarkjs_name_bytes(name)
        params += bytes((PARAM_NAME, len(encoded))) + encoded
    if beacon_hash is not None:
        if num_iterations_exp is None or not 0 <= num_iterations_exp <= 255:
            raise FormatError(f"beacon numIterationsExp {num_iterations_exp} does not fit one byte")
        if not 0 < len(beacon_hash) <= 255:
            raise FormatError(f"beacon hash of {len(beacon_hash)} bytes: it must have 1..255 bytes")
        params += bytes((PARAM_NUM_ITERATIONS_EXP, num_iterations_exp, PARAM_BEACON_HASH, len(beacon_hash)))
        params += beacon_hash
    return params


@dataclass(frozen=True)
class ZkeyContributions:
    """Section 10. ``raw`` is the section exactly as read (written back unchanged);
    ``cs_hash`` (blake2b-512 of the circuit-specific setup) and ``contributions``
    are parsed from it (equality compares ``raw``)."""

    raw: bytes
    cs_hash: bytes = field(compare=False)
    contributions: tuple[ZkeyContribution, ...] = field(compare=False)

    @classmethod
    def of(cls, cs_hash: bytes, contributions: Sequence[ZkeyContribution]) -> ZkeyContributions:
        """The section for ``cs_hash`` and ``contributions``, serialized as
        ``zkey_utils.writeMPCParams`` does (csHash, count u32, the records)."""
        if len(cs_hash) != CS_HASH_BYTES:
            raise FormatError(f"zkey contributions: csHash must be {CS_HASH_BYTES} bytes, got {len(cs_hash)}")
        for index, c in enumerate(contributions):
            if len(c.transcript) != TRANSCRIPT_BYTES:
                raise FormatError(f"zkey contribution {index}: transcript must be {TRANSCRIPT_BYTES} bytes")
        raw = b"".join((bytes(cs_hash), u32(len(contributions)), *(c.to_bytes() for c in contributions)))
        return cls(raw, bytes(cs_hash), tuple(contributions))

    @classmethod
    def empty(cls, cs_hash: bytes) -> ZkeyContributions:
        """The section of a fresh setup: a circuit hash and no contributions."""
        return cls.of(cs_hash, ())

    def appended(self, contribution: ZkeyContribution) -> ZkeyContributions:
        """This section with ``contribution`` added at the end of the chain."""
        return ZkeyContributions.of(self.cs_hash, (*self.contributions, contribution))


@dataclass(frozen=True, eq=False)
class ZkeyHeader:
    """Section 2, the Groth16 header: sizes and the setup's fixed points.

    ``n_vars``: N wires (wire 0 the constant 1); ``n_public``: ℓ public wires after it
    (outputs then public inputs); ``domain_size``: n, a power of two holding the r1cs
    rows plus the ℓ+1 input-consistency rows. ``alpha1`` = α·G1, ``beta1`` = β·G1,
    ``beta2`` = β·G2, ``gamma2`` = γ·G2, ``delta1`` = δ·G1, ``delta2`` = δ·G2 (each a
    vector of one point); snarkjs's phase 2 has γ = 1 and starts with δ = 1.
    """

    n_vars: int
    n_public: int
    domain_size: int
    alpha1: G1Points
    beta1: G1Points
    beta2: G2Points
    gamma2: G2Points
    delta1: G1Points
    delta2: G2Points

    def to_bytes(self) -> bytes:
        """Section 2's bytes (primes, sizes, then the six points in on-disk order)."""
        points = (self.alpha1, self.beta1, self.beta2, self.gamma2, self.delta1, self.delta2)
        sizes = (u32(self.n_vars), u32(self.n_public), u32(self.domain_size))
        primes = (u32(FIELD_BYTES), int_bytes(Fq.modulus), u32(FIELD_BYTES), int_bytes(Fr.modulus))
        return b"".join(primes + sizes + tuple(p.to_montgomery_bytes() for p in points))


@dataclass(frozen=True, eq=False)
class Groth16Zkey:
    """A snarkjs Groth16 ``.zkey``: everything the prover and verifier need.

    Sizes (from ``header``, see :class:`ZkeyHeader`): N = ``n_vars`` wires, ℓ =
    ``n_public``, n = ``domain_size``.

    * ``header``: section 2, the sizes and α, β, γ, δ points (:class:`ZkeyHeader`).
    * ``ic``: ℓ+1 G1, ICᵢ = (β·Aᵢ(τ) + α·Bᵢ(τ) + Cᵢ(τ))/γ · G1 for the public wires
      i = 0..ℓ (the verifier's input commitment bases).
    * ``coefficients``: the A and B matrices (section 4), see :class:`ZkeyCoefficients`.
    * ``a_query``: N G1, Aᵢ(τ)·G1 for every wire.
    * ``b1_query``: N G1, Bᵢ(τ)·G1; ``b2_query``: N G2, Bᵢ(τ)·G2.
    * ``c_query``: N−ℓ−1 G1, (β·Aᵢ(τ) + α·Bᵢ(τ) + Cᵢ(τ))/δ · G1 for the private wires
      i = ℓ+1..N−1 (entry k is wire ℓ+1+k).
    * ``h_query``: n G1, **not** τⁱ·Z(τ)/δ: Hᵢ = L'₂ᵢ₊₁(τ)/δ · G1 where L' is the
      Lagrange basis of the domain of size 2n (generator ω₂ₙ, ω₂ₙ² = ω), i.e. its
      odd-index points. snarkjs's prover evaluates A·w, B·w, C·w on the coset
      ω₂ₙ·D (points xᵢ = ω₂ₙ^(2i+1)) and takes Σᵢ (A·B − C)(xᵢ) · Hᵢ, which is
      h(τ)·Z(τ)/δ · G1 because L'₂ᵢ₊₁ = −Z·Lᵢ^coset/2 and Z(xᵢ) = −2
      (ark-circom's ``CircomReduction``).
    * ``contributions``: section 10 (kept raw; :class:`ZkeyContributions`).
    * ``section_order``: section ids 1..10 in file order, for byte-exact rewriting.
    * ``development``: the key came from zkreceipt's one-party development setup (its
      maker knew the toxic waste); written as the marker section
      :data:`DEVELOPMENT_MARKER_SECTION`, after section 10.
    """

    header: ZkeyHeader
    ic: G1Points
    coefficients: ZkeyCoefficients
    a_query: G1Points
    b1_query: G1Points
    b2_query: G2Points
    c_query: G1Points
    h_query: G1Points
    contributions: ZkeyContributions
    section_order: tuple[int, ...] = CANONICAL_SECTION_ORDER
    development: bool = False

    @property
    def domain_power(self) -> int:
        """log₂ of ``domain_size``."""
        return self.header.domain_size.bit_length() - 1

    @property
    def n_constraints(self) -> int:
        """The r1cs constraints (rows before the ℓ+1 input-consistency rows)."""
        return int(self.coefficients.constraint[len(self.coefficients) - self.header.n_public - 1])


# --- reading ---------------------------------------------------------------------------


def _read_protocol(reader: BinFileReader) -> None:
    cur = reader.cursor(ZkeySection.HEADER)
    protocol = cur.u32("protocol")
    cur.expect_end()
    if protocol != GROTH16_PROTOCOL_ID:
        name = OTHER_PROTOCOLS.get(protocol, "unknown")
        raise cur.error(f"protocol {protocol} ({name}) is not Groth16 ({GROTH16_PROTOCOL_ID})")


def _read_groth_header(reader: BinFileReader) -> ZkeyHeader:
    cur = reader.cursor(ZkeySection.GROTH16_HEADER)
    cur.prime(Fq.modulus, "base field prime q")
    cur.prime(Fr.modulus, "scalar field prime r")
    n_vars = cur.u32("nVars")
    n_public = cur.u32("nPublic")
    domain_size = cur.u32("domainSize")
    if n_vars < 1 or n_public >= n_vars:
        raise cur.error(f"nPublic = {n_public} must be below nVars = {n_vars}")
    if domain_size < 1 or domain_size & (domain_size - 1) or domain_size > 1 << MAX_DOMAIN_POWER:
        raise cur.error(f"domainSize = {domain_size} is not a power of two up to 2^{MAX_DOMAIN_POWER}")
    header = ZkeyHeader(
        n_vars,
        n_public,
        domain_size,
        alpha1=_finite(cur, cur.g1(1, "alpha1"), "alpha1"),
        beta1=_finite(cur, cur.g1(1, "beta1"), "beta1"),
        beta2=_finite(cur, cur.g2(1, "beta2"), "beta2"),
        gamma2=_finite(cur, cur.g2(1, "gamma2"), "gamma2"),
        delta1=_finite(cur, cur.g1(1, "delta1"), "delta1"),
        delta2=_finite(cur, cur.g2(1, "delta2"), "delta2"),
    )
    cur.expect_end()
    return header


def _finite(cur: SectionCursor, points: P, what: str) -> P:
    """``points`` if none is the point at infinity: α, β, γ, δ and IC never are, and a key with
    γ = δ = ∞ would accept a forged proof (A = α, B = β) for any public signals."""
    infinity = points.is_infinity()
    if infinity.any():
        where = f" point {int(infinity.argmax())}" if len(points) > 1 else ""
        raise cur.error(f"{what}{where} is the point at infinity", InvalidPointError)
    return points


def _read_coefficients(reader: BinFileReader, h: ZkeyHeader) -> ZkeyCoefficients:
    section = ZkeySection.COEFFICIENTS
    cur = reader.cursor(section)
    count = cur.u32("nCoefs")
    records = np.frombuffer(cur.take_items(count, COEFFICIENT_BYTES, "coefficients"), dtype=np.uint8)
    cur.expect_end()
    records = records.reshape(count, COEFFICIENT_BYTES)
    ids = np.ascontiguousarray(records[:, :12]).view("<u4").reshape(count, 3).astype(np.int64)
    matrix, constraint, signal = ids[:, 0], ids[:, 1], ids[:, 2]

    def first(bad: np.ndarray, message: str) -> None:
        if bad.any():
            k = int(np.argmax(bad))
            raise cur.error(f"entry {k}: " + message.format(matrix=matrix[k], row=constraint[k], signal=signal[k]))

    first(matrix > MATRIX_B, "matrix {matrix} is neither A (0) nor B (1)")
    first(constraint >= h.domain_size, f"constraint {{row}} is outside the domain of size {h.domain_size}")
    first(signal >= h.n_vars, f"signal {{signal}} is not below nVars = {h.n_vars}")
    stored = reader.field_from_montgomery(
        Fr, np.ascontiguousarray(records[:, 12:]).tobytes(), count, "coefficient values", section
    )
    coefficients = ZkeyCoefficients(matrix.astype(np.uint8), constraint, signal, _double_montgomery_to_plain(stored))
    _check_consistency_rows(cur, coefficients, h)
    return coefficients


def _check_consistency_rows(cur: SectionCursor, coefficients: ZkeyCoefficients, h: ZkeyHeader) -> None:
    """The last ℓ+1 entries must be snarkjs's input-consistency rows (A, row n_c + i, wire i, 1)."""
    tail = h.n_public + 1
    if len(coefficients) < tail:
        raise cur.error(f"{len(coefficients)} entries cannot hold the {tail} input-consistency rows")
    start = len(coefficients) - tail
    n_constraints = int(coefficients.constraint[start])
    wires = np.arange(tail, dtype=np.int64)
    ok = (
        (coefficients.matrix[start:] == MATRIX_A)
        & (coefficients.constraint[start:] == n_constraints + wires)
        & (coefficients.signal[start:] == wires)
        & (coefficients.values[start:] == 1)
    )
    if not ok.all():
        raise cur.error(f"entry {start + int(np.argmin(ok))} is not the expected input-consistency row")
    if start and int(coefficients.constraint[:start].max()) >= n_constraints:
        raise cur.error(f"an r1cs entry lies at or past the input-consistency rows (row {n_constraints})")
    if n_constraints + tail > h.domain_size:
        raise cur.error(f"{n_constraints} constraints + {tail} public rows exceed domainSize = {h.domain_size}")


def _read_points(reader: BinFileReader, section: ZkeySection, cls: type[P], count: int, finite: bool = False) -> P:
    cur = reader.cursor(section)
    points = cur.points(cls, count, SECTION_NAMES[section])
    cur.expect_end()
    return _finite(cur, points, SECTION_NAMES[section]) if finite else points


def _parse_contribution_params(cur: SectionCursor, index: int, params: bytes) -> str | None:
    """The TLV parameter block: sorted types; name/beacon hash length-prefixed, iterations one byte."""
    name = None
    position, last_type = 0, 0
    while position < len(params):
        kind = params[position]
        position += 1
        if kind <= last_type or kind not in (PARAM_NAME, PARAM_NUM_ITERATIONS_EXP, PARAM_BEACON_HASH):
            raise cur.error(f"contribution {index}: parameter type {kind} is unknown or out of order")
        last_type = kind
        if kind == PARAM_NUM_ITERATIONS_EXP:
            length = 1
        else:
            if position >= len(params):
                raise cur.error(f"contribution {index}: parameter {kind} has no length")
            length = params[position]
            position += 1
        if position + length > len(params):
            raise cur.error(f"contribution {index}: parameter {kind} runs past the parameter block")
        if kind == PARAM_NAME:
            name = params[position : position + length].decode("utf-8", errors="replace")
        position += length
    return name


def _read_contributions(reader: BinFileReader) -> ZkeyContributions:
    cur = reader.cursor(ZkeySection.CONTRIBUTIONS)
    raw = reader.section_bytes(ZkeySection.CONTRIBUTIONS)
    cs_hash = cur.take(CS_HASH_BYTES, "csHash")
    count = cur.u32("nContributions")
    min_size = 3 * G1_BYTES + G2_BYTES + TRANSCRIPT_BYTES + 8
    if count > cur.remaining // min_size:
        raise cur.error(f"nContributions = {count} cannot fit in the {cur.remaining} bytes left")
    contributions = []
    for index in range(count):
        what = f"contribution {index}"
        delta_after = cur.g1(1, f"{what} deltaAfter")
        g1_s = cur.g1(1, f"{what} g1_s")
        g1_sx = cur.g1(1, f"{what} g1_sx")
        g2_spx = cur.g2(1, f"{what} g2_spx")
        transcript = cur.take(TRANSCRIPT_BYTES, f"{what} transcript")
        kind = cur.u32(f"{what} type")
        params = cur.take(cur.u32(f"{what} parameter length"), f"{what} parameters")
        name = _parse_contribution_params(cur, index, params)
        contributions.append(ZkeyContribution(delta_after, g1_s, g1_sx, g2_spx, transcript, kind, params, name))
    cur.expect_end()
    return ZkeyContributions(raw, cs_hash, tuple(contributions))


def _read_development_marker(reader: BinFileReader) -> bool:
    """True if the file carries the development marker section (exactly its content)."""
    if not reader.has(DEVELOPMENT_MARKER_SECTION):
        return False
    if reader.section_bytes(DEVELOPMENT_MARKER_SECTION) != DEVELOPMENT_MARKER:
        raise reader.error(f"content is not {DEVELOPMENT_MARKER.decode()}", DEVELOPMENT_MARKER_SECTION)
    return True


def read_zkey(path: PathLike) -> Groth16Zkey:
    """Read and validate a snarkjs Groth16 ``.zkey``: primes, counts against section
    sizes, coefficient indices and ranges, every point on the curve (G2 in the subgroup)."""
    with BinFileReader(path, MAGIC, {VERSION}, _READABLE_SECTIONS) as reader:
        _read_protocol(reader)
        h = _read_groth_header(reader)
        n_private = h.n_vars - h.n_public - 1
        zkey = Groth16Zkey(
            h,
            ic=_read_points(reader, ZkeySection.IC, G1Points, h.n_public + 1, finite=True),
            coefficients=_read_coefficients(reader, h),
            a_query=_read_points(reader, ZkeySection.POINTS_A, G1Points, h.n_vars),
            b1_query=_read_points(reader, ZkeySection.POINTS_B1, G1Points, h.n_vars),
            b2_query=_read_points(reader, ZkeySection.POINTS_B2, G2Points, h.n_vars),
            c_query=_read_points(reader, ZkeySection.POINTS_C, G1Points, n_private),
            h_query=_read_points(reader, ZkeySection.POINTS_H, G1Points, h.domain_size),
            contributions=_read_contributions(reader),
            section_order=tuple(s for s in reader.section_order if s != DEVELOPMENT_MARKER_SECTION),
            development=_read_development_marker(reader),
        )
    return zkey


# --- writing ---------------------------------------------------------------------------


def _check_sizes(path: PathLike, zkey: Groth16Zkey) -> None:
    h = zkey.header
    expected = {
        "ic": (zkey.ic, h.n_public + 1),
        "a_query": (zkey.a_query, h.n_vars),
        "b1_query": (zkey.b1_query, h.n_vars),
        "b2_query": (zkey.b2_query, h.n_vars),
        "c_query": (zkey.c_query, h.n_vars - h.n_public - 1),
        "h_query": (zkey.h_query, h.domain_size),
        "alpha1": (h.alpha1, 1),
        "beta1": (h.beta1, 1),
        "beta2": (h.beta2, 1),
        "gamma2": (h.gamma2, 1),
        "delta1": (h.delta1, 1),
        "delta2": (h.delta2, 1),
    }
    for name, (points, count) in expected.items():
        if len(points) != count:
            raise FormatError(f"{path}: zkey {name} has {len(points)} points, expected {count}")
    if sorted(zkey.section_order) != sorted(ZkeySection):
        raise FormatError(f"{path}: section_order {zkey.section_order} must list sections 1..10 once each")


def write_zkey(path: PathLike, zkey: Groth16Zkey) -> None:
    """Write ``zkey`` as a snarkjs-compatible ``.zkey`` (mode 0600, atomically), sections in
    ``zkey.section_order``, then the development marker section if ``zkey.development``."""
    _check_sizes(path, zkey)
    contents: dict[int, bytes] = {
        ZkeySection.HEADER: u32(GROTH16_PROTOCOL_ID),
        ZkeySection.GROTH16_HEADER: zkey.header.to_bytes(),
        ZkeySection.IC: zkey.ic.to_montgomery_bytes(),
        ZkeySection.COEFFICIENTS: zkey.coefficients.to_bytes(),
        ZkeySection.POINTS_A: zkey.a_query.to_montgomery_bytes(),
        ZkeySection.POINTS_B1: zkey.b1_query.to_montgomery_bytes(),
        ZkeySection.POINTS_B2: zkey.b2_query.to_montgomery_bytes(),
        ZkeySection.POINTS_C: zkey.c_query.to_montgomery_bytes(),
        ZkeySection.POINTS_H: zkey.h_query.to_montgomery_bytes(),
        ZkeySection.CONTRIBUTIONS: zkey.contributions.raw,
    }
    sections = [SectionData.of(s, contents[s]) for s in zkey.section_order]
    if zkey.development:
        sections.append(SectionData.of(DEVELOPMENT_MARKER_SECTION, DEVELOPMENT_MARKER))
    write_bin_file(path, MAGIC, VERSION, sections, private=True)
