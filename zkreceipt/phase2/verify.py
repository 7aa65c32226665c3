"""Verify a phase-2 ceremony: ``snarkjs zkey verify`` (zkey_verify_fromr1cs.js / _frominit.js).

A final key is checked against the initial key that ``zkey new`` makes from the same
circuit and powers of tau (:func:`zkey_verify` rebuilds it; :func:`zkey_verify_from_init`
takes it). Write δ₀ = 1 and δₖ = δₖ₋₁·xₖ after contribution k with secret xₖ. Checks:

* **The contribution chain.** Contribution k publishes S = g1_s (a G1 point), x·S =
  g1_sx, and x·SP = g2_spx where SP = hash_to_g2(transcript) and the transcript is the
  blake2b-512 hash of csHash, the public keys of contributions 1..k−1, S and x·S. The
  verifier recomputes the transcript, then checks two same ratios (below):
  (S, x·S) ~ (SP, x·SP), a proof of knowledge of x bound to the transcript, and
  (δₖ₋₁·G1, δₖ·G1) ~ (SP, x·SP), so δ moved by exactly that x. A beacon contribution
  (type 1) must also be reproducible: x and S are drawn from ``rng_from_beacon`` of its
  published hash and iteration count.
* **What contributions must not change.** Sizes, α₁, β₁, β₂, γ₂, IC, the coefficients,
  A, B1, B2 and csHash equal the initial key's; δ₁ is the last δₖ·G1 and
  (G1, δ₁) ~ (G2, δ₂).
* **What they must change.** C and H are the initial key's divided by δ. For random
  scalars rᵢ (from ``secrets``), with R_init = Σ rᵢ·Pᵢ(initial) and R_final = Σ rᵢ·Pᵢ(final)
  (one MSM each): e(R_init, δ₂_init) = e(R_final, δ₂_final), one pairing check per
  section. A single changed point makes the sums differ except with probability 1/r.

sameRatio(a₁, b₁, a₂, b₂) ⇔ e(a₁, b₂) = e(b₁, a₂), i.e. b₁ = x·a₁ and b₂ = x·a₂ for one x.
As in snarkjs's ``misc.sameRatio`` a point at infinity never has the same ratio (else a
zero g1_sx and g2_spx would "prove" anything).

The result lists every failed check as a sentence rather than stopping at the first;
malformed data raises a typed error (fail closed), never an ``ok`` result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from ..curve import G1Points, G2Points, msm, pairing_check
from ..errors import FormatError, ZkReceiptError
from ..field import FieldVector, Fr
from ..formats.zkey_file import (
    PARAM_BEACON_HASH,
    PARAM_NAME,
    PARAM_NUM_ITERATIONS_EXP,
    TRANSCRIPT_BYTES,
    Groth16Zkey,
    ZkeyContribution,
    ZkeyHeader,
)
from ..r1cs import R1CS
from .rng import rng_from_beacon
from .sampling import fr_from_rng, g1_from_rng, hash_to_g2
from .transcript import contribution_hash, contribution_transcript, format_hash

#: ``type`` of a contribution record (zkey_utils.js): a secret contribution, a beacon.
CONTRIBUTION_TYPE = 0
BEACON_TYPE = 1
TYPE_NAMES = {CONTRIBUTION_TYPE: "contribution", BEACON_TYPE: "beacon"}

#: A beacon is recomputed with 2^numIterationsExp SHA-256 steps. snarkjs creates them
#: with 10 ≤ exp ≤ 63 and would try any stored value; here a forged key must not hang
#: the verifier, so larger exponents fail unless the caller raises the limit
#: (2^32 steps is about half an hour of hashlib).
DEFAULT_MAX_BEACON_ITERATIONS_EXP = 32

P = TypeVar("P", G1Points, G2Points)


@dataclass(frozen=True)
class BeaconParameters:
    """A beacon contribution's public randomness: ``beacon_hash`` iterated
    2^``num_iterations_exp`` times with SHA-256 seeds the RNG that draws x and S."""

    beacon_hash: bytes
    num_iterations_exp: int


@dataclass(frozen=True)
class ContributionSummary:
    """One contribution as ``snarkjs zkey verify`` lists it.

    ``index``: 1-based position in the chain (snarkjs prints ``contribution #index``);
    ``name``: the contributor's name parameter, if any; ``type``: "contribution" or
    "beacon" (or "type N" for an unknown type); ``contribution_hash``: 128 hex digits,
    blake2b-512 of the contribution's public key (deltaAfter, g1_s, g1_sx, g2_spx,
    transcript — zkey_utils.hashPubKey), the hash snarkjs prints; ``beacon``: the
    beacon parameters of a beacon contribution.
    """

    index: int
    name: str | None
    type: str
    contribution_hash: str
    beacon: BeaconParameters | None = None

    def formatted_hash(self) -> str:
        """The hash as snarkjs prints it: 4 tab-indented lines of 4 groups of 8 hex digits."""
        return format_hash(bytes.fromhex(self.contribution_hash))


@dataclass(frozen=True)
class ZkeyVerification:
    """The outcome of verifying a final zkey against its circuit and powers of tau.

    ``ok``: every check passed (and the key is not a development key); ``failures``:
    one sentence per failed check naming the check and the contribution or section;
    ``contributions``: the chain in order (index 1 first); ``development``: the key
    carries zkreceipt's development-setup marker (one party knew the toxic waste);
    ``circuit_hash``: csHash of the key being verified, 128 hex digits.
    """

    ok: bool
    failures: list[str]
    contributions: tuple[ContributionSummary, ...]
    development: bool
    circuit_hash: str = ""


# --- pairing checks -----------------------------------------------------------------


def same_ratio(a1: G1Points, b1: G1Points, a2: G2Points, b2: G2Points) -> bool:
    """snarkjs ``sameRatio``: e(a₁, b₂) = e(b₁, a₂) with no point at infinity.

    True iff b₁ = x·a₁ and b₂ = x·a₂ for one x ≠ 0 (each argument one point)."""
    if any(bool(p.is_infinity().any()) for p in (a1, b1, a2, b2)):
        return False
    return _ratio_holds(a1, b1, a2, b2)


def _ratio_holds(a1: G1Points, b1: G1Points, a2: G2Points, b2: G2Points) -> bool:
    """e(a₁, b₂)·e(−b₁, a₂) = 1 (one multi-Miller loop, one final exponentiation)."""
    return pairing_check(G1Points.concatenate([a1, -b1]), G2Points.concatenate([b2, a2]))


# --- the contribution chain ---------------------------------------------------------


def _beacon_parameters(contribution: ZkeyContribution) -> BeaconParameters | None:
    """numIterationsExp and beaconHash from the TLV parameter block (None if either is absent).

    Types 1 (name) and 3 (beacon hash) are length-prefixed, type 2 is one byte. read_zkey
    has validated the block of a key read from a file; one built in memory may not have
    been, so a malformed block raises FormatError here too."""
    params = contribution.params
    position = 0
    exp: int | None = None
    beacon_hash: bytes | None = None
    while position < len(params):
        kind = params[position]
        if kind == PARAM_NUM_ITERATIONS_EXP:
            value, length, start = params[position + 1 : position + 2], 1, position + 1
        elif kind in (PARAM_NAME, PARAM_BEACON_HASH):
            if position + 1 >= len(params):
                raise FormatError(f"zkey contributions: parameter {kind} has no length")
            length, start = params[position + 1], position + 2
            value = params[start : start + length]
        else:
            raise FormatError(f"zkey contributions: unknown parameter type {kind}")
        if len(value) != length:
            raise FormatError(f"zkey contributions: parameter {kind} runs past the parameter block")
        if kind == PARAM_NUM_ITERATIONS_EXP:
            exp = value[0]
        elif kind == PARAM_BEACON_HASH:
            beacon_hash = bytes(value)
        position = start + length
    if exp is None or beacon_hash is None:
        return None
    return BeaconParameters(beacon_hash, exp)


def _contribution_label(index: int, contribution: ZkeyContribution) -> str:
    name = f" ({contribution.name})" if contribution.name else ""
    return f"contribution #{index}{name}"


def _check_beacon(
    label: str, contribution: ZkeyContribution, beacon: BeaconParameters | None, max_exp: int
) -> list[str]:
    """Recompute a beacon contribution's x and S from its parameters (zkey_beacon.js)."""
    if beacon is None:
        return [f"{label}: beacon contribution lacks its beacon hash or numIterationsExp parameter"]
    if beacon.num_iterations_exp > max_exp:
        return [
            f"{label}: beacon numIterationsExp = {beacon.num_iterations_exp} exceeds the limit {max_exp}"
            + " (raise max_beacon_iterations_exp to recompute it)"
        ]
    try:
        rng = rng_from_beacon(beacon.beacon_hash, beacon.num_iterations_exp)
    except ZkReceiptError as exc:
        return [f"{label}: beacon parameters cannot be replayed: {exc}"]
    x = fr_from_rng(rng)
    g1_s = g1_from_rng(rng)
    failures = []
    if not bool((g1_s == contribution.g1_s).all()):
        failures.append(f"{label}: beacon key does not match its parameters (g1_s differs)")
    if not bool((g1_s * x == contribution.g1_sx).all()):
        failures.append(f"{label}: beacon key does not match its parameters (g1_sx differs)")
    return failures


