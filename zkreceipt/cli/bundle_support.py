"""What the proving and verifying commands share: the policy options, key loading, reading bundles, storing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..bundle_format import (
    BundleFormatError,
    ProofBundle,
    bundle_from_json,
    bundle_to_text,
)
from ..bundle_keys import ReceiptKeyPaths
from ..bundles import BundleCheck, ProvenReceipt
from ..circuits.receipt_policy import ReceiptPolicy
from ..formats.snarkjs_json import read_json, read_verification_key
from ..groth16 import VerifyingKey
from ..receipts import Receipt
from ..store import ReceiptStore

F = TypeVar("F", bound=Callable[..., Any])
DAY_SECONDS = 86400
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


def keys_directory_option(command: F) -> F:
    return click.option(
        "--keys-dir",
        type=click.Path(file_okay=False),
        help="keys directory (default: keys in the zkreceipt home)",
    )(command)


def load_vk(vk_path: str | None, keys_dir: str | None) -> VerifyingKey:
    """The verification key at ``vk_path``, else the one in the keys directory."""
    return read_verification_key(
        vk_path or ReceiptKeyPaths.under(keys_dir).verification_key
    )


def read_bundle(path: str | Path) -> ProofBundle:
    """The bundle in the JSON file ``path``; FormatError naming the file."""
    try:
        return bundle_from_json(read_json(path))
    except BundleFormatError as error:
        raise BundleFormatError(f"{path}: {error}") from None


def store_proven(store: ReceiptStore, receipt: Receipt, proven: ProvenReceipt) -> None:
    """Store the receipt (if new) and attach its bundle."""
    store.add_receipt(receipt)
    store.add_proof_bundle(
        receipt.receipt_id, bundle_to_text(proven.bundle), BUNDLE_KIND
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
