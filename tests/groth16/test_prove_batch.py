"""Batch proving: every proof verifies on its own and matches the single prover."""

from __future__ import annotations

import pytest
from groth16_helpers import cube_witness

from zkreceipt.errors import ProofError
from zkreceipt.field import Fr
from zkreceipt.groth16 import ProvingKey, prove_batch, verify, verify_batch
from zkreceipt.groth16 import prover as prover_module


def witnesses(count: int) -> list[list[int]]:
    return [cube_witness(x, 2 * x + 1) for x in range(count)]


@pytest.mark.parametrize("chunk_size", [None, 1, 3])
def test_batch_proofs_verify(cube_key: ProvingKey, chunk_size: int | None) -> None:
    ws = witnesses(7)
    seen: list[int] = []
    proofs = prove_batch(cube_key, [Fr.from_ints(w) for w in ws], chunk_size=chunk_size, progress=seen.append)
    assert len(proofs) == 7 and sum(seen) == 7
    for w, proof in zip(ws, proofs):
        assert verify(cube_key.vk, w[1:3], proof)
    assert verify_batch(cube_key.vk, [w[1:3] for w in ws], proofs).all_valid


def test_batch_matches_single_prover_with_the_same_randomness(cube_key: ProvingKey, monkeypatch) -> None:
    ws = [Fr.from_ints(w) for w in witnesses(3)]
    r, s = Fr.from_ints([11, 12, 13]), Fr.from_ints([21, 22, 23])
    batch = prover_module._prove_chunk(cube_key, ws, r, s)
    for i, w in enumerate(ws):
        single = prover_module.prove_with_randomness(cube_key, w, 11 + i, 21 + i)
        assert (single.a == batch[i].a).all() and (single.b == batch[i].b).all() and (single.c == batch[i].c).all()


def test_each_proof_gets_fresh_randomness(cube_key: ProvingKey) -> None:
    w = Fr.from_ints(cube_witness(4, 9))
    first, second = prove_batch(cube_key, [w, w])
    assert not (first.a == second.a).all()


def test_bad_witness_in_a_batch_is_named(cube_key: ProvingKey) -> None:
    ws = [Fr.from_ints(w) for w in witnesses(3)]
    ws[2] = Fr.from_ints([1, 2])
    with pytest.raises(ProofError, match="witness 2"):
        prove_batch(cube_key, ws)
    assert prove_batch(cube_key, []) == []