def _check_contribution_points(label: str, contribution: ZkeyContribution) -> None:
    """Shapes and group membership of the public key (the reader checks them; keys built
    in memory may not have been read)."""
    for name in ("delta_after", "g1_s", "g1_sx", "g2_spx"):
        points = getattr(contribution, name)
        if len(points) != 1:
            raise FormatError(f"zkey contributions: {label} {name} has {len(points)} points, expected 1")
        points.validate(f"zkey contributions: {label} {name}")
    if len(contribution.transcript) != TRANSCRIPT_BYTES:
        size = len(contribution.transcript)
        raise FormatError(f"zkey contributions: {label} transcript is {size} bytes, not {TRANSCRIPT_BYTES}")


def _verify_chain(
    cs_hash: bytes, contributions: Sequence[ZkeyContribution], max_beacon_exp: int
) -> tuple[list[str], list[ContributionSummary], G1Points]:
    """Check every contribution in order; returns failures, summaries and the last δ·G1."""
    failures: list[str] = []
    summaries: list[ContributionSummary] = []
    delta = G1Points.generator()  # δ₀ = 1 in a fresh key
    for position, contribution in enumerate(contributions):
        index = position + 1
        label = _contribution_label(index, contribution)
        _check_contribution_points(label, contribution)
        transcript = contribution_transcript(cs_hash, contributions[:position], contribution.g1_s, contribution.g1_sx)
        if transcript != contribution.transcript:
            failures.append(
                f"{label}: inconsistent transcript (not the hash of csHash, the earlier contributions, g1_s and g1_sx)"
            )
        g2_sp = hash_to_g2(contribution.transcript)
        if not same_ratio(contribution.g1_s, contribution.g1_sx, g2_sp, contribution.g2_spx):
            failures.append(f"{label}: public key g1_s, g1_sx and g2_sp, g2_spx do not have the same ratio")
        if not same_ratio(delta, contribution.delta_after, g2_sp, contribution.g2_spx):
            failures.append(f"{label}: deltaAfter does not follow the public key (ratio to the previous delta)")
        beacon = None
        if contribution.type == BEACON_TYPE:
            beacon = _beacon_parameters(contribution)
            failures += _check_beacon(label, contribution, beacon, max_beacon_exp)
        elif contribution.type != CONTRIBUTION_TYPE:
            failures.append(f"{label}: unknown contribution type {contribution.type}")
        summaries.append(
            ContributionSummary(
                index=index,
                name=contribution.name,
                type=TYPE_NAMES.get(contribution.type, f"type {contribution.type}"),
                contribution_hash=contribution_hash(contribution).hex(),
                beacon=beacon,
            )
        )
        delta = contribution.delta_after
    return failures, summaries, delta


