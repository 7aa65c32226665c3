"""``zkey_contribute`` / ``zkey_beacon`` without Node: the key still proves, δ moved by the
contribution's secret, C and H scaled by its inverse, and the record is what snarkjs writes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from phase2_setup_helpers import POT10, mul_chain

from zkreceipt.curve import G1Points, G2Points, pairing_check
from zkreceipt.errors import FormatError
from zkreceipt.formats import read_zkey, write_zkey
from zkreceipt.formats.zkey_file import CANONICAL_SECTION_ORDER
from zkreceipt.formats.zkey_keys import proving_key_from_zkey
from zkreceipt.groth16 import prove, verify
from zkreceipt.phase2.contribute import (
    BEACON_TYPE,
    CONTRIBUTION_TYPE,
    zkey_beacon,
    zkey_beacon_files,
    zkey_contribute,
)
from zkreceipt.phase2.rng import rng_from_beacon
from zkreceipt.phase2.sampling import fr_from_rng
from zkreceipt.phase2.setup import zkey_new
from zkreceipt.phase2.transcript import contribution_hash, contribution_transcript

BEACON = bytes(range(1, 33))


@pytest.fixture(scope="module")
def circuit():  # type: ignore[no-untyped-def]
    return mul_chain(5)


@pytest.fixture(scope="module")
def initial(circuit):  # type: ignore[no-untyped-def]
    return zkey_new(circuit[0], POT10)


@pytest.fixture(scope="module")
def contributed(initial):  # type: ignore[no-untyped-def]
    return zkey_contribute(initial, name="alice", entropy="some entropy")


def same_ratio(a1: G1Points, b1: G1Points, a2: G2Points, b2: G2Points) -> bool:
    """e(a1, b2) = e(b1, a2): b1 = x·a1 and b2 = x·a2 for one x."""
    return pairing_check(G1Points.concatenate([a1, -b1]), G2Points.concatenate([b2, a2]))


def test_contributed_key_proves_and_verifies(contributed, circuit) -> None:  # type: ignore[no-untyped-def]
    r1cs, witness = circuit
    pk = proving_key_from_zkey(contributed.zkey)
    public = witness[1 : r1cs.n_public + 1]
    proof = prove(pk, witness)
    assert verify(pk.vk, public, proof)
    assert not verify(proving_key_from_zkey(contributed.zkey).vk, public + 1, proof)


def test_delta_moves_and_c_h_scale_by_its_inverse(initial, contributed) -> None:  # type: ignore[no-untyped-def]
    before, after = initial, contributed.zkey
    g1, g2 = G1Points.generator(), G2Points.generator()
    assert not (after.header.delta1 == before.header.delta1).all()
    assert same_ratio(g1, after.header.delta1, g2, after.header.delta2)  # δ₁, δ₂ carry one δ
    # C·δ and H·δ are unchanged: e(C_after, δ₂_after) = e(C_before, δ₂_before), pointwise.
    for name in ("c_query", "h_query"):
        old, new = getattr(before, name), getattr(after, name)
        assert not (old == new).any(), name
        for i in (0, len(old) // 2, len(old) - 1):
            assert same_ratio(new[i], old[i], before.header.delta2, after.header.delta2), (name, i)
    for name in ("ic", "a_query", "b1_query", "b2_query"):
        assert (getattr(after, name) == getattr(before, name)).all(), name
    for name in ("alpha1", "beta1", "beta2", "gamma2"):
        assert (getattr(after.header, name) == getattr(before.header, name)).all(), name
    assert after.coefficients is before.coefficients
    assert after.section_order == CANONICAL_SECTION_ORDER


def test_contribution_record_and_hash(initial, contributed) -> None:  # type: ignore[no-untyped-def]
    record = contributed.zkey.contributions.contributions[-1]
    assert (record.type, record.name) == (CONTRIBUTION_TYPE, "alice")
    assert record.params == bytes((1, 5)) + b"alice"
    assert (record.delta_after == contributed.zkey.header.delta1).all()
    cs_hash = initial.contributions.cs_hash
    assert contributed.zkey.contributions.cs_hash == cs_hash
    assert record.transcript == contribution_transcript(cs_hash, (), record.g1_s, record.g1_sx)
    assert contributed.contribution_hash == contribution_hash(record)
    # proof of knowledge: (S, x·S) and (δ_before, δ_after) have the same ratio as (SP, x·SP)
    from zkreceipt.phase2.sampling import hash_to_g2

    sp = hash_to_g2(record.transcript)
    assert same_ratio(record.g1_s, record.g1_sx, sp, record.g2_spx)
    assert same_ratio(initial.header.delta1, record.delta_after, sp, record.g2_spx)


def test_fresh_secret_each_time(initial) -> None:  # type: ignore[no-untyped-def]
    one = zkey_contribute(initial, entropy="same")
    two = zkey_contribute(initial, entropy="same")
    assert not (one.zkey.header.delta1 == two.zkey.header.delta1).all()
    assert one.zkey.contributions.contributions[0].params == b""


def test_chain_of_contributions_and_beacon_round_trips(contributed, circuit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "k1.zkey"
    write_zkey(path, contributed.zkey)
    out = tmp_path / "k2.zkey"
    digest = zkey_beacon_files(path, out, BEACON, 10, name="beacon ✓")
    final = read_zkey(out)
    first, beacon = final.contributions.contributions
    assert beacon.type == BEACON_TYPE and beacon.name == "beacon ✓"
    assert beacon.params == bytes((1, 10)) + "beacon ✓".encode() + bytes((2, 10, 3, 32)) + BEACON
    assert beacon.transcript == contribution_transcript(final.contributions.cs_hash, (first,), beacon.g1_s, beacon.g1_sx)
    assert digest == contribution_hash(beacon)
    # the beacon's secret is the first Fr its RNG draws: δ_after = x·δ_before
    x = fr_from_rng(rng_from_beacon(BEACON, 10))
    assert (beacon.delta_after == contributed.zkey.header.delta1 * x).all()
    assert out.stat().st_mode & 0o777 == 0o600
    r1cs, witness = circuit
    pk = proving_key_from_zkey(final)
    assert verify(pk.vk, witness[1 : r1cs.n_public + 1], prove(pk, witness))


def test_beacon_is_deterministic(initial) -> None:  # type: ignore[no-untyped-def]
    a = zkey_beacon(initial, BEACON, 10)
    b = zkey_beacon(initial, BEACON, 10)
    c = zkey_beacon(initial, BEACON[::-1], 10)
    assert a.contribution_hash == b.contribution_hash != c.contribution_hash
    assert (a.zkey.h_query == b.zkey.h_query).all()


def test_development_key_stays_marked(initial) -> None:  # type: ignore[no-untyped-def]
    dev = replace(initial, development=True)
    assert zkey_contribute(dev, entropy="e").zkey.development


@pytest.mark.parametrize(("beacon", "exp"), [(b"", 10), (BEACON, 9), (BEACON, 64), (bytes(256), 10)])
def test_bad_beacon_parameters_raise(initial, beacon: bytes, exp: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FormatError):
        zkey_beacon(initial, beacon, exp)
