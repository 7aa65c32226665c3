"""Groth16 key pairs of the receipt and invoice circuits: setup, key-pair folders, identified verification keys.

A keys directory (default ``$ZKRECEIPT_HOME/keys``) holds one folder per key
pair; the receipt circuit's is ``receipt/``::

    keys/receipt/receipt.zkey                 proving key, snarkjs format, 0600
    keys/receipt/verification_key.json        snarkjs JSON + "zkreceipt_identity" (the circuit identity)

A pair is written into a temporary folder beside it and renamed into place, so
a reader (or a crash) sees the old pair, the new pair, or none, never half of
each; an existing pair is replaced only when asked (``force``). Loading a pair
for proving checks that the two files belong together and to the circuit.

The verification key's id commits to the key and its circuit identity (see
:mod:`zkreceipt.ledger.identity`); a bundle names the id of its key. One
compiled receipt circuit (one ``ReceiptDisclosure``) has one pair; the policy's
window and bounds are public inputs, so the same keys serve any window.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..circuits.receipt import compile_receipt_circuit
from ..circuits.receipt_policy import PRICE_AND_MODEL, ReceiptDisclosure, ReceiptPolicy
from ..errors import FileAccessError, FormatError, ProofError
from ..formats.snarkjs_json import read_json, verification_key_from_json, verification_key_to_json, write_json
from ..formats.zkey_file import Groth16Zkey, write_zkey
from ..formats.zkey_keys import proving_key_from_zkey, read_proving_key, write_proving_key
from ..groth16 import ProvingKey, VerifyingKey, setup_development
from ..r1cs import R1CS
from .home import private_directory, zkreceipt_home
from .identity import (
    CircuitIdentity,
    canonical_verification_key,
    check_key_fits,
    receipt_identity,
    verification_key_id,
)

PROVING_KEY_FILE = "receipt.zkey"
VERIFICATION_KEY_FILE = "verification_key.json"
KEYS_DIRECTORY_NAME = "keys"
RECEIPT_PAIR_FOLDER = "receipt"
IDENTITY_MEMBER = "zkreceipt_identity"

__all__ = [
    "KeyPairError",
    "ReceiptKeyPaths",
    "load_key_pair",
    "load_receipt_key_pair",
    "read_identified_verification_key",
    "save_keys",
    "save_phase2_keys",
    "save_receipt_keys",
    "setup_receipt_keys",
    "verification_key_id",
    "write_identified_verification_key",
]


class KeyPairError(FormatError):
    """A key-pair folder is refused: it exists already, or its two files are not one pair for this circuit."""


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


# --- identified verification-key files -----------------------------------------------------------


def write_identified_verification_key(path: str | Path, vk: VerifyingKey, identity: CircuitIdentity) -> Path:
    """Write ``vk`` as snarkjs JSON with its circuit identity in the member ``zkreceipt_identity`` (atomic)."""
    check_key_fits(vk, identity, str(path))
    return write_json(path, {**verification_key_to_json(vk), IDENTITY_MEMBER: identity.to_json()})


def read_identified_verification_key(path: str | Path) -> tuple[VerifyingKey, CircuitIdentity | None]:
    """The key in a snarkjs ``verification_key.json`` and its identity (None for a key written before identities).

    FormatError naming the file and member if the key or its identity is malformed
    or they do not fit together.
    """
    document = read_json(path)
    vk = verification_key_from_json(document, str(path))
    if IDENTITY_MEMBER not in document:
        return vk, None
    identity = CircuitIdentity.from_json(document[IDENTITY_MEMBER], f"{path}: {IDENTITY_MEMBER}")
    check_key_fits(vk, identity, str(path))
    return vk, identity


# --- key-pair folders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptKeyPaths:
    """The two files of one key-pair folder (any circuit's, despite the name)."""

    proving_key: Path
    verification_key: Path

    @property
    def folder(self) -> Path:
        return self.proving_key.parent

    @classmethod
    def under(cls, directory: str | Path | None = None) -> ReceiptKeyPaths:
        """The receipt pair of a keys directory (default: :func:`default_keys_directory`): ``DIR/receipt/…``."""
        return cls.pair(RECEIPT_PAIR_FOLDER, PROVING_KEY_FILE, directory)

    @classmethod
    def pair(cls, name: str, proving_key_file: str, directory: str | Path | None = None) -> ReceiptKeyPaths:
        """The pair folder ``name`` of a keys directory, with its proving key ``proving_key_file``."""
        folder = (Path(directory) if directory is not None else default_keys_directory()) / name
        return cls(folder / proving_key_file, folder / VERIFICATION_KEY_FILE)


def check_pair_free(paths: ReceiptKeyPaths, *, force: bool = False) -> None:
    """KeyPairError if the pair folder exists and ``force`` is false (call it before a long setup)."""
    if paths.folder.exists() and not force:
        raise KeyPairError(
            f"{paths.folder}: already holds a key pair; refusing to replace it without --force "
            "(bundles of the old key keep verifying: it stays in the trust profile)"
        )


def _write_pair(
    paths: ReceiptKeyPaths,
    vk: VerifyingKey,
    identity: CircuitIdentity,
    write_proving: Callable[[Path], object],
    force: bool,
) -> str:
    """Write both files into a temporary folder, then rename it into place (moving an old pair aside first)."""
    if paths.verification_key.parent != paths.folder:
        raise KeyPairError(f"{paths.verification_key}: a key pair's two files must share one folder")
    check_key_fits(vk, identity)
    check_pair_free(paths, force=force)
    folder, parent = paths.folder, paths.folder.parent
    try:
        private_directory(parent)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}.new-"))
    except OSError as error:
        raise FileAccessError(f"{folder}: cannot create the key folder ({error.strerror})") from None
    old: Path | None = None
    try:
        write_proving(staging / paths.proving_key.name)
        write_identified_verification_key(staging / paths.verification_key.name, vk, identity)
        if folder.exists():
            check_pair_free(paths, force=force)
            old = parent / f".{folder.name}.old-{secrets.token_hex(4)}"
            os.rename(folder, old)
        try:
            os.rename(staging, folder)
        except OSError:
            if old is not None:
                os.rename(old, folder)
                old = None
            raise
    except OSError as error:
        raise FileAccessError(f"{folder}: cannot write the key pair ({error.strerror})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(OSError):
        descriptor = os.open(parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    return verification_key_id(vk, identity)


def save_keys(pk: ProvingKey, paths: ReceiptKeyPaths, identity: CircuitIdentity, *, force: bool = False) -> str:
    """Write the pair of ``pk`` (proving key 0600, identified verification key) atomically; return the key id."""
    return _write_pair(paths, pk.vk, identity, lambda path: write_proving_key(path, pk), force)


def save_phase2_keys(
    zkey: Groth16Zkey, paths: ReceiptKeyPaths, identity: CircuitIdentity, *, force: bool = False
) -> str:
    """Write a phase-2 zkey as is (0600, contributions kept) and its identified verification key; return the key id."""
    vk = proving_key_from_zkey(zkey).vk
    return _write_pair(paths, vk, identity, lambda path: write_zkey(path, zkey), force)


def save_receipt_keys(
    pk: ProvingKey,
    directory: str | Path | None = None,
    *,
    disclosure: ReceiptDisclosure = PRICE_AND_MODEL,
    force: bool = False,
) -> ReceiptKeyPaths:
    """Write the receipt pair of ``pk`` (made for ``disclosure``) into ``directory``'s ``receipt/`` folder."""
    paths = ReceiptKeyPaths.under(directory)
    save_keys(pk, paths, receipt_identity(disclosure), force=force)
    return paths


def load_key_pair(paths: ReceiptKeyPaths, identity: CircuitIdentity) -> ProvingKey:
    """The proving key of a pair folder, after checking that both files are one pair made for ``identity``.

    KeyPairError if the verification key differs from the one inside the proving
    key, or names another circuit; FormatError naming the file if either is
    missing or malformed. A verification key without identity (written before
    identities) is accepted if its size fits the circuit.
    """
    pk = read_proving_key(paths.proving_key)
    vk, file_identity = read_identified_verification_key(paths.verification_key)
    if canonical_verification_key(vk) != canonical_verification_key(pk.vk):
        raise KeyPairError(
            f"{paths.folder}: {paths.proving_key.name} and {paths.verification_key.name} are not one key pair "
            "(run the setup again)"
        )
    if file_identity is not None and file_identity != identity:
        raise KeyPairError(
            f"{paths.verification_key}: made for the circuit {file_identity.key}, not {identity.key}"
        )
    check_key_fits(vk, identity, str(paths.verification_key))
    return pk


def load_receipt_key_pair(
    directory: str | Path | None = None, disclosure: ReceiptDisclosure = PRICE_AND_MODEL
) -> ProvingKey:
    """The checked receipt pair of a keys directory (see :func:`load_key_pair`)."""
    return load_key_pair(ReceiptKeyPaths.under(directory), receipt_identity(disclosure))


def load_receipt_proving_key(directory: str | Path | None = None) -> ProvingKey:
    """The proving key of a keys directory's receipt pair, unchecked; FormatError naming the file."""
    return read_proving_key(ReceiptKeyPaths.under(directory).proving_key)


def load_receipt_verification_key(directory: str | Path | None = None) -> VerifyingKey:
    """The verification key of a keys directory's receipt pair; FormatError naming the file."""
    return read_identified_verification_key(ReceiptKeyPaths.under(directory).verification_key)[0]