# --- comparison with the initial key ------------------------------------------------


def _first_difference(a: np.ndarray, b: np.ndarray) -> int | None:
    """Index of the first row where a and b differ, None if equal (lengths already equal)."""
    rows = (a.reshape(len(a), -1) != b.reshape(len(b), -1)).any(axis=1)
    return int(np.argmax(rows)) if rows.any() else None


def _compare_points(name: str, initial: P, final: P) -> list[str]:
    if len(initial) != len(final):
        return [f"{name}: {len(final)} points, the initial key has {len(initial)}"]
    index = _first_difference(initial.xy, final.xy)
    if index is not None:
        return [f"{name} is not identical to the initial key's (first difference at point {index})"]
    return []


def _compare_sizes(initial: ZkeyHeader, final: ZkeyHeader) -> list[str]:
    names = {"n_vars": "nVars", "n_public": "nPublic", "domain_size": "domainSize"}
    return [
        f"different circuit parameters: {label} = {getattr(final, attr)}, the initial key has {getattr(initial, attr)}"
        for attr, label in names.items()
        if getattr(final, attr) != getattr(initial, attr)
    ]


def _compare_fixed_parts(initial: Groth16Zkey, final: Groth16Zkey) -> list[str]:
    """α, β, γ, IC, coefficients, A, B1, B2 and csHash must be untouched by contributions."""
    hi, hf = initial.header, final.header
    failures: list[str] = []
    for attr in ("alpha1", "beta1", "beta2", "gamma2"):
        failures += _compare_points(attr, getattr(hi, attr), getattr(hf, attr))
    if initial.contributions.cs_hash != final.contributions.cs_hash:
        failures.append("circuit hash (csHash) differs from the initial key's: the zkey is for another circuit")
    failures += _compare_points("IC section", initial.ic, final.ic)
    if initial.coefficients.to_bytes() != final.coefficients.to_bytes():
        failures.append("coefficients section is not identical to the initial key's")
    failures += _compare_points("A section", initial.a_query, final.a_query)
    failures += _compare_points("B1 section", initial.b1_query, final.b1_query)
    failures += _compare_points("B2 section", initial.b2_query, final.b2_query)
    return failures


