"""A tiny R1CS with a known witness, shared by the Groth16 tests."""

from __future__ import annotations

from zkreceipt.field import Fr
from zkreceipt.r1cs import R1CS, SparseMatrix

R = Fr.modulus


def cube_r1cs() -> R1CS:
    """Wires [1, out, offset, x, x2, x3]: x·x = x2, x2·x = x3, (x3 + x + offset)·1 = out.

    Public: out (an output) and offset (a public input).
    """
    a = [(0, 3, 1), (1, 4, 1), (2, 5, 1), (2, 3, 1), (2, 2, 1)]
    b = [(0, 3, 1), (1, 3, 1), (2, 0, 1)]
    c = [(0, 4, 1), (1, 5, 1), (2, 1, 1)]
    return R1CS(
        n_wires=6,
        n_public=2,
        a=SparseMatrix.from_entries(a, 3, 6),
        b=SparseMatrix.from_entries(b, 3, 6),
        c=SparseMatrix.from_entries(c, 3, 6),
    )


def cube_witness(x: int, offset: int) -> list[int]:
    return [1, (x**3 + x + offset) % R, offset, x, x * x % R, x**3 % R]
