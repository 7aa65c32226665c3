"""The rate table: defaults, deployment files, validation and the pricing check."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from zkreceipt.errors import ReceiptError
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    PricingError,
    RateTable,
    UnknownModelError,
    active_rate_table,
    check_pricing,
    load_rate_table,
    parse_rate_table,
    parse_receipt,
)


def test_default_rates() -> None:
    assert DEFAULT_RATE_TABLE.rate("llama3.2") == Decimal(2)
    assert DEFAULT_RATE_TABLE.rate_fp("llama3.2:1b") == 500_000
    assert DEFAULT_RATE_TABLE.rate_fp("codellama") == 2_500_000
    assert DEFAULT_RATE_TABLE.rate_fp("stable-diffusion") == 5_000_000
    assert DEFAULT_RATE_TABLE.models == ("codellama", "llama3.2", "llama3.2:1b", "stable-diffusion")


def test_unknown_model_names_the_known_ones() -> None:
    with pytest.raises(
        UnknownModelError, match=r"^model: 'gpt-9' has no rate in the rate table \(known models: codellama"
    ):
        DEFAULT_RATE_TABLE.rate_fp("gpt-9")


def test_source_receipt_prices_exactly(receipt_document: dict[str, Any]) -> None:
    computation = check_pricing(parse_receipt(receipt_document))
    assert (computation.price_fp, computation.remainder) == (5_000_000, 0)


def test_price_off_by_one_micro_token_states_the_expected_price(receipt_document: dict[str, Any]) -> None:
    for price in ("5.000001", "4.999999"):
        with pytest.raises(PricingError, match=r"^price: stated .* gives expected price 5\.000000"):
            check_pricing(parse_receipt({**receipt_document, "price": price}))


def test_price_is_floored_to_micro_tokens(receipt_document: dict[str, Any]) -> None:
    rates = RateTable({"m": 333_333})  # 0.333333 per unit
    receipt = parse_receipt({**receipt_document, "model": "m", "units": "0.001", "price": "0.000333"})
    computation = check_pricing(receipt, rates)
    assert (computation.price_fp, computation.remainder) == (333, 333)
    with pytest.raises(PricingError, match="expected price 0.000333"):
        check_pricing(parse_receipt({**receipt_document, "model": "m", "units": "0.001", "price": "0.000334"}), rates)


def test_deployment_file_replaces_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rates.json"
    path.write_text(json.dumps({"rates": {"mistral": "1.25", "llama3.2": 3}}))
    table = load_rate_table(path)
    assert table.rate_fp("mistral") == 1_250_000 and table.rate_fp("llama3.2") == 3_000_000
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    assert active_rate_table() is DEFAULT_RATE_TABLE
    monkeypatch.setenv("ZKRECEIPT_RATES", str(path))
    assert active_rate_table() == table
    assert active_rate_table(path) == table
    assert parse_rate_table(table.to_dict()) == table


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"rates": {"m": "0.0000001"}}, r"^rates\.m: 0\.0000001 has more than 6 decimal places"),
        ({"rates": {"m": "-1"}}, r"^rates\.m: must not be negative"),
        ({"rates": {"m": 0}}, r"^rates\.m: a rate must be positive"),
        ({"rates": {"m": "281474976.710656"}}, r"^rates\.m: 281474976\.710656 is too large for the circuit"),
        ({"rates": {"m": 1.5}}, r"^rates\.m: a float is not exact"),
        ({"rates": {}}, r"^rates: the rate table is empty"),
        ({"rates": []}, r"^rates: must be an object"),
        ({"rates": {"m": 1}, "currency": "x"}, r"^currency: unknown field"),
        ({}, r"^rates: missing required field"),
        ({"rates": {"": 1}}, r"must not be empty"),
    ],
)
def test_bad_rate_tables_are_named(document: dict[str, Any], message: str) -> None:
    with pytest.raises(ReceiptError, match=message):
        parse_rate_table(document)


def test_bad_rate_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rates.json"
    path.write_text('{"rates": {"m": "abc"}}')
    with pytest.raises(ReceiptError, match=f"^{path}: rates.m: must be a decimal number"):
        load_rate_table(path)
    with pytest.raises(ReceiptError, match="cannot read the rate table"):
        load_rate_table(tmp_path / "missing.json")


def test_rate_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        DEFAULT_RATE_TABLE.rates_fp["llama3.2"] = 1  # type: ignore[index]
