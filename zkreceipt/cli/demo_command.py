"""``zkreceipt demo``: sign, set up, prove, verify and store the example receipt, and say what was proven.

Runs on built-in defaults. Files go to ``$ZKRECEIPT_HOME/demo`` (and the
receipt to its store) when ``ZKRECEIPT_HOME`` is set, else to a temporary
directory removed afterwards.

This module imports only light modules at the top: on a cold numba cache the
numeric core takes minutes to compile, so the command says so first and then
imports it (inside :func:`demo_command`).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from ..receipts import (
    DEFAULT_RATE_TABLE,
    ed25519_key_id,
    generate_signing_key,
    read_receipt_file,
    sign_receipt,
    verify_receipt,
)
from ..receipts.example_files import example_path
from ..ledger.home import HOME_ENVIRONMENT_VARIABLE, zkreceipt_home
from ..ledger.store import ReceiptStore
from .common import (
    DAY_SECONDS,
    EXIT_INVALID,
    announce_kernel_compilation,
    kernel_cache_is_cold,
    record_audit,
    reports_bad_input,
)

if TYPE_CHECKING:
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


@contextmanager
def _demo_home() -> Iterator[Path]:
    """``$ZKRECEIPT_HOME`` if set (kept), else a temporary home (removed) that the store also uses."""
    if os.environ.get(HOME_ENVIRONMENT_VARIABLE):
        yield zkreceipt_home()
        return
    with tempfile.TemporaryDirectory(prefix="zkreceipt-demo-") as directory:
        os.environ[HOME_ENVIRONMENT_VARIABLE] = directory
        try:
            yield Path(directory)
        finally:
            del os.environ[HOME_ENVIRONMENT_VARIABLE]


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
    """Sign, prove, verify and store the example receipt (llama3.2, 2.5 units × 2.0 = 5.0) with fresh keys."""
    started = time.perf_counter()
    with _demo_home() as home:
        work = home / "demo"
        work.mkdir(parents=True, exist_ok=True, mode=0o700)
        click.echo(f"zkreceipt demo in {home}")
        if kernel_cache_is_cold():
            announce_kernel_compilation()
            from ..warmup import compile_kernels  # light: the groups compile in child processes

            compile_kernels()
        # The numeric core: imported only now, after the notice (numba compiles it on a cold cache).
        from ..ledger.keys import save_receipt_keys, setup_receipt_keys
        from ..ledger.bundles import prove_receipt, verification_key_id, verify_bundle
        from ..circuits.receipt_policy import ReceiptPolicy
        from .bundle_support import audit_proven, audit_verified, save_bundle, store_proven

        receipt = read_receipt_file(example_path("compute_receipt.json"))
        key = generate_signing_key()
        day = receipt.started_at - receipt.started_at % DAY_SECONDS
        policy = ReceiptPolicy(
            not_before=day, not_after=day + DAY_SECONDS - 1, max_duration=3600
        )
        signed = _timed(
            "sign the receipt (fresh Ed25519 key)",
            lambda: sign_receipt(receipt, key, DEFAULT_RATE_TABLE),
        )
        pk = _timed(
            "development setup (receipt circuit)", lambda: setup_receipt_keys(policy)
        )
        save_receipt_keys(pk, work / "keys")
        proven = _timed(
            "prove",
            lambda: prove_receipt(
                signed, pk, policy, DEFAULT_RATE_TABLE, trusted_keys=key.verify_key
            ),
        )
        bundle_path = work / "bundle.json"
        save_bundle(bundle_path, proven)
        check = _timed(
            "verify (offline, key only)",
            lambda: verify_bundle(proven.bundle, pk.vk, rates=DEFAULT_RATE_TABLE),
        )
        with ReceiptStore() as store:
            _timed(
                "store receipt + bundle", lambda: store_proven(store, signed, proven)
            )
        key_id = ed25519_key_id(key.verify_key)
        record_audit("signed", "receipt", signed.receipt_id, key_id=key_id)
        audit_proven(signed, proven, bundle_path)
        audit_verified(bundle_path, proven.bundle, check)
        click.echo(
            f"\nexample receipt signed by a fresh key {key_id}"
            f" (signature {'valid' if verify_receipt(signed, key.verify_key) else 'INVALID'})"
        )
        click.echo(
            f"verification key id {verification_key_id(pk.vk)}; bundle written to {bundle_path}"
        )
        _show_public(proven.bundle)
        click.echo(
            f"\nverdict: {'VALID' if check.ok else 'INVALID'} (total {time.perf_counter() - started:.2f} s)"
        )
        if not check.ok:
            raise SystemExit(EXIT_INVALID)
