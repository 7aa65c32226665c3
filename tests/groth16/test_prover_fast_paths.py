"""The batch prover's fast paths against their plain twins, and batch verdicts against ``verify``.

Fast paths: shared-wire MSMs and fixed-base tables (``prover_bases``), the compiled
many-witness quotient, 128-bit ρ·A and vectorized public signals in ``verify_batch``.
"""

from __future__ import annotations

import secrets

import numpy as np
import pytest
from groth16_helpers import cube_witness
from zkreceipt.circuits.mul_chain import MulChain

from zkreceipt.circuit import compile_circuit
from zkreceipt.curve import G1Points, msm
from zkreceipt.errors import CircuitError, ProofError
from zkreceipt.field import FieldVector, Fr
from zkreceipt.groth16 import (
    Proof,
    ProvingKey,
    batch_verifier,
    prove,
    prove_batch,
    setup_development,
    verify,
)
from zkreceipt.groth16 import prover as prover_module
from zkreceipt.groth16.prover import witness_sums
from zkreceipt.groth16.prover_bases import (
    ProverBases,
    forget_tables,
    prover_bases,
    shared_columns,
    similar_groups,
)
from zkreceipt.groth16.r1cs_to_qap import (
    quotient_evaluations,
    quotient_evaluations_many,
)

R = Fr.modulus


def same_x_witnesses(count: int, x: int = 5) -> list[FieldVector]:
    """Cube witnesses sharing x, x², x³ (wires 3–5) and differing in out and offset (wires 1, 2)."""
    return [Fr.from_ints(cube_witness(x, 7 + 3 * i)) for i in range(count)]


@pytest.fixture(scope="module")
def chain() -> tuple[ProvingKey, list[FieldVector]]:
    compiled = compile_circuit(MulChain(62))
    witnesses = [compiled.solve({"a": 3 + i % 2, "b": 5 + i}).values for i in range(5)]
    return setup_development(compiled.r1cs), witnesses


def test_shared_columns() -> None:
    assert shared_columns(same_x_witnesses(3)).tolist() == [True, False, False, True, True, True]
    assert shared_columns(same_x_witnesses(1)).all()
    assert shared_columns([Fr.from_ints([1, 2, 3]), Fr.from_ints([1, 2, R - 3])]).tolist() == [True, True, False]


@pytest.mark.parametrize("tables", [False, True], ids=["plain", "tables"])
def test_query_msms_with_shared_columns_match_plain_msms(cube_key: ProvingKey, tables: bool) -> None:
    bases = ProverBases.with_tables(cube_key) if tables else ProverBases.plain(cube_key)
    assert len(bases.b_g1.columns) == 2  # B uses wires 0 and 3 only: the other bases are at infinity
    witnesses = same_x_witnesses(4) + [Fr.from_ints([1, 0, R - 1, 0, 1, R - 1])]
    shared = shared_columns(witnesses)
    for query, points in ((bases.a, cube_key.a_query), (bases.b_g1, cube_key.b_g1_query), (bases.b_g2, cube_key.b_g2_query)):
        expected = [msm(points, w) for w in witnesses]
        for got in (query.msm_many(witnesses, shared), query.msm_many(witnesses[:4], shared_columns(witnesses[:4]))):
            assert all((got[i] == expected[i]).all() for i in range(len(got)))
    private = [w[3:] for w in witnesses]
    got = bases.l.msm_many(private, shared[3:])
    assert all((got[i] == msm(cube_key.l_query, p)).all() for i, p in enumerate(private))


def test_quotient_of_many_witnesses_matches_the_plain_quotient(
    cube_key: ProvingKey, chain: tuple[ProvingKey, list[FieldVector]]
) -> None:
    unsatisfying = Fr.from_ints([1] + [secrets.randbelow(R) for _ in range(5)])
    edges = Fr.from_ints([1, 0, R - 1, 1, R - 1, 0])
    for pk, witnesses in ((cube_key, [*same_x_witnesses(3), unsatisfying, edges]), chain):
        many = quotient_evaluations_many(pk.qap, witnesses)
        assert len(many) == len(witnesses)
        for w, h in zip(witnesses, many, strict=True):
            assert (h == quotient_evaluations(pk.qap, w)).all()
    assert quotient_evaluations_many(cube_key.qap, []) == []
    with pytest.raises(CircuitError, match="witness 1: expected 6 Fr values"):
        quotient_evaluations_many(cube_key.qap, [edges, Fr.from_ints([1, 2])])


