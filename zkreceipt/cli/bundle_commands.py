"""``zkreceipt setup``, ``prove``, ``verify``, ``prove-batch``, ``verify-batch``, ``export-verifier``, ``inspect``.

Receipt proofs under the default disclosure (model and price public, the rate
from the rate table); key pairs live in a keys directory (default: ``keys`` in
the zkreceipt home), bundles are JSON files (see :mod:`zkreceipt.ledger.bundle_format`).
Proving checks each receipt's signature against the trust profile and attests
the bundle with the provider's signing key; verifying reads everything it
relies on from the trust profile (``--trust``, default ``trust.json`` in the home).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import ZkReceiptError
from ..circuits.constraint_counts import circuit_sizes, markdown_table
from ..circuits.receipt import compile_receipt_circuit
from ..circuits.receipt_policy import PRICE_AND_MODEL
from ..fileio import write_file_atomically
from ..formats.solidity import write_solidity_verifier
from ..ledger.bundles import ProvenReceipt, prove_receipt, prove_receipts, verify_bundle, verify_bundles
from ..ledger.identity import receipt_identity, verification_key_id
from ..ledger.keys import ReceiptKeyPaths, check_pair_free, load_receipt_key_pair
from ..receipts import Receipt
from ..ledger.logs import log_context
from ..ledger.store import ReceiptStore
from ..ledger.trust import load_trust_profile
from ..receipts import active_rate_table, read_receipt_file
from .bundle_support import (
    allow_untrusted_signer_option,
    audit_proven,
    audit_verified,
    check_batch,
    check_signer_of,
    force_option,
    keys_directory_option,
    load_provider_signing_key,
    load_vk,
    policy_for,
    policy_options,
    ptau_option,
    read_bundle,
    report_checks,
    run_setup,
    save_bundle,
    signing_key_option,
    store_proven,
    trust_option,
)
from .batch_support import ChunkWriter, dask_client, rate_progress_bar
from .common import EXIT_BAD_INPUT, kernel_cache_is_cold, progress_bar, reports_bad_input, run_stage

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
    help="verification_key.json (default: the receipt pair in the keys dir)",
)
json_option = click.option("--json", "as_json", is_flag=True, help="the verdicts as JSON on stdout")


@click.command("setup")
@keys_directory_option
@ptau_option
@force_option
@trust_option
@reports_bad_input
def setup_command(keys_dir: str | None, ptau: str | None, force: bool, trust: str | None) -> None:
    """Keys for the default receipt circuit (KEYS_DIR/receipt/), trusted in the trust profile.

    Without --ptau, a development setup (toxic waste drawn in memory and
    discarded: not a trusted setup). With --ptau FILE, the phase-2 keys from a
    snarkjs powers-of-tau file (as ``snarkjs groth16 setup``). The pair is
    written atomically and never replaces an existing pair without --force. The
    first setup writes a default trust profile (see the README).
    """
    paths = ReceiptKeyPaths.under(keys_dir)
    identity = receipt_identity(PRICE_AND_MODEL)
    check_pair_free(paths, force=force)  # before the slow part
    circuit = run_stage("compiling the receipt circuit", lambda: compile_receipt_circuit(PRICE_AND_MODEL))
    run_setup(circuit.r1cs, ptau, paths, identity, force, trust)


@click.command("prove")
@click.argument("receipt_file", type=FILE)
@click.option("--out", type=FILE, default="bundle.json", show_default=True, help="bundle file")
@click.option(
    "--salt-out",
    type=FILE,
    help="also write the commitment's salt here (0600); it is otherwise discarded",
)
@keys_directory_option
@rates_option
@signing_key_option
@trust_option
@policy_options
@reports_bad_input
def prove_command(
    receipt_file: str,
    out: str,
    salt_out: str | None,
    keys_dir: str | None,
    rates: str | None,
    signing_key: str | None,
    trust: str | None,
    policy_bounds: tuple[int | None, int | None, int, int],
) -> None:
    """Prove RECEIPT_FILE; write the attested bundle and store the receipt and bundle.

    The receipt's own signature must verify under a signer of the trust
    profile (exit 2 and nothing written otherwise); the bundle is attested with
    the provider's Ed25519 signing key.
    """
    receipt = read_receipt_file(receipt_file)
    keyring = load_trust_profile(trust).receipt_keyring()
    check_signer_of(receipt, keyring, receipt_file)
    key = load_provider_signing_key(signing_key)
    with log_context(receipt_id=receipt.receipt_id, job_id=receipt.job_id), ReceiptStore() as store:
        store.check_receipt_storable(receipt)
        proven = prove_receipt(
            receipt,
            load_receipt_key_pair(keys_dir),
            policy_for(receipt, policy_bounds),
            active_rate_table(rates),
            trusted_keys=keyring,
            signing_key=key,
        )
        save_bundle(out, proven)
        if salt_out:
            write_file_atomically(salt_out, f"{proven.salt}\n".encode(), private=True, overwrite=True)
        store_proven(store, receipt, proven)
        audit_proven(receipt, proven, out)
    click.echo(f"proved {receipt.receipt_id}: wrote {out}")


@click.command("verify")
@click.argument("bundle_file", type=FILE)
@trust_option
@allow_untrusted_signer_option
@json_option
@click.option("--quiet", "-q", is_flag=True, help="no output; the exit code says it")
@reports_bad_input
def verify_command(
    bundle_file: str, trust: str | None, allow_untrusted_signer: bool, as_json: bool, quiet: bool
) -> None:
    """Verify BUNDLE_FILE offline against the trust profile: exit 0 valid, 1 invalid, 2 bad input.

    Prints the verdict, the key and circuit, the signer, the proven policy, each
    disclosed value and what stayed private; every reason it is invalid.
    """
    if kernel_cache_is_cold():  # compile what one verification needs on all cores first
        from ..warmup import VERIFY_GROUPS, compile_kernels

        compile_kernels(VERIFY_GROUPS)
    bundle = read_bundle(bundle_file)
    check = verify_bundle(bundle, load_trust_profile(trust), allow_untrusted_signer=allow_untrusted_signer)
    audit_verified(bundle_file, bundle, check)
    report_checks([bundle_file], [check], as_json=as_json, quiet=quiet)


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
@signing_key_option
@trust_option
@policy_options
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=BATCH_CHUNK_SIZE,
    show_default=True,
    help="proofs per batched chunk (per task on a cluster): bundles are written and stored after each chunk",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="prove on this running Dask cluster (extra zkreceipt[cluster]); its workers read the key from --keys-dir",
)
@click.option(
    "--cluster",
    "local_cluster",
    metavar="local[:N]",
    help="prove on a local Dask cluster of N single-threaded worker processes (default: one per core) for this run",
)
@click.option(
    "--send-key",
    is_flag=True,
    help="send the proving key to each worker once instead of having the workers read it from --keys-dir",
)
@click.option("--reprove", is_flag=True, help="prove receipts again that already have a bundle under this key")
@click.option("--json", "as_json", is_flag=True, help="JSON summary on stdout")
@reports_bad_input
def prove_batch_command(
    receipt_files: tuple[str, ...],
    out_dir: str,
    keys_dir: str | None,
    rates: str | None,
    signing_key: str | None,
    trust: str | None,
    policy_bounds: tuple[int | None, int | None, int, int],
    chunk_size: int,
    scheduler: str | None,
    local_cluster: str | None,
    send_key: bool,
    reprove: bool,
    as_json: bool,
) -> None:
    """Prove many receipts at once (batched MSMs); bundles go to OUT_DIR/RECEIPT.bundle.json.

    In this process, or on Dask workers (--scheduler, --cluster). Every receipt
    is checked before the first proof, its signature under the trust profile
    included (all or nothing on bad input); each bundle is attested with the
    provider's signing key. Receipts that already have a bundle under this key
    are skipped (--reprove proves them again). Bundles are written as their
    chunk comes back and the chunk is stored in one transaction; each line
    "RECEIPT_ID: BUNDLE" is printed only once its bundle is on disk and in the
    store, so an interruption loses nothing already printed and a second run
    resumes (--json prints the list at the end). A receipt a worker cannot
    prove is reported on stderr and the rest go on (exit 2 at the end).
    """
    table = active_rate_table(rates)
    receipts = [read_receipt_file(path) for path in receipt_files]
    policies = [policy_for(receipt, policy_bounds) for receipt in receipts]
    targets = [Path(out_dir) / f"{Path(path).stem}.bundle.json" for path in receipt_files]
    keyring = load_trust_profile(trust).receipt_keyring()
    key = load_provider_signing_key(signing_key)
    identity = receipt_identity(PRICE_AND_MODEL)
    key_path = ReceiptKeyPaths.under(keys_dir).proving_key
    pk = load_receipt_key_pair(keys_dir, PRICE_AND_MODEL)
    index_of = {receipt.receipt_id: index for index, receipt in enumerate(receipts)}
    written: list[dict[str, str]] = []
    failed: list[str] = []

    def keep(proven: ProvenReceipt) -> None:  # each receipt of a chunk, as the chunk comes back
        assert proven.receipt is not None
        chunk.keep(index_of[proven.receipt.receipt_id], proven)

    def chunk_done(count: int) -> None:  # after each chunk: store it, then report it
        for index in chunk.commit():
            receipt_id, target = receipts[index].receipt_id, str(targets[index])
            written.append({"receipt": receipt_files[index], "receipt_id": receipt_id, "bundle": target})
            if not as_json:
                click.echo(f"{receipt_id}: {target}")
        advance(count)

    def report(receipt: Receipt, error: ZkReceiptError) -> None:
        failed.append(receipt.receipt_id)
        click.echo(f"error: {receipt_files[index_of[receipt.receipt_id]]}: {receipt.receipt_id}: {error}", err=True)

    with ReceiptStore() as store:
        check_batch(receipt_files, receipts, policies, targets, table, store, keyring)
        done = set() if reprove else store.proven_receipt_ids(verification_key_id(pk.vk, identity), list(index_of))
        todo = [i for i, receipt in enumerate(receipts) if receipt.receipt_id not in done]
        if done:
            click.echo(f"skipping {len(done)} receipts already proven under this key (--reprove proves them again)", err=True)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        chunk = ChunkWriter(store, receipts, targets, replace=reprove)
        with dask_client(scheduler, local_cluster) as client, rate_progress_bar(len(todo), "proving") as advance:
            prove_receipts(  # a cluster is started even for nothing to do: a bad --scheduler is found at once
                [receipts[i] for i in todo],
                pk,
                [policies[i] for i in todo],
                table,
                trusted_keys=keyring,
                signing_key=key,
                on_proven=keep,
                on_failed=report,
                chunk_size=chunk_size,
                progress=chunk_done,  # called once per chunk, after the chunk's on_proven calls
                client=client,
                key_file=None if send_key else key_path,
            )
    if as_json:
        click.echo(json.dumps(written, indent=1))
    if failed:
        click.echo(f"{len(failed)} of {len(todo)} receipts not proven", err=True)
        sys.exit(EXIT_BAD_INPUT)


@click.command("verify-batch")
@click.argument("bundle_files", nargs=-1, required=True, type=FILE)
@trust_option
@allow_untrusted_signer_option
@json_option
@reports_bad_input
def verify_batch_command(
    bundle_files: tuple[str, ...], trust: str | None, allow_untrusted_signer: bool, as_json: bool
) -> None:
    """Verify several bundles together against the trust profile: exit 0 all valid, 1 any invalid, 2 bad input.

    One batched pairing check per 256 bundles and key; each bundle's verdict is
    printed as ``verify`` prints it.
    """
    with click.progressbar(bundle_files, label="reading", file=sys.stderr) as files:
        bundles = [read_bundle(path) for path in files]
    profile = load_trust_profile(trust)
    with progress_bar(len(bundles), "verifying") as advance:
        checks = verify_bundles(bundles, profile, allow_untrusted_signer=allow_untrusted_signer, progress=advance)
    for path, bundle, check in zip(bundle_files, bundles, checks, strict=True):
        audit_verified(path, bundle, check)
    report_checks(bundle_files, checks, as_json=as_json, batch=True)


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
