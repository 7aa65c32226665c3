"""PoseidonChain(k): k chained Poseidon(2) hashes.

Private inputs seed, salt; h₀ = seed, hᵢ = Poseidon(hᵢ₋₁, salt); the public
output is h_k. Cost: 240·k + 1 constraints (the last hash is a linear
combination, so binding it to the output costs one constraint).
"""

from __future__ import annotations

from zkreceipt.circuit import Circuit, CircuitAPI, PrivateInput, PublicOutput
from zkreceipt.circuit.errors import ParameterError
from zkreceipt.circuit.gadgets import poseidon_gadget, poseidon_hash


class PoseidonChain(Circuit):
    """k ≥ 1 chained Poseidon hashes (see the module docstring)."""

    digest = PublicOutput()
    seed = PrivateInput()
    salt = PrivateInput()

    def __init__(self, k: int) -> None:
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ParameterError(f"PoseidonChain: k must be a positive int, got {k!r}")
        self.k = k

    def define(self, api: CircuitAPI) -> None:
        digest = self.seed
        for _ in range(self.k):
            digest = poseidon_gadget(api, [digest, self.salt])
        api.set_output(self.digest, digest)


def poseidon_chain_native(seed: int, salt: int, k: int) -> int:
    """The output of PoseidonChain(k) with Python ints."""
    digest = seed
    for _ in range(k):
        digest = poseidon_hash([digest, salt])
    return digest