def _check_delta(final: Groth16Zkey, last_delta: G1Points) -> list[str]:
    header = final.header
    failures = []
    if not bool((header.delta1 == last_delta).all()):
        failures.append("delta1 is not the deltaAfter of the last contribution")
    if not same_ratio(G1Points.generator(), header.delta1, G2Points.generator(), header.delta2):
        failures.append("delta2 does not match delta1 (e(delta1, G2) ≠ e(G1, delta2))")
    return failures


def _random_combination(points: G1Points, scalars: FieldVector) -> G1Points:
    return msm(points, scalars) if len(points) else G1Points.infinity(1)


def _check_scaled_section(
    name: str, initial: Groth16Zkey, final: Groth16Zkey, select: Callable[[Groth16Zkey], G1Points]
) -> list[str]:
    """final = initial·δ_init/δ_final point by point, by one random combination and one pairing check."""
    before, after = select(initial), select(final)
    if len(before) != len(after):
        return [f"{name}: {len(after)} points, the initial key has {len(before)}"]
    if not len(before):
        return []
    scalars = Fr.random(len(before))
    combined_before = _random_combination(before, scalars)
    combined_after = _random_combination(after, scalars)
    if not _ratio_holds(combined_before, combined_after, final.header.delta2, initial.header.delta2):
        return [f"{name} does not match the initial key's divided by delta"]
    return []


# --- public API ---------------------------------------------------------------------


def zkey_verify_from_init(
    initial: Groth16Zkey,
    final: Groth16Zkey,
    *,
    max_beacon_iterations_exp: int = DEFAULT_MAX_BEACON_ITERATIONS_EXP,
) -> ZkeyVerification:
    """Verify ``final`` as the outcome of contributions to ``initial`` (zkey_verify_frominit.js).

    ``initial`` is trusted (it is what ``zkey new`` makes from the circuit and ptau);
    ``final`` is not. Every failed check is listed; a development key fails with a
    message saying so. Malformed data raises a :class:`ZkReceiptError` (fail closed).
    """
    try:
        return _verify_from_init(initial, final, max_beacon_iterations_exp)
    except ZkReceiptError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, AttributeError) as exc:
        raise FormatError(f"zkey verify: malformed key data ({type(exc).__name__}: {exc})") from exc


def _validate_untrusted_points(final: Groth16Zkey) -> None:
    """Curve (and G2 subgroup) membership of what the checks pair or combine without
    comparing it to the initial key first: read_zkey checks these, an in-memory key may not."""
    header = final.header
    for name in ("alpha1", "beta1", "beta2", "gamma2", "delta1", "delta2"):
        getattr(header, name).validate(f"zkey {name}")
    final.c_query.validate("zkey C section")
    final.h_query.validate("zkey H section")


def _verify_from_init(initial: Groth16Zkey, final: Groth16Zkey, max_beacon_exp: int) -> ZkeyVerification:
    hf = final.header
    _validate_untrusted_points(final)
    contributions = final.contributions
    failures, summaries, last_delta = _verify_chain(contributions.cs_hash, contributions.contributions, max_beacon_exp)
    development = final.development
    if development:
        failures.append(
            "the zkey is a development key (one-party setup whose maker knew the toxic waste), "
            "not the result of a phase-2 ceremony on this circuit and ptau"
        )
    else:
        size_failures = _compare_sizes(initial.header, hf)
        failures += size_failures
        if not size_failures:
            failures += _check_delta(final, last_delta)
            failures += _compare_fixed_parts(initial, final)
            failures += _check_scaled_section("C section", initial, final, lambda k: k.c_query)
            failures += _check_scaled_section("H section", initial, final, lambda k: k.h_query)
    return ZkeyVerification(
        ok=not failures,
        failures=failures,
        contributions=tuple(summaries),
        development=development,
        circuit_hash=contributions.cs_hash.hex(),
    )


def zkey_verify(
    r1cs: R1CS,
    ptau_path: str | Path,
    zkey: Groth16Zkey,
    *,
    max_beacon_iterations_exp: int = DEFAULT_MAX_BEACON_ITERATIONS_EXP,
) -> ZkeyVerification:
    """``snarkjs zkey verify circuit.r1cs pot.ptau final.zkey``: rebuild the initial key
    with ``zkey_new`` from the circuit and ptau, then :func:`zkey_verify_from_init`."""
    # Imported here: setup needs the ptau reader and Lagrange machinery, verify alone does not.
    from .setup import zkey_new

    initial = zkey_new(r1cs, ptau_path)
    return zkey_verify_from_init(initial, zkey, max_beacon_iterations_exp=max_beacon_iterations_exp)
