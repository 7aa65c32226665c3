"""Fixed-point multiplication: exact quotient/remainder, wrong remainders, wrap-prone parameters."""

from __future__ import annotations

import random

import pytest
from circuit_helpers import compile_adhoc

from zkreceipt.circuit import ConstraintViolation, ParameterError, PrivateInput, PublicInput, PublicOutput, R
from zkreceipt.circuit.gadgets import assert_below_constant, fixed_mul, fixed_mul_bounds, fixed_mul_native, fixed_point


def fixed_mul_circuit(scale: int, a_bits: int, b_bits: int, captured: dict | None = None):
    captured = {} if captured is None else captured

    def define(self, api):
        result = fixed_mul(api, self.units, self.rate, scale, a_bits, b_bits)
        captured["result"] = result
        api.set_output(self.price, result.quotient)

    return compile_adhoc(define, price=PublicOutput(), rate=PublicInput(), units=PrivateInput())


def test_receipt_example_prices_exactly() -> None:
    """2.5 gpu-seconds (milli-units) × 2.0 tokens/unit (micro-tokens) at scale 1000 = 5.0 tokens."""
    compiled = fixed_mul_circuit(1000, 40, 64)
    witness = compiled.solve({"units": 2500, "rate": 2_000_000})
    assert witness.outputs["price"] == 5_000_000
    witness = compiled.solve({"units": 1234, "rate": 500_001})  # 617.001234 tokens, rounded down
    assert witness.outputs["price"] == 1234 * 500_001 // 1000


@pytest.mark.parametrize(
    ("scale", "a_bits", "b_bits"), [(1000, 40, 64), (1 << 20, 32, 32), (3, 8, 8), (10**6, 126, 120)]
)
def test_gadget_matches_the_native_twin_on_random_and_edge_operands(scale, a_bits, b_bits) -> None:
    captured: dict = {}
    compiled = fixed_mul_circuit(scale, a_bits, b_bits, captured)
    rng = random.Random(f"{scale}-{a_bits}-{b_bits}")
    top_a, top_b = (1 << a_bits) - 1, (1 << b_bits) - 1
    cases = [(0, 0), (top_a, top_b), (1, scale - 1), (top_a, 1), (scale, 1)]
    cases += [(rng.randrange(1 << a_bits), rng.randrange(1 << b_bits)) for _ in range(10)]
    for a, b in cases:
        a, b = a & top_a, b & top_b
        witness = compiled.solve({"units": a, "rate": b})
        expected = fixed_mul_native(a, b, scale, a_bits, b_bits)
        assert expected == divmod(a * b, scale)
        assert witness.outputs["price"] == expected.quotient
        assert compiled.evaluate(witness, captured["result"].remainder) == expected.remainder


def test_costs_follow_the_documented_formula() -> None:
    # power-of-two scale: the remainder check is one k-bit decomposition
    bounds = fixed_mul_bounds(32, 32, 1 << 20)
    assert (bounds.quotient_bits, bounds.remainder_bits) == (44, 20)
    compiled = fixed_mul_circuit(1 << 20, 32, 32)
    assert compiled.stats.n_constraints == 33 + 33 + 45 + 21 + 1
    # other scales: rem < 2^k and scale − 1 − rem < 2^k
    bounds = fixed_mul_bounds(40, 64, 1000)
    assert (bounds.quotient_bits, bounds.remainder_bits) == (95, 10)  # (2^40 − 1)(2^64 − 1) / 1000 ≈ 2^94.03
    compiled = fixed_mul_circuit(1000, 40, 64)
    assert compiled.stats.n_constraints == 41 + 65 + 96 + 2 * 11 + 1


def forging_hint(forge):
    """A replacement for the gadget's divmod hint: ``forge(q, rem, scale)`` gives the forged (q, rem)."""

    def factory(scale: int):
        def forged(values: list[int]) -> list[int]:
            q, rem = divmod(values[0] * values[1], scale)
            return [v % R for v in forge(q, rem, scale)]

        return forged

    return factory


