"""``zkey verify``: an honest phase-2 chain passes, each kind of forgery is named.

The initial key is ``zkey_new`` of MulChain(8) on the checked-in power-10 ptau. The
contributions are made here with the curve API (δ·x, C and H ·x⁻¹, the proof of
knowledge over the transcript), so that a test can forge exactly one part of one
contribution and check that the verifier names exactly that check.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from zkreceipt.circuits.mul_chain import MulChain

from zkreceipt.circuit.compiler import compile_circuit
from zkreceipt.curve import G1Points, G2Points
from zkreceipt.errors import CurveError, FormatError
from zkreceipt.field import Fr
from zkreceipt.formats.zkey_file import (
    Groth16Zkey,
    ZkeyContribution,
    ZkeyContributions,
    contribution_params,
)
from zkreceipt.formats.zkey_keys import zkey_from_proving_key
from zkreceipt.groth16 import setup_development
from zkreceipt.phase2.contribute import zkey_beacon, zkey_contribute
from zkreceipt.phase2.rng import rng_from_beacon
from zkreceipt.phase2.sampling import fr_from_rng, g1_from_rng, hash_to_g2
from zkreceipt.phase2.setup import zkey_new
from zkreceipt.phase2.transcript import contribution_hash, contribution_transcript
from zkreceipt.phase2.verify import (
    BEACON_TYPE,
    CONTRIBUTION_TYPE,
    ZkeyVerification,
    same_ratio,
    zkey_verify,
    zkey_verify_from_init,
)
from zkreceipt.r1cs import R1CS, SparseMatrix

PTAU = Path(__file__).resolve().parents[1] / "interop" / "fixtures" / "pot10_final.ptau"
R = Fr.modulus
CHAIN_LENGTH = 8
BEACON_HASH = bytes(range(1, 33))
BEACON_EXP = 10


def random_secret() -> int:
    return 1 + secrets.randbelow(R - 1)


def contribute(
    zkey: Groth16Zkey,
    x: int,
    *,
    name: str | None = None,
    key_factor: int | None = None,
    g1_s: G1Points | None = None,
    g1_sx: G1Points | None = None,
    transcript: bytes | None = None,
    g2_spx: G2Points | None = None,
    kind: int = CONTRIBUTION_TYPE,
    params: bytes | None = None,
) -> Groth16Zkey:
    """``zkey`` after a contribution with secret x, honest unless a part is given.

    The key itself is scaled by ``key_factor`` (default x): δ₁, δ₂ ·= k, C, H ·= k⁻¹,
    deltaAfter = δ₁·k. The record proves knowledge of x: S, x·S, x·hash_to_g2(transcript).
    """
    k = x if key_factor is None else key_factor
    previous = zkey.contributions
    g1_s = G1Points.random(1) if g1_s is None else g1_s
    g1_sx = g1_s * x if g1_sx is None else g1_sx
    if transcript is None:
        transcript = contribution_transcript(previous.cs_hash, previous.contributions, g1_s, g1_sx)
    g2_spx = hash_to_g2(transcript) * x if g2_spx is None else g2_spx
    delta_after = zkey.header.delta1 * k
    record = ZkeyContribution(
        delta_after,
        g1_s,
        g1_sx,
        g2_spx,
        transcript,
        kind,
        contribution_params(name) if params is None else params,
        name,
    )
    k_inv = pow(k, -1, R)
    return replace(
        zkey,
        header=replace(zkey.header, delta1=delta_after, delta2=zkey.header.delta2 * k),
        c_query=zkey.c_query * k_inv,
        h_query=zkey.h_query * k_inv,
        contributions=previous.appended(record),
    )


def beacon(zkey: Groth16Zkey, *, params: bytes | None = None, name: str = "beacon") -> Groth16Zkey:
    """A beacon contribution from BEACON_HASH, 2^BEACON_EXP (zkey_beacon.js); ``params`` may lie."""
    rng = rng_from_beacon(BEACON_HASH, BEACON_EXP)
    x = fr_from_rng(rng)
    g1_s = g1_from_rng(rng)
    if params is None:
        params = contribution_params(name, num_iterations_exp=BEACON_EXP, beacon_hash=BEACON_HASH)
    return contribute(zkey, x, name=name, g1_s=g1_s, kind=BEACON_TYPE, params=params)


def only_failures(result: ZkeyVerification) -> list[str]:
    assert not result.ok
    return result.failures


@pytest.fixture(scope="module")
def r1cs() -> R1CS:
    return compile_circuit(MulChain(CHAIN_LENGTH)).r1cs


@pytest.fixture(scope="module")
def initial(r1cs: R1CS) -> Groth16Zkey:
    return zkey_new(r1cs, PTAU)


@pytest.fixture(scope="module")
def chain(initial: Groth16Zkey) -> list[Groth16Zkey]:
    """initial → alice → bob → beacon."""
    keys = [initial]
    for name in ("alice", "bob"):
        keys.append(contribute(keys[-1], random_secret(), name=name))
    keys.append(beacon(keys[-1]))
    return keys


# --- honest keys --------------------------------------------------------------------


def test_honest_chain_verifies_with_its_summary(r1cs: R1CS, initial: Groth16Zkey, chain: list[Groth16Zkey]) -> None:
    final = chain[-1]
    for result in (zkey_verify(r1cs, PTAU, final), zkey_verify_from_init(initial, final)):
        assert result.ok, result.failures
        assert result.failures == []
        assert not result.development
        assert result.circuit_hash == initial.contributions.cs_hash.hex()
        assert [(c.index, c.name, c.type) for c in result.contributions] == [
            (1, "alice", "contribution"),
            (2, "bob", "contribution"),
            (3, "beacon", "beacon"),
        ]
        records = final.contributions.contributions
        assert [c.contribution_hash for c in result.contributions] == [contribution_hash(r).hex() for r in records]
        assert [c.beacon for c in result.contributions[:2]] == [None, None]
        beacon_params = result.contributions[2].beacon
        assert beacon_params is not None
        assert (beacon_params.beacon_hash, beacon_params.num_iterations_exp) == (BEACON_HASH, BEACON_EXP)
        first = result.contributions[0].contribution_hash
        assert result.contributions[0].formatted_hash().split() == [first[k : k + 8] for k in range(0, 128, 8)]


def test_chain_made_by_zkey_contribute_and_zkey_beacon_verifies(r1cs: R1CS, initial: Groth16Zkey) -> None:
    first = zkey_contribute(initial, name="carol", entropy="carol's entropy")
    second = zkey_beacon(first.zkey, BEACON_HASH, BEACON_EXP, name="closing beacon")
    result = zkey_verify(r1cs, PTAU, second.zkey)
    assert result.ok, result.failures
    assert [(c.name, c.type, c.contribution_hash) for c in result.contributions] == [
        ("carol", "contribution", first.contribution_hash.hex()),
        ("closing beacon", "beacon", second.contribution_hash.hex()),
    ]


def test_every_key_of_the_chain_verifies(initial: Groth16Zkey, chain: list[Groth16Zkey]) -> None:
    for count, key in enumerate(chain):
        result = zkey_verify_from_init(initial, key)
        assert result.ok, result.failures
        assert len(result.contributions) == count


# --- forged contributions -----------------------------------------------------------

Forge = Callable[[Groth16Zkey, int], Groth16Zkey]
BOB = "contribution #2 (bob)"
PUBLIC_KEY = f"{BOB}: public key g1_s, g1_sx and g2_sp, g2_spx do not have the same ratio"
DELTA_AFTER = f"{BOB}: deltaAfter does not follow the public key (ratio to the previous delta)"
TRANSCRIPT = f"{BOB}: inconsistent transcript (not the hash of csHash, the earlier contributions, g1_s and g1_sx)"


def _wrong_g1_sx(zkey: Groth16Zkey, x: int) -> Groth16Zkey:
    g1_s = G1Points.random(1)
    return contribute(zkey, x, name="bob", g1_s=g1_s, g1_sx=g1_s * (x + 1))


def _wrong_g2_spx(zkey: Groth16Zkey, x: int) -> Groth16Zkey:
    g1_s = G1Points.random(1)
    cs = zkey.contributions
    transcript = contribution_transcript(cs.cs_hash, cs.contributions, g1_s, g1_s * x)
    return contribute(zkey, x, name="bob", g1_s=g1_s, g2_spx=hash_to_g2(transcript) * (x + 1))


def _broken_transcript(zkey: Groth16Zkey, x: int) -> Groth16Zkey:
    return contribute(zkey, x, name="bob", transcript=secrets.token_bytes(64))


def _delta_not_following(zkey: Groth16Zkey, x: int) -> Groth16Zkey:
    return contribute(zkey, x, name="bob", key_factor=x + 1)


def _zero_secret(zkey: Groth16Zkey, x: int) -> Groth16Zkey:
    """x = 0 makes g1_sx and g2_spx the point at infinity: pairings alone would accept it."""
    return contribute(zkey, 0, name="bob", key_factor=x)


@pytest.mark.parametrize(
    ("forge", "expected"),
    [
        (_wrong_g1_sx, [PUBLIC_KEY]),
        (_wrong_g2_spx, [PUBLIC_KEY, DELTA_AFTER]),
        (_broken_transcript, [TRANSCRIPT]),
        (_delta_not_following, [DELTA_AFTER]),
        (_zero_secret, [PUBLIC_KEY, DELTA_AFTER]),
    ],
    ids=["wrong_g1_sx", "wrong_g2_spx", "broken_transcript", "delta_not_following", "zero_secret"],
)
def test_forged_contribution_is_named(
    chain: list[Groth16Zkey], initial: Groth16Zkey, forge: Forge, expected: list[str]
) -> None:
    """Bob's contribution is forged; the honest beacon after it does not hide the forgery."""
    final = beacon(forge(chain[1], random_secret()))
    assert only_failures(zkey_verify_from_init(initial, final)) == expected


