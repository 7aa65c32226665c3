"""What the proving and verifying commands share: policy and trust options, keys, bundles, verdicts, storing."""

from __future__ import annotations

import datetime
import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ..circuits.receipt_policy import ReceiptPolicy
from ..errors import ReceiptError, SignatureError, ZkReceiptError
from ..fileio import write_file_atomically
from ..formats.snarkjs_json import read_json
from ..formats.zkey_keys import proving_key_from_zkey
from ..groth16 import VerifyingKey
from ..ledger.bundle_format import BundleFormatError, ProofBundle, bundle_from_json, bundle_to_text
from ..ledger.bundles import BundleCheck, ProvenReceipt, check_receipt_signer, check_to_json
from ..ledger.identity import CircuitIdentity
from ..ledger.invoice_bundles import INVOICE_BUNDLE_FORMAT
from ..ledger.keys import (
    ReceiptKeyPaths,
    check_pair_free,
    phase2_initial_zkey,
    read_identified_verification_key,
    save_keys,
    save_phase2_keys,
    setup_circuit_keys,
)
from ..ledger.statements import check_receipt_policy
from ..ledger.store import ReceiptStore
from ..ledger.trust import default_trust_path, update_trust_profile
from ..r1cs import R1CS
from ..receipts import KeyFileError, Keyring, RateTable, Receipt, check_pricing, load_signing_key
from .common import DAY_SECONDS, EXIT_INVALID, EXIT_VALID, record_audit, run_stage
from .receipt_commands import default_signing_key_path

F = TypeVar("F", bound=Callable[..., Any])
FILE = click.Path(dir_okay=False)
BUNDLE_KIND = "groth16-receipt"


def policy_options(command: F) -> F:
    """--not-before/--not-after/--max-duration/--gpu-count, passed on as ``policy_bounds``."""

    @click.option("--not-before", type=int, help="window start (default: 00:00 UTC of the job's start day)")
    @click.option("--not-after", type=int, help="window end (default: 23:59:59 UTC of the job's end day)")
    @click.option("--max-duration", type=int, default=DAY_SECONDS, show_default=True, help="longest job, seconds")
    @click.option("--gpu-count", type=int, default=1, show_default=True, help="GPUs the units may use")
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


def policy_for(receipt: Receipt, bounds: tuple[int | None, int | None, int, int]) -> ReceiptPolicy:
    """The policy of ``bounds``; a missing window edge becomes the UTC day boundary around the job."""
    not_before, not_after, max_duration, gpu_count = bounds
    start = receipt.started_at - receipt.started_at % DAY_SECONDS if not_before is None else not_before
    end = (
        receipt.completed_at - receipt.completed_at % DAY_SECONDS + DAY_SECONDS - 1
        if not_after is None
        else not_after
    )
    return ReceiptPolicy(not_before=start, not_after=end, max_duration=max_duration, gpu_count=gpu_count)


ptau_option = click.option(
    "--ptau",
    type=click.Path(dir_okay=False),
    help="snarkjs phase-1 .ptau (prepared for phase 2): phase-2 keys instead of a development setup",
)
force_option = click.option(
    "--force", is_flag=True, help="replace an existing key pair (its verification key stays in the trust profile)"
)
trust_option = click.option(
    "--trust", type=FILE, help="trust profile JSON (default: trust.json in the zkreceipt home)"
)
allow_untrusted_signer_option = click.option(
    "--allow-untrusted-signer",
    is_flag=True,
    help="accept a bundle whose attestation signer is unknown or missing (the output says it was not checked)",
)
signing_key_option = click.option(
    "--signing-key", type=FILE, help="Ed25519 key that attests the bundles (default: signing_key.json in the home)"
)


def keys_directory_option(command: F) -> F:
    return click.option(
        "--keys-dir",
        type=click.Path(file_okay=False),
        help="keys directory holding one folder per key pair (default: keys in the zkreceipt home)",
    )(command)


def load_provider_signing_key(path: str | None) -> Any:
    """The provider's Ed25519 signing key (``path`` or the home's); KeyFileError saying how to make one."""
    chosen = Path(path) if path else default_signing_key_path()
    if not chosen.exists():
        raise KeyFileError(f"{chosen}: no signing key to attest the bundle; create one with `zkreceipt keygen`")
    return load_signing_key(chosen)


def run_setup(
    r1cs: R1CS, ptau: str | None, paths: ReceiptKeyPaths, identity: CircuitIdentity, force: bool, trust: str | None
) -> None:
    """The setup commands' work: keys from a development setup or a .ptau, the pair written atomically, trusted, audited.

    A phase-2 key is written as snarkjs would (its contribution section kept),
    so the ceremony can continue with ``zkreceipt zkey contribute``. The new
    verification key is added to the trust profile (the provider trusts its own key).
    """
    check_pair_free(paths, force=force)
    if ptau:
        zkey = run_stage(f"phase-2 setup of {identity.key} from {ptau}", lambda: phase2_initial_zkey(r1cs, ptau))
        vk_id = run_stage("writing the keys", lambda: save_phase2_keys(zkey, paths, identity, force=force))
        vk = proving_key_from_zkey(zkey).vk
    else:
        pk = run_stage(f"development setup of {identity.key}", lambda: setup_circuit_keys(r1cs))
        vk_id = run_stage("writing the keys", lambda: save_keys(pk, paths, identity, force=force))
        vk = pk.vk
    update_trust_profile(lambda profile: profile.with_key(vk, identity), trust)
    setup = "phase 2 (initial, no contribution yet)" if ptau else "development"
    record_audit("key_created", "verification_key", vk_id, circuit_key=identity.key, setup=setup)
    click.echo(f"verification key id: {vk_id}")
    kind = " (phase-2 key before any contribution)" if ptau else " (development setup: not a trusted setup)"
    click.echo(f"wrote {paths.proving_key} and {paths.verification_key}{kind}")
    click.echo(f"trusted in {trust or default_trust_path()}")


