"""The builder handed to ``Circuit.define``: operations, assertions, hints.

Costs, in R1CS constraints:

- ``+ - neg``, multiplication by a constant, ``constant``, ``linear_combination``,
  ``sum``: 0 (they only rewrite linear combinations);
- ``mul``/``square``: 1 per product of two non-constant operands, else 0;
- ``div``/``inverse``: 1 (b·q = a) for a non-constant divisor, else 0;
- ``assert_equal``/``assert_zero``: 1, as (a − b)·1 = 0; 0 when both sides are
  constants (a false constant assertion is refused at compile time);
- ``assert_product``: 1, as a·b = c;
- ``assert_bool``: 1, as a·(a − 1) = 0; 0 when ``a`` is already known to be a bit;
- ``hint``: 0: hint outputs are unconstrained wires until the caller constrains them;
- ``set_output``: 0 when the value is a single wire just computed, else 1.

Known bit lengths (``bit_bound``, which lets gadgets skip repeated range checks) are
never declared by a caller: the builder infers them from constraints it has just added
(see "known bit lengths" below), so a bound it reports is always one the R1CS proves.

Wire ids used while building are provisional: wire 0 is the constant 1, then
outputs, public inputs and private inputs in declaration order, then internal
wires in creation order. An output bound to an internal wire takes that wire's
place; :mod:`zkreceipt.circuit.compiler` turns the result into an R1CS with
circom's wire order.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..errors import CircuitError
from .naming import Origin, caller_site, register_builder_file
from .solver_steps import HintFunction, HintStep, LinearStep, ProductStep, QuotientStep, Step, Terms
from .variable import ONE_WIRE, R, Variable, VariableLike, as_variable, combine, scaled

_ONE_TERMS: dict[int, int] = {ONE_WIRE: 1}


@dataclass
class ConstraintList:
    """Constraints A·B = C as built: one terms dict per row of each matrix, and each row's origin."""

    a: list[dict[int, int]]
    b: list[dict[int, int]]
    c: list[dict[int, int]]
    origins: list[Origin]

    def __len__(self) -> int:
        return len(self.origins)


