"""Batches with and without summing shared wires once give the same proofs."""

from __future__ import annotations

from groth16_helpers import cube_witness

from zkreceipt.field import Fr
from zkreceipt.groth16 import ProvingKey, prove_batch, verify
from zkreceipt.groth16 import prover as prover_module


def test_unshared_sums_equal_shared_sums_with_the_same_randomness(cube_key: ProvingKey) -> None:
    ws = [Fr.from_ints(cube_witness(x, 5)) for x in (2, 2, 3, 7)]  # the first two share every wire
    r, s = Fr.from_ints([11, 12, 13, 14]), Fr.from_ints([21, 22, 23, 24])
    shared = prover_module._prove_chunk(cube_key, ws, r, s, shared_wires=True)
    unshared = prover_module._prove_chunk(cube_key, ws, r, s, shared_wires=False)
    for a, b in zip(shared, unshared):
        assert (a.a == b.a).all() and (a.b == b.b).all() and (a.c == b.c).all()


def test_unshared_batch_proofs_verify(cube_key: ProvingKey) -> None:
    raw = [cube_witness(x, 2 * x + 1) for x in range(5)]
    proofs = prove_batch(cube_key, [Fr.from_ints(w) for w in raw], shared_wires=False)
    assert all(verify(cube_key.vk, w[1:3], proof) for w, proof in zip(raw, proofs))
    assert not verify(cube_key.vk, raw[1][1:3], proofs[0])
