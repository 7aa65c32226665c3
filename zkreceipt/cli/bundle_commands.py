"""``zkreceipt setup``, ``prove``, ``verify``, ``prove-batch``, ``verify-batch``, ``export-verifier``, ``inspect``.

Receipt proofs under the default disclosure (model and price public, the rate
from the rate table); keys live in a keys directory (default: ``keys`` in the
zkreceipt home), bundles are JSON files (see :mod:`zkreceipt.ledger.bundle_format`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..ledger.keys import ReceiptKeyPaths, load_receipt_proving_key
from ..ledger.bundles import (
    ProvenReceipt,
    prove_receipt,
    prove_receipts,
    verify_bundle,
    verify_bundles,
)
from ..circuits.constraint_counts import circuit_sizes, markdown_table
from ..circuits.receipt import compile_receipt_circuit
from ..circuits.receipt_policy import PRICE_AND_MODEL
from ..fileio import write_file_atomically
from ..formats.solidity import write_solidity_verifier
from ..receipts import active_rate_table, read_receipt_file
from ..ledger.logs import log_context
from ..ledger.store import ReceiptStore
from .bundle_support import (
    audit_proven,
    audit_verified,
    check_batch,
    check_to_json,
    describe_check,
    keys_directory_option,
    load_vk,
    policy_for,
    policy_options,
    ptau_option,
    read_bundle,
    run_setup,
    save_bundle,
    store_proven,
)
from .common import EXIT_INVALID, EXIT_VALID, kernel_cache_is_cold, progress_bar, reports_bad_input, run_stage

FILE = click.Path(dir_okay=False)
rates_option = click.option(
    "--rates", type=FILE, help="rate table JSON (default: $ZKRECEIPT_RATES or built-in)"
)
#: Proofs per chunk of ``prove-batch``: most of the batching gain (measured 3.9 proofs/s at 16-32
#: against 1.6/s one by one), while an interruption loses at most one chunk and the bar moves.
BATCH_CHUNK_SIZE = 32
vk_option = click.option(
    "--vk",
    "vk_path",
    type=FILE,
    help="trusted verification_key.json (default: keys dir)",
)


@click.command("setup")
@keys_directory_option
@ptau_option
@reports_bad_input
def setup_command(keys_dir: str | None, ptau: str | None) -> None:
    """Keys for the default receipt circuit: receipt.zkey (0600) and verification_key.json.

    Without --ptau, a development setup (toxic waste drawn in memory and
    discarded: not a trusted setup). With --ptau FILE, the phase-2 keys from a
    snarkjs powers-of-tau file (as ``snarkjs groth16 setup``).
    """
    circuit = run_stage("compiling the receipt circuit", lambda: compile_receipt_circuit(PRICE_AND_MODEL))
    run_setup(circuit.r1cs, ptau, ReceiptKeyPaths.under(keys_dir), PRICE_AND_MODEL.key)


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
    with log_context(receipt_id=receipt.receipt_id, job_id=receipt.job_id), ReceiptStore() as store:
        store.check_receipt_storable(receipt)
        proven = prove_receipt(
            receipt,
            load_receipt_proving_key(keys_dir),
            policy_for(receipt, policy_bounds),
            active_rate_table(rates),
        )
        save_bundle(out, proven)
        if salt_out:
            write_file_atomically(salt_out, f"{proven.salt}\n".encode(), private=True, overwrite=True)
        store_proven(store, receipt, proven)
        audit_proven(receipt, proven, out)
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
    if kernel_cache_is_cold():  # compile what one verification needs on all cores first
        from ..warmup import VERIFY_GROUPS, compile_kernels

        compile_kernels(VERIFY_GROUPS)
    bundle = read_bundle(bundle_file)
    check = verify_bundle(
        bundle, load_vk(vk_path, keys_dir), rates=active_rate_table(rates)
    )
    audit_verified(bundle_file, bundle, check)
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
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=BATCH_CHUNK_SIZE,
    show_default=True,
    help="proofs per batched chunk: bundles are written and stored after each chunk",
)
@click.option("--json", "as_json", is_flag=True, help="JSON summary on stdout")
@reports_bad_input
def prove_batch_command(
    receipt_files: tuple[str, ...],
    out_dir: str,
    keys_dir: str | None,
    rates: str | None,
    policy_bounds: tuple[int | None, int | None, int, int],
    chunk_size: int,
    as_json: bool,
) -> None:
    """Prove many receipts at once (batched MSMs); bundles go to OUT_DIR/RECEIPT.bundle.json.

    Every receipt is checked before the first proof (all or nothing on bad
    input). Bundles are written and stored chunk by chunk, and each line
    "RECEIPT_ID: BUNDLE" is printed only once its bundle is on disk and in the
    store, so an interruption loses nothing already printed (--json prints the
    list at the end).
    """
    table = active_rate_table(rates)
    receipts = [read_receipt_file(path) for path in receipt_files]
    policies = [policy_for(receipt, policy_bounds) for receipt in receipts]
    targets = [Path(out_dir) / f"{Path(path).stem}.bundle.json" for path in receipt_files]
    pk = load_receipt_proving_key(keys_dir)
    written: list[dict[str, str]] = []

    def keep(proven: ProvenReceipt) -> None:
        # Called as each chunk finishes: the bundle is on disk and in the store before it is reported.
        index = len(written)
        receipt, target = receipts[index], targets[index]
        save_bundle(target, proven)
        store_proven(store, receipt, proven)
        audit_proven(receipt, proven, target)
        written.append({"receipt": receipt_files[index], "receipt_id": receipt.receipt_id, "bundle": str(target)})
        if not as_json:
            click.echo(f"{receipt.receipt_id}: {target}")

    with ReceiptStore() as store:
        check_batch(receipt_files, receipts, policies, targets, table, store)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        with progress_bar(len(receipts), "proving") as advance:
            prove_receipts(receipts, pk, policies, table, on_proven=keep, chunk_size=chunk_size, progress=advance)
    if as_json:
        click.echo(json.dumps(written, indent=1))


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
    with progress_bar(len(bundles), "verifying") as advance:
        checks = verify_bundles(bundles, vk, rates=table, progress=advance)
    for path, bundle, check in zip(bundle_files, bundles, checks, strict=True):
        audit_verified(path, bundle, check)
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
