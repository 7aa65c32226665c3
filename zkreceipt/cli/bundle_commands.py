"""``zkreceipt setup``, ``prove``, ``verify``, ``prove-batch``, ``verify-batch``, ``export-verifier``, ``inspect``.

Receipt proofs under the default disclosure (model and price public, the rate
from the rate table); keys live in a keys directory (default: ``keys`` in the
zkreceipt home), bundles are JSON files (see :mod:`zkreceipt.bundle_format`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..bundle_format import bundle_to_text
from ..bundle_keys import (
    load_receipt_proving_key,
    save_receipt_keys,
    setup_receipt_keys,
)
from ..bundles import prove_receipt, verification_key_id, verify_bundle, verify_bundles
from ..circuits.constraint_counts import circuit_sizes, markdown_table
from ..circuits.receipt_policy import PRICE_AND_MODEL
from ..errors import ReceiptError, ZkReceiptError
from ..fileio import write_file_atomically
from ..formats.solidity import write_solidity_verifier
from ..receipts import active_rate_table, check_pricing, read_receipt_file
from ..statements import check_receipt_policy
from ..store import ReceiptStore
from .bundle_support import (
    check_to_json,
    describe_check,
    keys_directory_option,
    load_vk,
    policy_for,
    policy_options,
    read_bundle,
    store_proven,
)
from .common import EXIT_INVALID, EXIT_VALID, reports_bad_input

FILE = click.Path(dir_okay=False)
rates_option = click.option(
    "--rates", type=FILE, help="rate table JSON (default: $ZKRECEIPT_RATES or built-in)"
)
vk_option = click.option(
    "--vk",
    "vk_path",
    type=FILE,
    help="trusted verification_key.json (default: keys dir)",
)


@click.command("setup")
@keys_directory_option
@reports_bad_input
def setup_command(keys_dir: str | None) -> None:
    """Development keys for the default receipt circuit (not a trusted setup)."""
    paths = save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), keys_dir)
    click.echo(f"verification key id: {verification_key_id(load_vk(None, keys_dir))}")
    click.echo(
        f"wrote {paths.proving_key} and {paths.verification_key} (development setup: not a trusted setup)"
    )


@click.command("prove")
@click.argument("receipt_file", type=FILE)
@click.option(
    "--out", type=FILE, default="bundle.json", show_default=True, help="bundle file"
)
@click.option(
    "--salt-out",
    type=FILE,
    help="also write the commitment's salt here (0600); it is otherwise discarded",
)
@keys_directory_option
@rates_option
@policy_options
@reports_bad_input
def prove_command(
    receipt_file: str,
    out: str,
    salt_out: str | None,
    keys_dir: str | None,
    rates: str | None,
    policy_bounds: tuple[int | None, int | None, int, int],
) -> None:
    """Prove RECEIPT_FILE; write the bundle and store the receipt and bundle."""
    receipt = read_receipt_file(receipt_file)
    proven = prove_receipt(
        receipt,
        load_receipt_proving_key(keys_dir),
        policy_for(receipt, policy_bounds),
        active_rate_table(rates),
    )
    write_file_atomically(
        out,
        bundle_to_text(proven.bundle).encode("utf-8"),
        private=False,
        overwrite=True,
    )
    if salt_out:
        write_file_atomically(
            salt_out, f"{proven.salt}\n".encode(), private=True, overwrite=True
        )
    with ReceiptStore() as store:
        store_proven(store, receipt, proven)
    click.echo(f"proved {receipt.receipt_id}: wrote {out}")


@click.command("verify")
@click.argument("bundle_file", type=FILE)
@vk_option
@keys_directory_option
@rates_option
@click.option("--quiet", "-q", is_flag=True, help="no output; the exit code says it")
@reports_bad_input
def verify_command(
    bundle_file: str,
    vk_path: str | None,
    keys_dir: str | None,
    rates: str | None,
    quiet: bool,
) -> None:
    """Verify BUNDLE_FILE offline: exit 0 valid, 1 invalid, 2 bad input."""
    bundle = read_bundle(bundle_file)
    check = verify_bundle(
        bundle, load_vk(vk_path, keys_dir), rates=active_rate_table(rates)
    )
    if not quiet:
        for line in describe_check(check):
            click.echo(line)
        click.echo(
            "OK: the bundle is valid"
            if check.ok
            else "INVALID: the bundle does not verify",
            err=not check.ok,
        )
    sys.exit(EXIT_VALID if check.ok else EXIT_INVALID)


@click.command("prove-batch")
@click.argument("receipt_files", nargs=-1, required=True, type=FILE)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="bundles are written here as RECEIPT.bundle.json",
)
@keys_directory_option
@rates_option
@policy_options
@click.option("--json", "as_json", is_flag=True, help="JSON summary on stdout")
@reports_bad_input
def prove_batch_command(
    receipt_files: tuple[str, ...],
    out_dir: str,
    keys_dir: str | None,
    rates: str | None,
    policy_bounds: tuple[int | None, int | None, int, int],
    as_json: bool,
) -> None:
    """Prove several receipts; every receipt is checked before the first proof (all or nothing on bad input)."""
    table = active_rate_table(rates)
    receipts = [read_receipt_file(path) for path in receipt_files]
    policies = [policy_for(receipt, policy_bounds) for receipt in receipts]
    for path, receipt, policy in zip(receipt_files, receipts, policies, strict=True):
        try:
            check_pricing(receipt, table)
            check_receipt_policy(receipt, policy)
        except ZkReceiptError as error:
            raise ReceiptError(f"{path}: {error}") from None
    pk = load_receipt_proving_key(keys_dir)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    written = []
    with (
        ReceiptStore() as store,
        click.progressbar(
            length=len(receipts), label="proving", file=sys.stderr
        ) as bar,
    ):
        for path, receipt, policy in zip(
            receipt_files, receipts, policies, strict=True
        ):
            proven = prove_receipt(receipt, pk, policy, table)
            target = Path(out_dir) / f"{Path(path).stem}.bundle.json"
            write_file_atomically(
                target,
                bundle_to_text(proven.bundle).encode("utf-8"),
                private=False,
                overwrite=True,
            )
            store_proven(store, receipt, proven)
            written.append(
                {
                    "receipt": path,
                    "receipt_id": receipt.receipt_id,
                    "bundle": str(target),
                }
            )
            bar.update(1)
    if as_json:
        click.echo(json.dumps(written, indent=1))
    else:
        for item in written:
            click.echo(f"{item['receipt_id']}: {item['bundle']}")


@click.command("verify-batch")
@click.argument("bundle_files", nargs=-1, required=True, type=FILE)
@vk_option
@keys_directory_option
@rates_option
@click.option("--json", "as_json", is_flag=True, help="JSON verdicts on stdout")
@reports_bad_input
def verify_batch_command(
    bundle_files: tuple[str, ...],
    vk_path: str | None,
    keys_dir: str | None,
    rates: str | None,
    as_json: bool,
) -> None:
    """Verify several bundles together (one batched pairing check): exit 0 all valid, 1 any invalid, 2 bad input."""
    vk = load_vk(vk_path, keys_dir)
    table = active_rate_table(rates)
    with click.progressbar(bundle_files, label="reading", file=sys.stderr) as files:
        bundles = [read_bundle(path) for path in files]
    checks = verify_bundles(bundles, vk, rates=table)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {"bundle": p, **check_to_json(c)}
                    for p, c in zip(bundle_files, checks)
                ],
                indent=1,
            )
        )
    else:
        for path, check in zip(bundle_files, checks, strict=True):
            reason = "" if check.ok else f" ({'; '.join(check.problems)})"
            click.echo(f"{path}: {'valid' if check.ok else 'INVALID'}{reason}")
    valid = sum(check.ok for check in checks)
    click.echo(f"{valid} of {len(checks)} bundles valid", err=True)
    sys.exit(EXIT_VALID if valid == len(checks) else EXIT_INVALID)


@click.command("export-verifier")
@vk_option
@keys_directory_option
@click.option(
    "--out",
    type=FILE,
    default="ReceiptVerifier.sol",
    show_default=True,
    help="Solidity file",
)
@reports_bad_input
def export_verifier_command(
    vk_path: str | None, keys_dir: str | None, out: str
) -> None:
    """Write a Solidity verifier (snarkjs-compatible Groth16Verifier) for the receipt verification key."""
    write_solidity_verifier(out, load_vk(vk_path, keys_dir))
    click.echo(f"wrote {out}")


@click.command("inspect")
@click.option("--json", "as_json", is_flag=True, help="JSON output")
def inspect_command(as_json: bool) -> None:
    """Constraint counts of the receipt and invoice circuits (compiles each once)."""
    sizes = circuit_sizes()
    if as_json:
        click.echo(json.dumps([size.__dict__ for size in sizes], indent=1))
    else:
        click.echo(markdown_table(sizes))