def load_vk(vk_path: str | None, keys_dir: str | None) -> VerifyingKey:
    """The verification key at ``vk_path``, else the receipt pair's in the keys directory."""
    return read_identified_verification_key(vk_path or ReceiptKeyPaths.under(keys_dir).verification_key)[0]


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


def audit_verified(bundle_path: str | Path, bundle: Any, check: BundleCheck, subject: str = "bundle") -> None:
    """Audit record of a verification: the bundle's commitment, file, key id, signer and verdict."""
    record_audit(
        "verified",
        subject,
        str(bundle.commitment),
        bundle=str(bundle_path),
        vk_id=bundle.vk_id,
        signer=check.signer,
        valid=check.ok,
        problems="; ".join(check.problems) or None,
    )


def check_signer_of(receipt: Receipt, keyring: Keyring, source: str | Path) -> None:
    """ReceiptError naming ``source`` unless the receipt's own signature verifies under a trusted key."""
    try:
        check_receipt_signer(receipt, keyring)
    except SignatureError as error:
        raise ReceiptError(f"{source}: {error}; trust a provider with `zkreceipt trust add-signer`") from None


def check_batch(
    paths: Sequence[str],
    receipts: Sequence[Receipt],
    policies: Sequence[ReceiptPolicy],
    targets: Sequence[Path],
    rates: RateTable,
    store: ReceiptStore,
    keyring: Keyring,
) -> None:
    """Everything that could stop a batch half-way, checked before the first proof; errors name the file.

    The signature under a trusted key, pricing and policy, a different receipt
    already stored under the same id, and two files of the batch with the same
    receipt id or the same bundle file.
    """
    seen_ids: dict[str, str] = {}
    seen_targets: dict[Path, str] = {}
    for path, receipt, policy, target in zip(paths, receipts, policies, targets, strict=True):
        check_signer_of(receipt, keyring, path)
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


# --- verdicts ------------------------------------------------------------------------------------


def _when(seconds: int) -> str:
    try:
        moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    except (OverflowError, ValueError, OSError):  # timestamps reach 2^40 s, past the year 9999
        return "after the year 9999"
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _signer_line(check: BundleCheck) -> str:
    signer = check.signer or "none (unsigned)"
    if check.signer_trusted:
        return f"{signer} (trusted)"
    if not check.signer_checked:
        return f"{signer} (NOT CHECKED: --allow-untrusted-signer)"
    return f"{signer} (NOT TRUSTED)"


def describe_check(label: str, check: BundleCheck) -> list[str]:
    """The verdict on one bundle and what it proved, one fact per line (see ``check_to_json`` for data)."""
    lines = [f"{label}: {'VALID' if check.ok else 'INVALID'}"]
    row = "  {:<10} {}".format
    trusted = check.identity is not None
    lines.append(row("key id", f"{check.vk_id} ({'trusted' if trusted else 'NOT TRUSTED'})"))
    if check.identity is not None:
        lines.append(row("circuit", check.identity.key))
    lines.append(row("signer", _signer_line(check)))
    for name, value in check.policy.items():
        shown = f"{value} ({_when(value)})" if name in ("not_before", "not_after") else str(value)
        lines.append(row("proven", f"{name} = {shown}"))
    if check.rate is not None:
        lines.append(row("rate", check.rate))
    for name, value in check.disclosed.items():
        lines.append(row("disclosed", f"{name} = {value}"))
    if check.private:
        lines.append(row("private", ", ".join(check.private)))
    lines += [row("problem", problem) for problem in check.problems]
    return lines


def report_checks(
    labels: Sequence[str], checks: Sequence[BundleCheck], *, as_json: bool, quiet: bool = False, batch: bool = False
) -> None:
    """Print each verdict (text, or JSON: one object, a list for a ``batch``) and exit 0 if all are valid, else 1.

    The closing line (on stderr when something is invalid, and for a batch in
    JSON mode) gives the verdict and, for one bundle, the first reason.
    """
    valid = sum(check.ok for check in checks)
    if as_json:
        documents = [{"bundle": label, **check_to_json(check)} for label, check in zip(labels, checks, strict=True)]
        click.echo(json.dumps(documents if batch else documents[0], indent=1, ensure_ascii=False))
    elif not quiet:
        for label, check in zip(labels, checks, strict=True):
            for line in describe_check(label, check):
                click.echo(line)
    if batch and not quiet:
        click.echo(f"{valid} of {len(checks)} bundles valid", err=as_json or valid < len(checks))
    elif not (as_json or quiet):
        check = checks[0]
        waived = "" if check.signer_trusted else " (signer not checked)"
        click.echo(f"OK: the bundle is valid{waived}" if check.ok else f"INVALID: {check.problems[0]}", err=not check.ok)
    sys.exit(EXIT_VALID if valid == len(checks) else EXIT_INVALID)
