"""Batch verification: all-valid batches pass, and every bad proof is found."""

from __future__ import annotations

import pytest
from groth16_helpers import cube_witness

from zkreceipt.curve import G1Points
from zkreceipt.errors import ProofError
from zkreceipt.field import Fr
from zkreceipt.groth16 import Proof, ProvingKey, prove
from zkreceipt.groth16.batch_verifier import verify_batch


@pytest.fixture(scope="module")
def batch(cube_key: ProvingKey) -> tuple[list[list[int]], list[Proof]]:
    publics, proofs = [], []
    for x in range(2, 8):
        w = cube_witness(x, x + 1)
        publics.append(w[1:3])
        proofs.append(prove(cube_key, Fr.from_ints(w)))
    return publics, proofs


def test_all_valid(cube_key: ProvingKey, batch) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = batch
    result = verify_batch(cube_key.vk, publics, proofs)
    assert result.all_valid and result.invalid_indices == []


def test_bad_proofs_are_isolated(cube_key: ProvingKey, batch) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = batch
    publics = [list(p) for p in publics]
    publics[1][0] += 1  # a wrong claim
    forged = list(proofs)
    forged[4] = Proof(a=proofs[4].a + G1Points.generator(), b=proofs[4].b, c=proofs[4].c)
    result = verify_batch(cube_key.vk, publics, forged)
    assert result.invalid_indices == [1, 4]


def test_swapped_proofs_cannot_cancel(cube_key: ProvingKey, batch) -> None:  # type: ignore[no-untyped-def]
    """Two proofs exchanged between statements: each is a valid proof, of the other statement."""
    publics, proofs = batch
    swapped = [proofs[1], proofs[0], *proofs[2:]]
    assert verify_batch(cube_key.vk, publics, swapped).invalid_indices == [0, 1]


def test_single_and_empty(cube_key: ProvingKey, batch) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = batch
    assert verify_batch(cube_key.vk, publics[:1], proofs[:1]).valid == (True,)
    assert verify_batch(cube_key.vk, [], []).valid == ()


def test_malformed_batches_raise(cube_key: ProvingKey, batch) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = batch
    with pytest.raises(ProofError, match="6 proofs but 5"):
        verify_batch(cube_key.vk, publics[:5], proofs)
    bad = [list(p) for p in publics]
    bad[3] = [bad[3][0] + Fr.modulus, bad[3][1]]
    with pytest.raises(ProofError, match="proof 3: public signal"):
        verify_batch(cube_key.vk, bad, proofs)
