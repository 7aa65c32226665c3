"""A batch of statements proven on a Dask cluster, chunk by chunk, answered in completion order.

The client cuts the batch into chunks of ``chunk_size`` statements and keeps
about two chunks per worker thread in flight (memory stays bounded for any
batch, and a worker that joins gets work at once). As each chunk comes back it
checks that the worker proved with the batch's key, verifies the proofs against
its *own* public signals (one batched pairing check per chunk, ~1 % of the
proving time: nothing a worker returns is written unchecked), and yields one
outcome per statement: its proof, or a :class:`ChunkError` saying why not.

Faults:

* a worker killed mid-chunk: the scheduler runs the chunk again on another
  worker; the client receives each chunk's answer once, so each statement is
  yielded once;
* a chunk whose workers die ``distributed.scheduler.allowed-failures`` times
  (default 3): ``KilledWorker``, its statements fail, the other chunks go on;
* a statement the circuit refuses: it fails, the rest of its chunk is proven;
* a task that raises: its statements fail, the other chunks go on;
* a worker that cannot load the key (KeyLoadError), holds another key, or a
  cancelled batch (scheduler lost): ClusterError, the batch stops — every
  chunk would fail the same way.

Leaving the iteration early (an exception in the caller, Ctrl-C) cancels the
chunks still in flight.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import pickle
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from distributed import Client, Future, KilledWorker, as_completed

from ..errors import ZkReceiptError
from ..groth16 import Proof, ProvingKey
from ..groth16.batch_verifier import verify_batch
from ..groth16.prover import TABLE_MIN_PROOFS
from ..ledger.statements import Statement
from .errors import ChunkError, ClusterError, KeyLoadError
from .transfer import CircuitFactory, ProofChunk, StatementChunk
from .worker import prove_chunk
from .worker_keys import KeyFile, SentKey, key_fingerprint

logger = logging.getLogger(__name__)

#: Statements per task when none is given: the batching gain of ``prove_batch`` is mostly there
#: at 16–32, and smaller chunks spread a batch over more workers and lose less to a dead worker.
CLUSTER_CHUNK_SIZE = 32
#: Chunks in flight per worker thread: one proving, one waiting (its transfer overlaps the proving).
IN_FLIGHT_PER_THREAD = 2

Outcome = Proof | ChunkError


@dataclass(frozen=True)
class ChunkReport:
    """What one chunk cost: ``worker_seconds`` by phase on the worker ("key", "solve", "prove", and "cpu");
    ``round_trip`` from submission to answer (includes waiting in the queue); ``client`` the
    client's time to decode and verify; ``request_bytes``/``answer_bytes`` pickled sizes."""

    number: int
    worker: str
    size: int
    failed: int
    request_bytes: int
    answer_bytes: int
    worker_seconds: dict[str, float]
    round_trip: float
    client: float


def _worker_threads(client: Client) -> int:
    return max(1, sum(client.nthreads().values()))


def _all_failed(chunk: range, reason: str) -> list[tuple[int, Outcome]]:
    return [(index, ChunkError(reason)) for index in chunk]


def _answer(future: Future, number: int) -> ProofChunk | str:
    """The chunk's answer, or why the whole chunk failed; ClusterError when the batch cannot go on."""
    try:
        return future.result()
    except KeyLoadError:
        raise
    except (asyncio.CancelledError, concurrent.futures.CancelledError):
        raise ClusterError(f"the cluster cancelled chunk {number} (scheduler lost or shut down)") from None
    except KilledWorker as error:
        return f"lost: the workers running chunk {number} died ({error})"
    except Exception as error:  # the task raised (a bug or a worker out of memory): this chunk fails, the rest go on
        return f"chunk {number} failed on a worker: {type(error).__name__}: {error}"


