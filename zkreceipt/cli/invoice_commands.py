"""``zkreceipt invoice …``: accounting keys, signing, checking, and Groth16 proofs of invoice transcripts.

Invoices have their own group because their keys (secp256k1 accounting keys,
Ethereum-style addresses), circuits (one per task kind and number of line-item
slots) and bundles differ from compute receipts'. Keys live in the same keys
directory as the receipt keys, as ``invoice-KIND-N.zkey`` and
``invoice-KIND-N.verification_key.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..circuits.invoice import compile_invoice_circuit
from ..circuits.invoice_policy import DEFAULT_MAX_ITEMS, InvoicePolicy, InvoiceShape
from ..errors import ReceiptError
from ..fileio import write_file_atomically
from ..formats.snarkjs_json import read_json, read_verification_key
from ..formats.zkey_keys import read_proving_key
from ..ledger.invoice_bundles import (
    BundleFormatError,
    InvoiceBundle,
    check_invoice_for_proof,
    InvoiceBundleCheck,
    invoice_bundle_from_json,
    invoice_bundle_to_text,
    invoice_key_paths,
    prove_invoice,
    verify_invoice_bundle,
)
from ..ledger.logs import log_context
from ..receipts import (
    Invoice,
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
from .bundle_support import keys_directory_option, ptau_option, run_setup
from .common import EXIT_INVALID, EXIT_VALID, record_audit, reports_bad_input, run_stage

FILE = click.Path(dir_okay=False)
ACCOUNTING_KEY_FILE = "accounting_key.json"
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
vk_option = click.option("--vk", "vk_path", type=FILE, help="trusted verification key JSON (default: keys dir)")


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
@reports_bad_input
def invoice_keygen_command(out: str | None, force: bool) -> None:
    """Create a secp256k1 accounting key (0600); print its address."""
    path = Path(out) if out else default_accounting_key_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = generate_accounting_key()
    save_accounting_key(key, path, overwrite=force)
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
@reports_bad_input
def invoice_setup_command(kind: str, max_items: int, keys_dir: str | None, ptau: str | None) -> None:
    """Keys for the invoice circuit of KIND with MAX_ITEMS slots (development setup unless --ptau)."""
    shape = InvoiceShape(TaskKind(kind), max_items)
    circuit = run_stage(f"compiling the invoice circuit {shape.key}", lambda: compile_invoice_circuit(shape))
    run_setup(circuit.r1cs, ptau, invoice_key_paths(shape, keys_dir), shape.key)


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
@click.option("--signer", help="refuse unless the accounting signature recovers to this address")
@keys_directory_option
@reports_bad_input
def invoice_prove_command(
    invoice_file: str, out: str, max_items: int, memory_limit: int, signer: str | None, keys_dir: str | None
) -> None:
    """Prove INVOICE_FILE (the task kind comes from its line items) and write the bundle."""
    invoice = read_invoice_file(invoice_file)
    shape = InvoiceShape(invoice.task_kind, max_items)
    policy = InvoicePolicy(shape, memory_limit if shape.meters_memory else None)
    check_invoice_for_proof(invoice, policy, signer=signer)  # bad input is reported before the key is read
    pk = read_proving_key(invoice_key_paths(shape, keys_dir).proving_key)
    with log_context(invoice_id=invoice.invoice_id):
        proven = prove_invoice(invoice, pk, policy, signer=signer)
    bundle = proven.bundle
    write_file_atomically(out, invoice_bundle_to_text(bundle).encode("utf-8"), private=False, overwrite=True)
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


def _describe(check: InvoiceBundleCheck) -> list[str]:
    lines = [
        f"verification key id: {'ok' if check.vk_id else 'FAILED'}",
        f"public signals match the bundle's gas prices and memory limit: {'ok' if check.signals else 'FAILED'}",
        f"proof: {'ok' if check.proof else 'FAILED'}",
    ]
    return lines + [f"  problem: {problem}" for problem in check.problems]


@invoice_group.command("verify")
@click.argument("bundle_file", type=FILE)
@vk_option
@keys_directory_option
@click.option("--json", "as_json", is_flag=True, help="JSON verdict")
@click.option("--quiet", "-q", is_flag=True, help="no output; the exit code says it")
@reports_bad_input
def invoice_verify_command(
    bundle_file: str, vk_path: str | None, keys_dir: str | None, as_json: bool, quiet: bool
) -> None:
    """Verify an invoice bundle offline: exit 0 valid, 1 invalid, 2 bad input."""
    bundle = read_invoice_bundle(bundle_file)
    vk = read_verification_key(vk_path or invoice_key_paths(bundle.policy.shape, keys_dir).verification_key)
    check = verify_invoice_bundle(bundle, vk)
    record_audit("verified", "invoice_bundle", str(bundle.commitment), bundle=bundle_file, valid=check.ok)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "valid": check.ok,
                    "vk_id": check.vk_id,
                    "signals": check.signals,
                    "proof": check.proof,
                    "problems": list(check.problems),
                }
            )
        )
    elif not quiet:
        for line in _describe(check):
            click.echo(line)
        click.echo("OK: the bundle is valid" if check.ok else "INVALID: the bundle does not verify", err=not check.ok)
    sys.exit(EXIT_VALID if check.ok else EXIT_INVALID)
