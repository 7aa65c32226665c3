"""Shared pieces of the Solidity verifier tests: the statements proved and the compiled contracts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zkreceipt.curve import G1Points, G2Points
from zkreceipt.circuit import Circuit, PrivateInput, PublicInput, PublicOutput, compile_circuit
from zkreceipt.groth16 import Proof, VerifyingKey, prove, setup_development


class ScaledCube(Circuit):
    """y = x³·scale + offset: public signals (y, offset, scale)."""

    y = PublicOutput()
    x = PrivateInput()
    offset = PublicInput()
    scale = PublicInput()

    def define(self, api: Any) -> None:
        cube = api.mul(api.mul(self.x, self.x), self.x)
        api.set_output(self.y, api.mul(cube, self.scale) + self.offset)


@dataclass(frozen=True)
class Statement:
    vk: VerifyingKey
    proof: Proof
    public: list[int]


@dataclass(frozen=True)
class Contract:
    """One compiled verifier: its source, solc's output for it, and the selector of verifyProof."""

    source: str
    abi: list[dict[str, Any]]
    bytecode: str
    method_identifiers: dict[str, str]
    warnings: list[str]

    @property
    def selector(self) -> str:
        (identifier,) = self.method_identifiers.values()
        return "0x" + identifier


def random_key(n_public: int) -> VerifyingKey:
    """A verification key of random points with ``n_public`` public signals (for source-level tests)."""
    return VerifyingKey(
        alpha_g1=G1Points.random(1),
        beta_g2=G2Points.random(1),
        gamma_g2=G2Points.random(1),
        delta_g2=G2Points.random(1),
        gamma_abc_g1=G1Points.random(n_public + 1),
    )


def prove_statement(circuit: Circuit, inputs: dict[str, int]) -> Statement:
    compiled = compile_circuit(circuit)
    witness = compiled.solve(inputs)
    key = setup_development(compiled.r1cs)
    return Statement(key.vk, prove(key, witness.values), [int(s) for s in witness.public_signals])