def _outcomes(
    answer: ProofChunk, chunk: range, statements: Sequence[Statement], proving_key: ProvingKey
) -> list[tuple[int, Outcome]]:
    """Each statement's proof (verified against the client's public signals) or failure."""
    outcomes: dict[int, Outcome] = {
        chunk[p]: ChunkError(f"refused on worker {answer.worker}: {reason}") for p, reason in answer.failures
    }
    indices = [chunk[p] for p in answer.positions]
    try:
        proofs = answer.proofs()
        verdicts = verify_batch(proving_key.vk, [list(statements[i].public_signals) for i in indices], proofs).valid
    except ZkReceiptError as error:
        return _all_failed(chunk, f"worker {answer.worker} returned malformed proofs ({error})")
    for index, proof, valid in zip(indices, proofs, verdicts, strict=True):
        outcomes[index] = proof if valid else ChunkError(f"the proof from worker {answer.worker} does not verify")
    missing = [i for i in chunk if i not in outcomes]
    if missing:
        return _all_failed(chunk, f"worker {answer.worker} answered for {len(outcomes)} of {len(chunk)} statements")
    return [(index, outcomes[index]) for index in chunk]


def prove_statements_on(
    client: Client,
    proving_key: ProvingKey,
    statements: Sequence[Statement],
    circuit: CircuitFactory,
    *,
    chunk_size: int | None = None,
    key_file: str | Path | None = None,
    on_chunk: Callable[[ChunkReport], None] | None = None,
) -> Iterator[list[tuple[int, Outcome]]]:
    """Prove ``statements`` (all of ``circuit``, under ``proving_key``) on ``client``'s cluster.

    Yields, per chunk in completion order, ``[(index, proof or ChunkError), …]``
    for the chunk's statement indices. ``key_file``: a file every worker can
    read holding ``proving_key`` (loaded once per worker); without it the key
    is sent to each worker once. ``on_chunk`` receives a :class:`ChunkReport`
    per chunk (with pickled sizes: measured only when it is given).
    """
    if chunk_size is not None and chunk_size < 1:
        raise ClusterError(f"chunk_size must be at least 1, got {chunk_size}")
    if not statements:
        return
    size = chunk_size or CLUSTER_CHUNK_SIZE
    fingerprint = key_fingerprint(proving_key)
    key: KeyFile | Future = (
        KeyFile.of(key_file)
        if key_file is not None
        else client.scatter(SentKey(proving_key, fingerprint), broadcast=True, hash=False)
    )
    tables = len(statements) >= TABLE_MIN_PROOFS * _worker_threads(client)
    batch = secrets.token_hex(6)
    waiting = iter(enumerate(range(start, min(start + size, len(statements))) for start in range(0, len(statements), size)))
    running: dict[Future, tuple[int, range, float, int]] = {}
    completed = as_completed(loop=client.loop)

    def submit_more() -> None:
        limit = IN_FLIGHT_PER_THREAD * _worker_threads(client)
        while len(running) < limit and (item := next(waiting, None)) is not None:
            number, chunk = item
            request = StatementChunk.of(circuit, [statements[i] for i in chunk])
            request_bytes = len(pickle.dumps(request, protocol=5)) if on_chunk else 0
            future = client.submit(prove_chunk, key, request, tables, key=f"zkreceipt-prove-{batch}-{number}", pure=False)
            running[future] = (number, chunk, time.perf_counter(), request_bytes)
            completed.add(future)

    try:
        submit_more()
        for future in completed:
            number, chunk, submitted, request_bytes = running.pop(future)
            arrived = time.perf_counter()
            answer = _answer(future, number)
            if isinstance(answer, str):
                outcomes, worker, seconds, answer_bytes = _all_failed(chunk, answer), "?", {}, 0
            else:
                if answer.key != fingerprint:
                    raise ClusterError(f"worker {answer.worker} holds another proving key than the client's")
                outcomes, worker, seconds = _outcomes(answer, chunk, statements, proving_key), answer.worker, answer.seconds
                answer_bytes = len(pickle.dumps(answer, protocol=5)) if on_chunk else 0
            submit_more()
            failed = sum(isinstance(outcome, ChunkError) for _, outcome in outcomes)
            logger.info("chunk proven", extra={"chunk": number, "worker": worker, "proofs": len(chunk) - failed, "failed": failed})
            if on_chunk is not None:
                done = time.perf_counter()
                on_chunk(ChunkReport(number, worker, len(chunk), failed, request_bytes, answer_bytes, seconds, arrived - submitted, done - arrived))
            yield outcomes
    finally:
        if running:
            client.cancel(list(running))
        if isinstance(key, Future):
            key.release()

