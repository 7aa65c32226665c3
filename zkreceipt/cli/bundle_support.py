"""What the proving and verifying commands share: the policy options, key loading, reading bundles, storing."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ..ledger.bundle_format import (
    BundleFormatError,
    ProofBundle,
    bundle_from_json,
    bundle_to_text,
)
from ..ledger.keys import (
    ReceiptKeyPaths,
    phase2_initial_zkey,
    save_keys,
    save_phase2_keys,
    setup_circuit_keys,
    verification_key_id,
)
from ..formats.zkey_keys import proving_key_from_zkey
from ..ledger.invoice_bundles import INVOICE_BUNDLE_FORMAT
from ..r1cs import R1CS
from ..ledger.bundles import BundleCheck, ProvenReceipt
from ..circuits.receipt_policy import ReceiptPolicy
from ..fileio import write_file_atomically
from ..formats.snarkjs_json import read_json, read_verification_key
from ..groth16 import VerifyingKey
from ..receipts import Receipt
from ..errors import ReceiptError, ZkReceiptError
from ..receipts import RateTable, check_pricing
from ..ledger.statements import check_receipt_policy
from ..ledger.store import ReceiptStore
from .common import DAY_SECONDS, record_audit, run_stage

F = TypeVar("F", bound=Callable[..., Any])
BUNDLE_KIND = "groth16-receipt"


def policy_options(command: F) -> F:
    """--not-before/--not-after/--max-duration/--gpu-count, passed on as ``policy_bounds``."""

    @click.option(
        "--not-before",
        type=int,
        help="window start (default: 00:00 UTC of the job's start day)",
    )
    @click.option(
        "--not-after",
        type=int,
        help="window end (default: 23:59:59 UTC of the job's end day)",
    )
    @click.option(
        "--max-duration",
        type=int,
        default=DAY_SECONDS,
        show_default=True,
        help="longest job, seconds",
    )
    @click.option(
        "--gpu-count",
        type=int,
        default=1,
        show_default=True,
        help="GPUs the units may use",
    )
    @functools.wraps(command)
    def wrapper(
        *args: Any,
        not_before: int | None,
        not_after: int | None,
        max_duration: int,
        gpu_count: int,
        **kwargs: Any,
    ) -> Any:
        bounds = (not_before, not_after, max_duration, gpu_count)
        return command(*args, policy_bounds=bounds, **kwargs)

    return wrapper  # type: ignore[return-value]


def policy_for(
    receipt: Receipt, bounds: tuple[int | None, int | None, int, int]
) -> ReceiptPolicy:
    """The policy of ``bounds``; a missing window edge becomes the UTC day boundary around the job."""
    not_before, not_after, max_duration, gpu_count = bounds
    start = (
        receipt.started_at - receipt.started_at % DAY_SECONDS
        if not_before is None
        else not_before
    )
    end = (
        receipt.completed_at - receipt.completed_at % DAY_SECONDS + DAY_SECONDS - 1
        if not_after is None
        else not_after
    )
    return ReceiptPolicy(
        not_before=start, not_after=end, max_duration=max_duration, gpu_count=gpu_count
    )


ptau_option = click.option(
    "--ptau",
    type=click.Path(dir_okay=False),
    help="snarkjs phase-1 .ptau (prepared for phase 2): phase-2 keys instead of a development setup",
)


def keys_directory_option(command: F) -> F:
    return click.option(
        "--keys-dir",
        type=click.Path(file_okay=False),
        help="keys directory (default: keys in the zkreceipt home)",
    )(command)


def run_setup(r1cs: R1CS, ptau: str | None, paths: ReceiptKeyPaths, circuit_key: str) -> None:
    """The setup commands' work: keys from a development setup or a .ptau, written to ``paths``, audited.

    A phase-2 key is written as snarkjs would (its contribution section kept),
    so the ceremony can continue with ``zkreceipt zkey contribute``.
    """
    if ptau:
        zkey = run_stage(f"phase-2 setup of {circuit_key} from {ptau}", lambda: phase2_initial_zkey(r1cs, ptau))
        run_stage("writing the keys", lambda: save_phase2_keys(zkey, paths))
        vk = proving_key_from_zkey(zkey).vk
    else:
        pk = run_stage(f"development setup of {circuit_key}", lambda: setup_circuit_keys(r1cs))
        run_stage("writing the keys", lambda: save_keys(pk, paths))
        vk = pk.vk
    vk_id = verification_key_id(vk)
    setup = "phase 2 (initial, no contribution yet)" if ptau else "development"
    record_audit("key_created", "verification_key", vk_id, circuit_key=circuit_key, setup=setup)
    click.echo(f"verification key id: {vk_id}")
    trust = " (phase-2 key before any contribution)" if ptau else " (development setup: not a trusted setup)"
    click.echo(f"wrote {paths.proving_key} and {paths.verification_key}{trust}")


def load_vk(vk_path: str | None, keys_dir: str | None) -> VerifyingKey:
    """The verification key at ``vk_path``, else the one in the keys directory."""
    return read_verification_key(
        vk_path or ReceiptKeyPaths.under(keys_dir).verification_key
    )


def read_bundle(path: str | Path) -> ProofBundle:
    """The bundle in the JSON file ``path``; FormatError naming the file (and the command for invoice bundles)."""
    document = read_json(path)
    try:
        return bundle_from_json(document)
    except BundleFormatError as error:
        if isinstance(document, dict) and document.get("format") == INVOICE_BUNDLE_FORMAT:
            message = "an invoice proof bundle; verify it with `zkreceipt invoice verify`"
            raise BundleFormatError(f"{path}: {message}") from None
        raise BundleFormatError(f"{path}: {error}") from None


def save_bundle(path: str | Path, proven: ProvenReceipt) -> None:
    """Write the bundle (public) atomically; the salt is not part of it."""
    write_file_atomically(path, bundle_to_text(proven.bundle).encode("utf-8"), private=False, overwrite=True)


def audit_proven(receipt: Receipt, proven: ProvenReceipt, bundle_path: str | Path) -> None:
    """Audit record of a proof: receipt id, bundle file, key id, commitment (never the salt)."""
    bundle = proven.bundle
    record_audit(
        "proven",
        "receipt",
        receipt.receipt_id,
        bundle=str(bundle_path),
        vk_id=bundle.vk_id,
        circuit_key=bundle.circuit_key,
        commitment=str(bundle.commitment),
    )


def audit_verified(bundle_path: str | Path, bundle: ProofBundle, check: BundleCheck) -> None:
    """Audit record of a verification: the bundle's commitment, file, key id and verdict."""
    record_audit(
        "verified",
        "bundle",
        str(bundle.commitment),
        bundle=str(bundle_path),
        vk_id=bundle.vk_id,
        valid=check.ok,
        problems="; ".join(check.problems) or None,
    )


