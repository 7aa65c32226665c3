"""Groth16 proving, as snarkjs's ``groth16 prove`` computes it — one proof or many.

With witness w, QAP quotient evaluations h (``r1cs_to_qap``) and fresh r, s:

    A = α + Σⱼ wⱼ·Aⱼ(τ) + r·δ                       (in G1)
    B = β + Σⱼ wⱼ·Bⱼ(τ) + s·δ                       (in G2, and its G1 twin B₁)
    C = Σⱼ₍private₎ wⱼ·lⱼ + Σᵢ hᵢ·Hᵢ + s·A + r·B₁ − r·s·δ   (in G1)

The heavy work is five MSMs (A, B₁, B₂, C, H) and six NTTs per proof. Many proofs
under one key are K scalar vectors over the same bases: ``prove_batch`` runs each
MSM as one ``msm_many`` over a chunk of witnesses, with independent r, s per proof.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..curve import msm_many
from ..errors import ProofError
from ..field import Fr, FieldVector
from .data_structures import Proof, ProvingKey
from .r1cs_to_qap import quotient_evaluations

#: Field elements of scalars a chunk of proofs may hold at once (bounds memory: ~32 bytes each, ×3).
CHUNK_ELEMENTS = 1 << 22


def _check_witness(pk: ProvingKey, witness: FieldVector, index: int = 0) -> None:
    where = f"witness {index}: " if index else ""
    if witness.field is not Fr:
        raise ProofError(f"{where}the witness must be an Fr vector, got {witness.field.name}")
    if len(witness) != pk.n_wires:
        raise ProofError(f"{where}the witness has {len(witness)} values, the proving key expects {pk.n_wires}")
    if witness[0].to_ints() != [1]:
        raise ProofError(f"{where}witness wire 0 must be the constant 1")


def _prove_chunk(pk: ProvingKey, witnesses: Sequence[FieldVector], r: FieldVector, s: FieldVector) -> list[Proof]:
    """Proofs for witnesses (already checked) with blinding vectors r, s of the same length."""
    h = [quotient_evaluations(pk.qap, w) for w in witnesses]
    private = [w[pk.n_public + 1 :] for w in witnesses]
    delta = pk.delta_g1
    a = msm_many(pk.a_query, witnesses) + pk.vk.alpha_g1 + delta * r
    b = msm_many(pk.b_g2_query, witnesses) + pk.vk.beta_g2 + pk.vk.delta_g2 * s
    b1 = msm_many(pk.b_g1_query, witnesses) + pk.beta_g1 + delta * s
    c = msm_many(pk.l_query, private) + msm_many(pk.h_query, h) + a * s + b1 * r - delta * (r * s)
    return [Proof(a=a[i], b=b[i], c=c[i]) for i in range(len(witnesses))]


def prove_with_randomness(pk: ProvingKey, witness: FieldVector, r: int, s: int) -> Proof:
    """The proof for ``witness`` with the given blinding scalars (tests use fixed r, s)."""
    _check_witness(pk, witness)
    return _prove_chunk(pk, [witness], Fr.from_int(r % Fr.modulus), Fr.from_int(s % Fr.modulus))[0]


def prove(pk: ProvingKey, witness: FieldVector) -> Proof:
    """A zero-knowledge proof for ``witness`` (Fr vector, wire 0 = 1) with fresh r, s from ``secrets``.

    The witness is not checked against the constraints here; an unsatisfying
    witness yields a proof that does not verify.
    """
    _check_witness(pk, witness)
    return _prove_chunk(pk, [witness], Fr.random(1), Fr.random(1))[0]


def default_chunk_size(pk: ProvingKey) -> int:
    """Proofs per chunk so that a chunk's scalars stay within ``CHUNK_ELEMENTS``."""
    return max(1, min(256, CHUNK_ELEMENTS // (pk.n_wires + pk.domain_size)))


def prove_batch(
    pk: ProvingKey,
    witnesses: Sequence[FieldVector],
    *,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Proof]:
    """One proof per witness, each with its own fresh r, s; MSMs shared across a chunk.

    ``progress(n)`` is called after each chunk with the number of proofs it finished.
    Every proof is exactly what :func:`prove` would produce with the same r, s.
    """
    for index, witness in enumerate(witnesses):
        _check_witness(pk, witness, index)
    size = chunk_size or default_chunk_size(pk)
    if size < 1:
        raise ProofError(f"chunk_size must be at least 1, got {size}")
    proofs: list[Proof] = []
    for start in range(0, len(witnesses), size):
        chunk = witnesses[start : start + size]
        proofs.extend(_prove_chunk(pk, chunk, Fr.random(len(chunk)), Fr.random(len(chunk))))
        if progress is not None:
            progress(len(chunk))
    return proofs
