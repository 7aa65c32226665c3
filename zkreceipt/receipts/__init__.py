"""Compute receipts and invoice transcripts: models, fixed point, canonical encoding, signatures.

Typical use::

    from zkreceipt.receipts import parse_receipt, generate_signing_key, sign_receipt, check_receipt

    receipt = parse_receipt(json_text)             # ReceiptError naming the field on bad input
    key = generate_signing_key()
    signed = sign_receipt(receipt, key)            # refuses a price that is not units × rate
    check_receipt(signed, key.verify_key).ok       # signature, key id, pricing, time bounds

Scales and bounds: :mod:`.fixed_point`; canonical bytes: :mod:`.canonical`;
field elements and the Poseidon commitment: :mod:`.field_encoding`.
"""

from __future__ import annotations

from .accounting import (
    InvoiceCheck,
    check_invoice,
    invoice_digest,
    recover_invoice_signer,
    sign_invoice,
    verify_invoice,
)
from .canonical import canonical_json_bytes, invoice_signing_bytes, receipt_signing_bytes
from .checks import ReceiptCheck, TimePolicy, check_receipt
from .ed25519_keys import (
    Keyring,
    as_verify_key,
    ed25519_key_id,
    generate_signing_key,
    load_signing_key,
    load_verify_key,
    save_signing_key,
    save_verify_key,
)
from .ed25519_signing import SignatureChecks, check_signature, sign_receipt, verify_receipt
from .errors import KeyFileError, PricingError, UnknownModelError
from .field_encoding import (
    RECEIPT_FIELD_ORDER,
    ReceiptFields,
    new_salt,
    receipt_commitment,
    receipt_field_elements,
    text_to_field,
)
from .fixed_point import PriceComputation, compute_price
from .invoice import (
    AccountingSignature,
    ApiLineItem,
    FunctionLineItem,
    Invoice,
    InvoiceTotals,
    LineItem,
    Operation,
    TaskKind,
    TransferredBytes,
)
from .invoice_json import invoice_to_dict, invoice_to_json, parse_invoice
from .outcome import CheckOutcome
from .pricing import check_pricing, expected_price
from .rates import DEFAULT_RATE_TABLE, RateTable, active_rate_table, load_rate_table, parse_rate_table
from .receipt import Receipt, ReceiptSignature
from .receipt_json import parse_receipt, read_receipt_file, receipt_to_dict, receipt_to_json
from .secp256k1_keys import (
    AccountingKey,
    generate_accounting_key,
    load_accounting_key,
    save_accounting_key,
)

__all__ = [
    "DEFAULT_RATE_TABLE",
    "RECEIPT_FIELD_ORDER",
    "AccountingKey",
    "AccountingSignature",
    "ApiLineItem",
    "CheckOutcome",
    "FunctionLineItem",
    "Invoice",
    "InvoiceCheck",
    "InvoiceTotals",
    "KeyFileError",
    "Keyring",
    "LineItem",
    "Operation",
    "PriceComputation",
    "PricingError",
    "RateTable",
    "Receipt",
    "ReceiptCheck",
    "ReceiptFields",
    "ReceiptSignature",
    "SignatureChecks",
    "TaskKind",
    "TimePolicy",
    "TransferredBytes",
    "UnknownModelError",
    "active_rate_table",
    "as_verify_key",
    "canonical_json_bytes",
    "check_invoice",
    "check_pricing",
    "check_receipt",
    "check_signature",
    "compute_price",
    "ed25519_key_id",
    "expected_price",
    "generate_accounting_key",
    "generate_signing_key",
    "invoice_digest",
    "invoice_signing_bytes",
    "invoice_to_dict",
    "invoice_to_json",
    "load_accounting_key",
    "load_rate_table",
    "load_signing_key",
    "load_verify_key",
    "new_salt",
    "parse_invoice",
    "parse_rate_table",
    "parse_receipt",
    "read_receipt_file",
    "receipt_commitment",
    "receipt_field_elements",
    "receipt_signing_bytes",
    "receipt_to_dict",
    "receipt_to_json",
    "recover_invoice_signer",
    "save_accounting_key",
    "save_signing_key",
    "save_verify_key",
    "sign_invoice",
    "sign_receipt",
    "text_to_field",
    "verify_invoice",
    "verify_receipt",
]
