"""secp256k1 accounting signatures of invoices: Ethereum addresses, signing, recovery and checks."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from zkreceipt.errors import ReceiptError, SignatureError
from zkreceipt.receipts import (
    AccountingKey,
    AccountingSignature,
    check_invoice,
    generate_accounting_key,
    invoice_digest,
    invoice_to_json,
    parse_invoice,
    recover_invoice_signer,
    sign_invoice,
    verify_invoice,
)
from zkreceipt.receipts.accounting import personal_message_digest
from zkreceipt.keccak import keccak256
from zkreceipt.receipts.secp256k1_keys import checksum_address, normalize_address

SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.mark.parametrize(
    ("secret", "address"),
    [(1, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"), (2, "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF")],
)
def test_known_addresses(secret: int, address: str) -> None:
    assert AccountingKey(secret.to_bytes(32, "big")).address == address


@pytest.mark.parametrize(
    "address",
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_eip55_vectors(address: str) -> None:
    assert checksum_address(bytes.fromhex(address[2:])) == address
    assert normalize_address(address.lower()) == address
    broken = address[:-1] + (address[-1].swapcase() if address[-1].isalpha() else address[-1])
    if broken != address:
        with pytest.raises(SignatureError, match="fails its EIP-55 checksum"):
            normalize_address(broken)


def test_personal_message_digest_layout() -> None:
    assert personal_message_digest(b"hello") == keccak256(b"\x19Ethereum Signed Message:\n5hello")


def test_sign_and_recover(function_invoice_document: dict[str, Any]) -> None:
    key = generate_accounting_key()
    signed = sign_invoice(parse_invoice(function_invoice_document), key)
    assert recover_invoice_signer(signed) == key.address
    assert verify_invoice(signed, key.address)
    assert verify_invoice(signed, key.address.lower())
    assert verify_invoice(parse_invoice(invoice_to_json(signed)), key.address)
    signature = signed.accounting_signature
    assert signature is not None and signature.v in (27, 28) and signature.s <= SECP256K1_ORDER // 2


def test_signature_is_bound_to_the_invoice(function_invoice_document: dict[str, Any]) -> None:
    key = generate_accounting_key()
    signed = sign_invoice(parse_invoice(function_invoice_document), key)
    tampered = dataclasses.replace(signed, step_gas_price_fp=151)
    assert invoice_digest(tampered) != invoice_digest(signed)
    assert not verify_invoice(tampered, key.address)
    assert not verify_invoice(signed, generate_accounting_key().address)
    assert signed.accounting_signature is not None
    flipped_v = dataclasses.replace(signed.accounting_signature, v=55 - signed.accounting_signature.v)
    assert not verify_invoice(dataclasses.replace(signed, accounting_signature=flipped_v), key.address)


def test_unsigned_and_unrecoverable(function_invoice_document: dict[str, Any]) -> None:
    invoice = parse_invoice(function_invoice_document)
    with pytest.raises(SignatureError, match="the invoice is unsigned"):
        recover_invoice_signer(invoice)
    assert not verify_invoice(invoice, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
    # r = 5 is not the x-coordinate of a secp256k1 point (5³ + 7 = 132 is a non-residue mod p)
    bogus = dataclasses.replace(invoice, accounting_signature=AccountingSignature(v=27, r=5, s=1))
    with pytest.raises(SignatureError, match="r is not the x-coordinate of a curve point"):
        recover_invoice_signer(bogus)
    assert not verify_invoice(bogus, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")


def test_malformed_expected_address_raises(function_invoice_document: dict[str, Any]) -> None:
    signed = sign_invoice(parse_invoice(function_invoice_document), generate_accounting_key())
    for bad in ("0x1234", "7E5F4552091A69125d5DfCb7b8C2659029395Bdf", 7):
        with pytest.raises(SignatureError, match="^address: must be 0x followed by 40 hex digits"):
            verify_invoice(signed, bad)  # type: ignore[arg-type]


def test_invalid_keys_and_signatures_are_refused() -> None:
    for secret in (0, SECP256K1_ORDER):
        with pytest.raises(SignatureError, match=r"must be in \[1, n\)"):
            AccountingKey(secret.to_bytes(32, "big"))
    with pytest.raises(SignatureError, match="must be 32 bytes"):
        AccountingKey(b"\x01")
    with pytest.raises(ReceiptError, match="low-s form"):
        AccountingSignature(v=27, r=1, s=SECP256K1_ORDER - 1)


def test_check_invoice(function_invoice_document: dict[str, Any]) -> None:
    key = generate_accounting_key()
    signed = sign_invoice(parse_invoice(function_invoice_document), key)
    check = check_invoice(signed, key.address)
    assert check.ok and check.signature.detail == f"signed by {key.address}"
    assert check.balance.detail == "charged 0.180000000, paid 0.150000000, penalized 0.030000000"

    function_invoice_document["lineItem"][2]["total_steps_computed"] = 100_000
    unbalanced = sign_invoice(parse_invoice(function_invoice_document), key)
    check = check_invoice(unbalanced, generate_accounting_key().address)
    assert not check.ok and not check.signature.passed and not check.balance.passed
    assert check.balance.detail.startswith("does not balance")
    assert "expected" in check.signature.detail
