"""``zkreceipt demo``: sign, set up, prove, verify and store the example receipt, and say what was proven.

Runs on built-in defaults and keeps what it makes in the zkreceipt home
(``$ZKRECEIPT_HOME``, default ``~/.zkreceipt``), so that ``zkreceipt receipts
list``, ``zkreceipt verify`` and ``zkreceipt serve`` find it afterwards: the
receipt keys in ``keys/`` (made once, reused after), the demo's signing key,
signed receipt and bundle in ``demo/``, the receipt and its bundle in the store.
A second run reuses the keys and the signing key (Ed25519 signatures are
deterministic, so the signed receipt is the same) and stores no second row.

This module imports only light modules at the top: on a cold numba cache the
numeric core takes minutes to compile, so the command says so first and then
imports it (inside :func:`demo_command`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from ..receipts import (
    DEFAULT_RATE_TABLE,
    ed25519_key_id,
    generate_signing_key,
    load_signing_key,
    read_receipt_file,
    receipt_to_json,
    save_signing_key,
    save_verify_key,
    sign_receipt,
    verify_receipt,
)
from ..receipts.example_files import example_path
from ..fileio import write_file_atomically
from ..ledger.home import zkreceipt_home
from ..ledger.store import KeyRecord, ReceiptStore, RecordNotFoundError
from ..receipts.receipt import ED25519_ALGORITHM
from .common import DAY_SECONDS, EXIT_INVALID, announce_kernel_compilation, record_audit, reports_bad_input

if TYPE_CHECKING:
    from nacl.signing import SigningKey

    from ..ledger.bundle_format import ProofBundle


T = TypeVar("T")
HIDDEN = (
    "receipt_id",
    "job_id",
    "provider",
    "client",
    "units",
    "unit_type",
    "started_at",
    "completed_at",
    "salt",
)


def _demo_signing_key(work: Path) -> SigningKey:
    """The demo's Ed25519 key in ``work`` (0600), made on the first run and reused after."""
    path = work / "signing_key.json"
    if path.exists():
        return load_signing_key(path)
    key = generate_signing_key()
    save_signing_key(key, path)
    save_verify_key(key.verify_key, work / "signing_key.pub.json", overwrite=True)
    return key


def _record_signer(store: ReceiptStore, key: SigningKey, path: Path) -> None:
    """Record the demo key in the store's keys (the receipt signers a server on this home trusts)."""
    key_id = ed25519_key_id(key.verify_key)
    try:
        store.get_key(key_id)
    except RecordNotFoundError:
        public_key = bytes(key.verify_key).hex()
        store.add_key(KeyRecord(key_id, ED25519_ALGORITHM, public_key, "demo signing key", str(path.resolve())))