@pytest.mark.parametrize(
    ("forge", "failing"),
    [
        # rem + 1000 = 1005 < 2^10 passes the bit check; 999 − rem < 0 is caught
        (lambda q, rem, s: (q - 1, rem + s), "assert_below_constant .* › to_bits .*recompose"),
        # rem − 1000 wraps to r − 995
        (lambda q, rem, s: (q + 1, rem - s), "assert_below_constant .* › assert_range .*recompose"),
        (lambda q, rem, s: (q - 2, rem + 2 * s), "assert_below_constant .* › assert_range .*recompose"),
        # in range, but off by one: only the product equation sees it
        (lambda q, rem, s: (q, rem + 1), "assert_product 'a·b = q·scale \\+ rem'"),
        # q wrapped to r − 1 with a remainder that balances the equation mod r
        (lambda q, rem, s: (q - 2001, rem + 2001 * s), "recompose"),
    ],
)
def test_forged_quotient_and_remainder_are_rejected(monkeypatch, forge, failing) -> None:
    """The solver recomputes every bit from the forged (q, rem), so only the constraints can refuse them."""
    compiled = fixed_mul_circuit(1000, 40, 64)
    assert compiled.solve({"units": 1, "rate": 2_000_005}).outputs["price"] == 2000  # rem = 5
    monkeypatch.setattr(fixed_point, "_divide_product_by", forging_hint(forge))
    forged = fixed_mul_circuit(1000, 40, 64)
    with pytest.raises(ConstraintViolation, match=failing):
        forged.solve({"units": 1, "rate": 2_000_005})


def test_operands_one_past_their_range_are_rejected() -> None:
    compiled = fixed_mul_circuit(1000, 16, 24)
    compiled.solve({"units": (1 << 16) - 1, "rate": (1 << 24) - 1})
    with pytest.raises(ConstraintViolation, match="fixed_mul .* › assert_range .*recompose"):
        compiled.solve({"units": 1 << 16, "rate": 5})
    with pytest.raises(ConstraintViolation, match="recompose"):
        compiled.solve({"units": 5, "rate": 1 << 24})


def test_parameters_that_could_wrap_are_refused() -> None:
    with pytest.raises(ParameterError, match="a_bits \\+ b_bits = 254"):
        fixed_mul_bounds(127, 127, 1000)
    # 126 + 127 bits: a·b < 2^253 < r, but q·7 + rem could pass r (7·2^251 > r) while q·5 + rem cannot
    with pytest.raises(ParameterError, match="with scale 7, q·scale \\+ rem could reach r"):
        fixed_mul_bounds(126, 127, 7)
    assert fixed_mul_bounds(126, 127, 5).quotient_bits == 251
    for bad_scale in (1, 0, -5, 2.5):
        with pytest.raises(ParameterError, match="scale must be an int ≥ 2"):
            fixed_mul_bounds(8, 8, bad_scale)
    with pytest.raises(ParameterError, match="fixed_mul a_bits"):
        fixed_mul_bounds(0, 8, 10)
    with pytest.raises(ParameterError, match="fixed_mul: a = 256 is not an int in \\[0, 2\\^8\\)"):
        fixed_mul_native(256, 1, 10, 8, 8)
    with pytest.raises(ParameterError):
        compile_adhoc(lambda self, api: fixed_mul(api, self.x, self.x, 7, 126, 127), x=PrivateInput())


def test_assert_below_constant() -> None:
    for bound in (2, 1000, 1024):
        compiled = compile_adhoc(lambda self, api, b=bound: assert_below_constant(api, self.x, b), x=PrivateInput())
        k = (bound - 1).bit_length()
        assert compiled.stats.n_constraints == (k + 1 if bound == 1 << k else 2 * (k + 1))
        compiled.solve({"x": 0})
        compiled.solve({"x": bound - 1})
        with pytest.raises(ConstraintViolation):
            compiled.solve({"x": bound})
        with pytest.raises(ConstraintViolation):
            compiled.solve({"x": R - 1})
    with pytest.raises(ParameterError, match="bound must be an int in \\[2, 2\\^253\\]"):
        compile_adhoc(lambda self, api: assert_below_constant(api, self.x, 1), x=PrivateInput())
