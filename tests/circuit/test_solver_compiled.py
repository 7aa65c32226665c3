"""The compiled solver against its plain twin (Python ints): same witnesses, same errors."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

import pytest
from zkreceipt.circuits.invoice_policy import (
    API_INVOICES,
    FUNCTION_INVOICES,
    InvoicePolicy,
)
from zkreceipt.circuits.receipt_policy import (
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    ReceiptPolicy,
)

from zkreceipt.circuit import (
    Circuit,
    CompiledCircuit,
    ConstraintViolation,
    HintError,
    PrivateInput,
    PublicInput,
    PublicOutput,
    R,
    Witness,
    compile_circuit,
)
from zkreceipt.circuit.solver import solve_plain
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    expected_price,
    parse_invoice,
    read_receipt_file,
)
from zkreceipt.receipts.example_files import example_path
from zkreceipt.ledger.statements import invoice_statement, receipt_statement


def plain(compiled: CompiledCircuit, assignment: dict[str, Any]) -> Witness:
    return solve_plain(compiled.program, compiled.r1cs, compiled.signals, assignment, compiled.r1cs.constraint_names)


def assert_same(a: Witness, b: Witness) -> None:
    assert a.values.to_ints() == b.values.to_ints()
    assert a.public_signals == b.public_signals and a.outputs == b.outputs


class Mixed(Circuit):
    """Every step kind: products with coefficients, a quotient, hints (one and many outputs), linear outputs."""

    ratio = PublicOutput()
    total = PublicOutput(count=2)
    xs = PublicInput(count=3)
    d = PrivateInput()

    def define(self, api):  # type: ignore[no-untyped-def]
        x0, x1, x2 = self.xs
        product = api.mul(3 * x0 + x1 + 7, R - 5 * x2 + x1)
        cube = api.mul(product, product, product)
        api.set_output(self.ratio, api.div(cube + x0, self.d + 1))
        low, high = api.hint(lambda v: [v[0] % 2**64, v[0] >> 64], [cube], n_outputs=2)
        api.assert_equal(low + high * 2**64, cube)
        (half,) = api.hint(lambda v: v[0] * pow(2, -1, R) % R, [product + cube])
        api.assert_equal(half * 2, product + cube)
        api.set_output(self.total[0], cube + 2 * half)
        api.set_output(self.total[1], x2)


@pytest.fixture(scope="module")
def mixed() -> CompiledCircuit:
    return compile_circuit(Mixed())


def test_every_step_kind_matches_the_plain_solver(mixed: CompiledCircuit) -> None:
    edges = [0, 1, 2, R - 1, R - 2, (R - 1) // 2]
    cases = [{"xs": [a, b, c], "d": d} for a, b, c, d in zip(edges, edges[1:] + edges[:1], edges[2:] + edges[:2], edges)]
    cases += [{"xs": [secrets.randbelow(R) for _ in range(3)], "d": secrets.randbelow(R - 1)} for _ in range(10)]
    for assignment in cases:
        if assignment["d"] == R - 1:
            continue  # d + 1 = 0: covered below
        assert_same(mixed.solve(assignment), plain(mixed, assignment))


def test_errors_match_the_plain_solver(mixed: CompiledCircuit) -> None:
    zero_divisor = {"xs": [1, 2, 3], "d": R - 1}
    for solver in (mixed.solve, lambda a: plain(mixed, a)):
        with pytest.raises(ConstraintViolation, match="divides by zero"):
            solver(zero_divisor)

    class BadHint(Circuit):
        x = PrivateInput()

        def define(self, api):  # type: ignore[no-untyped-def]
            (y,) = api.hint(lambda v: R + v[0], [self.x], label="overflowing hint")
            api.assert_equal(y, self.x)

    compiled = compile_circuit(BadHint())
    for solver in (compiled.solve, lambda a: plain(compiled, a)):
        with pytest.raises(HintError, match="'overflowing hint' .*: output 0 = .* is not an int in \\[0, r\\)"):
            solver({"x": 4})


@pytest.mark.parametrize("disclosure", [PRICE_AND_MODEL, PUBLIC_RATE_PRICE_AND_MODEL], ids=lambda d: d.key)
def test_receipt_witnesses_match_the_plain_solver(disclosure) -> None:  # type: ignore[no-untyped-def]
    example = read_receipt_file(example_path("compute_receipt.json"))
    for model in DEFAULT_RATE_TABLE.models:
        unpriced = replace(example, model=model, units_fp=example.units_fp - secrets.randbelow(1000))
        receipt = replace(unpriced, price_fp=expected_price(unpriced, DEFAULT_RATE_TABLE).price_fp)
        policy = ReceiptPolicy(
            not_before=receipt.started_at - 10, not_after=receipt.completed_at + 10, max_duration=60, gpu_count=1,
            disclosure=disclosure,
        )
        statement = receipt_statement(receipt, policy, DEFAULT_RATE_TABLE, secrets.randbelow(R))
        assert_same(statement.solve(), plain(statement.compiled, dict(statement.assignment)))


@pytest.mark.parametrize(("name", "shape", "memory_limit"), [("invoice_function.json", FUNCTION_INVOICES, 1 << 28), ("invoice_api.json", API_INVOICES, None)])
def test_invoice_witnesses_match_the_plain_solver(name: str, shape, memory_limit: int | None) -> None:  # type: ignore[no-untyped-def]
    invoice = parse_invoice(example_path(name).read_text())
    statement = invoice_statement(invoice, InvoicePolicy(shape=shape, memory_limit=memory_limit), secrets.randbelow(R))
    assert_same(statement.solve(), plain(statement.compiled, dict(statement.assignment)))
