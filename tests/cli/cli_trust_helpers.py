"""A provider's home for the CLI tests: a signing key and a trust profile that trusts it, the example signer and a key pair."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from nacl.signing import SigningKey

from zkreceipt.ledger.keys import read_identified_verification_key
from zkreceipt.ledger.trust import default_trust_profile, save_trust_profile
from zkreceipt.receipts import (
    ReceiptSignature,
    ed25519_key_id,
    generate_signing_key,
    load_verify_key,
    parse_receipt,
    receipt_signing_bytes,
    receipt_to_json,
    save_signing_key,
)
from zkreceipt.receipts.example_files import example_path

EXAMPLE_SIGNER_FILE = example_path("compute_receipt_signer.json")


def trusting_home(home: Path, *key_folders: Path) -> SigningKey:
    """Give ``home`` a signing key (signing_key.json) and a default trust profile that trusts that key,
    the example receipt's signer and the verification key of each pair folder; return the key."""
    home.mkdir(parents=True, exist_ok=True)
    key = generate_signing_key()
    save_signing_key(key, home / "signing_key.json", overwrite=True)
    profile = (
        default_trust_profile()
        .with_receipt_signer(bytes(key.verify_key))
        .with_receipt_signer(bytes(load_verify_key(EXAMPLE_SIGNER_FILE)))
    )
    for folder in key_folders:
        vk, identity = read_identified_verification_key(folder / "verification_key.json")
        assert identity is not None
        profile = profile.with_key(vk, identity)
    save_trust_profile(profile, home / "trust.json")
    return key


def signed_receipt_text(document: dict, key: SigningKey) -> str:
    """The receipt ``document`` signed by ``key`` as is (even with a wrong price, which ``sign`` would refuse)."""
    receipt = parse_receipt(json.dumps({k: v for k, v in document.items() if k != "signature"}))
    sig = key.sign(receipt_signing_bytes(receipt)).signature.hex()
    signed = dataclasses.replace(receipt, signature=ReceiptSignature("Ed25519", ed25519_key_id(key.verify_key), sig))
    return receipt_to_json(signed)
