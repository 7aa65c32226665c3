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

from ..circuits.receipt import compile_receipt_circuit
from ..circuits.receipt_policy import ReceiptDisclosure, ReceiptPolicy
from ..formats.snarkjs_json import (
    read_verification_key,
    verification_key_to_json,
    write_verification_key,
)
from ..errors import ProofError
from ..formats.zkey_file import Groth16Zkey, write_zkey
from ..formats.zkey_keys import proving_key_from_zkey, read_proving_key, write_proving_key
from ..groth16 import ProvingKey, VerifyingKey, setup_development
from ..r1cs import R1CS
from .home import private_directory, zkreceipt_home

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


def phase2_initial_zkey(r1cs: R1CS, ptau_path: str | Path) -> Groth16Zkey:
    """The initial phase-2 zkey of ``r1cs`` from the prepared snarkjs ``.ptau`` (as ``snarkjs groth16 setup``).

    Written as is (:func:`save_phase2_keys`), it keeps its csHash and
    contribution section, so ``zkreceipt zkey contribute`` can continue the ceremony.
    """
    try:
        from ..phase2.setup import zkey_new  # the ceremony code is imported only when a .ptau is used
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("zkreceipt.phase2"):
            raise
        raise ProofError(
            f"{ptau_path}: a setup from a .ptau needs zkreceipt.phase2, which this installation does not have"
        ) from None
    return zkey_new(r1cs, ptau_path)


def setup_circuit_keys(r1cs: R1CS, ptau_path: str | Path | None = None) -> ProvingKey:
    """Keys for ``r1cs``: a development setup, or the phase-2 keys from the ``.ptau`` at ``ptau_path``.

    The development setup draws the toxic waste in memory and discards it (not
    a trusted setup).
    """
    if ptau_path is None:
        return setup_development(r1cs)
    return proving_key_from_zkey(phase2_initial_zkey(r1cs, ptau_path))


def setup_receipt_keys(
    policy: ReceiptPolicy | ReceiptDisclosure, ptau_path: str | Path | None = None
) -> ProvingKey:
    """Keys of the receipt circuit of ``policy``'s disclosure (see :func:`setup_circuit_keys`)."""
    disclosure = policy.disclosure if isinstance(policy, ReceiptPolicy) else policy
    return setup_circuit_keys(compile_receipt_circuit(disclosure).r1cs, ptau_path)


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
    return save_keys(pk, ReceiptKeyPaths.under(directory))


def save_keys(pk: ProvingKey, paths: ReceiptKeyPaths) -> ReceiptKeyPaths:
    """Write the proving key (0600) and the verification key to ``paths`` (directory created 0700)."""
    private_directory(paths.proving_key.parent)
    write_proving_key(paths.proving_key, pk)
    write_verification_key(paths.verification_key, pk.vk)
    return paths


def save_phase2_keys(zkey: Groth16Zkey, paths: ReceiptKeyPaths) -> ReceiptKeyPaths:
    """Write a phase-2 zkey as is (0600, contributions kept) and its verification key to ``paths``."""
    private_directory(paths.proving_key.parent)
    write_zkey(paths.proving_key, zkey)
    write_verification_key(paths.verification_key, proving_key_from_zkey(zkey).vk)
    return paths


def load_receipt_proving_key(directory: str | Path | None = None) -> ProvingKey:
    """The proving key of a keys directory; FormatError naming the file if it is missing or malformed."""
    return read_proving_key(ReceiptKeyPaths.under(directory).proving_key)


def load_receipt_verification_key(directory: str | Path | None = None) -> VerifyingKey:
    """The verification key of a keys directory; FormatError naming the file if it is missing or malformed."""
    return read_verification_key(ReceiptKeyPaths.under(directory).verification_key)
