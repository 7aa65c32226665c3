"""The proving task a Dask worker runs: a chunk of statements in, their proofs out.

    witnesses wᵢ = solve(circuitᵢ, inputsᵢ)        (refusing any whose public signals differ from the client's)
    proofs πᵢ = groth16.prove_batch(pk, [wᵢ])        (one batched MSM per query over the chunk, fresh r, s each)

A statement the circuit refuses is reported with its position and the rest of
the chunk is proven. The key comes from the worker's cache (:mod:`.worker_keys`)
and the circuit from the factory's own cache, so only the first task of a
worker loads and compiles them; with ``tables``, the key's fixed-base tables are
built on the first chunk and reused by every later one.
"""

from __future__ import annotations

import time

from ..errors import ZkReceiptError
from ..groth16 import prove_batch
from .transfer import ProofChunk, StatementChunk
from .worker_keys import KeyFile, SentKey, worker_key


def worker_address() -> str:
    """This Dask worker's address ("local" outside a worker)."""
    from distributed import get_worker

    try:
        return str(get_worker().address)
    except ValueError:
        return "local"


def prove_chunk(key: KeyFile | SentKey, chunk: StatementChunk, tables: bool = False) -> ProofChunk:
    """Proofs of ``chunk``'s statements under ``key``; ``tables``: use (and keep) the key's fixed-base tables."""
    started, cpu = time.perf_counter(), time.process_time()
    loaded = worker_key(key)
    compiled = chunk.circuit()
    keyed = time.perf_counter()
    witnesses, positions, failures = [], [], []
    for position, statement in enumerate(chunk.statements(compiled)):
        try:
            witnesses.append(statement.solve().values)
            positions.append(position)
        except ZkReceiptError as error:
            failures.append((position, f"{type(error).__name__}: {error}"))
    solved = time.perf_counter()
    proofs = prove_batch(loaded.pk, witnesses, tables=True if tables else None) if witnesses else []
    proven = time.perf_counter()
    seconds = {"key": keyed - started, "solve": solved - keyed, "prove": proven - solved, "cpu": time.process_time() - cpu}
    return ProofChunk.of(loaded.fingerprint, worker_address(), positions, proofs, failures, seconds)
