"""``zkreceipt keygen``, ``sign``, ``receipts list``, ``receipt show`` and ``receipt check``: signing keys, the store, the client's check."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ReceiptError
from ..fileio import write_file_atomically
from ..receipts import (
    KeyFileError,
    Keyring,
    ReceiptCheck,
    TimePolicy,
    active_rate_table,
    as_verify_key,
    check_receipt,
    ed25519_key_id,
    generate_signing_key,
    load_rate_table,
    load_signing_key,
    load_verify_key,
    read_receipt_file,
    receipt_to_dict,
    receipt_to_json,
    save_signing_key,
    save_verify_key,
    sign_receipt,
)
from ..receipts.receipt import ED25519_ALGORITHM
from ..ledger.home import zkreceipt_home
from ..ledger.store import KeyRecord, ReceiptStore
from ..ledger.logs import log_context
from .common import EXIT_INVALID, EXIT_VALID, record_audit, reports_bad_input

FILE = click.Path(dir_okay=False)
SIGNING_KEY_FILE = "signing_key.json"


def default_signing_key_path() -> Path:
    """``signing_key.json`` in the zkreceipt home."""
    return zkreceipt_home() / SIGNING_KEY_FILE


@click.command("keygen")
@click.option(
    "--out",
    type=FILE,
    help="private key file (default: signing_key.json in the zkreceipt home)",
)
@click.option("--force", is_flag=True, help="replace an existing key file")
@click.option("--trust", type=FILE, help="trust profile to add the key to (default: trust.json in the home)")
@reports_bad_input
def keygen_command(out: str | None, force: bool, trust: str | None) -> None:
    """Create an Ed25519 signing key (0600) and its public key file (KEY.pub.json); print the key id.

    The public key is added to the trust profile's signers: a provider trusts
    the receipts it signs and the bundles it attests.
    """
    path = Path(out) if out else default_signing_key_path()
    public_path = path.with_name(f"{path.stem}.pub.json")
    for target in (path, public_path):
        if target.exists() and not force:
            raise KeyFileError(f"{target}: already exists (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = generate_signing_key()
    save_signing_key(key, path, overwrite=force)
    save_verify_key(key.verify_key, public_path, overwrite=force)
    key_id = ed25519_key_id(key.verify_key)
    with ReceiptStore() as store:
        public_hex = bytes(key.verify_key).hex()
        store.add_key(
            KeyRecord(
                key_id,
                ED25519_ALGORITHM,
                public_hex,
                "signing key",
                str(path.resolve()),
            )
        )
    from ..ledger.trust import update_trust_profile  # imports the curve core: only when a key was made

    update_trust_profile(lambda profile: profile.with_receipt_signer(public_hex), trust)
    record_audit("key_created", "key", key_id, algorithm=ED25519_ALGORITHM, key_file=str(path.resolve()))
    click.echo(key_id)
    click.echo(
        f"wrote {path} (private: keep it secret) and {public_path} (public)", err=True
    )


@click.command("sign")
@click.argument("receipt_file", type=FILE)
@click.option(
    "--key",
    "key_file",
    type=FILE,
    help="signing key file (default: signing_key.json in the zkreceipt home)",
)
@click.option(
    "--out", type=FILE, help="signed receipt file (default: RECEIPT.signed.json)"
)
@click.option(
    "--rates",
    type=FILE,
    help="rate table JSON (default: $ZKRECEIPT_RATES or the built-in rates)",
)
@reports_bad_input
def sign_command(
    receipt_file: str, key_file: str | None, out: str | None, rates: str | None
) -> None:
    """Sign RECEIPT_FILE (its price must be units × rate) and write the signed receipt."""
    receipt = read_receipt_file(receipt_file)
    key = load_signing_key(key_file or default_signing_key_path())
    with log_context(receipt_id=receipt.receipt_id, job_id=receipt.job_id):
        signed = sign_receipt(receipt, key, active_rate_table(rates))
    source = Path(receipt_file)
    target = Path(out) if out else source.with_name(f"{source.stem}.signed.json")
    write_file_atomically(
        target, receipt_to_json(signed).encode("utf-8"), private=False, overwrite=True
    )
    record_audit("signed", "receipt", signed.receipt_id, key_id=ed25519_key_id(key.verify_key), out=str(target))
    click.echo(
        f"signed {signed.receipt_id} with key {ed25519_key_id(key.verify_key)}: wrote {target}"
    )


def _list_receipts(filters: dict[str, str | int | None], as_json: bool) -> None:
    with ReceiptStore() as store:
        receipts = store.find_receipts(**filters)  # type: ignore[arg-type]
    if as_json:
        click.echo(
            json.dumps([receipt_to_dict(receipt) for receipt in receipts], indent=1)
        )
        return
    for r in receipts:
        click.echo(
            f"{r.receipt_id}\t{r.client}\t{r.provider}\t{r.model}\t{r.units} {r.unit_type}\t{r.price}"
        )
    click.echo(f"{len(receipts)} receipt(s)", err=True)


def _show_receipt(receipt_id: str, as_json: bool) -> None:
    with ReceiptStore() as store:
        record = store.show_receipt(receipt_id)
    bundles = [
        {"bundle_id": b.bundle_id, "kind": b.kind, "created_at": b.created_at}
        for b in record.proof_bundles
    ]
    if as_json:
        document = {
            "receipt": receipt_to_dict(record.receipt),
            "stored_at": record.stored_at,
            "proof_bundles": bundles,
        }
        click.echo(json.dumps(document, indent=1))
        return
    click.echo(receipt_to_json(record.receipt), nl=False)
    click.echo(f"stored at {record.stored_at}; {len(bundles)} proof bundle(s)")
    for bundle in bundles:
        click.echo(
            f"  bundle {bundle['bundle_id']} ({bundle['kind']}) created at {bundle['created_at']}"
        )


def _make_store_group(name: str, help_text: str) -> click.Group:
    """A group with ``list`` and ``show``: registered as both ``receipts`` and ``receipt``."""

    @click.group(name, help=help_text)
    def group() -> None:
        pass

    @group.command("list")
    @click.option("--client", help="only receipts of this client")
    @click.option("--provider", help="only receipts of this provider")
    @click.option("--model", help="only receipts of this model")
    @click.option("--since", type=int, help="only jobs started at or after this Unix time")
    @click.option("--until", type=int, help="only jobs completed at or before this Unix time")
    @click.option("--limit", type=click.IntRange(min=1), help="at most this many receipts")
    @click.option("--json", "as_json", is_flag=True, help="JSON output")
    @reports_bad_input
    def list_command(
        client: str | None,
        provider: str | None,
        model: str | None,
        since: int | None,
        until: int | None,
        limit: int | None,
        as_json: bool,
    ) -> None:
        """List stored receipts, oldest first."""
        filters = {"client": client, "provider": provider, "model": model, "since": since, "until": until}
        _list_receipts({**filters, "limit": limit}, as_json)

    @group.command("show")
    @click.argument("receipt_id")
    @click.option("--json", "as_json", is_flag=True, help="JSON output")
    @reports_bad_input
    def show_command(receipt_id: str, as_json: bool) -> None:
        """Show a stored receipt and its proof bundles."""
        _show_receipt(receipt_id, as_json)

    return group


receipts_group = _make_store_group(
    "receipts", "Receipts in the store ($ZKRECEIPT_HOME/zkreceipt.db)."
)
receipt_group = _make_store_group(
    "receipt", "One receipt: list and show the store (as ``receipts``), or check one as its client would."
)


def _signer_keys(signer: str) -> Keyring:
    """The keyring of one provider key: a KEY.pub.json file or 64 hex characters."""
    if len(signer) == 64 and all(c in "0123456789abcdefABCDEF" for c in signer):
        return Keyring.of([as_verify_key(signer.lower())])
    return Keyring.of([load_verify_key(signer)])


def _client_check(receipt_file: str, signer: str | None, rates: str | None, trust: str | None) -> ReceiptCheck:
    """Check the receipt against the given key and table, else the trust profile's signers, tables and window."""
    profile = None
    if signer is None or rates is None:
        from ..ledger.trust import load_trust_profile  # imports the curve core: only when the profile is needed

        profile = load_trust_profile(trust)
    receipt = read_receipt_file(receipt_file)
    keys = _signer_keys(signer) if signer is not None else profile.receipt_keyring()  # type: ignore[union-attr]
    if rates is not None:
        tables = [load_rate_table(rates)]
    else:
        distinct = {tuple(t.rates.rates_fp.items()): t.rates for t in profile.rate_tables.values()}  # type: ignore[union-attr]
        tables = list(distinct.values())
        if not tables:
            raise ReceiptError("the trust profile trusts no rate table: pass --rates or run `zkreceipt trust add-rates`")
    bounds = profile.policy if profile is not None else None
    time_policy = TimePolicy(bounds.not_before, bounds.not_after, bounds.max_duration) if bounds else TimePolicy()
    checks = [check_receipt(receipt, keys, table, time_policy) for table in tables]
    return next((check for check in checks if check.pricing.passed), checks[0])