def check_batch(
    paths: Sequence[str],
    receipts: Sequence[Receipt],
    policies: Sequence[ReceiptPolicy],
    targets: Sequence[Path],
    rates: RateTable,
    store: ReceiptStore,
) -> None:
    """Everything that could stop a batch half-way, checked before the first proof; errors name the file.

    Pricing and policy, a different receipt already stored under the same id,
    and two files of the batch with the same receipt id or the same bundle file.
    """
    seen_ids: dict[str, str] = {}
    seen_targets: dict[Path, str] = {}
    for path, receipt, policy, target in zip(paths, receipts, policies, targets, strict=True):
        try:
            check_pricing(receipt, rates)
            check_receipt_policy(receipt, policy)
            store.check_receipt_storable(receipt)
        except ZkReceiptError as error:
            raise ReceiptError(f"{path}: {error}") from None
        if receipt.receipt_id in seen_ids:
            raise ReceiptError(f"{path}: receipt_id {receipt.receipt_id!r} is also in {seen_ids[receipt.receipt_id]}")
        if target in seen_targets:
            raise ReceiptError(f"{path}: its bundle {target} would overwrite the bundle of {seen_targets[target]}")
        seen_ids[receipt.receipt_id] = path
        seen_targets[target] = path


def store_proven(store: ReceiptStore, receipt: Receipt, proven: ProvenReceipt) -> None:
    """Store the receipt (if new) and its bundle in one transaction; a re-proof replaces the bundle of its key."""
    bundle = proven.bundle
    store.add_proven(
        receipt, bundle_to_text(bundle), kind=BUNDLE_KIND, vk_id=bundle.vk_id, commitment=bundle.commitment, replace=True
    )


def describe_check(check: BundleCheck) -> list[str]:
    """One line per check, for the verify commands."""
    rates = {True: "ok", False: "FAILED", None: "not checked"}[check.rates]
    lines = [
        f"verification key id: {'ok' if check.vk_id else 'FAILED'}",
        f"public signals match the policy and disclosed fields: {'ok' if check.signals else 'FAILED'}",
        f"rate table: {rates}",
        f"proof: {'ok' if check.proof else 'FAILED'}",
    ]
    return lines + [f"  problem: {problem}" for problem in check.problems]


def check_to_json(check: BundleCheck) -> dict[str, Any]:
    return {
        "valid": check.ok,
        "vk_id": check.vk_id,
        "signals": check.signals,
        "rates": check.rates,
        "proof": check.proof,
        "problems": list(check.problems),
    }
