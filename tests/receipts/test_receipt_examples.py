"""The shipped example documents parse, verify and price correctly."""

from __future__ import annotations

import json

import pytest

from zkreceipt.errors import ReceiptError
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    check_invoice,
    check_receipt,
    load_rate_table,
    load_verify_key,
    parse_invoice,
    read_receipt_file,
)
from zkreceipt.receipts.example_files import EXAMPLE_NAMES, example_path


def test_every_example_exists() -> None:
    assert all(example_path(name).is_file() for name in EXAMPLE_NAMES)
    with pytest.raises(ReceiptError, match="no example named"):
        example_path("nope.json")


def test_example_receipt_is_the_source_receipt_and_verifies() -> None:
    receipt = read_receipt_file(example_path("compute_receipt.json"))
    assert (receipt.model, receipt.units_fp, receipt.price_fp) == ("llama3.2", 2500, 5_000_000)
    assert (receipt.started_at, receipt.completed_at) == (1737730800, 1737730803)
    check = check_receipt(receipt, load_verify_key(example_path("compute_receipt_signer.json")))
    assert check.ok, check.failures


@pytest.mark.parametrize("name", ["invoice_function.json", "invoice_api.json"])
def test_example_invoices_verify_and_balance(name: str) -> None:
    invoice = parse_invoice(example_path(name).read_bytes())
    signer = json.loads(example_path("accounting_signer.json").read_text())["address"]
    check = check_invoice(invoice, signer)
    assert check.ok, (check.signature, check.balance)


def test_example_rates_are_the_defaults() -> None:
    assert load_rate_table(example_path("rates.json")) == DEFAULT_RATE_TABLE
