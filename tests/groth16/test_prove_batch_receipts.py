"""``prove_batch`` on 72 distinct receipts through its default path, the path behind the throughput figures.

Default path: no ``chunk_size`` (the receipt key's chunks hold 256 proofs, so all 72 go in one
chunk), no ``tables`` argument (72 ≥ ``TABLE_MIN_PROOFS``, so the key's fixed-base tables are
built and used), and receipts of four models with different units, windows, GPU counts and
salts (``similar_groups`` splits the chunk into several groups with their own shared wires).
Every proof must verify on its own and equal ``prove_with_randomness`` with the r, s the batch
drew for it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from zkreceipt.circuits.receipt_policy import ReceiptPolicy

from zkreceipt.field import FieldVector, Fr
from zkreceipt.groth16 import ProvingKey, prove_batch, prove_with_randomness, setup_development, verify, verify_batch
from zkreceipt.groth16 import prover as prover_module
from zkreceipt.groth16.prover_bases import forget_tables, shared_columns, similar_groups
from zkreceipt.ledger.statements import receipt_statement
from zkreceipt.r1cs import R1CS
from zkreceipt.receipts import DEFAULT_RATE_TABLE, Receipt, expected_price

COUNT = 72
START = 1_737_730_800


def receipt_witnesses(count: int) -> tuple[R1CS, list[FieldVector], list[list[int]]]:
    """The receipt circuit, and witnesses and public signals of ``count`` valid receipts that
    differ in every private field."""
    models = DEFAULT_RATE_TABLE.models
    witnesses, publics, r1cs = [], [], None
    for i in range(count):
        started = START + 7919 * i
        duration = 60 + 37 * i
        gpus = 1 + i % 8
        unpriced = Receipt(
            receipt_id=f"receipt-{i}",
            job_id=f"job-{i:04x}",
            provider=f"provider-{i % 5}",
            client=f"client-{i % 11}",
            units_fp=1 + (i * 104729) % (duration * gpus * 1000),
            unit_type="gpu_seconds",
            price_fp=0,
            model=models[i % len(models)],
            started_at=started,
            completed_at=started + duration,
        )
        receipt = replace(unpriced, price_fp=expected_price(unpriced, DEFAULT_RATE_TABLE).price_fp)
        window = (started - 1000 - i, started + duration + 1000 + i)
        policy = ReceiptPolicy(not_before=window[0], not_after=window[1], max_duration=duration + i, gpu_count=gpus)
        statement = receipt_statement(receipt, policy, DEFAULT_RATE_TABLE, 10**40 + 7 * i)
        witness = statement.solve()
        witnesses.append(witness.values)
        publics.append(list(witness.public_signals))
        r1cs = statement.compiled.r1cs
    assert r1cs is not None
    return r1cs, witnesses, publics


@pytest.fixture(scope="module")
def receipts() -> tuple[ProvingKey, list[FieldVector], list[list[int]]]:
    r1cs, witnesses, publics = receipt_witnesses(COUNT)
    assert len({tuple(w.to_ints()) for w in witnesses}) == COUNT
    return setup_development(r1cs), witnesses, publics


def test_default_prove_batch_of_distinct_receipts(receipts, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    pk, witnesses, publics = receipts
    assert prover_module.default_chunk_size(pk) == 256 and COUNT >= prover_module.TABLE_MIN_PROOFS
    groups = similar_groups(witnesses)
    assert len(groups) > 1  # several families, each with its own shared wires
    assert not shared_columns(witnesses).all()

    chunks = []
    real_chunk = prover_module._prove_chunk

    def recording_chunk(pk_, chunk, r, s, bases=None, *rest):  # type: ignore[no-untyped-def]
        chunks.append((len(chunk), r.to_ints(), s.to_ints(), bases))
        return real_chunk(pk_, chunk, r, s, bases, *rest)

    monkeypatch.setattr(prover_module, "_prove_chunk", recording_chunk)
    forget_tables(pk)
    proofs = prove_batch(pk, witnesses)
    monkeypatch.undo()

    assert [size for size, *_ in chunks] == [COUNT]  # one default chunk
    bases = chunks[0][3]
    assert bases.a.table is not None and bases.h.table is not None  # built automatically
    r_values, s_values = chunks[0][1], chunks[0][2]
    assert len(set(r_values)) == COUNT and len(set(s_values)) == COUNT
    for i, (witness, proof) in enumerate(zip(witnesses, proofs, strict=True)):
        assert verify(pk.vk, publics[i], proof), i
        single = prove_with_randomness(pk, witness, r_values[i], s_values[i])
        assert (single.a == proof.a).all() and (single.b == proof.b).all() and (single.c == proof.c).all(), i
    assert verify_batch(pk.vk, publics, proofs).all_valid
    forget_tables(pk)
