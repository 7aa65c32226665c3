"""Groth16 proving, as snarkjs's ``groth16 prove`` computes it — one proof or many.

With witness w, QAP quotient evaluations h (``r1cs_to_qap``) and fresh r, s:

    A = α + Σⱼ wⱼ·Aⱼ(τ) + r·δ                       (in G1)
    B = β + Σⱼ wⱼ·Bⱼ(τ) + s·δ                       (in G2, and its G1 twin B₁)
    C = Σⱼ₍private₎ wⱼ·lⱼ + Σᵢ hᵢ·Hᵢ + s·A + r·B₁ − r·s·δ   (in G1)

The heavy work is five MSMs (A, B₁, B₂, C, H) and six NTTs per proof. Many proofs
under one key are K scalar vectors over the same bases: ``prove_batch`` runs each
MSM as one ``msm_many`` over a chunk of witnesses, with independent r, s per proof;
wires equal across a group of similar witnesses are summed once, and large batches
use fixed-base tables of the key's bases (``prover_bases``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..curve import G1Points, G2Points
from ..errors import ProofError
from ..field import FieldVector, Fr
from .data_structures import Proof, ProvingKey
from .prover_bases import ProverBases, prover_bases, shared_columns, similar_groups
from .r1cs_to_qap import quotient_evaluations_many

#: Field elements of scalars a chunk of proofs may hold at once (bounds memory: ~32 bytes each, ×3).
CHUNK_ELEMENTS = 1 << 22
#: From this many proofs in one ``prove_batch`` call on, the key's fixed-base tables are built
#: (once per key: about the CPU time of twenty proofs' MSMs, repaid by ~35 % less MSM time per proof).
TABLE_MIN_PROOFS = 64


def _check_witness(pk: ProvingKey, witness: FieldVector, index: int = 0) -> None:
    where = f"witness {index}: " if index else ""
    if witness.field is not Fr:
        raise ProofError(f"{where}the witness must be an Fr vector, got {witness.field.name}")
    if len(witness) != pk.n_wires:
        raise ProofError(f"{where}the witness has {len(witness)} values, the proving key expects {pk.n_wires}")
    if witness[0].to_ints() != [1]:
        raise ProofError(f"{where}witness wire 0 must be the constant 1")


@dataclass(frozen=True)
class WitnessSums:
    """Per witness: Σⱼ wⱼ·Aⱼ(τ)·G, Σⱼ wⱼ·Bⱼ(τ)·H, Σⱼ wⱼ·Bⱼ(τ)·G and Σⱼ₍private₎ wⱼ·lⱼ (K points each)."""

    a: G1Points
    b_g2: G2Points
    b_g1: G1Points
    l: G1Points


def witness_sums(
    pk: ProvingKey, bases: ProverBases, witnesses: Sequence[FieldVector], shared_wires: bool = True
) -> WitnessSums:
    """The four witness MSMs of every witness, group by group (``similar_groups``): each
    group's shared wires are summed once (``shared_wires=False``: one group, every wire
    summed per witness). Equal to the per-witness MSMs over all wires."""
    sharing = shared_wires and len(witnesses) > 1
    groups = similar_groups(witnesses) if sharing else [np.arange(len(witnesses))]
    first_private = pk.n_public + 1
    parts = []
    for members in groups:
        group = [witnesses[int(i)] for i in members]
        shared = shared_columns(group) if sharing else np.zeros(pk.n_wires, dtype=bool)
        private = [w[first_private:] for w in group]
        parts.append(
            WitnessSums(
                bases.a.msm_many(group, shared),
                bases.b_g2.msm_many(group, shared),
                bases.b_g1.msm_many(group, shared),
                bases.l.msm_many(private, shared[first_private:]),
            )
        )
    order = np.argsort(np.concatenate(groups))  # back from group order to the witnesses' order
    return WitnessSums(
        G1Points.concatenate([p.a for p in parts])[order],
        G2Points.concatenate([p.b_g2 for p in parts])[order],
        G1Points.concatenate([p.b_g1 for p in parts])[order],
        G1Points.concatenate([p.l for p in parts])[order],
    )


def _prove_chunk(
    pk: ProvingKey,
    witnesses: Sequence[FieldVector],
    r: FieldVector,
    s: FieldVector,
    bases: ProverBases | None = None,
    shared_wires: bool = True,
) -> list[Proof]:
    """Proofs for witnesses (already checked) with blinding vectors r, s of the same length."""
    bases = bases or ProverBases.plain(pk)
    h = quotient_evaluations_many(pk.qap, witnesses)
    sums = witness_sums(pk, bases, witnesses, shared_wires)
    delta = pk.delta_g1
    a = sums.a + pk.vk.alpha_g1 + delta * r
    b = sums.b_g2 + pk.vk.beta_g2 + pk.vk.delta_g2 * s
    b1 = sums.b_g1 + pk.beta_g1 + delta * s
    c = sums.l + bases.h.msm_many(h) + a * s + b1 * r - delta * (r * s)
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
    return _prove_chunk(pk, [witness], Fr.random(1), Fr.random(1), prover_bases(pk))[0]


def default_chunk_size(pk: ProvingKey) -> int:
    """Proofs per chunk so that a chunk's scalars stay within ``CHUNK_ELEMENTS``."""
    return max(1, min(256, CHUNK_ELEMENTS // (pk.n_wires + pk.domain_size)))


def prove_batch(
    pk: ProvingKey,
    witnesses: Sequence[FieldVector],
    *,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    tables: bool | None = None,
    shared_wires: bool = True,
) -> list[Proof]:
    """One proof per witness, each with its own fresh r, s; MSMs shared across a chunk.

    ``progress(n)`` is called after each chunk with the number of proofs it finished.
    ``tables``: use the key's fixed-base tables (default: when there are at least
    ``TABLE_MIN_PROOFS`` witnesses, or the key's tables already exist).
    ``shared_wires=False`` sums every wire of every witness (no wire is summed once for a
    group): for measuring what the batch costs without the data's shared wires.
    Every proof is exactly what :func:`prove` would produce with the same r, s.
    """
    for index, witness in enumerate(witnesses):
        _check_witness(pk, witness, index)
    size = chunk_size or default_chunk_size(pk)
    if size < 1:
        raise ProofError(f"chunk_size must be at least 1, got {size}")
    if tables is None and len(witnesses) >= TABLE_MIN_PROOFS:
        tables = True
    bases = prover_bases(pk, tables)
    proofs: list[Proof] = []
    for start in range(0, len(witnesses), size):
        chunk = witnesses[start : start + size]
        proofs.extend(_prove_chunk(pk, chunk, Fr.random(len(chunk)), Fr.random(len(chunk)), bases, shared_wires))
        if progress is not None:
            progress(len(chunk))
    return proofs
