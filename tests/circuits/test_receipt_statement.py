"""Receipt statements and policies: assignments, caching, and typed errors before any proving."""

from __future__ import annotations

from dataclasses import replace

import pytest
from policy_test_helpers import COMPLETED_AT, SALT, STARTED_AT, example_receipt, receipt_policy
from zkreceipt.circuits.errors import PolicyError, PolicyViolation
from zkreceipt.circuits.rate_table import RateTableTree
from zkreceipt.circuits.receipt import compile_receipt_circuit, receipt_circuit, receipt_circuit_class
from zkreceipt.circuits.receipt_policy import (
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    RateBinding,
    ReceiptDisclosure,
    ReceiptPolicy,
)

from zkreceipt.circuit import R
from zkreceipt.errors import ReceiptError
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    PricingError,
    RateTable,
    UnknownModelError,
    receipt_commitment,
    receipt_field_elements,
)
from zkreceipt.ledger.statements import receipt_statement


def test_statement_holds_the_assignment_and_public_values() -> None:
    receipt = example_receipt()
    statement = receipt_statement(receipt, receipt_policy(), DEFAULT_RATE_TABLE, SALT)
    fields = receipt_field_elements(receipt)
    assert statement.circuit_key == "receipt-v1;rate=table:4;public=model,price_fp"
    assert statement.public_values == {
        "commitment": receipt_commitment(receipt, SALT),
        "not_before": STARTED_AT - 1800,
        "not_after": COMPLETED_AT + 1800,
        "max_duration": 60,
        "gpu_count": 1,
        "rate_table_root": RateTableTree(DEFAULT_RATE_TABLE).root,
        "model": fields.model,
        "price_fp": 5_000_000,
    }
    assert statement.assignment["units_fp"] == 2500 and statement.assignment["rate_fp"] == 2_000_000
    assert statement.private_inputs[:8] == (
        "receipt_id",
        "job_id",
        "provider",
        "client",
        "unit_type",
        "units_fp",
        "started_at",
        "completed_at",
    )
    with pytest.raises(TypeError):
        statement.assignment["salt"] = 1  # type: ignore[index]
    assert str(SALT) not in repr(statement)


def test_compiled_circuits_are_cached_per_disclosure() -> None:
    first = receipt_statement(example_receipt(), receipt_policy(), DEFAULT_RATE_TABLE, SALT)
    other_window = receipt_policy(not_before=0, max_duration=5)
    second = receipt_statement(example_receipt(), other_window, DEFAULT_RATE_TABLE, SALT)
    assert first.compiled is second.compiled is compile_receipt_circuit(PRICE_AND_MODEL)
    assert compile_receipt_circuit(ReceiptDisclosure(["price_fp", "model"])) is first.compiled  # same shape
    assert receipt_circuit_class(PRICE_AND_MODEL) is type(receipt_circuit(PRICE_AND_MODEL))
    assert compile_receipt_circuit(PUBLIC_RATE_PRICE_AND_MODEL) is not first.compiled


def test_unknown_model_and_wrong_price_are_refused_natively() -> None:
    receipt = example_receipt()
    with pytest.raises(UnknownModelError, match="model: 'gpt-9'"):
        receipt_statement(replace(receipt, model="gpt-9"), receipt_policy(), DEFAULT_RATE_TABLE, SALT)
    with pytest.raises(PricingError, match=r"price: stated 5\.000001"):
        receipt_statement(replace(receipt, price_fp=5_000_001), receipt_policy(), DEFAULT_RATE_TABLE, SALT)
    public_rate = receipt_policy(PUBLIC_RATE_PRICE_AND_MODEL)
    with pytest.raises(UnknownModelError):
        receipt_statement(replace(receipt, model="gpt-9"), public_rate, DEFAULT_RATE_TABLE, SALT)


@pytest.mark.parametrize(
    ("bounds", "field", "message"),
    [
        ({"not_before": STARTED_AT + 1}, "started_at", "before the window start"),
        ({"not_after": COMPLETED_AT - 1}, "completed_at", "after the window end"),
        ({"max_duration": 2}, "completed_at", "exceeds max_duration = 2 s"),
    ],
)
def test_policy_violations_name_the_field(bounds: dict[str, int], field: str, message: str) -> None:
    with pytest.raises(PolicyViolation, match=message) as caught:
        receipt_statement(example_receipt(), receipt_policy(**bounds), DEFAULT_RATE_TABLE, SALT)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ReceiptError)


