"""The compute-receipt circuit at the R1CS level: valid witnesses under several disclosures, and every rule broken."""

from __future__ import annotations

from dataclasses import replace

import pytest
from policy_test_helpers import (
    COMPLETED_AT,
    SALT,
    STARTED_AT,
    Probed,
    example_receipt,
    probe,
    receipt_policy,
    rejection,
    solve_with,
    tampered,
    violation,
)
from zkreceipt.circuits.rate_table import RateTableTree, rate_leaf
from zkreceipt.circuits.receipt import receipt_circuit_class
from zkreceipt.circuits.receipt_policy import (
    NOTHING_DISCLOSED,
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    RateBinding,
    ReceiptDisclosure,
)

from zkreceipt.circuit.gadgets import MerkleTree
from zkreceipt.receipts import DEFAULT_RATE_TABLE, RateTable, receipt_commitment, text_to_field
from zkreceipt.ledger.statements import Statement, receipt_statement

ALL_FIELDS = ReceiptDisclosure(
    (
        "receipt_id",
        "job_id",
        "provider",
        "client",
        "model",
        "unit_type",
        "units_fp",
        "price_fp",
        "started_at",
        "completed_at",
    ),
    RateBinding.PUBLIC_RATE,
)


def statement_for(disclosure: ReceiptDisclosure = PRICE_AND_MODEL, **bounds: int) -> Statement:
    return receipt_statement(example_receipt(), receipt_policy(disclosure, **bounds), DEFAULT_RATE_TABLE, SALT)


@pytest.fixture(scope="module")
def table_statement() -> Statement:
    return statement_for(PRICE_AND_MODEL)


@pytest.fixture(scope="module")
def public_rate_statement() -> Statement:
    return statement_for(PUBLIC_RATE_PRICE_AND_MODEL)


@pytest.fixture(scope="module")
def probed_table() -> Probed:
    return probe(receipt_circuit_class(PRICE_AND_MODEL))


# --- valid witnesses ----------------------------------------------------------------------------


@pytest.mark.parametrize("disclosure", [PRICE_AND_MODEL, PUBLIC_RATE_PRICE_AND_MODEL, NOTHING_DISCLOSED, ALL_FIELDS])
def test_the_source_receipt_satisfies_the_circuit(disclosure: ReceiptDisclosure) -> None:
    """llama3.2, 2.5 units × 2.0 = 5.0, 3 s on one GPU, under several disclosure choices."""
    statement = statement_for(disclosure)
    witness = statement.solve()
    assert statement.compiled.r1cs.first_unsatisfied(witness.values) is None
    assert witness.public_signals == statement.public_signals
    assert witness.outputs["commitment"] == receipt_commitment(example_receipt(), SALT)
    values = statement.public_values
    for name in disclosure.public_fields:
        assert values[name] == statement.assignment[name]
    assert not set(disclosure.private_fields) & set(values)


def test_public_signal_order_is_documented_and_deterministic() -> None:
    assert statement_for(PRICE_AND_MODEL).public_signal_names == (
        "commitment",
        "not_before",
        "not_after",
        "max_duration",
        "gpu_count",
        "rate_table_root",
        "model",
        "price_fp",
    )
    assert statement_for(PUBLIC_RATE_PRICE_AND_MODEL).public_signal_names == (
        "commitment",
        "not_before",
        "not_after",
        "max_duration",
        "gpu_count",
        "rate_fp",
        "model",
        "price_fp",
    )
    statement = statement_for(NOTHING_DISCLOSED)
    assert statement.public_signal_names[-1] == "rate_table_root"
    assert statement.private_inputs[-4:] == ("salt", "rate_fp", "rate_path_siblings", "rate_path_bits")
    assert statement.public_values["rate_table_root"] == RateTableTree(DEFAULT_RATE_TABLE).root


def test_bounds_are_inclusive(table_statement: Statement) -> None:
    """Window edges, duration = max_duration and units = duration × GPUs × 1000 all pass."""
    solve_with(table_statement, not_before=STARTED_AT, not_after=COMPLETED_AT, max_duration=3)
    solve_with(table_statement, units_fp=3000, price_fp=6_000_000)


def test_floor_rounding_with_a_nonzero_remainder() -> None:
    """2 milli-units × 0.333333 = 0.000666666 tokens: price 666 micro-tokens, remainder 666."""
    rates = RateTable({"tiny": 333_333})
    receipt = replace(example_receipt(), model="tiny", units_fp=2, price_fp=666)
    statement = receipt_statement(receipt, receipt_policy(), rates, SALT)
    statement.solve()
    assert "pricing" in violation(statement, price_fp=667)  # rounded up instead of down


# --- broken rules, through the assignment ----------------------------------------------------


def test_price_off_by_one_micro_token(table_statement: Statement, public_rate_statement: Statement) -> None:
    for statement in (table_statement, public_rate_statement):
        assert "pricing" in violation(statement, price_fp=5_000_001)
        assert "pricing" in violation(statement, price_fp=4_999_999)


def test_completed_before_started(table_statement: Statement) -> None:
    assert "time" in violation(table_statement, started_at=COMPLETED_AT, completed_at=STARTED_AT)


def test_duration_over_the_bound(table_statement: Statement) -> None:
    assert "time" in violation(table_statement, max_duration=2)


@pytest.mark.parametrize(
    "changes", [{"not_before": STARTED_AT + 1}, {"not_after": COMPLETED_AT - 1}, {"not_before": 0, "not_after": 5}]
)
def test_timestamps_outside_the_window(table_statement: Statement, changes: dict[str, int]) -> None:
    assert "time" in violation(table_statement, **changes)


