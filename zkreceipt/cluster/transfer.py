"""What a proving task carries to a worker and brings back, in compact form.

A task carries a chunk of K statements without their compiled circuit (the
worker compiles the circuit once from a picklable factory and caches it): the
names shared by the chunk once, then per statement its input assignment and
public signals (about 0.7 kB for a receipt, against 75 kB for its solved
witness: 2,344 wires × 32 bytes). It brings back the proofs as three affine
point arrays, 256 bytes per proof (A, C: 64 bytes in G1; B: 128 bytes in G2),
the positions in the chunk they belong to, and a one-line reason for each
statement the worker refused. Never a key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..circuit import CompiledCircuit
from ..circuit.solver import InputValue
from ..curve import G1Points, G2Points
from ..errors import ProofError
from ..groth16 import Proof
from ..ledger.statements import Statement

#: A picklable callable returning the compiled circuit (e.g. ``partial(compile_receipt_circuit, disclosure)``).
CircuitFactory = Callable[[], CompiledCircuit]


@dataclass(frozen=True)
class StatementChunk:
    """K statements of one circuit: ``input_names`` once, then per statement its ``inputs`` and ``public_signals``."""

    circuit: CircuitFactory
    circuit_key: str
    input_names: tuple[str, ...]
    public_signal_names: tuple[str, ...]
    private_inputs: tuple[str, ...]
    inputs: tuple[tuple[InputValue, ...], ...]
    public_signals: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, circuit: CircuitFactory, statements: Sequence[Statement]) -> StatementChunk:
        """The chunk of ``statements`` (one circuit: same key, same inputs and signal names)."""
        first = statements[0]
        names = tuple(first.assignment)
        for statement in statements:
            if statement.circuit_key != first.circuit_key or tuple(statement.assignment) != names:
                raise ProofError(f"a chunk holds one circuit: {statement.circuit_key} is not {first.circuit_key}")
        return cls(
            circuit=circuit,
            circuit_key=first.circuit_key,
            input_names=names,
            public_signal_names=first.public_signal_names,
            private_inputs=first.private_inputs,
            inputs=tuple(tuple(s.assignment.values()) for s in statements),
            public_signals=tuple(s.public_signals for s in statements),
        )

    def __len__(self) -> int:
        return len(self.inputs)

    def statements(self, compiled: CompiledCircuit) -> list[Statement]:
        """The statements again, on ``compiled`` (the worker's copy of the circuit)."""
        return [
            Statement(
                circuit_key=self.circuit_key,
                compiled=compiled,
                assignment=dict(zip(self.input_names, values, strict=True)),
                public_signal_names=self.public_signal_names,
                public_signals=signals,
                private_inputs=self.private_inputs,
            )
            for values, signals in zip(self.inputs, self.public_signals, strict=True)
        ]


@dataclass(frozen=True)
class ProofChunk:
    """A task's answer: proofs of the chunk's statements at ``positions`` and the reasons the others failed.

    ``a``, ``c``: (m, 2, 4) and ``b``: (m, 2, 2, 4) uint64 affine Montgomery
    arrays (not validated here: the client's batch verification validates every
    point). ``failures``: (position, "ErrorType: message"). ``key``: the
    fingerprint of the key the worker proved with. ``worker``: its address; ``seconds``: its
    wall time per phase ("key", "solve", "prove") and its process's CPU time ("cpu").
    """

    key: str
    worker: str
    positions: tuple[int, ...]
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    failures: tuple[tuple[int, str], ...]
    seconds: dict[str, float]

    @classmethod
    def of(
        cls,
        key: str,
        worker: str,
        positions: Sequence[int],
        proofs: Sequence[Proof],
        failures: Sequence[tuple[int, str]],
        seconds: dict[str, float],
    ) -> ProofChunk:
        return cls(
            key,
            worker,
            tuple(positions),
            G1Points.concatenate([p.a for p in proofs]).xy,
            G2Points.concatenate([p.b for p in proofs]).xy,
            G1Points.concatenate([p.c for p in proofs]).xy,
            tuple(failures),
            seconds,
        )

    def proofs(self) -> list[Proof]:
        """The proofs, one per position (shapes checked only: ``CurveError``/``ProofError`` if malformed)."""
        a, b, c = G1Points(self.a), G2Points(self.b), G1Points(self.c)
        if not len(a) == len(b) == len(c) == len(self.positions):
            raise ProofError(f"{len(self.positions)} positions but {len(a)}, {len(b)}, {len(c)} proof points")
        return [Proof(a=a[i], b=b[i], c=c[i]) for i in range(len(self.positions))]
