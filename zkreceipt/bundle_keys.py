"""Groth16 keys for receipt proofs: development setup, the verification-key id, and a keys directory.

A keys directory holds ``receipt.zkey`` (the proving key, snarkjs format,
0600) and ``verification_key.json`` (snarkjs JSON, public). One compiled
receipt circuit (one :class:`ReceiptDisclosure`) has one pair of keys; the
policy's window and bounds are public inputs, so the same keys serve any window.

The verification key's id is the SHA-256 (hex) of its canonical JSON: the
snarkjs document without the derived ``vk_alphabeta_12``, keys sorted, no
whitespace. A proof bundle names the id of the key it was made for.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .circuits.receipt import compile_receipt_circuit
from .circuits.receipt_policy import ReceiptDisclosure, ReceiptPolicy
from .formats.snarkjs_json import (
    read_verification_key,
    verification_key_to_json,
    write_verification_key,
)
from .formats.zkey_keys import read_proving_key, write_proving_key
from .groth16 import ProvingKey, VerifyingKey, setup_development
from .store import zkreceipt_home

PROVING_KEY_FILE = "receipt.zkey"
VERIFICATION_KEY_FILE = "verification_key.json"
KEYS_DIRECTORY_NAME = "keys"


def verification_key_id(vk: VerifyingKey) -> str:
    """SHA-256 (64 hex characters) of the canonical JSON of ``vk``."""
    document = verification_key_to_json(vk)
    document.pop("vk_alphabeta_12", None)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":")).encode(
        "ascii"
    )
    return hashlib.sha256(canonical).hexdigest()


def default_keys_directory() -> Path:
    """``keys`` under the zkreceipt home (``$ZKRECEIPT_HOME`` or ``~/.zkreceipt``)."""
    return zkreceipt_home() / KEYS_DIRECTORY_NAME


def setup_receipt_keys(policy: ReceiptPolicy | ReceiptDisclosure) -> ProvingKey:
    """A development setup (not a trusted setup) of the receipt circuit of ``policy``'s disclosure."""
    disclosure = policy.disclosure if isinstance(policy, ReceiptPolicy) else policy
    return setup_development(compile_receipt_circuit(disclosure).r1cs)


@dataclass(frozen=True)
class ReceiptKeyPaths:
    """Where the two key files of a keys directory are."""

    proving_key: Path
    verification_key: Path

    @classmethod
    def under(cls, directory: str | Path | None = None) -> ReceiptKeyPaths:
        """The paths in ``directory`` (default: :func:`default_keys_directory`)."""
        base = Path(directory) if directory is not None else default_keys_directory()
        return cls(base / PROVING_KEY_FILE, base / VERIFICATION_KEY_FILE)


def save_receipt_keys(
    pk: ProvingKey, directory: str | Path | None = None
) -> ReceiptKeyPaths:
    """Write ``receipt.zkey`` (0600) and ``verification_key.json`` into ``directory`` (created 0700)."""
    paths = ReceiptKeyPaths.under(directory)
    paths.proving_key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_proving_key(paths.proving_key, pk)
    write_verification_key(paths.verification_key, pk.vk)
    return paths


def load_receipt_proving_key(directory: str | Path | None = None) -> ProvingKey:
    """The proving key of a keys directory; FormatError naming the file if it is missing or malformed."""
    return read_proving_key(ReceiptKeyPaths.under(directory).proving_key)


def load_receipt_verification_key(directory: str | Path | None = None) -> VerifyingKey:
    """The verification key of a keys directory; FormatError naming the file if it is missing or malformed."""
    return read_verification_key(ReceiptKeyPaths.under(directory).verification_key)