def test_units_over_capacity_are_refused_natively() -> None:
    receipt = replace(example_receipt(), units_fp=3001, price_fp=6_002_000)
    with pytest.raises(PolicyViolation, match=r"units: 3.001 exceeds duration × gpu_count = 3 s × 1 = 3.000"):
        receipt_statement(receipt, receipt_policy(), DEFAULT_RATE_TABLE, SALT)
    statement = receipt_statement(receipt, receipt_policy(gpu_count=2), DEFAULT_RATE_TABLE, SALT)
    statement.solve()


def test_bad_salt_and_oversized_rate_table() -> None:
    for salt in (-1, R):
        with pytest.raises(ReceiptError, match="salt"):
            receipt_statement(example_receipt(), receipt_policy(), DEFAULT_RATE_TABLE, salt)
    shallow = receipt_policy(ReceiptDisclosure(rate_table_depth=1))
    with pytest.raises(PolicyError, match="rates: 4 models do not fit in a rate table of depth 1"):
        receipt_statement(example_receipt(), shallow, DEFAULT_RATE_TABLE, SALT)
    with pytest.raises(PolicyError, match="rates: must be a RateTable"):
        receipt_statement(example_receipt(), receipt_policy(), {"llama3.2": 2_000_000}, SALT)  # type: ignore[arg-type]


def test_a_deeper_rate_table_works() -> None:
    rates = RateTable({f"model-{i}": 1_000_000 + i for i in range(40)} | {"llama3.2": 2_000_000})
    policy = receipt_policy(ReceiptDisclosure(rate_table_depth=6))
    statement = receipt_statement(example_receipt(), policy, rates, SALT)
    assert len(statement.assignment["rate_path_siblings"]) == 6
    statement.solve()


def test_disclosure_validation() -> None:
    with pytest.raises(PolicyError, match="public_fields: unknown receipt fields 'price'"):
        ReceiptDisclosure(("price",))
    with pytest.raises(PolicyError, match="public_fields: must be a collection"):
        ReceiptDisclosure("model")  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="public_fields: a public rate binds nothing unless model is public"):
        ReceiptDisclosure(("price_fp",), RateBinding.PUBLIC_RATE)
    with pytest.raises(PolicyError, match="rate_table_depth: applies only"):
        ReceiptDisclosure(("model",), RateBinding.PUBLIC_RATE, rate_table_depth=4)
    for depth in (0, 11, True):
        with pytest.raises(PolicyError, match="rate_table_depth"):
            ReceiptDisclosure(rate_table_depth=depth)
    with pytest.raises(PolicyError, match="rate_binding: must be one of"):
        ReceiptDisclosure(rate_binding="signed")  # type: ignore[arg-type]
    assert ReceiptDisclosure(("price_fp", "model", "model")).public_fields == ("model", "price_fp")
    assert (
        ReceiptDisclosure(rate_binding="public_rate", public_fields={"model"}).key
        == "receipt-v1;rate=public;public=model"
    )


def test_policy_validation() -> None:
    with pytest.raises(PolicyError, match="not_after: 9 is before not_before 10"):
        ReceiptPolicy(not_before=10, not_after=9, max_duration=1)
    with pytest.raises(PolicyError, match="gpu_count: 0 is outside"):
        ReceiptPolicy(0, 10, 1, gpu_count=0)
    with pytest.raises(PolicyError, match="gpu_count: 65536 does not fit in 16 bits"):
        ReceiptPolicy(0, 10, 1, gpu_count=1 << 16)
    with pytest.raises(PolicyError, match="not_after: 1099511627776 does not fit in 40 bits"):
        ReceiptPolicy(0, 1 << 40, 1)
    with pytest.raises(PolicyError, match="max_duration: -1 is outside"):
        ReceiptPolicy(0, 1, -1)
    with pytest.raises(PolicyError, match="max_duration: must be an int"):
        ReceiptPolicy(0, 1, 1.5)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="disclosure: must be a ReceiptDisclosure"):
        ReceiptPolicy(0, 1, 1, disclosure="PRICE_AND_MODEL")  # type: ignore[arg-type]
