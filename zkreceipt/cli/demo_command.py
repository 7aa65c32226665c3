"""``zkreceipt demo``: sign, set up, prove, verify and store the example receipt, and say what was proven.

Runs on built-in defaults and keeps what it makes in the zkreceipt home
(``$ZKRECEIPT_HOME``, default ``~/.zkreceipt``), so that ``zkreceipt receipts
list``, ``zkreceipt verify`` and ``zkreceipt serve`` find it afterwards: the
demo's receipt key pair (``demo/keys/receipt/``), signing key, signed receipt
and bundle in ``demo/``, the receipt and its bundle in the store. The demo's
verification key and signer join the home's trust profile (created with the
defaults if there is none), as ``setup`` and ``keygen`` do for the user's own.

A second run reuses the key pair and the signing key (Ed25519 signatures are
deterministic, so the signed receipt is the same), finds the receipt's bundle
in the store and verifies that one again: it neither proves nor stores twice.

This module imports only light modules at the top: on a cold numba cache the
numeric core takes minutes to compile, so the command says so first and then
imports it (inside :func:`demo_command`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from ..fileio import write_file_atomically
from ..ledger.home import ensure_home, private_directory
from ..ledger.store import ReceiptStore
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
from .common import (
    DAY_SECONDS,
    EXIT_INVALID,
    announce_kernel_compilation,
    kernel_cache_is_cold,
    record_audit,
    reports_bad_input,
)

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
    save_verify_key(key.verify_key, work / "signing_key.pub.json", overwrite=True)
    save_signing_key(key, path)
    return key


def _timed(label: str, step: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = step()
    click.echo(f"  {label:<34} {time.perf_counter() - started:7.2f} s")
    return result


def _show_public(bundle: ProofBundle) -> None:
    policy = bundle.policy
    values = bundle.public_values
    click.echo("\nProven (public signals of the proof):")
    click.echo(f"  commitment       {bundle.commitment}  (Poseidon of every receipt field + a secret salt)")
    click.echo(f"  window           not_before={policy.not_before}  not_after={policy.not_after}")
    click.echo(f"  max_duration     {policy.max_duration} s    gpu_count {policy.gpu_count}")
    click.echo(f"  rate_table_root  {values['rate_table_root']}  (the model's rate is in this table)")
    click.echo(f"  model            {bundle.disclosed['model']}")
    click.echo(f"  price            {int(bundle.disclosed['price_fp']) / 1_000_000:.6f} tokens (= units × rate)")
    click.echo("Private (bound by the commitment, not revealed): " + ", ".join(HIDDEN) + ", the rate-table path")


@click.command("demo")
@reports_bad_input
def demo_command() -> None:
    """Sign, prove, verify and store the example receipt (llama3.2, 2.5 units × 2.0 = 5.0) in the zkreceipt home."""
    started = time.perf_counter()
    home = ensure_home()
    work = private_directory(home / "demo")
    click.echo(f"zkreceipt demo in {home}")
    if kernel_cache_is_cold():
        announce_kernel_compilation()
        from ..warmup import compile_kernels  # light: the groups compile in child processes

        compile_kernels()
    # The numeric core: imported only now, after the notice (numba compiles it on a cold cache).
    from ..circuits.receipt_policy import ReceiptPolicy
    from ..ledger.bundle_format import bundle_from_text
    from ..ledger.bundles import prove_receipt, verify_bundle
    from ..ledger.identity import receipt_identity, verification_key_id
    from ..ledger.keys import ReceiptKeyPaths, load_key_pair, save_keys, setup_receipt_keys
    from ..ledger.trust import default_trust_path, update_trust_profile
    from .bundle_support import BUNDLE_KIND, audit_proven, audit_verified, save_bundle

    receipt = read_receipt_file(example_path("compute_receipt.json"))
    key = _demo_signing_key(work)
    key_id = ed25519_key_id(key.verify_key)
    day = receipt.started_at - receipt.started_at % DAY_SECONDS
    policy = ReceiptPolicy(not_before=day, not_after=day + DAY_SECONDS - 1, max_duration=3600)
    signed = _timed("sign the receipt (the demo's key)", lambda: sign_receipt(receipt, key, DEFAULT_RATE_TABLE))
    record_audit("signed", "receipt", signed.receipt_id, key_id=key_id)
    receipt_path = work / "receipt.signed.json"
    write_file_atomically(receipt_path, receipt_to_json(signed).encode("utf-8"), private=True, overwrite=True)
    identity = receipt_identity(policy.disclosure)
    keys = ReceiptKeyPaths.under(work / "keys")
    if keys.folder.exists():
        pk = _timed("load the demo's receipt keys", lambda: load_key_pair(keys, identity))
    else:
        pk = _timed("development setup (receipt circuit)", lambda: setup_receipt_keys(policy))
        save_keys(pk, keys, identity)
    vk_id = verification_key_id(pk.vk, identity)
    # The demo's provider trusts its own key and signer, as `setup` and `keygen` do.
    profile = update_trust_profile(
        lambda current: current.with_key(pk.vk, identity).with_receipt_signer(bytes(key.verify_key))
    )
    bundle_path = work / "bundle.json"
    with ReceiptStore() as store:
        store.check_receipt_storable(signed)
        stored = [b for b in store.proof_bundles(signed.receipt_id) if b.vk_id == vk_id]
        if stored:  # a later run: the store keeps its bundle, and demo/bundle.json is that bundle
            bundle = bundle_from_text(stored[0].bundle_json)
            write_file_atomically(bundle_path, stored[0].bundle_json.encode("utf-8"), private=False, overwrite=True)
            click.echo(f"  {'already stored (receipt + bundle)':<34} bundle {stored[0].bundle_id}, not proven again")
        else:
            proven = _timed(
                "prove (and attest)",
                lambda: prove_receipt(
                    signed, pk, policy, DEFAULT_RATE_TABLE, trusted_keys=key.verify_key, signing_key=key
                ),
            )
            bundle = proven.bundle
            save_bundle(bundle_path, proven)
            text = bundle_path.read_text(encoding="utf-8")
            _timed(
                "store receipt + bundle",
                lambda: store.add_proven(signed, text, kind=BUNDLE_KIND, vk_id=vk_id, commitment=bundle.commitment),
            )
            audit_proven(signed, proven, bundle_path)
    check = _timed("verify (offline, trust profile)", lambda: verify_bundle(bundle, profile))
    audit_verified(bundle_path, bundle, check)
    click.echo(
        f"\nexample receipt signed by the demo's key {key_id}"
        f" (signature {'valid' if verify_receipt(signed, key.verify_key) else 'INVALID'})"
    )
    click.echo(f"verification key id {vk_id}")
    click.echo(f"\nkept in {home}:")
    click.echo(f"  receipt keys     {keys.folder}")
    click.echo(f"  signing key      {work / 'signing_key.json'} (private)")
    click.echo(f"  signed receipt   {receipt_path} (private)")
    click.echo(f"  bundle           {bundle_path}")
    click.echo(f"  store            {store.location.display}")
    click.echo(f"  trust profile    {default_trust_path()} (trusts the demo's key and signer)")
    click.echo(f"try: zkreceipt receipts list; zkreceipt verify {bundle_path}; zkreceipt serve")
    _show_public(bundle)
    click.echo(f"\nverdict: {'VALID' if check.ok else 'INVALID'} (total {time.perf_counter() - started:.2f} s)")
    if not check.ok:
        click.echo(f"INVALID: {check.problems[0]}", err=True)
        raise SystemExit(EXIT_INVALID)
