"""The witness solver's steps run by a compiled interpreter over Montgomery limbs.

A receipt witness needs ~46,000 big-int products (Poseidon's linear layers); in
compiled 4-limb Montgomery arithmetic they cost ~30 ns each instead of ~300 ns.
:func:`compile_program` flattens the product, quotient and linear steps into arrays:

* ``kinds[i]``, ``outs[i]``: step i's kind and output wire;
* ``first[i]``, ``second[i]``: its linear combinations (left/right, numerator/denominator,
  or the linear step's terms; −1 when unused), as indices into ``combo_start``;
* combination c is terms ``combo_start[c] … combo_start[c+1] − 1`` of ``term_wires``
  (int64) and ``term_coeffs`` ((t, 4) uint64, Montgomery), ``term_is_one`` marking
  coefficient 1 (no multiplication needed).

Hint steps (user Python functions) stop the interpreter: :func:`run_steps` returns
there, the hint runs on Python ints, and the interpreter resumes after it. The plain
twin is the Python-int solver (``solver.solve_plain``), which runs the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..field import FieldVector, Fr
from ..field import _montgomery as mont
from ..field.prime_field import int_to_words
from .solver_steps import (
    DivisionByZero,
    HintStep,
    LinearStep,
    ProductStep,
    QuotientStep,
    Step,
    Terms,
    evaluate,
)

PRODUCT, QUOTIENT, LINEAR, HINT = 0, 1, 2, 3
#: r − 2: a^(r−2) = a⁻¹ in Fr.
_INVERSE_EXPONENT = int_to_words(Fr.modulus - 2)


@dataclass(frozen=True)
class CompiledProgram:
    """The steps as arrays (see the module docstring); ``steps`` keeps the hint steps' objects."""

    steps: tuple[Step, ...]
    kinds: np.ndarray
    outs: np.ndarray
    first: np.ndarray
    second: np.ndarray
    combo_start: np.ndarray
    term_wires: np.ndarray
    term_coeffs: np.ndarray
    term_is_one: np.ndarray


def compile_program(steps: tuple[Step, ...]) -> CompiledProgram:
    """Flatten ``steps`` into the interpreter's arrays."""
    kinds = np.full(len(steps), HINT, dtype=np.int8)
    outs = np.zeros(len(steps), dtype=np.int64)
    first = np.full(len(steps), -1, dtype=np.int64)
    second = np.full(len(steps), -1, dtype=np.int64)
    combo_start = [0]
    wires: list[int] = []
    coeffs: list[int] = []

    def add(terms: Terms) -> int:
        for wire, coeff in terms:
            wires.append(wire)
            coeffs.append(coeff)
        combo_start.append(len(wires))
        return len(combo_start) - 2

    for i, step in enumerate(steps):
        if isinstance(step, ProductStep):
            kinds[i], outs[i], first[i], second[i] = PRODUCT, step.out, add(step.left), add(step.right)
        elif isinstance(step, QuotientStep):
            kinds[i], outs[i] = QUOTIENT, step.out
            first[i], second[i] = add(step.numerator), add(step.denominator)
        elif isinstance(step, LinearStep):
            kinds[i], outs[i], first[i] = LINEAR, step.out, add(step.terms)
    return CompiledProgram(
        steps=steps,
        kinds=kinds,
        outs=outs,
        first=first,
        second=second,
        combo_start=np.array(combo_start, dtype=np.int64),
        term_wires=np.array(wires, dtype=np.int64),
        term_coeffs=Fr.from_ints(coeffs).limbs,
        term_is_one=np.array([c == 1 for c in coeffs], dtype=np.bool_),
    )


@mont.device
def _combination(values, c, combo_start, term_wires, term_coeffs, term_is_one, pt, ninv):  # type: ignore[no-untyped-def]
    acc = (np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(0))
    for t in range(combo_start[c], combo_start[c + 1]):
        v = mont.load(values, term_wires[t])
        if not term_is_one[t]:
            v = mont.mont_mul(mont.load(term_coeffs, t), v, pt, ninv)
        acc = mont.add_mod(acc, v, pt)
    return acc


@njit(cache=True)
def run_steps(values, start, kinds, outs, first, second, combo_start, term_wires, term_coeffs, term_is_one, one, inverse_exponent, p, ninv):  # type: ignore[no-untyped-def]
    """Run steps ``start`` … on ``values`` ((n_wires, 4) Montgomery) until a hint step.

    Returns the index of the hint step it stopped at, ``len(kinds)`` when done, or
    −(i + 1) when quotient step i divides by zero.
    """
    pt = (p[0], p[1], p[2], p[3])
    unit = (one[0], one[1], one[2], one[3])
    for i in range(start, kinds.shape[0]):
        kind = kinds[i]
        if kind == HINT:
            return i
        x = _combination(values, first[i], combo_start, term_wires, term_coeffs, term_is_one, pt, ninv)
        if kind == LINEAR:
            mont.store(values, outs[i], x)
            continue
        y = _combination(values, second[i], combo_start, term_wires, term_coeffs, term_is_one, pt, ninv)
        if kind == QUOTIENT:
            if mont.is_zero(y):
                return -(i + 1)
            y = mont.mont_pow(y, inverse_exponent, unit, pt, ninv)
        mont.store(values, outs[i], mont.mont_mul(x, y, pt, ninv))
    return kinds.shape[0]


def _run_hint(step: HintStep, values: np.ndarray) -> None:
    """Evaluate the hint's inputs on Python ints, call it, store its (checked) outputs."""
    wires = sorted({wire for terms in step.inputs for wire, _ in terms})
    known = dict(zip(wires, FieldVector(Fr, values[wires]).to_ints(), strict=True))
    results = step.compute([evaluate(terms, known) for terms in step.inputs])  # type: ignore[arg-type]
    if step.outs:
        values[list(step.outs)] = Fr.from_ints(results).limbs


def run_compiled(program: CompiledProgram, values: np.ndarray) -> None:
    """Run every step on ``values`` ((n_wires, 4) Montgomery, inputs set); DivisionByZero as the steps raise it."""
    one = Fr.ones(1).limbs[0]
    position = 0
    total = len(program.steps)
    while position < total:
        stop = run_steps(
            values,
            position,
            program.kinds,
            program.outs,
            program.first,
            program.second,
            program.combo_start,
            program.term_wires,
            program.term_coeffs,
            program.term_is_one,
            one,
            _INVERSE_EXPONENT,
            Fr.modulus_words,
            Fr.ninv,
        )
        if stop < 0:
            step = program.steps[-stop - 1]
            assert isinstance(step, QuotientStep)
            raise DivisionByZero(step.constraint)
        if stop < total:
            hint = program.steps[stop]
            assert isinstance(hint, HintStep)
            _run_hint(hint, values)
        position = stop + 1
