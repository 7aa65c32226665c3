"""The benchmark circuits compile at small sizes and their witnesses check out."""

from __future__ import annotations

import pytest
from circuit_helpers import assert_rejected, tampered
from zkreceipt.circuits.mul_chain import MulChain, mul_chain_native
from zkreceipt.circuits.poseidon_chain import PoseidonChain, poseidon_chain_native

from zkreceipt.circuit import ParameterError, R, WitnessInputError, compile_circuit


@pytest.mark.parametrize("n", [1, 2, 50])
def test_mul_chain(n: int) -> None:
    compiled = compile_circuit(MulChain(n))
    assert (compiled.stats.n_constraints, compiled.stats.n_wires, compiled.stats.n_public) == (n, n + 3, 1)
    for a, b in [(3, 5), (0, 7), (R - 1, R - 2)]:
        witness = compiled.solve({"a": a, "b": b})
        assert witness.public_signals == (mul_chain_native(a, b, n),)
        compiled.r1cs.check_witness(witness.values)
    witness = compiled.solve({"a": 3, "b": 5})
    assert_rejected(compiled, tampered(witness, 1, witness.public_signals[0] + 1))


def test_mul_chain_native_is_the_recurrence() -> None:
    assert mul_chain_native(2, 3, 1) == 6
    assert mul_chain_native(2, 3, 3) == 6 * 18  # 2, 3, 6, 18, 108


def test_poseidon_chain() -> None:
    compiled = compile_circuit(PoseidonChain(3))
    assert compiled.stats.n_constraints == 3 * 240 + 1
    witness = compiled.solve({"seed": 1, "salt": 2})
    assert witness.outputs["digest"] == poseidon_chain_native(1, 2, 3)
    assert (
        poseidon_chain_native(1, 2, 1) == 7853200120776062878684798364095072458815029376092732009249414926327459813530
    )
    assert_rejected(compiled, tampered(witness, 1, witness.outputs["digest"] + 1))
    with pytest.raises(WitnessInputError, match="'salt'"):
        compiled.solve({"seed": 1, "salt": R})


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_sizes_are_validated(bad) -> None:
    with pytest.raises(ParameterError):
        MulChain(bad)
    with pytest.raises(ParameterError):
        PoseidonChain(bad)
