"""EIP-191 signatures and Keccak-256 digests made by ethers, which zkreceipt must reproduce and recover.

``eip191_vectors.json`` is the output of ``tests/evm/eip191_vectors.mjs`` (ethers, pinned
in ``tests/evm/package.json``) on :func:`vector_request`. The checks against it need no
Node. With Node and the npm tools installed, :func:`test_vectors_are_ethers_output`
runs ethers again on the same request and compares, so the file cannot drift from
what ethers computes. Regenerate it after changing the request with
``python tests/receipts/test_eip191_vectors.py``.

Both sides use deterministic RFC 6979 nonces and low-s signatures, so a signature is a
function of key and message and must match byte for byte, not merely verify.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from zkreceipt.keccak import keccak256
from zkreceipt.receipts import AccountingKey, AccountingSignature, invoice_signing_bytes, parse_invoice
from zkreceipt.receipts.accounting import (
    personal_message_digest,
    recover_personal_message_signer,
    sign_personal_message,
)
from zkreceipt.receipts.example_files import example_path
from zkreceipt.receipts.secp256k1_keys import SECP256K1_ORDER

VECTORS_FILE = Path(__file__).with_name("eip191_vectors.json")
EVM_DIR = Path(__file__).resolve().parents[1] / "evm"
GENERATOR = EVM_DIR / "eip191_vectors.mjs"


def vector_request() -> dict[str, Any]:
    """Keys (edge and ordinary), messages (empty, short, binary, multi-block, an invoice) and Keccak inputs."""
    secrets = [1, 2, SECP256K1_ORDER - 1, 0x4C0883A69102937D6231471B5DBB6204FE5129617082792AE468D01A3F362318]
    invoice = parse_invoice(example_path("invoice_function.json").read_bytes())
    messages = [
        b"",
        b"hello",
        "prix: 5,00 \u20ac \u2014 re\u00e7u".encode(),
        bytes(range(256)),
        b"a" * 1000,
        invoice_signing_bytes(invoice),
    ]
    keccak_lengths = [0, 1, 55, 135, 136, 137, 271, 272, 273, 1000]
    return {
        "signatures": [
            {"secret": f"{secret:064x}", "message": message.hex()} for secret in secrets for message in messages
        ],
        "keccak": [bytes((7 * i + length) % 256 for i in range(length)).hex() for length in keccak_lengths],
    }


def run_ethers(request: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        ["node", str(GENERATOR)], input=json.dumps(request), capture_output=True, text=True, cwd=EVM_DIR, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout)


VECTORS = json.loads(VECTORS_FILE.read_text())


@pytest.mark.parametrize("vector", VECTORS["signatures"], ids=lambda v: f"{v['secret'][-4:]}-{len(v['message']) // 2}B")
def test_signature_is_reproduced_and_recovered(vector: dict[str, Any]) -> None:
    key = AccountingKey(bytes.fromhex(vector["secret"]))
    message = bytes.fromhex(vector["message"])
    assert key.address == vector["address"]
    assert personal_message_digest(message).hex() == vector["digest"]
    expected = AccountingSignature(v=vector["v"], r=int(vector["r"], 16), s=int(vector["s"], 16))
    assert sign_personal_message(message, key) == expected
    assert recover_personal_message_signer(message, expected) == vector["address"]


def test_a_signature_recovers_to_another_address_for_another_message() -> None:
    vector = VECTORS["signatures"][1]
    signature = AccountingSignature(v=vector["v"], r=int(vector["r"], 16), s=int(vector["s"], 16))
    assert recover_personal_message_signer(b"other" + bytes.fromhex(vector["message"]), signature) != vector["address"]


@pytest.mark.parametrize("vector", VECTORS["keccak"], ids=lambda v: f"{len(v['message']) // 2}B")
def test_keccak256_matches_ethers(vector: dict[str, str]) -> None:
    assert keccak256(bytes.fromhex(vector["message"])).hex() == vector["digest"]


def test_vectors_cover_the_request() -> None:
    request = vector_request()
    assert [(v["secret"], v["message"]) for v in VECTORS["signatures"]] == [
        (v["secret"], v["message"]) for v in request["signatures"]
    ]
    assert [v["message"] for v in VECTORS["keccak"]] == request["keccak"]


def test_vectors_are_ethers_output() -> None:
    if shutil.which("node") is None or not (EVM_DIR / "node_modules" / "ethers" / "package.json").exists():
        pytest.skip(f"node or ethers missing: run `cd {EVM_DIR} && npm ci`")
    assert run_ethers(vector_request()) == VECTORS


if __name__ == "__main__":
    VECTORS_FILE.write_text(json.dumps(run_ethers(vector_request()), indent=1) + "\n")
    sys.exit(0)