@receipt_group.command("check")
@click.argument("receipt_file", type=FILE)
@click.option("--signer", help="the provider's public key: KEY.pub.json or 64 hex (default: the trust profile's signers)")
@click.option("--rates", type=FILE, help="trusted rate table JSON (default: the trust profile's rate tables)")
@click.option("--trust", type=FILE, help="trust profile JSON (default: trust.json in the zkreceipt home)")
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@reports_bad_input
def receipt_check_command(
    receipt_file: str, signer: str | None, rates: str | None, trust: str | None, as_json: bool
) -> None:
    """Check RECEIPT_FILE as its client would: exit 0 all checks pass, 1 any fails, 2 bad input.

    The Ed25519 signature under a trusted provider key; price = units × rate
    under the trusted rate table, exactly in fixed point; time order (and, with
    the trust profile, the trusted window and longest duration).
    """
    check = _client_check(receipt_file, signer, rates, trust)
    record_audit("verified", "receipt", check.receipt_id, valid=check.ok)
    if as_json:
        outcomes = {o.name: {"ok": o.passed, "detail": o.detail} for o in check.outcomes}
        click.echo(json.dumps({"receipt_id": check.receipt_id, "valid": check.ok, **outcomes}, indent=1))
    else:
        for outcome in check.outcomes:
            click.echo(f"{outcome.name}: {'ok' if outcome.passed else 'FAILED'} ({outcome.detail})")
        verdict = "OK: the receipt checks out" if check.ok else f"INVALID: {check.failures[0].detail}"
        click.echo(verdict, err=not check.ok)
    raise SystemExit(EXIT_VALID if check.ok else EXIT_INVALID)


def receipt_cli_commands() -> list[click.Command]:
    """Every command of the receipt workflow, for the root group to register."""
    from .bundle_commands import (
        export_verifier_command,
        inspect_command,
        prove_batch_command,
        prove_command,
        setup_command,
        verify_batch_command,
        verify_command,
    )
    from .demo_command import demo_command

    return [
        keygen_command,
        sign_command,
        receipts_group,
        receipt_group,
        setup_command,
        prove_command,
        verify_command,
        prove_batch_command,
        verify_batch_command,
        export_verifier_command,
        inspect_command,
        demo_command,
    ]