# --- forged final keys --------------------------------------------------------------


def _bump(points: G1Points, index: int) -> G1Points:
    """``points`` with ``points[index]`` moved by G1 (still a valid point)."""
    xy = points.xy.copy()
    xy[index] = (points[index] + G1Points.generator()).xy[0]
    return G1Points(xy)


def _rescaled_delta(zkey: Groth16Zkey) -> Groth16Zkey:
    """A consistent key (δ·2, C and H /2) whose δ is not the chain's last deltaAfter."""
    half = pow(2, -1, R)
    header = replace(zkey.header, delta1=zkey.header.delta1 * 2, delta2=zkey.header.delta2 * 2)
    return replace(zkey, header=header, c_query=zkey.c_query * half, h_query=zkey.h_query * half)


def _changed_coefficient(zkey: Groth16Zkey) -> Groth16Zkey:
    coefficients = zkey.coefficients
    values = coefficients.values.to_ints()
    values[0] = (values[0] + 1) % R
    return replace(zkey, coefficients=replace(coefficients, values=Fr.from_ints(values)))


FINAL_FORGERIES: dict[str, tuple[Callable[[Groth16Zkey], Groth16Zkey], list[str]]] = {
    "delta_not_last": (_rescaled_delta, ["delta1 is not the deltaAfter of the last contribution"]),
    "delta2_mismatch": (
        lambda k: replace(k, header=replace(k.header, delta2=k.header.delta2 * 2)),
        [
            "delta2 does not match delta1 (e(delta1, G2) ≠ e(G1, delta2))",
            "C section does not match the initial key's divided by delta",
            "H section does not match the initial key's divided by delta",
        ],
    ),
    "one_h_point": (
        lambda k: replace(k, h_query=_bump(k.h_query, 3)),
        ["H section does not match the initial key's divided by delta"],
    ),
    "one_c_point": (
        lambda k: replace(k, c_query=_bump(k.c_query, 0)),
        ["C section does not match the initial key's divided by delta"],
    ),
    "ic": (
        lambda k: replace(k, ic=_bump(k.ic, 1)),
        ["IC section is not identical to the initial key's (first difference at point 1)"],
    ),
    "coefficients": (_changed_coefficient, ["coefficients section is not identical to the initial key's"]),
    "a_point": (
        lambda k: replace(k, a_query=_bump(k.a_query, 5)),
        ["A section is not identical to the initial key's (first difference at point 5)"],
    ),
    "alpha": (
        lambda k: replace(k, header=replace(k.header, alpha1=k.header.alpha1 * 2)),
        ["alpha1 is not identical to the initial key's (first difference at point 0)"],
    ),
}