class CircuitAPI:
    """Collects constraints, wires and solver steps while ``define`` runs.

    ``n_input_wires``: 1 + outputs + public inputs + private inputs (wires that
    exist before ``define``); ``output_wires``: provisional ids of the outputs.
    """

    def __init__(self, n_input_wires: int, output_wires: Sequence[int]) -> None:
        self.constraints = ConstraintList([], [], [], [])
        self.steps: list[Step] = []
        self.n_wires = n_input_wires
        self.first_internal_wire = n_input_wires
        self.output_aliases: dict[int, int] = {}  # output wire -> internal wire that carries its value
        self._unset_outputs = set(output_wires)
        self._aliased_wires: set[int] = set()
        self._bit_bounds: dict[int, int] = {ONE_WIRE: 1}
        self._products: dict[int, tuple[dict[int, int], dict[int, int]]] = {}  # wire -> its factors' terms
        self._scopes: tuple[str, ...] = ()

    # --- values ------------------------------------------------------------------------

    def constant(self, value: int) -> Variable:
        """The constant ``value mod r`` (free)."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise CircuitError(f"constant must be an int, got {type(value).__name__}")
        return Variable.constant(value)

    def add(self, first: VariableLike, *rest: VariableLike) -> Variable:
        """first + rest... (free)."""
        terms = as_variable(first, "add operand").terms
        for operand in rest:
            terms = combine(terms, as_variable(operand, "add operand").terms, 1)
        return Variable(terms)

    def sub(self, a: VariableLike, b: VariableLike) -> Variable:
        """a − b (free)."""
        return Variable(combine(as_variable(a, "sub operand").terms, as_variable(b, "sub operand").terms, R - 1))

    def neg(self, a: VariableLike) -> Variable:
        """−a (free)."""
        return Variable(scaled(as_variable(a, "neg operand").terms, R - 1))

    def sum(self, operands: Sequence[VariableLike]) -> Variable:
        """Σ operands (free); 0 for an empty sequence."""
        return self.linear_combination([1] * len(operands), operands)

    def linear_combination(self, coefficients: Sequence[int], operands: Sequence[VariableLike]) -> Variable:
        """Σ coefficients[i] · operands[i] (free); coefficients are ints, reduced mod r."""
        if len(coefficients) != len(operands):
            raise CircuitError(f"linear_combination: {len(coefficients)} coefficients for {len(operands)} operands")
        sums: dict[int, int] = {}
        for coefficient, operand in zip(coefficients, operands, strict=True):
            if isinstance(coefficient, bool) or not isinstance(coefficient, int):
                raise CircuitError(f"linear_combination: coefficient {coefficient!r} is not an int")
            coefficient %= R
            if coefficient == 0:
                continue
            get = sums.get
            for wire, coeff in as_variable(operand, "linear_combination operand").terms.items():
                sums[wire] = get(wire, 0) + coefficient * coeff  # reduced once, below
        terms = {}
        for wire, total in sums.items():
            total %= R
            if total:
                terms[wire] = total
        return Variable(terms)

    def mul(self, a: VariableLike, b: VariableLike, *rest: VariableLike, label: str | None = None) -> Variable:
        """a · b · rest...: one constraint per product of two non-constant operands."""
        product = self._product(as_variable(a, "mul operand"), as_variable(b, "mul operand"), label)
        for operand in rest:
            product = self._product(product, as_variable(operand, "mul operand"), label)
        return product

    def square(self, a: VariableLike, label: str | None = None) -> Variable:
        """a² (one constraint unless a is constant)."""
        a = as_variable(a, "square operand")
        return self._product(a, a, label)

    def div(self, a: VariableLike, b: VariableLike, label: str | None = None) -> Variable:
        """a / b: one constraint b·q = a (free for a constant b). b = 0 makes the witness unsatisfiable."""
        numerator, denominator = as_variable(a, "div numerator"), as_variable(b, "div denominator")
        constant = denominator.constant_value()
        if constant is not None:
            if constant == 0:
                raise CircuitError("div: division by the constant 0")
            return Variable(scaled(numerator.terms, pow(constant, -1, R)))
        quotient = self._new_wire()
        index = self._constrain(denominator.terms, {quotient: 1}, numerator.terms, "div", label)
        self.steps.append(QuotientStep(quotient, _frozen(numerator), _frozen(denominator), index))
        return Variable({quotient: 1})

    def inverse(self, a: VariableLike, label: str | None = None) -> Variable:
        """1 / a: one constraint a·inv = 1; a = 0 makes the witness unsatisfiable."""
        return self.div(1, a, label)

    # --- assertions -----------------------------------------------------------------------

    def assert_zero(self, a: VariableLike, label: str | None = None) -> None:
        """a = 0: one constraint a·1 = 0 (none if a is a constant 0)."""
        self._assert_linear_zero(as_variable(a, "assert_zero operand"), "assert_zero", label)

    def assert_equal(self, a: VariableLike, b: VariableLike, label: str | None = None) -> None:
        """a = b: one constraint (a − b)·1 = 0 (none if both are the same constant)."""
        difference = self.sub(as_variable(a, "assert_equal operand"), as_variable(b, "assert_equal operand"))
        self._assert_linear_zero(difference, "assert_equal", label)

    def assert_product(self, a: VariableLike, b: VariableLike, c: VariableLike, label: str | None = None) -> None:
        """a · b = c: one constraint (a linear one when a or b is constant; none if all are)."""
        a, b, c = (as_variable(v, "assert_product operand") for v in (a, b, c))
        if a.constant_value() is not None or b.constant_value() is not None:
            self._assert_linear_zero(self.sub(self._product(a, b, label), c), "assert_product", label)
            return
        self._constrain(a.terms, b.terms, c.terms, "assert_product", label)
        if c.constant_value() == 0:
            self._infer_bit_from_zero_product(a, b)

    def assert_bool(self, a: VariableLike, label: str | None = None) -> None:
        """a ∈ {0, 1}: one constraint a·(a − 1) = 0, skipped when a is already known to be a bit."""
        a = as_variable(a, "assert_bool operand")
        constant = a.constant_value()
        if constant is not None:
            if constant > 1:
                raise CircuitError(f"assert_bool of the constant {constant} can never hold")
            return
        if self.bit_bound(a) == 1:
            return
        self._constrain(a.terms, combine(a.terms, _ONE_TERMS, R - 1), {}, "assert_bool", label)
        self._note_bit_bound(a, 1)

    # --- hints and outputs -------------------------------------------------------------------

    def hint(
        self, function: HintFunction, inputs: Sequence[VariableLike], n_outputs: int = 1, label: str | None = None
    ) -> list[Variable]:
        """``n_outputs`` new wires whose values ``function`` computes at solve time (no constraint).

        ``function(list of input values as ints in [0, r)) -> list of ints in [0, r)``
        (or one int when ``n_outputs == 1``). The outputs are unconstrained: the
        caller must add constraints that make any other value fail.
        """
        if not callable(function):
            raise CircuitError(f"hint function must be callable, got {type(function).__name__}")
        if isinstance(n_outputs, bool) or not isinstance(n_outputs, int) or n_outputs < 1:
            raise CircuitError(f"hint n_outputs must be a positive int, got {n_outputs!r}")
        if isinstance(inputs, (Variable, int)):
            raise CircuitError("hint inputs must be a sequence of variables, e.g. [x]")
        frozen_inputs = tuple(_frozen(as_variable(v, "hint input")) for v in inputs)
        outs = tuple(self._new_wire() for _ in range(n_outputs))
        name = label or getattr(function, "__name__", "hint")
        origin = Origin(self._scopes, "hint", name, caller_site())
        self.steps.append(HintStep(function, frozen_inputs, outs, origin.describe()))
        return [Variable({wire: 1}) for wire in outs]

    def set_output(self, output: Variable, value: VariableLike) -> None:
        """Give a declared output (``self.out`` or ``self.outs[i]``) its value.

        Free when ``value`` is exactly a wire created by this circuit and not
        already an output (the output takes that wire's place, as circom's
        ``out <== a * b`` does); otherwise one constraint value·1 = out.
        """
        wire = output.single_wire() if isinstance(output, Variable) else None
        if wire is None or wire not in self._unset_outputs:
            raise CircuitError(f"set_output: {output!r} is not an output of this circuit that still needs a value")
        self._unset_outputs.discard(wire)
        value = as_variable(value, "set_output value")
        source = value.single_wire()
        if source is not None and source >= self.first_internal_wire and source not in self._aliased_wires:
            self.output_aliases[wire] = source
            self._aliased_wires.add(source)
            self.steps.append(LinearStep(wire, ((source, 1),)))  # later uses of the output read the same value
        else:
            self.steps.append(LinearStep(wire, _frozen(value)))
            self._constrain(value.terms, _ONE_TERMS, {wire: 1}, "set_output", None)
        bound = self.bit_bound(value)
        if bound is not None:
            self._bit_bounds[wire] = bound

    @property
    def unset_outputs(self) -> frozenset[int]:
        """Provisional ids of outputs that ``set_output`` has not reached yet."""
        return frozenset(self._unset_outputs)

    # --- naming ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Prefix the names of constraints made inside the ``with`` block with ``name``."""
        saved = self._scopes
        self._scopes = saved + (name,)
        try:
            yield
        finally:
            self._scopes = saved

    @property
    def n_constraints(self) -> int:
        """Constraints so far (handy for measuring what a gadget costs)."""
        return len(self.constraints)

    # --- known bit lengths (for gadgets) ---------------------------------------------------------

    def bit_bound(self, a: VariableLike) -> int | None:
        """A proven bound n with a < 2^n, if one is known: for constants, for wires
        whose range constraints are already in the circuit, and for 1 − b with b a bit."""
        a = as_variable(a, "bit_bound operand")
        constant = a.constant_value()
        if constant is not None:
            return constant.bit_length()
        wire = a.single_wire()
        if wire is not None:
            return self._bit_bounds.get(wire)
        terms = a.terms
        if len(terms) == 2 and terms.get(ONE_WIRE) == 1:
            (other,) = (w for w in terms if w != ONE_WIRE)
            if terms[other] == R - 1 and self._bit_bounds.get(other) == 1:
                return 1
        return None

    def _note_bit_bound(self, a: Variable, n_bits: int) -> None:
        """Keep a < 2^n_bits for a single wire; only the inference rules below may call this."""
        wire = a.single_wire()
        if wire is not None and n_bits < self._bit_bounds.get(wire, n_bits + 1):
            self._bit_bounds[wire] = n_bits

    def _infer_bound_from_linear(self, terms: dict[int, int]) -> None:
        """After asserting Σ cᵢ·wᵢ = 0: if every wire but one, x, is a known bit bᵢ, then
        x = Σ kᵢ·bᵢ with kᵢ = −cᵢ/c_x; when Σ kᵢ < r that sum cannot wrap, so x ≤ Σ kᵢ as
        integers and x < 2^bitlength(Σ kᵢ). (``to_bits``'s recomposition: kᵢ = 2^i, x < 2^n.)"""
        unbounded = [wire for wire in terms if self._bit_bounds.get(wire) != 1]
        if len(unbounded) != 1:
            return
        (wire,) = unbounded
        scale = R - pow(terms[wire], -1, R)  # −1/c_x
        total = sum(coeff * scale % R for other, coeff in terms.items() if other != wire)
        if total < R:
            self._note_bit_bound(Variable({wire: 1}), total.bit_length())

    def _infer_bit_from_zero_product(self, a: Variable, b: Variable) -> None:
        """After asserting x·(1 − p) = 0 where p = x·k is a product wire: p ∈ {0, 1}
        (x ≠ 0 forces p = 1; x = 0 makes p = 0·k = 0). ``is_zero``'s two constraints."""
        for x, y in ((a, b), (b, a)):
            others = [wire for wire in y.terms if wire != ONE_WIRE]
            if len(others) != 1 or y.terms.get(ONE_WIRE) != 1 or y.terms[others[0]] != R - 1:
                continue
            factors = self._products.get(others[0])
            if factors is not None and x.terms in factors:
                self._note_bit_bound(Variable({others[0]: 1}), 1)

    # --- internals ---------------------------------------------------------------------------

    def _new_wire(self) -> int:
        wire = self.n_wires
        self.n_wires += 1
        return wire

    def _product(self, a: Variable, b: Variable, label: str | None) -> Variable:
        constant = a.constant_value()
        if constant is not None:
            return Variable(scaled(b.terms, constant))
        constant = b.constant_value()
        if constant is not None:
            return Variable(scaled(a.terms, constant))
        out = self._new_wire()
        self._constrain(a.terms, b.terms, {out: 1}, "mul", label)
        self.steps.append(ProductStep(out, _frozen(a), _frozen(b)))
        self._products[out] = (a.terms, b.terms)
        return Variable({out: 1})

    def _assert_linear_zero(self, a: Variable, operation: str, label: str | None) -> None:
        constant = a.constant_value()
        if constant is not None:
            if constant != 0:
                name = f" {label!r}" if label else ""
                raise CircuitError(f"{operation}{name} compares constants that differ: it can never hold")
            return
        self._constrain(a.terms, _ONE_TERMS, {}, operation, label)
        self._infer_bound_from_linear(a.terms)

    def _constrain(
        self, a: dict[int, int], b: dict[int, int], c: dict[int, int], operation: str, label: str | None
    ) -> int:
        """Append the constraint A·B = C; returns its index."""
        constraints = self.constraints
        constraints.a.append(a)
        constraints.b.append(b)
        constraints.c.append(c)
        constraints.origins.append(Origin(self._scopes, operation, label, caller_site()))
        return len(constraints.origins) - 1


def _frozen(variable: Variable) -> Terms:
    return tuple(variable.terms.items())


register_builder_file(__file__)