def _timed(label: str, step: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = step()
    click.echo(f"  {label:<34} {time.perf_counter() - started:7.2f} s")
    return result


def _show_public(bundle: ProofBundle) -> None:
    policy = bundle.policy
    values = bundle.public_values
    click.echo("\nProven (public signals of the proof):")
    click.echo(
        f"  commitment       {bundle.commitment}  (Poseidon of every receipt field + a secret salt)"
    )
    click.echo(
        f"  window           not_before={policy.not_before}  not_after={policy.not_after}"
    )
    click.echo(
        f"  max_duration     {policy.max_duration} s    gpu_count {policy.gpu_count}"
    )
    click.echo(
        f"  rate_table_root  {values['rate_table_root']}  (the model's rate is in this table)"
    )
    click.echo(f"  model            {bundle.disclosed['model']}")
    click.echo(
        f"  price            {int(bundle.disclosed['price_fp']) / 1_000_000:.6f} tokens (= units × rate)"
    )
    click.echo(
        "Private (bound by the commitment, not revealed): "
        + ", ".join(HIDDEN)
        + ", the rate-table path"
    )


@click.command("demo")
@reports_bad_input
def demo_command() -> None:
    """Sign, prove, verify and store the example receipt (llama3.2, 2.5 units × 2.0 = 5.0) in the zkreceipt home."""
    started = time.perf_counter()
    home = zkreceipt_home()
    work = home / "demo"
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    work.mkdir(exist_ok=True, mode=0o700)
    click.echo(f"zkreceipt demo in {home}")
    announce_kernel_compilation()
    # The numeric core: imported only now, after the notice (numba compiles it on a cold cache).
    from ..circuits.receipt_policy import ReceiptPolicy
    from ..ledger.bundle_format import bundle_from_text
    from ..ledger.bundles import prove_receipt, verification_key_id, verify_bundle
    from ..ledger.keys import ReceiptKeyPaths, load_receipt_proving_key, save_receipt_keys, setup_receipt_keys
    from .bundle_support import audit_proven, audit_verified, save_bundle, store_proven

    receipt = read_receipt_file(example_path("compute_receipt.json"))
    key = _demo_signing_key(work)
    day = receipt.started_at - receipt.started_at % DAY_SECONDS
    policy = ReceiptPolicy(not_before=day, not_after=day + DAY_SECONDS - 1, max_duration=3600)
    signed = _timed("sign the receipt (the demo's Ed25519 key)", lambda: sign_receipt(receipt, key, DEFAULT_RATE_TABLE))
    key_id = ed25519_key_id(key.verify_key)
    record_audit("signed", "receipt", signed.receipt_id, key_id=key_id)
    receipt_path = work / "receipt.signed.json"
    write_file_atomically(receipt_path, receipt_to_json(signed).encode("utf-8"), private=True, overwrite=True)
    keys = ReceiptKeyPaths.under(home / "keys")
    if keys.proving_key.exists() and keys.verification_key.exists():
        pk = _timed("load the home's receipt keys", lambda: load_receipt_proving_key(keys.proving_key.parent))
    else:
        pk = _timed("development setup (receipt circuit)", lambda: setup_receipt_keys(policy))
        save_receipt_keys(pk, keys.proving_key.parent)
    vk_id = verification_key_id(pk.vk)
    proven = _timed(
        "prove", lambda: prove_receipt(signed, pk, policy, DEFAULT_RATE_TABLE, trusted_keys=key.verify_key)
    )
    bundle_path = work / "bundle.json"
    with ReceiptStore() as store:
        _record_signer(store, key, work / "signing_key.json")
        store.check_receipt_storable(signed)
        stored = [
            b for b in store.proof_bundles(signed.receipt_id) if json.loads(b.bundle_json).get("vk_id") == vk_id
        ]
        if stored:  # a second run: the store keeps its bundle, and so does demo/bundle.json
            bundle = bundle_from_text(stored[0].bundle_json)
            write_file_atomically(bundle_path, stored[0].bundle_json.encode("utf-8"), private=False, overwrite=True)
            click.echo(f"  {'already stored (receipt + bundle)':<34} kept bundle {stored[0].bundle_id}")
        else:
            bundle = proven.bundle
            save_bundle(bundle_path, proven)
            _timed("store receipt + bundle", lambda: store_proven(store, signed, proven))
            audit_proven(signed, proven, bundle_path)
    check = _timed("verify (offline, key only)", lambda: verify_bundle(bundle, pk.vk, rates=DEFAULT_RATE_TABLE))
    audit_verified(bundle_path, bundle, check)
    click.echo(
        f"\nexample receipt signed by the demo's key {key_id}"
        f" (signature {'valid' if verify_receipt(signed, key.verify_key) else 'INVALID'})"
    )
    click.echo(f"verification key id {vk_id}")
    click.echo(f"\nkept in {home}:")
    click.echo(f"  receipt keys     {keys.proving_key.parent}")
    click.echo(f"  signing key      {work / 'signing_key.json'} (private)")
    click.echo(f"  signed receipt   {receipt_path} (private)")
    click.echo(f"  bundle           {bundle_path}")
    click.echo(f"  store            {home / 'zkreceipt.db'}")
    click.echo(f"try: zkreceipt receipts list; zkreceipt verify {bundle_path}; zkreceipt serve")
    _show_public(bundle)
    click.echo(
        f"\nverdict: {'VALID' if check.ok else 'INVALID'} (total {time.perf_counter() - started:.2f} s)"
    )
    if not check.ok:
        raise SystemExit(EXIT_INVALID)