@pytest.mark.parametrize("name", list(FINAL_FORGERIES))
def test_forged_final_key_is_named(chain: list[Groth16Zkey], initial: Groth16Zkey, name: str) -> None:
    forge, expected = FINAL_FORGERIES[name]
    assert only_failures(zkey_verify_from_init(initial, forge(chain[-1]))) == expected


def test_changed_circuit_hash_breaks_every_transcript(chain: list[Groth16Zkey], initial: Groth16Zkey) -> None:
    final = chain[-1]
    records = final.contributions.contributions
    forged = replace(final, contributions=ZkeyContributions.of(secrets.token_bytes(64), records))
    failures = only_failures(zkey_verify_from_init(initial, forged))
    assert "circuit hash (csHash) differs from the initial key's: the zkey is for another circuit" in failures
    for index in (1, 2, 3):
        assert any(f.startswith(f"contribution #{index}") and "inconsistent transcript" in f for f in failures)


# --- beacons ------------------------------------------------------------------------

BEACON = "contribution #3 (beacon)"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            contribution_params("beacon", num_iterations_exp=BEACON_EXP, beacon_hash=bytes(32)),
            [
                f"{BEACON}: beacon key does not match its parameters (g1_s differs)",
                f"{BEACON}: beacon key does not match its parameters (g1_sx differs)",
            ],
        ),
        (
            contribution_params("beacon", num_iterations_exp=BEACON_EXP + 1, beacon_hash=BEACON_HASH),
            [
                f"{BEACON}: beacon key does not match its parameters (g1_s differs)",
                f"{BEACON}: beacon key does not match its parameters (g1_sx differs)",
            ],
        ),
        (
            contribution_params("beacon"),
            [f"{BEACON}: beacon contribution lacks its beacon hash or numIterationsExp parameter"],
        ),
        (
            contribution_params("beacon", num_iterations_exp=40, beacon_hash=BEACON_HASH),
            [
                (
                    f"{BEACON}: beacon numIterationsExp = 40 exceeds the limit 32"
                    " (raise max_beacon_iterations_exp to recompute it)"
                )
            ],
        ),
    ],
    ids=["other_hash", "other_iterations", "no_parameters", "too_many_iterations"],
)
def test_beacon_not_reproduced_by_its_parameters(
    chain: list[Groth16Zkey], initial: Groth16Zkey, params: bytes, expected: list[str]
) -> None:
    """The parameters are not hashed into the transcript, so only the replay catches a lie."""
    forged = beacon(chain[2], params=params)
    assert only_failures(zkey_verify_from_init(initial, forged)) == expected