@pytest.mark.parametrize("tables", [False, True], ids=["plain", "tables"])
def test_batch_chunk_equals_the_single_prover(
    cube_key: ProvingKey, chain: tuple[ProvingKey, list[FieldVector]], tables: bool
) -> None:
    for pk, witnesses in ((cube_key, same_x_witnesses(4) + same_x_witnesses(3, x=8)), chain):
        r = [secrets.randbelow(R) for _ in witnesses]
        s = [secrets.randbelow(R) for _ in witnesses]
        bases = ProverBases.with_tables(pk) if tables else ProverBases.plain(pk)
        batch = prover_module._prove_chunk(pk, witnesses, Fr.from_ints(r), Fr.from_ints(s), bases)
        for i, w in enumerate(witnesses):
            single = prover_module.prove_with_randomness(pk, w, r[i], s[i])
            assert (single.a == batch[i].a).all() and (single.b == batch[i].b).all() and (single.c == batch[i].c).all()


def test_tables_are_built_once_per_key_and_used_by_prove(chain: tuple[ProvingKey, list[FieldVector]]) -> None:
    pk, witnesses = chain
    forget_tables(pk)
    assert prover_bases(pk).a.table is None
    proofs = prove_batch(pk, witnesses, tables=True)
    cached = prover_bases(pk)
    assert cached.h.table is not None and prover_bases(pk, True) is cached
    assert prover_bases(pk, False).h.table is None
    publics = [w[1 : pk.n_public + 1].to_ints() for w in witnesses]
    assert all(verify(pk.vk, p, proof) for p, proof in zip(publics, proofs, strict=True))
    assert verify(pk.vk, publics[0], prove(pk, witnesses[0]))  # single proofs use the cached tables
    forget_tables(pk)
    assert prover_bases(pk).h.table is None


# --- batch verification -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def valid(cube_key: ProvingKey) -> tuple[list[list[int]], list[Proof]]:
    witnesses = [cube_witness(x, 2 * x + 1) for x in range(2, 14)]
    proofs = prove_batch(cube_key, [Fr.from_ints(w) for w in witnesses])
    return [w[1:3] for w in witnesses], proofs


def forge(publics: list[list[int]], proofs: list[Proof], bad: list[int]) -> tuple[list[list[int]], list[Proof]]:
    """Break the proofs at ``bad``: pairs of them get C + Δ and C − Δ (they cancel when the
    random coefficients are equal), a last odd one a doubled A or a wrong public signal."""
    publics, proofs = [list(p) for p in publics], list(proofs)
    delta = G1Points.random(1)
    for first, second in zip(bad[0::2], bad[1::2]):
        proofs[first] = Proof(proofs[first].a, proofs[first].b, proofs[first].c + delta)
        proofs[second] = Proof(proofs[second].a, proofs[second].b, proofs[second].c - delta)
    if len(bad) % 2:
        last = bad[-1]
        if secrets.randbelow(2):
            proofs[last] = Proof(proofs[last].a.double(), proofs[last].b, proofs[last].c)
        else:
            publics[last][0] = (publics[last][0] + 1) % R
    return publics, proofs


def test_batch_verdicts_equal_per_proof_verdicts_on_random_mixes(cube_key: ProvingKey, valid) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = valid
    for trial in range(6):
        bad = sorted(secrets.SystemRandom().sample(range(len(proofs)), trial))
        mixed_publics, mixed = forge(publics, proofs, bad)
        expected = tuple(verify(cube_key.vk, p, proof) for p, proof in zip(mixed_publics, mixed, strict=True))
        assert expected == tuple(i not in bad for i in range(len(proofs)))
        assert batch_verifier.verify_batch(cube_key.vk, mixed_publics, mixed).valid == expected


