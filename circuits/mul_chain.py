"""MulChain(n): n chained multiplications, the classic circom/snarkjs benchmark shape.

Private inputs a, b; t₀ = a, t₁ = b, tₖ = tₖ₋₁·tₖ₋₂ for k = 2..n+1; the public
output is t_{n+1}. Cost: exactly n constraints (the output takes the last
product's wire); n + 3 wires; 1 public signal.
"""

from __future__ import annotations

from zkreceipt.circuit import Circuit, CircuitAPI, PrivateInput, PublicOutput, R
from zkreceipt.circuit.errors import ParameterError


class MulChain(Circuit):
    """n ≥ 1 chained multiplications (see the module docstring)."""

    out = PublicOutput()
    a = PrivateInput()
    b = PrivateInput()

    def __init__(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ParameterError(f"MulChain: n must be a positive int, got {n!r}")
        self.n = n

    def define(self, api: CircuitAPI) -> None:
        previous, current = self.a, self.b
        for _ in range(self.n):
            previous, current = current, api.mul(previous, current)
        api.set_output(self.out, current)


def mul_chain_native(a: int, b: int, n: int) -> int:
    """The output of MulChain(n) on inputs a, b, with Python ints."""
    previous, current = a % R, b % R
    for _ in range(n):
        previous, current = current, previous * current % R
    return current