def test_units_over_duration_times_gpus(table_statement: Statement) -> None:
    assert "usage" in violation(table_statement, units_fp=3001, price_fp=6_002_000)
    solve_with(table_statement, units_fp=3001, price_fp=6_002_000, gpu_count=2)
    assert "usage" in violation(table_statement, gpu_count=0)


@pytest.mark.parametrize(
    ("name", "value", "scope"),
    [
        ("units_fp", 1 << 48, "pricing"),
        ("started_at", 1 << 40, "time"),
        ("not_after", 1 << 40, "time"),
        ("max_duration", 1 << 40, "time"),
        ("gpu_count", 1 << 16, "usage"),
    ],
)
def test_one_past_each_bound(table_statement: Statement, name: str, value: int, scope: str) -> None:
    assert scope in violation(table_statement, **{name: value})


def test_public_rate_one_past_its_bound_and_wrong(public_rate_statement: Statement) -> None:
    assert "pricing" in violation(public_rate_statement, rate_fp=1 << 48)
    assert "pricing" in violation(public_rate_statement, rate_fp=2_500_000)  # codellama's rate, price unchanged


def test_wrong_rate_for_the_model_in_the_table(table_statement: Statement) -> None:
    """codellama's rate (2.5) with a consistent price fails the llama3.2 leaf; so does codellama's own path."""
    assert "rate table" in violation(table_statement, rate_fp=2_500_000, price_fp=6_250_000)
    codellama = RateTableTree(DEFAULT_RATE_TABLE).path("codellama")
    forged = {"rate_fp": 2_500_000, "price_fp": 6_250_000}
    paths = {"rate_path_siblings": list(codellama.siblings), "rate_path_bits": list(codellama.index_bits)}
    assert "rate table" in violation(table_statement, **forged, **paths)


def test_a_model_not_in_the_rate_table(table_statement: Statement) -> None:
    """An unknown model with llama3.2's path, or with the path of an empty (zero) leaf, is refused."""
    assert "rate table" in violation(table_statement, model=text_to_field("gpt-9"))
    leaves = [rate_leaf(model, rate) for model, rate in DEFAULT_RATE_TABLE.rates_fp.items()]
    empty_leaf = MerkleTree(leaves, depth=4).path(4)  # leaf 4 is padding: the table holds four models
    forged = {"rate_path_siblings": list(empty_leaf.siblings), "rate_path_bits": list(empty_leaf.index_bits)}
    assert "rate table" in violation(table_statement, model=text_to_field("gpt-9"), **forged)


def test_forged_merkle_paths(table_statement: Statement) -> None:
    siblings = list(table_statement.assignment["rate_path_siblings"])
    bits = list(table_statement.assignment["rate_path_bits"])
    assert "rate table" in violation(table_statement, rate_path_siblings=[siblings[0] + 1, *siblings[1:]])
    assert "rate table" in violation(table_statement, rate_path_bits=[1 - bits[0], *bits[1:]])
    assert "index bit 0" in violation(table_statement, rate_path_bits=[2, *bits[1:]])
    assert "rate table" in violation(table_statement, rate_table_root=table_statement.assignment["rate_table_root"] + 1)


def test_a_wrong_salt_gives_another_commitment(table_statement: Statement) -> None:
    witness = solve_with(table_statement, salt=SALT + 1)
    assert witness.outputs["commitment"] == receipt_commitment(example_receipt(), SALT + 1)
    assert witness.public_signals[0] != table_statement.public_values["commitment"]


def test_a_changed_private_field_changes_the_commitment(table_statement: Statement) -> None:
    witness = solve_with(table_statement, job_id=text_to_field("job-other"))
    assert witness.outputs["commitment"] != table_statement.public_values["commitment"]


# --- tampered witnesses (forged hints and outputs) ------------------------------------------------


def test_wrong_remainder_injected(table_statement: Statement, probed_table: Probed) -> None:
    compiled, pricing = probed_table.compiled, probed_table.wires.pricing
    witness = compiled.solve(table_statement.assignment)
    remainder = compiled.wire_index(pricing.remainder)
    assert "pricing" in rejection(compiled, tampered(witness, {remainder: 1}))


def test_forged_divmod_hint(table_statement: Statement, probed_table: Probed) -> None:
    """(q − 1, rem + 1000) keeps units·rate = q·1000 + rem but breaks rem < 1000 and price = q."""
    compiled, pricing = probed_table.compiled, probed_table.wires.pricing
    witness = compiled.solve(table_statement.assignment)
    q, rem = compiled.wire_index(pricing.quotient), compiled.wire_index(pricing.remainder)
    forged = tampered(witness, {q: 5_000_000 - 1, rem: 1000})
    assert "pricing" in rejection(compiled, forged)


def test_tampered_commitment_output(table_statement: Statement, probed_table: Probed) -> None:
    compiled, wires = probed_table.compiled, probed_table.wires
    witness = compiled.solve(table_statement.assignment)
    commitment_wire = compiled.signals[0].wires[0]
    assert compiled.evaluate(witness, wires.commitment) == table_statement.public_values["commitment"]
    assert "commitment" in rejection(compiled, tampered(witness, {commitment_wire: witness.public_signals[0] + 1}))
    assert compiled.evaluate(witness, wires.duration) == 3
    assert compiled.evaluate(witness, wires.gpu_seconds) == 3