def test_cancelling_forgeries_pass_only_under_equal_coefficients(cube_key: ProvingKey, valid, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The forgery really cancels in a combination with equal ρ: the random ρ is what catches it."""
    publics, proofs = valid
    mixed_publics, mixed = forge(publics, proofs, [3, 8])
    assert batch_verifier.verify_batch(cube_key.vk, mixed_publics, mixed).invalid_indices == [3, 8]
    monkeypatch.setattr(batch_verifier, "_random_coefficients", lambda n: Fr.ones(n))
    assert batch_verifier.verify_batch(cube_key.vk, mixed_publics, mixed).all_valid


def test_signal_forms_give_the_same_verdicts(cube_key: ProvingKey, valid) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = valid
    mixed_publics, mixed = forge(publics, proofs, [1, 2, 5])
    expected = batch_verifier.verify_batch(cube_key.vk, mixed_publics, mixed).valid
    as_vectors = [Fr.from_ints(p) for p in mixed_publics]  # FieldVectors take the per-proof path
    as_tuples = [tuple(p) for p in mixed_publics]
    assert batch_verifier.verify_batch(cube_key.vk, as_vectors, mixed).valid == expected
    assert batch_verifier.verify_batch(cube_key.vk, as_tuples, mixed).valid == expected
    assert expected == tuple(i not in (1, 2, 5) for i in range(len(proofs)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: [p[0], R], "proof 4: public signal"),
        (lambda p: [p[0]], "proof 4: expected 2 public signals, got 1"),
        (lambda p: [p[0], -1], "proof 4: public signal"),
    ],
)
def test_bad_signals_name_their_proof(cube_key: ProvingKey, valid, change, message: str) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = valid
    bad = [list(p) for p in publics]
    bad[4] = change(bad[4])
    with pytest.raises(ProofError, match=message):
        batch_verifier.verify_batch(cube_key.vk, bad, proofs)


def test_stacked_signals_are_montgomery_rows(cube_key: ProvingKey, valid) -> None:  # type: ignore[no-untyped-def]
    publics, _ = valid
    rows = batch_verifier._signal_rows(cube_key.vk, publics)
    assert rows.shape == (len(publics), 3, 4)
    for row, signals in zip(rows, publics, strict=True):
        assert FieldVector(Fr, np.ascontiguousarray(row)).to_ints() == [1, *signals]


def test_similar_groups_partition_the_chunk_by_family() -> None:
    family_a, family_b = same_x_witnesses(5, x=5), same_x_witnesses(4, x=9)
    chunk = [family_a[0], family_b[0], family_a[1], family_b[1], family_a[2], family_b[2], *family_a[3:], family_b[3]]
    groups = similar_groups(chunk, max_groups=4)
    assert sorted(np.concatenate(groups).tolist()) == list(range(len(chunk)))
    named = sorted(sorted(int(i) for i in g) for g in groups)
    assert named == [[0, 2, 4, 6, 7], [1, 3, 5, 8]]
    assert [g.tolist() for g in similar_groups(chunk, max_groups=1)] == [list(range(len(chunk)))]
    assert [g.tolist() for g in similar_groups(same_x_witnesses(6))] == [list(range(6))]


@pytest.mark.parametrize("tables", [False, True], ids=["plain", "tables"])
def test_witness_sums_of_mixed_families_equal_plain_msms(cube_key: ProvingKey, tables: bool) -> None:
    chunk = [w for pair in zip(same_x_witnesses(3, x=5), same_x_witnesses(3, x=11), strict=True) for w in pair]
    chunk.append(Fr.from_ints([1, 0, R - 1, 0, 1, R - 1]))
    bases = ProverBases.with_tables(cube_key) if tables else ProverBases.plain(cube_key)
    sums = witness_sums(cube_key, bases, chunk)
    for i, w in enumerate(chunk):
        assert (sums.a[i] == msm(cube_key.a_query, w)).all()
        assert (sums.b_g2[i] == msm(cube_key.b_g2_query, w)).all()
        assert (sums.b_g1[i] == msm(cube_key.b_g1_query, w)).all()
        assert (sums.l[i] == msm(cube_key.l_query, w[3:])).all()