def test_unknown_contribution_type_fails(chain: list[Groth16Zkey], initial: Groth16Zkey) -> None:
    forged = contribute(chain[-1], random_secret(), name="dave", kind=7)
    assert only_failures(zkey_verify_from_init(initial, forged)) == [
        "contribution #4 (dave): unknown contribution type 7"
    ]


# --- wrong circuit, development keys, malformed data --------------------------------


def _scaled_b(r1cs: R1CS) -> R1CS:
    """Same sizes, B scaled by 2: another circuit with the same shape."""
    b = r1cs.b
    doubled = Fr.from_ints([2 * v % R for v in b.coeffs.to_ints()])
    return replace(r1cs, b=SparseMatrix(b.rows, b.cols, doubled, b.n_rows, b.n_cols))


def test_a_different_circuit_fails(r1cs: R1CS, chain: list[Groth16Zkey]) -> None:
    longer = compile_circuit(MulChain(CHAIN_LENGTH + 1)).r1cs
    failures = only_failures(zkey_verify(longer, PTAU, chain[-1]))
    assert failures == [f"different circuit parameters: nVars = {r1cs.n_wires}, the initial key has {longer.n_wires}"]
    failures = only_failures(zkey_verify(_scaled_b(r1cs), PTAU, chain[-1]))
    assert "circuit hash (csHash) differs from the initial key's: the zkey is for another circuit" in failures
    assert any(f.startswith("B1 section is not identical") for f in failures)


