"""Forged hints for every comparison gadget: the solver computes every wire from bits a forger
chose, so only the constraints stand between a false claim and a satisfied witness.

The hint behind all of them is ``to_bits``'s bit decomposition (``bits._low_bits``). For each
gadget and each side of the comparison, each forgery replaces one decomposition's bits:

* ``flip_top``: the honest bits with the deciding (top) bit flipped — the opposite answer;
* ``balanced``: the top bit flipped and bit 0 set to whatever keeps Σ bᵢ·2^i = value (mod r), a
  non-boolean "bit";
* ``low_bits``: the low n bits of the value (boolean, but the value does not fit, or they are
  not the value's bits);
* ``zeros``: all bits 0.

A forgery that equals the honest bits would be no forgery; every other one must break a
constraint of the gadget (its boolean or its recomposition check), named in the violation.
The forged result wire itself (the output) is also flipped in a solved witness.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from circuit_helpers import assert_rejected, compile_adhoc, tampered
from zkreceipt.circuits.ordering import assert_le_in_range

from zkreceipt.circuit import ConstraintViolation, PrivateInput, PublicInput, PublicOutput, R
from zkreceipt.circuit.gadgets import (
    assert_below_constant,
    assert_less_or_equal,
    assert_less_than,
    assert_range,
    bits,
    greater_or_equal,
    greater_than,
    less_or_equal,
    less_than,
)

N = 8
Forge = Callable[[int, int], list[int]]


def honest(value: int, n: int) -> list[int]:
    return [(value >> i) & 1 for i in range(n)]


def flip_top(value: int, n: int) -> list[int]:
    out = honest(value, n)
    out[-1] ^= 1
    return out


def balanced(value: int, n: int) -> list[int]:
    out = flip_top(value, n)
    out[0] = (value - sum(b << i for i, b in enumerate(out) if i)) % R
    return out


def low_bits(value: int, n: int) -> list[int]:
    return honest(value % (1 << n), n)


def zeros(value: int, n: int) -> list[int]:
    return [0] * n


FORGERIES: dict[str, Forge] = {"flip_top": flip_top, "balanced": balanced, "low_bits": low_bits, "zeros": zeros}


def forge_decomposition(monkeypatch: pytest.MonkeyPatch, forge: Forge, which: int = -1) -> list[bool]:
    """Make the ``which``-th bit decomposition the next compile creates (−1: the last) use ``forge``.

    Returns a list that records, at solve time, whether the forged bits differed from the honest ones.
    """
    created: list[int] = []
    differed: list[bool] = []
    honest_factory = bits._low_bits

    def factory(n_bits: int) -> Callable[[list[int]], list[int]]:
        index = len(created)
        created.append(index)
        honest_hint = honest_factory(n_bits)

        def hint(values: list[int]) -> list[int]:
            if index != (which if which >= 0 else len(created) + which):
                return honest_hint(values)
            forged = [v % R for v in forge(values[0], n_bits)]
            differed.append(forged != honest_hint(values))
            return forged

        return hint

    monkeypatch.setattr(bits, "_low_bits", factory)
    return differed


COMPARISONS = {
    less_than: ("less_than", lambda a, b: a < b),
    less_or_equal: ("less_or_equal", lambda a, b: a <= b),
    greater_than: ("less_than", lambda a, b: a > b),  # greater_than(a, b) is less_than(b, a)
    greater_or_equal: ("less_or_equal", lambda a, b: a >= b),
}
PAIRS = [(3, 200), (200, 3), (77, 77), (0, 255), (255, 0)]


def comparison_circuit(compare):  # type: ignore[no-untyped-def]
    def define(self, api):  # type: ignore[no-untyped-def]
        assert_range(api, self.a, N)
        assert_range(api, self.b, N)
        api.set_output(self.out, compare(api, self.a, self.b, N))

    return compile_adhoc(define, out=PublicOutput(), a=PublicInput(), b=PublicInput())


@pytest.mark.parametrize("forgery", list(FORGERIES))
@pytest.mark.parametrize("compare", list(COMPARISONS), ids=lambda f: f.__name__)
def test_forged_comparison_bits_are_rejected(monkeypatch: pytest.MonkeyPatch, compare, forgery: str) -> None:  # type: ignore[no-untyped-def]
    scope, _ = COMPARISONS[compare]
    differed = forge_decomposition(monkeypatch, FORGERIES[forgery])
    compiled = comparison_circuit(compare)
    for a, b in PAIRS:
        differed.clear()
        try:
            compiled.solve({"a": a, "b": b})
        except ConstraintViolation as exc:
            assert differed == [True]
            assert f"{scope} (" in exc.name and "to_bits" in exc.name, exc.name
            assert "assert_bool 'bit" in exc.name or "recompose" in exc.name, exc.name
        else:
            assert differed == [False], (a, b)  # only an unchanged decomposition may pass


@pytest.mark.parametrize("compare", list(COMPARISONS), ids=lambda f: f.__name__)
def test_honest_hints_through_the_same_patch_pass(monkeypatch: pytest.MonkeyPatch, compare) -> None:  # type: ignore[no-untyped-def]
    _, expected = COMPARISONS[compare]
    forge_decomposition(monkeypatch, honest)
    compiled = comparison_circuit(compare)
    for a, b in PAIRS:
        assert compiled.solve({"a": a, "b": b}).outputs["out"] == int(expected(a, b))


@pytest.mark.parametrize("compare", list(COMPARISONS), ids=lambda f: f.__name__)
def test_a_forged_result_is_rejected(compare) -> None:  # type: ignore[no-untyped-def]
    compiled = comparison_circuit(compare)
    for a, b in PAIRS:
        witness = compiled.solve({"a": a, "b": b})
        out = witness.outputs["out"]
        assert_rejected(compiled, tampered(witness, 1, 1 - out))


ASSERTIONS = {
    assert_less_than: lambda a, b: a < b,
    assert_less_or_equal: lambda a, b: a <= b,
}


def assertion_circuit(assertion, prechecked: bool):  # type: ignore[no-untyped-def]
    def define(self, api):  # type: ignore[no-untyped-def]
        if prechecked:
            assert_range(api, self.a, N)
            assert_range(api, self.b, N)
        assertion(api, self.a, self.b, N)

    return compile_adhoc(define, a=PrivateInput(), b=PrivateInput())


@pytest.mark.parametrize("forgery", list(FORGERIES))
@pytest.mark.parametrize("assertion", list(ASSERTIONS), ids=lambda f: f.__name__)
def test_false_assertions_cannot_be_forged(monkeypatch: pytest.MonkeyPatch, assertion, forgery: str) -> None:  # type: ignore[no-untyped-def]
    holds = ASSERTIONS[assertion]
    differed = forge_decomposition(monkeypatch, FORGERIES[forgery])
    compiled = assertion_circuit(assertion, prechecked=True)
    for a, b in itertools.product([0, 1, 100, 254, 255], repeat=2):
        differed.clear()
        if not holds(a, b):
            with pytest.raises(ConstraintViolation, match=f"{assertion.__name__} .* › to_bits "):
                compiled.solve({"a": a, "b": b})
            continue
        try:
            compiled.solve({"a": a, "b": b})
        except ConstraintViolation as exc:
            assert differed == [True] and assertion.__name__ in exc.name
        else:
            assert differed == [False], (a, b)


@pytest.mark.parametrize("which", [0, 1], ids=["a", "b"])
@pytest.mark.parametrize("assertion", list(ASSERTIONS), ids=lambda f: f.__name__)
def test_forged_operand_range_checks_are_rejected(monkeypatch: pytest.MonkeyPatch, assertion, which: int) -> None:  # type: ignore[no-untyped-def]
    """Unchecked operands are range-checked inside the gadget: a "negative" operand (r − 1) with
    forged range bits cannot slip through (a = r − 1 would make b − a − 1 = b, in range)."""
    forge_decomposition(monkeypatch, low_bits, which=which)
    compiled = assertion_circuit(assertion, prechecked=False)
    operands = {"a": 5, "b": 9}
    operands["ab"[which]] = R - 1
    with pytest.raises(ConstraintViolation, match=f"{assertion.__name__} .* › assert_range .*recompose"):
        compiled.solve(operands)


@pytest.mark.parametrize("which", [0, 1], ids=["x < 2^k", "bound − 1 − x < 2^k"])
@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_assert_below_constant_cannot_be_forged(monkeypatch: pytest.MonkeyPatch, forgery: str, which: int) -> None:
    bound = 1000  # k = 10: two decompositions, x < 2^10 and 999 − x < 2^10
    differed = forge_decomposition(monkeypatch, FORGERIES[forgery], which=which)
    compiled = compile_adhoc(lambda self, api: assert_below_constant(api, self.x, bound), x=PrivateInput())
    for x in (0, 999, 1000, 1023, 1024, R - 1):
        differed.clear()
        try:
            compiled.solve({"x": x})
        except ConstraintViolation as exc:
            assert "assert_below_constant" in exc.name and (differed[-1:] == [True] or x >= bound), x
        else:
            assert x < bound and differed == [False], x


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_assert_le_in_range_cannot_be_forged_when_its_operands_are_bounded(
    monkeypatch: pytest.MonkeyPatch, forgery: str
) -> None:
    differed = forge_decomposition(monkeypatch, FORGERIES[forgery])

    def define(self, api):  # type: ignore[no-untyped-def]
        assert_range(api, self.low, N)
        assert_range(api, self.high, N)
        assert_le_in_range(api, self.low, self.high, N)

    compiled = compile_adhoc(define, low=PrivateInput(), high=PrivateInput())
    for low, high in itertools.product([0, 1, 128, 255], repeat=2):
        differed.clear()
        try:
            compiled.solve({"low": low, "high": high})
        except ConstraintViolation as exc:
            assert "assert_le_in_range" in exc.name and (differed == [True] or low > high)
        else:
            assert low <= high and differed == [False], (low, high)


def test_assert_le_in_range_needs_its_precondition() -> None:
    """What its docstring warns: without range checks of the operands, low = r − 1 ("−1") passes
    against any small high, because high − low = high + 1 is in range. The policy circuits bound
    both operands first; with those checks the same witness is refused."""
    bare = compile_adhoc(
        lambda self, api: assert_le_in_range(api, self.low, self.high, N), low=PrivateInput(), high=PrivateInput()
    )
    bare.solve({"low": R - 1, "high": 5})  # satisfied: the precondition is the caller's to prove

    def define(self, api):  # type: ignore[no-untyped-def]
        assert_range(api, self.low, N)
        assert_le_in_range(api, self.low, self.high, N)

    with pytest.raises(ConstraintViolation, match="assert_range .*recompose"):
        compile_adhoc(define, low=PrivateInput(), high=PrivateInput()).solve({"low": R - 1, "high": 5})
