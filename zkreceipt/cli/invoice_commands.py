"""``zkreceipt invoice …``: accounting keys, signing, checking, and Groth16 proofs of invoice transcripts.

Invoices have their own group because their keys (secp256k1 accounting keys,
Ethereum-style addresses), circuits (one per task kind and number of line-item
slots) and bundles differ from compute receipts'. Key pairs live in the same
keys directory as the receipt pair, one folder per shape (``invoice-KIND-N/``).
Proving checks the accounting signature against trusted addresses and attests
the bundle with the prover's accounting key; verifying reads what it relies on
from the trust profile.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..circuits.invoice import compile_invoice_circuit
from ..circuits.invoice_policy import DEFAULT_MAX_ITEMS, InvoicePolicy, InvoiceShape
from ..errors import ReceiptError, ZkReceiptError
from ..fileio import write_file_atomically
from ..formats.snarkjs_json import read_json
from ..ledger.identity import invoice_identity
from ..ledger.invoice_bundles import (
    BundleFormatError,
    InvoiceBundle,
    check_invoice_for_proof,
    invoice_bundle_from_json,
    invoice_bundle_to_text,
    invoice_key_paths,
    prove_invoice,
    verify_invoice_bundle,
)
from ..ledger.keys import check_pair_free, load_key_pair
from ..ledger.logs import log_context
from ..ledger.trust import load_trust_profile, update_trust_profile
from ..receipts import (
    Invoice,
    KeyFileError,
    TaskKind,
    check_invoice,
    generate_accounting_key,
    invoice_to_json,
    load_accounting_key,
    parse_invoice,
    save_accounting_key,
    sign_invoice,
)
from ..receipts.json_input import read_document_file
from ..ledger.home import zkreceipt_home
from ..ledger.store import ReceiptStore
from .bundle_support import (
    allow_untrusted_signer_option,
    audit_verified,
    force_option,
    keys_directory_option,
    ptau_option,
    report_checks,
    run_setup,
    trust_option,
)
from .common import EXIT_INVALID, EXIT_VALID, record_audit, reports_bad_input, run_stage

FILE = click.Path(dir_okay=False)
ACCOUNTING_KEY_FILE = "accounting_key.json"
INVOICE_BUNDLE_KIND = "groth16-invoice"
DEFAULT_MEMORY_LIMIT = 1 << 32  # 4 GiB: public, so a default says nothing about the invoice
kind_option = click.option(
    "--kind",
    type=click.Choice([kind.value for kind in TaskKind]),
    default=TaskKind.FUNCTION.value,
    show_default=True,
    help="task kind of the line items",
)
max_items_option = click.option(
    "--max-items", type=int, default=DEFAULT_MAX_ITEMS, show_default=True, help="line-item slots of the circuit"
)


def default_accounting_key_path() -> Path:
    return zkreceipt_home() / ACCOUNTING_KEY_FILE


def read_invoice_file(path: str | Path) -> Invoice:
    """The invoice in the JSON file ``path``; ReceiptError naming the file and field."""
    data = read_document_file(path, "invoice file")
    try:
        return parse_invoice(data)
    except ReceiptError as error:
        raise type(error)(f"{path}: {error}") from None


def read_invoice_bundle(path: str | Path) -> InvoiceBundle:
    try:
        return invoice_bundle_from_json(read_json(path))
    except BundleFormatError as error:
        raise BundleFormatError(f"{path}: {error}") from None


@click.group("invoice")
def invoice_group() -> None:
    """Invoice transcripts: accounting keys (secp256k1), signatures, and Groth16 proofs.

    A proof shows that each line item's amount is usage × the public gas price,
    that charges equal pays plus penalties and (function tasks) that peak memory
    is within the public limit; ids, accounts and usage stay private.
    """


@invoice_group.command("keygen")
@click.option("--out", type=FILE, help="private key file (default: accounting_key.json in the zkreceipt home)")
@click.option("--force", is_flag=True, help="replace an existing key file")
@trust_option
@reports_bad_input
def invoice_keygen_command(out: str | None, force: bool, trust: str | None) -> None:
    """Create a secp256k1 accounting key (0600); print its address, which the trust profile now trusts."""
    path = Path(out) if out else default_accounting_key_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = generate_accounting_key()
    save_accounting_key(key, path, overwrite=force)
    update_trust_profile(lambda profile: profile.with_invoice_signer(key.address), trust)
    record_audit("key_created", "key", key.address, algorithm="secp256k1", key_file=str(path.resolve()))
    click.echo(key.address)
    click.echo(f"wrote {path} (private: keep it secret)", err=True)


@invoice_group.command("sign")
@click.argument("invoice_file", type=FILE)
@click.option("--key", "key_file", type=FILE, help="accounting key file (default: in the zkreceipt home)")
@click.option("--out", type=FILE, help="signed invoice file (default: INVOICE.signed.json)")
@reports_bad_input
def invoice_sign_command(invoice_file: str, key_file: str | None, out: str | None) -> None:
    """Sign INVOICE_FILE (EIP-191 personal message over its canonical bytes) and write the signed invoice."""
    invoice = read_invoice_file(invoice_file)
    key = load_accounting_key(key_file or default_accounting_key_path())
    with log_context(invoice_id=invoice.invoice_id):
        signed = sign_invoice(invoice, key)
    source = Path(invoice_file)
    target = Path(out) if out else source.with_name(f"{source.stem}.signed.json")
    write_file_atomically(target, invoice_to_json(signed).encode("utf-8"), private=False, overwrite=True)
    record_audit("signed", "invoice", signed.invoice_id, signer=key.address, out=str(target))
    click.echo(f"signed {signed.invoice_id} as {key.address}: wrote {target}")


@invoice_group.command("check")
@click.argument("invoice_file", type=FILE)
@click.option("--signer", required=True, help="expected signer address (0x…)")
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@reports_bad_input
def invoice_check_command(invoice_file: str, signer: str, as_json: bool) -> None:
    """Check the accounting signature and the balance: exit 0 both pass, 1 either fails, 2 bad input."""
    invoice = read_invoice_file(invoice_file)
    check = check_invoice(invoice, signer)
    record_audit("verified", "invoice", invoice.invoice_id, signer=signer, valid=check.ok)
    outcomes = (check.signature, check.balance)
    if as_json:
        click.echo(json.dumps({"valid": check.ok, **{o.name: {"ok": o.passed, "detail": o.detail} for o in outcomes}}))
    else:
        for outcome in outcomes:
            click.echo(f"{outcome.name}: {'ok' if outcome.passed else 'FAILED'} ({outcome.detail})")
    sys.exit(EXIT_VALID if check.ok else EXIT_INVALID)


@invoice_group.command("setup")
@kind_option
@max_items_option
@keys_directory_option
@ptau_option
@force_option
@trust_option
@reports_bad_input
def invoice_setup_command(
    kind: str, max_items: int, keys_dir: str | None, ptau: str | None, force: bool, trust: str | None
) -> None:
    """Keys for the invoice circuit of KIND with MAX_ITEMS slots (development setup unless --ptau), trusted.

    The pair goes to KEYS_DIR/invoice-KIND-N/, atomically, never replacing an
    existing pair without --force; its verification key joins the trust profile.
    """
    shape = InvoiceShape(TaskKind(kind), max_items)
    paths = invoice_key_paths(shape, keys_dir)
    check_pair_free(paths, force=force)  # before the slow part
    circuit = run_stage(f"compiling the invoice circuit {shape.key}", lambda: compile_invoice_circuit(shape))
    run_setup(circuit.r1cs, ptau, paths, invoice_identity(shape), force, trust)


@invoice_group.command("prove")
@click.argument("invoice_file", type=FILE)
@click.option("--out", type=FILE, default="invoice_bundle.json", show_default=True, help="bundle file")
@max_items_option
@click.option(
    "--memory-limit",
    type=int,
    default=DEFAULT_MEMORY_LIMIT,
    show_default=True,
    help="public peak-memory bound in bytes (function tasks)",
)
@click.option("--signer", help="trust only this accounting address (default: the trust profile's invoice signers)")
@click.option(
    "--accounting-key", type=FILE, help="key that attests the bundle (default: accounting_key.json in the home)"
)
@keys_directory_option
@trust_option
@reports_bad_input
def invoice_prove_command(
    invoice_file: str,
    out: str,
    max_items: int,
    memory_limit: int,
    signer: str | None,
    accounting_key: str | None,
    keys_dir: str | None,
    trust: str | None,
) -> None:
    """Prove INVOICE_FILE (the task kind comes from its line items) and write the attested bundle.

    The accounting signature must recover to a trusted address (exit 2 and
    nothing written otherwise); the bundle is attested with the prover's
    accounting key.
    """
    invoice = read_invoice_file(invoice_file)
    shape = InvoiceShape(invoice.task_kind, max_items)
    policy = InvoicePolicy(shape, memory_limit if shape.meters_memory else None)
    trusted = {signer} if signer is not None else load_trust_profile(trust).invoice_signers
    try:  # bad input is reported before any key is read
        check_invoice_for_proof(invoice, policy, trusted_signers=trusted)
    except ZkReceiptError as error:
        raise ReceiptError(f"{invoice_file}: {error}") from None
    key_path = Path(accounting_key) if accounting_key else default_accounting_key_path()
    if not key_path.exists():
        raise KeyFileError(f"{key_path}: no accounting key to attest the bundle; create one with `zkreceipt invoice keygen`")
    key = load_accounting_key(key_path)
    pk = load_key_pair(invoice_key_paths(shape, keys_dir), invoice_identity(shape))
    with ReceiptStore() as store:
        store.check_invoice_storable(invoice)
        with log_context(invoice_id=invoice.invoice_id):
            proven = prove_invoice(invoice, pk, policy, trusted_signers=trusted, accounting_key=key)
        bundle = proven.bundle
        text = invoice_bundle_to_text(bundle)
        write_file_atomically(out, text.encode("utf-8"), private=False, overwrite=True)
        store.add_invoice_proven(
            invoice, text, kind=INVOICE_BUNDLE_KIND, vk_id=bundle.vk_id, commitment=bundle.commitment, replace=True
        )
    record_audit(
        "proven",
        "invoice",
        invoice.invoice_id,
        bundle=out,
        vk_id=bundle.vk_id,
        circuit_key=bundle.circuit_key,
        commitment=str(bundle.commitment),
    )
    click.echo(f"proved {invoice.invoice_id}: wrote {out}")


@invoice_group.command("verify")
@click.argument("bundle_file", type=FILE)
@trust_option
@allow_untrusted_signer_option
@click.option("--json", "as_json", is_flag=True, help="JSON verdict")
@click.option("--quiet", "-q", is_flag=True, help="no output; the exit code says it")
@reports_bad_input
def invoice_verify_command(
    bundle_file: str, trust: str | None, allow_untrusted_signer: bool, as_json: bool, quiet: bool
) -> None:
    """Verify an invoice bundle offline against the trust profile: exit 0 valid, 1 invalid, 2 bad input.

    Prints the verdict, the key and circuit, the signer, the proven gas prices
    and memory limit, and what stayed private; every reason it is invalid.
    """
    bundle = read_invoice_bundle(bundle_file)
    profile = load_trust_profile(trust)
    check = verify_invoice_bundle(bundle, profile, allow_untrusted_signer=allow_untrusted_signer)
    audit_verified(bundle_file, bundle, check, subject="invoice_bundle")
    report_checks([bundle_file], [check], as_json=as_json, quiet=quiet)