def test_development_key_is_reported(r1cs: R1CS) -> None:
    development = zkey_from_proving_key(setup_development(r1cs))
    result = zkey_verify(r1cs, PTAU, development)
    assert result.development
    assert only_failures(result) == [
        (
            "the zkey is a development key (one-party setup whose maker knew the toxic waste), "
            "not the result of a phase-2 ceremony on this circuit and ptau"
        )
    ]


def test_contributions_do_not_launder_a_development_key(r1cs: R1CS) -> None:
    development = zkey_from_proving_key(setup_development(r1cs))
    contributed = zkey_contribute(development, name="eve").zkey
    result = zkey_verify(r1cs, PTAU, contributed)
    assert result.development
    assert any("development key" in failure for failure in only_failures(result))


def _with_last_record(zkey: Groth16Zkey, **changes: Any) -> Groth16Zkey:
    records = list(zkey.contributions.contributions)
    records[-1] = replace(records[-1], **changes)
    contributions = ZkeyContributions(b"", zkey.contributions.cs_hash, tuple(records))
    return replace(zkey, contributions=contributions)


def test_off_curve_h_point_raises_a_typed_error(chain: list[Groth16Zkey], initial: Groth16Zkey) -> None:
    final = chain[-1]
    xy = final.h_query.xy.copy()
    xy[4, 1, 0] ^= 1
    with pytest.raises(CurveError, match="zkey H section"):
        zkey_verify_from_init(initial, replace(final, h_query=G1Points(xy)))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"params": bytes([2])}, FormatError),
        ({"params": bytes([3, 40, 1])}, FormatError),
        ({"transcript": bytes(63)}, FormatError),
        ({"g1_s": G1Points(G1Points.generator().xy + 1)}, CurveError),
        ({"g1_sx": G1Points.random(2)}, FormatError),
    ],
    ids=["exp_without_value", "hash_past_end", "short_transcript", "off_curve", "two_points"],
)
def test_malformed_contribution_raises_a_typed_error(
    chain: list[Groth16Zkey], initial: Groth16Zkey, changes: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        zkey_verify_from_init(initial, _with_last_record(chain[-1], **changes))


# --- the batched section check against its plain twin -------------------------------


def test_section_check_agrees_with_pointwise_pairings(chain: list[Groth16Zkey], initial: Groth16Zkey) -> None:
    """One random combination per section ⇔ every point has the ratio δ_init : δ_final."""
    final = chain[-1]
    for changed in ([], [0], [2, 9], list(range(len(final.h_query)))):
        h = final.h_query
        for index in changed:
            h = _bump(h, index)
        forged = replace(final, h_query=h)
        pointwise = [
            same_ratio(initial.h_query[i], forged.h_query[i], forged.header.delta2, initial.header.delta2)
            for i in range(len(h))
        ]
        assert [i for i, ok in enumerate(pointwise) if not ok] == changed
        batched = zkey_verify_from_init(initial, forged)
        assert batched.ok == all(pointwise)
