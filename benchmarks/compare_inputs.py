"""The circuits, keys and witnesses ``compare.py`` gives both provers: the same files for each.

Each circuit is written once into its own directory in the formats snarkjs reads:
``circuit.r1cs``, ``circuit.zkey`` (zkreceipt's development setup written as a snarkjs
zkey — a powers-of-tau file big enough for 2^16 constraints is too slow to make here),
``verification_key.json`` and ``witness_<i>.wtns`` for every witness either tool proves.

Receipt witnesses come from many different receipts (models, units, timestamps, GPU
counts, policy windows, salts), drawn from a seeded ``random.Random`` so that the
zkreceipt child process can solve exactly the same receipts again when it times
witness solving (:func:`receipt_statements`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from zkreceipt.circuits.mul_chain import MulChain
from zkreceipt.circuits.receipt_policy import ReceiptPolicy

from zkreceipt.circuit import compile_circuit
from zkreceipt.field import FieldVector
from zkreceipt.formats import R1csFile, snarkjs_json, write_r1cs, write_wtns
from zkreceipt.formats.zkey_keys import write_proving_key
from zkreceipt.groth16 import setup_development
from zkreceipt.r1cs import R1CS
from zkreceipt.receipts import DEFAULT_RATE_TABLE, Receipt, expected_price
from zkreceipt.receipts.fixed_point import UNITS_SCALE
from zkreceipt.ledger.statements import Statement, receipt_statement

#: Seed of the receipt sample: fixed so both processes draw the same receipts (not a secret).
RECEIPT_SEED = 20261123
_FIRST_START = 1_737_730_800  # the example receipt's started_at


@dataclass(frozen=True)
class CircuitFiles:
    """One benchmark circuit on disk.

    ``witnesses``: .wtns paths, one per proof either tool makes (all satisfy the circuit);
    ``receipt_count``: how many of them are :func:`receipt_statements` (0 for other circuits).
    """

    name: str
    n_constraints: int
    directory: Path
    r1cs: Path
    zkey: Path
    verification_key: Path
    witnesses: tuple[Path, ...]
    receipt_count: int = 0


def receipt_statements(count: int, seed: int = RECEIPT_SEED) -> list[Statement]:
    """``count`` different valid receipt statements (default disclosure: model and price public)."""
    rng = random.Random(seed)
    models = DEFAULT_RATE_TABLE.models
    statements = []
    for index in range(count):
        started_at = _FIRST_START + rng.randrange(30 * 86_400)
        duration = rng.randrange(1, 4 * 3600)
        gpu_count = rng.randrange(1, 9)
        unpriced = Receipt(
            receipt_id=f"receipt-{seed}-{index}",
            job_id=f"job-{rng.randrange(1 << 32):08x}",
            provider=f"provider-{rng.randrange(16)}",
            client=f"client-{rng.randrange(1024)}",
            units_fp=rng.randrange(1, duration * gpu_count * UNITS_SCALE + 1),
            unit_type="gpu_seconds",
            price_fp=0,
            model=models[rng.randrange(len(models))],
            started_at=started_at,
            completed_at=started_at + duration,
        )
        receipt = replace(unpriced, price_fp=expected_price(unpriced, DEFAULT_RATE_TABLE).price_fp)
        policy = ReceiptPolicy(
            not_before=started_at - rng.randrange(86_400),
            not_after=receipt.completed_at + rng.randrange(86_400),
            max_duration=duration + rng.randrange(3600),
            gpu_count=gpu_count,
        )
        statements.append(receipt_statement(receipt, policy, DEFAULT_RATE_TABLE, rng.randrange(1, 1 << 250)))
    return statements


def _write_circuit(
    name: str, r1cs: R1CS, n_outputs: int, witnesses: list[FieldVector], directory: Path, receipt_count: int = 0
) -> CircuitFiles:
    directory.mkdir(parents=True, exist_ok=True)
    files = CircuitFiles(
        name=name,
        n_constraints=r1cs.n_constraints,
        directory=directory,
        r1cs=directory / "circuit.r1cs",
        zkey=directory / "circuit.zkey",
        verification_key=directory / "verification_key.json",
        witnesses=tuple(directory / f"witness_{i}.wtns" for i in range(len(witnesses))),
        receipt_count=receipt_count,
    )
    write_r1cs(files.r1cs, R1csFile.from_r1cs(r1cs, n_outputs=n_outputs))
    pk = setup_development(r1cs)
    write_proving_key(files.zkey, pk)
    snarkjs_json.write_verification_key(files.verification_key, pk.vk)
    for path, witness in zip(files.witnesses, witnesses, strict=True):
        write_wtns(path, witness)
    return files


def prepare_mul_chain(log_n: int, count: int, directory: Path) -> CircuitFiles:
    """MulChain(2^log_n − 2) (2^log_n − 2 constraints, domain 2^log_n) with ``count`` witnesses."""
    compiled = compile_circuit(MulChain((1 << log_n) - 2))
    witnesses = [compiled.solve({"a": 3 + i, "b": 5 + 2 * i}).values for i in range(count)]
    return _write_circuit(f"mul chain 2^{log_n}", compiled.r1cs, 1, witnesses, directory)


def prepare_receipts(count: int, directory: Path) -> CircuitFiles:
    """The receipt circuit with ``count`` witnesses of different receipts (:func:`receipt_statements`)."""
    statements = receipt_statements(count)
    compiled = statements[0].compiled
    witnesses = [statement.solve().values for statement in statements]
    return _write_circuit("receipt", compiled.r1cs, 1, witnesses, directory, receipt_count=count)
