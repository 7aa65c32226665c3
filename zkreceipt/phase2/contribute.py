"""``snarkjs zkey contribute`` and ``zkey beacon``: one phase-2 contribution.

A contribution draws a secret x ∈ Fr and moves the key from δ to δ' = δ·x:
δ₁ ·= x, δ₂ ·= x, and the sections that carry δ⁻¹ (C, the private-wire K points, and
H) are multiplied by x⁻¹. To prove it knew x without revealing it, the contributor
publishes S = g1_s (a random G1 point), x·S = g1_sx, and x·SP = g2_spx where SP =
hash_to_g2(transcript), transcript = blake2b(csHash ‖ earlier public keys ‖ S ‖ x·S)
(``phase2.transcript``); a verifier checks e(S, x·SP) = e(x·S, SP) and
e(δ₁, x·SP) = e(δ₁', SP). The record is appended to section 10 and the file is
rewritten with sections 1..10 in order, as ``zkey_contribute.js`` does.

The randomness: :func:`zkey_contribute` seeds ChaCha from the OS and the user's entropy
(``rng_from_entropy``); :func:`zkey_beacon` from a public beacon hashed 2^n times
(``rng_from_beacon``), so anyone (``snarkjs zkey verify``) can recompute x and S. The
draw order — x, then S — is snarkjs's, so the same seed gives the same contribution.
x stays in this module's local variables: never returned, logged or written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..field import Fr
from ..formats.zkey_file import (
    CANONICAL_SECTION_ORDER,
    Groth16Zkey,
    ZkeyContribution,
    contribution_params,
    read_zkey,
    snarkjs_contributor_name,
    write_zkey,
)
from .rng import ChaChaRng, rng_from_beacon, rng_from_entropy
from .sampling import fr_from_rng, g1_from_rng, hash_to_g2
from .transcript import contribution_hash, contribution_transcript

#: ``type`` of a contribution record: a secret contribution, a beacon.
CONTRIBUTION_TYPE = 0
BEACON_TYPE = 1


@dataclass(frozen=True, eq=False)
class ContributionResult:
    """A contribution's outcome: ``zkey``, the key after it (sections in order 1..10),
    and ``contribution_hash``, the 64-byte blake2b-512 of its public key (deltaAfter,
    g1_s, g1_sx, g2_spx, transcript) that snarkjs prints as "Contribution Hash"."""

    zkey: Groth16Zkey
    contribution_hash: bytes


def _contribute(zkey: Groth16Zkey, rng: ChaChaRng, kind: int, params: bytes, name: str | None) -> ContributionResult:
    """Apply a secret drawn from ``rng`` (x first, then S, as snarkjs) to ``zkey``."""
    previous = zkey.contributions
    x = fr_from_rng(rng)
    g1_s = g1_from_rng(rng)
    g1_sx = g1_s * x
    transcript = contribution_transcript(previous.cs_hash, previous.contributions, g1_s, g1_sx)
    g2_spx = hash_to_g2(transcript) * x
    header = replace(zkey.header, delta1=zkey.header.delta1 * x, delta2=zkey.header.delta2 * x)
    x_inverse = Fr.from_int(x).inv()
    del x
    record = ZkeyContribution(
        delta_after=header.delta1,
        g1_s=g1_s,
        g1_sx=g1_sx,
        g2_spx=g2_spx,
        transcript=transcript,
        type=kind,
        params=params,
        name=name,
    )
    contributed = replace(
        zkey,
        header=header,
        c_query=zkey.c_query * x_inverse,
        h_query=zkey.h_query * x_inverse,
        contributions=previous.appended(record),
        section_order=CANONICAL_SECTION_ORDER,
    )
    return ContributionResult(contributed, contribution_hash(record))


def zkey_contribute(zkey: Groth16Zkey, *, name: str | None = None, entropy: bytes | str = b"") -> ContributionResult:
    """``snarkjs zkey contribute``: a contribution with a fresh secret (OS randomness
    mixed with ``entropy``); ``name`` is recorded (snarkjs keeps its first 64 UTF-16
    units). A development key stays marked as one: its maker knew τ, α and β."""
    rng = rng_from_entropy(entropy)
    return _contribute(zkey, rng, CONTRIBUTION_TYPE, contribution_params(name), snarkjs_contributor_name(name))


def zkey_beacon(
    zkey: Groth16Zkey, beacon_hash: bytes, num_iterations_exp: int, *, name: str | None = None
) -> ContributionResult:
    """``snarkjs zkey beacon``: a contribution whose secret is derived from the public
    ``beacon_hash`` (1..255 bytes) by 2^``num_iterations_exp`` SHA-256 steps (10..63),
    so the same inputs always give the same key and verifiers can recompute it."""
    rng = rng_from_beacon(beacon_hash, num_iterations_exp)
    params = contribution_params(name, num_iterations_exp=num_iterations_exp, beacon_hash=bytes(beacon_hash))
    return _contribute(zkey, rng, BEACON_TYPE, params, snarkjs_contributor_name(name))


def zkey_contribute_files(
    in_path: str | Path, out_path: str | Path, *, name: str | None = None, entropy: bytes | str = b""
) -> bytes:
    """``snarkjs zkey contribute IN OUT``: write the contributed key (0600); return the contribution hash."""
    result = zkey_contribute(read_zkey(in_path), name=name, entropy=entropy)
    write_zkey(out_path, result.zkey)
    return result.contribution_hash


def zkey_beacon_files(
    in_path: str | Path, out_path: str | Path, beacon_hash: bytes, num_iterations_exp: int, *, name: str | None = None
) -> bytes:
    """``snarkjs zkey beacon IN OUT HASH EXP``: write the key after the beacon; return the contribution hash."""
    result = zkey_beacon(read_zkey(in_path), beacon_hash, num_iterations_exp, name=name)
    write_zkey(out_path, result.zkey)
    return result.contribution_hash
