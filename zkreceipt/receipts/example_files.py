"""The example documents shipped with the package (``zkreceipt/receipts/examples/``).

``compute_receipt.json`` (the source receipt: llama3.2, 2.5 units at 2.0 → 5.0,
signed by the key in ``compute_receipt_signer.json``), ``invoice_function.json``
and ``invoice_api.json`` (signed by the address in ``accounting_signer.json``),
and ``rates.json`` (the default rate table in the deployment file format).
The example private keys were discarded after signing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import ReceiptError

EXAMPLE_NAMES = (
    "compute_receipt.json",
    "compute_receipt_signer.json",
    "invoice_function.json",
    "invoice_api.json",
    "accounting_signer.json",
    "rates.json",
)


def example_path(name: str) -> Path:
    """The path of the shipped example ``name``; ReceiptError for a name not in ``EXAMPLE_NAMES``."""
    if name not in EXAMPLE_NAMES:
        raise ReceiptError(f"no example named {name!r}; examples: {', '.join(EXAMPLE_NAMES)}")
    return Path(str(resources.files("zkreceipt.receipts").joinpath("examples", name)))
