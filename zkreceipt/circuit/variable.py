"""Circuit variables: linear combinations of wires.

Every value inside ``define`` is a :class:`Variable`, i.e. a linear combination
Σ cᵢ·wᵢ of wires over Fr, with wire 0 the constant 1. Adding, subtracting,
negating and scaling by a constant only rewrite coefficients, so they cost no
constraint; multiplying two non-constant variables needs ``api.mul``.
"""

from __future__ import annotations

from ..errors import CircuitError
from ..field import Fr

R = Fr.modulus  #: the BN254 scalar field order; circuit values live in [0, R)

ONE_WIRE = 0


class Variable:
    """A linear combination of wires.

    ``terms`` maps a wire index to its coefficient in [1, R); zero coefficients
    are dropped and repeated wires merged. The constant c is ``{0: c}``, and 0
    is the empty combination. Treat ``terms`` as read-only: variables share them.
    """

    __slots__ = ("terms",)

    def __init__(self, terms: dict[int, int]) -> None:
        self.terms = terms

    @classmethod
    def constant(cls, value: int) -> Variable:
        """The constant ``value mod R`` (negative values wrap, as in field arithmetic)."""
        value %= R
        return cls({ONE_WIRE: value} if value else {})

    @classmethod
    def wire(cls, index: int) -> Variable:
        return cls({index: 1})

    # --- inspection -----------------------------------------------------------------

    def constant_value(self) -> int | None:
        """The value if this combination uses no wire but the constant one, else None."""
        terms = self.terms
        if not terms:
            return 0
        if len(terms) == 1 and ONE_WIRE in terms:
            return terms[ONE_WIRE]
        return None

    def single_wire(self) -> int | None:
        """The wire index if this combination is exactly 1·wᵢ with i ≠ 0, else None."""
        if len(self.terms) != 1:
            return None
        ((index, coeff),) = self.terms.items()
        return index if coeff == 1 and index != ONE_WIRE else None

    # --- linear arithmetic (free) -------------------------------------------------------

    def __add__(self, other: VariableLike) -> Variable:
        return Variable(combine(self.terms, as_variable(other, "operand").terms, 1))

    __radd__ = __add__

    def __sub__(self, other: VariableLike) -> Variable:
        return Variable(combine(self.terms, as_variable(other, "operand").terms, R - 1))

    def __rsub__(self, other: VariableLike) -> Variable:
        return Variable(combine(as_variable(other, "operand").terms, self.terms, R - 1))

    def __neg__(self) -> Variable:
        return Variable(scaled(self.terms, R - 1))

    def __mul__(self, other: VariableLike) -> Variable:
        factor = as_variable(other, "operand")
        k = factor.constant_value()
        if k is None:
            k = self.constant_value()
            if k is None:
                raise CircuitError("multiplying two circuit variables costs a constraint: use api.mul(a, b)")
            return Variable(scaled(factor.terms, k))
        return Variable(scaled(self.terms, k))

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        raise CircuitError(
            "a circuit variable has no truth value while the circuit is defined; "
            "use api.select / api.assert_* instead of if/and/or/=="
        )

    def __repr__(self) -> str:
        parts = [("" if c == 1 else f"{c}·") + ("1" if w == ONE_WIRE else f"w{w}") for w, c in self.terms.items()]
        return f"Variable({' + '.join(parts) or '0'})"


VariableLike = Variable | int


def as_variable(value: VariableLike, what: str) -> Variable:
    """``value`` as a Variable; ints become constants. Anything else raises CircuitError naming ``what``."""
    if isinstance(value, Variable):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Variable.constant(value)
    raise CircuitError(f"{what} must be a circuit Variable or an int, got {type(value).__name__}")


def combine(left: dict[int, int], right: dict[int, int], factor: int) -> dict[int, int]:
    """Terms of left + factor·right, merged, with zero coefficients dropped (factor in [0, R))."""
    if len(right) > len(left) and factor == 1:
        left, right = right, left
    out = dict(left)
    for wire, coeff in right.items():
        total = (out.get(wire, 0) + factor * coeff) % R
        if total:
            out[wire] = total
        else:
            out.pop(wire, None)
    return out


def scaled(terms: dict[int, int], factor: int) -> dict[int, int]:
    """Terms of factor·terms (factor reduced mod R; 0 gives the empty combination)."""
    factor %= R
    if factor == 0:
        return {}
    if factor == 1:
        return terms
    return {wire: coeff * factor % R for wire, coeff in terms.items()}
