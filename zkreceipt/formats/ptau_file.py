"""snarkjs powers-of-tau files, ``.ptau`` version 1 (phase 1, optionally prepared for phase 2).

Container: :mod:`zkreceipt.formats.binfile`, magic ``"ptau"``. Sections
(``snarkjs/src/powersoftau_new.js``, ``powersoftau_utils.js``,
``powersoftau_preparephase2.js``), for a ceremony of power p:

====  ======================  ==========================================================
 id   name                    contents (points LEM-encoded as in the .zkey)
====  ======================  ==========================================================
 1    header                  ``n8 u32`` (= 32), ``q[n8]``, ``power u32`` (p),
                              ``ceremonyPower u32`` (the power of the original ceremony)
 2    tauG1                   2^(p+1) − 1 G1: τⁱ·G1, i = 0..2^(p+1)−2
 3    tauG2                   2^p G2: τⁱ·G2
 4    alphaTauG1              2^p G1: α·τⁱ·G1
 5    betaTauG1               2^p G1: β·τⁱ·G1
 6    betaG2                  1 G2: β·G2
 7    contributions           kept raw
 12   lagrange tauG1          blocks for k = 0..p+1 (2^(p+2) − 1 G1)
 13   lagrange tauG2          blocks for k = 0..p   (2^(p+1) − 1 G2)
 14   lagrange alphaTauG1     blocks for k = 0..p   (2^(p+1) − 1 G1)
 15   lagrange betaTauG1      blocks for k = 0..p   (2^(p+1) − 1 G1)
====  ======================  ==========================================================

Sections 12–15 exist after ``snarkjs powersoftau prepare phase2``. Each holds, for
every domain size 2^k, the same values in the Lagrange basis of that domain:
block k = [Lⱼ(τ)·G]ⱼ₌₀..₂ᵏ₋₁ (α·Lⱼ(τ)·G1, β·Lⱼ(τ)·G1 for 14/15), starting at point
index 2^k − 1. ``snarkjs groth16 setup`` reads block log₂(domainSize) of 12–15 and the
odd points of block log₂(domainSize)+1 of 12 (the zkey's H points).

:class:`PtauReader` checks the header and every section's size against the power
when it opens the file, then reads (and curve-checks) only the points asked for, so
a large ceremony file is never loaded whole; :func:`read_ptau` reads everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from types import TracebackType

from ..curve import G1Points, G2Points
from ..field import Fq, Fr
from .binfile import G1_BYTES, G2_BYTES, BinFileError, BinFileReader, P, PathLike

MAGIC = "ptau"
VERSION = 1
#: Largest power a BN254 ceremony can have (Fr's two-adicity).
MAX_POWER = Fr.two_adicity


class PtauSection(IntEnum):
    HEADER = 1
    TAU_G1 = 2
    TAU_G2 = 3
    ALPHA_TAU_G1 = 4
    BETA_TAU_G1 = 5
    BETA_G2 = 6
    CONTRIBUTIONS = 7
    LAGRANGE_TAU_G1 = 12
    LAGRANGE_TAU_G2 = 13
    LAGRANGE_ALPHA_TAU_G1 = 14
    LAGRANGE_BETA_TAU_G1 = 15


SECTION_NAMES = {
    PtauSection.HEADER: "header",
    PtauSection.TAU_G1: "tauG1",
    PtauSection.TAU_G2: "tauG2",
    PtauSection.ALPHA_TAU_G1: "alphaTauG1",
    PtauSection.BETA_TAU_G1: "betaTauG1",
    PtauSection.BETA_G2: "betaG2",
    PtauSection.CONTRIBUTIONS: "contributions",
    PtauSection.LAGRANGE_TAU_G1: "lagrange tauG1",
    PtauSection.LAGRANGE_TAU_G2: "lagrange tauG2",
    PtauSection.LAGRANGE_ALPHA_TAU_G1: "lagrange alphaTauG1",
    PtauSection.LAGRANGE_BETA_TAU_G1: "lagrange betaTauG1",
}

PHASE1_SECTIONS = (
    PtauSection.TAU_G1,
    PtauSection.TAU_G2,
    PtauSection.ALPHA_TAU_G1,
    PtauSection.BETA_TAU_G1,
    PtauSection.BETA_G2,
)
LAGRANGE_SECTIONS = (
    PtauSection.LAGRANGE_TAU_G1,
    PtauSection.LAGRANGE_TAU_G2,
    PtauSection.LAGRANGE_ALPHA_TAU_G1,
    PtauSection.LAGRANGE_BETA_TAU_G1,
)


class PtauTooSmallError(BinFileError):
    """More powers, or a larger Lagrange domain, were asked for than the file holds."""


_G2_SECTIONS = {PtauSection.TAU_G2, PtauSection.BETA_G2, PtauSection.LAGRANGE_TAU_G2}


@dataclass(frozen=True)
class PtauHeader:
    """Section 1: ``power`` p of this file and ``ceremony_power`` of the ceremony it came from."""

    power: int
    ceremony_power: int

    def point_count(self, section: PtauSection) -> int:
        """Points section ``section`` must hold for this power."""
        p = self.power
        counts = {
            PtauSection.TAU_G1: 2 ** (p + 1) - 1,
            PtauSection.TAU_G2: 2**p,
            PtauSection.ALPHA_TAU_G1: 2**p,
            PtauSection.BETA_TAU_G1: 2**p,
            PtauSection.BETA_G2: 1,
            PtauSection.LAGRANGE_TAU_G1: 2 ** (p + 2) - 1,
            PtauSection.LAGRANGE_TAU_G2: 2 ** (p + 1) - 1,
            PtauSection.LAGRANGE_ALPHA_TAU_G1: 2 ** (p + 1) - 1,
            PtauSection.LAGRANGE_BETA_TAU_G1: 2 ** (p + 1) - 1,
        }
        return counts[section]

    def max_lagrange_power(self, section: PtauSection) -> int:
        """Largest k with a Lagrange block in ``section`` (p + 1 for tauG1, p otherwise)."""
        return self.power + 1 if section == PtauSection.LAGRANGE_TAU_G1 else self.power


def _point_size(section: PtauSection) -> int:
    return G2_BYTES if section in _G2_SECTIONS else G1_BYTES


@dataclass(frozen=True, eq=False)
class LagrangeBases:
    """Sections 12–15 whole: each is the concatenation of its blocks (block k at index 2^k − 1)."""

    tau_g1: G1Points
    tau_g2: G2Points
    alpha_tau_g1: G1Points
    beta_tau_g1: G1Points


class PtauReader:
    """An open ``.ptau`` file whose header and section sizes are validated.

    Use as a context manager. The point accessors read only the points asked for and
    validate them (coordinates < q, on the curve, G2 in the subgroup).
    """

    def __init__(self, path: PathLike) -> None:
        self._reader = BinFileReader(path, MAGIC, {VERSION}, SECTION_NAMES)
        try:
            self.header = self._read_header()
            self._check_sizes()
        except BaseException:
            self._reader.close()
            raise

    def __enter__(self) -> PtauReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._reader.close()

    @property
    def path(self) -> str:
        return self._reader.path

    @property
    def is_prepared(self) -> bool:
        """True if the file has the phase-2 Lagrange sections 12–15."""
        return self._reader.has(PtauSection.LAGRANGE_TAU_G1)

    def _read_header(self) -> PtauHeader:
        cur = self._reader.cursor(PtauSection.HEADER)
        cur.prime(Fq.modulus, "base field prime q")
        power = cur.u32("power")
        ceremony_power = cur.u32("ceremonyPower")
        cur.expect_end()
        if not power <= ceremony_power <= MAX_POWER:
            raise cur.error(
                f"power = {power}, ceremonyPower = {ceremony_power}: need power ≤ ceremonyPower ≤ {MAX_POWER}"
            )
        return PtauHeader(power, ceremony_power)

    def _check_sizes(self) -> None:
        reader = self._reader
        for section in PHASE1_SECTIONS:
            reader.require(section)
        present = [s for s in LAGRANGE_SECTIONS if reader.has(s)]
        if present and len(present) != len(LAGRANGE_SECTIONS):
            missing = sorted(int(s) for s in set(LAGRANGE_SECTIONS) - set(present))
            raise reader.error(f"a partly prepared file: Lagrange sections {missing} are missing")
        for section in (*PHASE1_SECTIONS, *present):
            expected = self.header.point_count(section) * _point_size(section)
            size = reader.require(section).size
            if size != expected:
                raise reader.error(f"{size} bytes, expected {expected} for power {self.header.power}", section)

    def _require_prepared(self, section: PtauSection) -> None:
        if not self.is_prepared:
            raise self._reader.error(
                "the file is not prepared for phase 2 (run snarkjs powersoftau prepare phase2)", section
            )

    def _points(self, section: PtauSection, cls: type[P], start: int, count: int, what: str) -> P:
        total = self.header.point_count(section)
        if start < 0 or count < 0 or start + count > total:
            raise PtauTooSmallError(self.path, f"points {start}..{start + count} asked for, it holds {total}", what)
        span = self._reader.require(section)
        size = _point_size(section)
        data = self._reader.read_span(span, start * size, count * size)
        return self._reader.points(cls, data, what, section)

    # --- powers (phase 1) ----------------------------------------------------------------

    def tau_g1(self, count: int | None = None) -> G1Points:
        """τⁱ·G1 for i < count (default: all 2^(p+1) − 1)."""
        n = self.header.point_count(PtauSection.TAU_G1) if count is None else count
        return self._points(PtauSection.TAU_G1, G1Points, 0, n, "tauG1")

    def tau_g2(self, count: int | None = None) -> G2Points:
        """τⁱ·G2 for i < count (default: all 2^p)."""
        n = self.header.point_count(PtauSection.TAU_G2) if count is None else count
        return self._points(PtauSection.TAU_G2, G2Points, 0, n, "tauG2")

    def alpha_tau_g1(self, count: int | None = None) -> G1Points:
        """α·τⁱ·G1 for i < count (default: all 2^p); entry 0 is α·G1."""
        n = self.header.point_count(PtauSection.ALPHA_TAU_G1) if count is None else count
        return self._points(PtauSection.ALPHA_TAU_G1, G1Points, 0, n, "alphaTauG1")

    def beta_tau_g1(self, count: int | None = None) -> G1Points:
        """β·τⁱ·G1 for i < count (default: all 2^p); entry 0 is β·G1."""
        n = self.header.point_count(PtauSection.BETA_TAU_G1) if count is None else count
        return self._points(PtauSection.BETA_TAU_G1, G1Points, 0, n, "betaTauG1")

    def beta_g2(self) -> G2Points:
        """β·G2 (one point)."""
        return self._points(PtauSection.BETA_G2, G2Points, 0, 1, "betaG2")

    def contributions_raw(self) -> bytes | None:
        """Section 7 unparsed, or None if absent."""
        if not self._reader.has(PtauSection.CONTRIBUTIONS):
            return None
        return self._reader.section_bytes(PtauSection.CONTRIBUTIONS)

    # --- Lagrange bases (prepared for phase 2) --------------------------------------------

    def _lagrange(self, section: PtauSection, cls: type[P], k: int) -> P:
        name = SECTION_NAMES[section]
        self._require_prepared(section)
        top = self.header.max_lagrange_power(section)
        if not 0 <= k <= top:
            raise PtauTooSmallError(self.path, f"has blocks for domains 2^0..2^{top}, not 2^{k}", name)
        return self._points(section, cls, 2**k - 1, 2**k, f"{name} block 2^{k}")

    def lagrange_tau_g1(self, k: int) -> G1Points:
        """Lⱼ(τ)·G1, j < 2^k, for the domain of size 2^k (k ≤ p + 1)."""
        return self._lagrange(PtauSection.LAGRANGE_TAU_G1, G1Points, k)

    def lagrange_tau_g2(self, k: int) -> G2Points:
        """Lⱼ(τ)·G2, j < 2^k (k ≤ p)."""
        return self._lagrange(PtauSection.LAGRANGE_TAU_G2, G2Points, k)

    def lagrange_alpha_tau_g1(self, k: int) -> G1Points:
        """α·Lⱼ(τ)·G1, j < 2^k (k ≤ p)."""
        return self._lagrange(PtauSection.LAGRANGE_ALPHA_TAU_G1, G1Points, k)

    def lagrange_beta_tau_g1(self, k: int) -> G1Points:
        """β·Lⱼ(τ)·G1, j < 2^k (k ≤ p)."""
        return self._lagrange(PtauSection.LAGRANGE_BETA_TAU_G1, G1Points, k)

    def lagrange_bases(self) -> LagrangeBases:
        """Sections 12–15 whole (every block)."""
        self._require_prepared(PtauSection.LAGRANGE_TAU_G1)

        def whole(section: PtauSection, cls: type[P]) -> P:
            return self._points(section, cls, 0, self.header.point_count(section), SECTION_NAMES[section])

        return LagrangeBases(
            whole(PtauSection.LAGRANGE_TAU_G1, G1Points),
            whole(PtauSection.LAGRANGE_TAU_G2, G2Points),
            whole(PtauSection.LAGRANGE_ALPHA_TAU_G1, G1Points),
            whole(PtauSection.LAGRANGE_BETA_TAU_G1, G1Points),
        )


@dataclass(frozen=True, eq=False)
class Ptau:
    """A whole ``.ptau`` file, every point validated (see the module docstring for the math)."""

    header: PtauHeader
    tau_g1: G1Points
    tau_g2: G2Points
    alpha_tau_g1: G1Points
    beta_tau_g1: G1Points
    beta_g2: G2Points
    contributions: bytes | None
    lagrange: LagrangeBases | None


def read_ptau(path: PathLike) -> Ptau:
    """Read and validate a whole ``.ptau`` file (use :class:`PtauReader` for large ceremonies)."""
    with PtauReader(path) as ptau:
        return Ptau(
            ptau.header,
            ptau.tau_g1(),
            ptau.tau_g2(),
            ptau.alpha_tau_g1(),
            ptau.beta_tau_g1(),
            ptau.beta_g2(),
            ptau.contributions_raw(),
            ptau.lagrange_bases() if ptau.is_prepared else None,
        )
