"""``zkreceipt anchor export-contract`` and ``zkreceipt anchor calldata``: receipts anchored on chain.

``export-contract`` writes the Groth16 verifier and the receipt registry generated from one
receipt key of the trust profile, and ``deploy.json`` with the constructor's arguments (owner,
the profile's rate-table roots at the key's depth, the profile's policy bounds). ``calldata``
verifies each proof bundle against the trust profile, as ``zkreceipt verify`` does, checks it
against ``deploy.json``, and prints the call data of ``anchor`` (one bundle) or ``anchorMany``
(several): exit 1 if a bundle is invalid or does not fit the registry (wrong key, a relabelled
circuit, an untrusted root, a policy outside the bounds), 2 on bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..chain import (
    DEPLOYMENT_FILE,
    RegistryError,
    anchor_calldata,
    anchor_many_calldata,
    anchor_problems,
    bundle_anchor,
    export_contracts,
    read_deployment,
    registry_inputs_from_profile,
    registry_key_ids,
)
from ..fileio import write_file_atomically
from ..ledger.bundles import verify_bundles
from ..ledger.identity import verification_key_id
from ..ledger.keys import ReceiptKeyPaths, read_identified_verification_key
from ..ledger.trust import TrustProfile, default_trust_path, load_trust_profile
from .bundle_support import (
    allow_untrusted_signer_option,
    audit_verified,
    keys_directory_option,
    read_bundle,
    trust_option,
)
from .common import EXIT_INVALID, reports_bad_input

FILE = click.Path(dir_okay=False)
DIRECTORY = click.Path(file_okay=False)
DEFAULT_CONTRACT_DIRECTORY = "contracts"


def registry_key_id(profile: TrustProfile, source: str, vk_id: str | None, keys_dir: str | None) -> str:
    """The id of the key the registry serves: ``vk_id`` if given; else the key of the receipt pair in
    ``keys_dir`` (default: the home's ``keys/receipt/``, if there is one); else the profile's only
    receipt key with a rate table. RegistryError (bad input) if none or several fit."""
    if vk_id is not None:
        return vk_id
    paths = ReceiptKeyPaths.under(keys_dir)
    if keys_dir is not None or paths.verification_key.exists():
        vk, identity = read_identified_verification_key(paths.verification_key)
        if identity is None:
            raise RegistryError(
                f"{paths.verification_key}: written before keys named their circuit; give --vk-id "
                "(the id under which it is trusted: `zkreceipt trust show`)"
            )
        return verification_key_id(vk, identity)
    candidates = registry_key_ids(profile)
    if len(candidates) != 1:
        found = f"receipt keys {', '.join(candidates)}" if candidates else "no receipt key with a rate table"
        raise RegistryError(f"{source}: {found}, and no key pair in {paths.folder}; choose one with --vk-id")
    return candidates[0]


@click.group("anchor")
def anchor_group() -> None:
    """Anchor receipts on chain: the registry contract, and call data for proof bundles."""


@anchor_group.command("export-contract")
@trust_option
@click.option(
    "--vk-id",
    metavar="ID",
    help="the profile's key the registry serves (default: the key of KEYS_DIR/receipt/, else the profile's only receipt key)",
)
@keys_directory_option
@click.option("--owner", help="the registry's owner (0x + 40 hex); without it deploy.json leaves the owner null")
@click.option("--out", type=DIRECTORY, default=DEFAULT_CONTRACT_DIRECTORY, show_default=True, help="directory to write")
@reports_bad_input
def export_contract_command(
    trust: str | None, vk_id: str | None, keys_dir: str | None, owner: str | None, out: str
) -> None:
    """Write Groth16Verifier.sol, ReceiptRegistry.sol, its ABI and deploy.json for a trusted receipt key.

    What the registry trusts is what the trust profile trusts: the key and its circuit, the
    rate-table roots at the circuit's depth, the policy bounds. To pin other roots or bounds,
    export from another profile (--trust FILE, edited with `zkreceipt trust ... --trust FILE`);
    once deployed, the owner can add or retire roots and change the bounds.
    """
    source = str(trust or default_trust_path())
    profile = load_trust_profile(trust)
    inputs = registry_inputs_from_profile(profile, registry_key_id(profile, source, vk_id, keys_dir), source)
    for path in export_contracts(out, inputs, owner):
        click.echo(f"wrote {path}")
    bounds = inputs.bounds
    click.echo(f"circuit {inputs.circuit}, verification key id {inputs.vk_id}")
    click.echo(f"rate-table roots (depth {inputs.layout.rate_table_depth}): {', '.join(map(str, inputs.rate_roots))}")
    click.echo(
        f"policy bounds: window [{bounds.not_before}, {bounds.not_after}], max_duration ≤ {bounds.max_duration} s, "
        f"gpu_count ≤ {bounds.max_gpu_count}"
    )
    if owner is None:
        click.echo("owner not set: fill in constructor.owner in deploy.json, or export again with --owner", err=True)


@anchor_group.command("calldata")
@click.argument("bundles", nargs=-1, required=True, type=FILE)
@click.option(
    "--contract",
    "contract_dir",
    type=DIRECTORY,
    default=DEFAULT_CONTRACT_DIRECTORY,
    show_default=True,
    help=f"directory written by export-contract (its {DEPLOYMENT_FILE})",
)
@trust_option
@allow_untrusted_signer_option
@click.option("--out", type=FILE, help="write the call data (0x hex) here instead of stdout")
@reports_bad_input
def calldata_command(
    bundles: tuple[str, ...], contract_dir: str, trust: str | None, allow_untrusted_signer: bool, out: str | None
) -> None:
    """ABI call data that anchors BUNDLES: anchor for one, anchorMany for several (0x hex).

    Each bundle is first verified against the trust profile, as `zkreceipt verify` does (so no
    call data is written for a bundle the offline verifier rejects), then checked against the
    registry's deploy.json (key, claimed circuit, rate-table root, policy bounds).
    """
    deployment = read_deployment(Path(contract_dir) / DEPLOYMENT_FILE)
    read = [read_bundle(path) for path in bundles]
    checks = verify_bundles(read, load_trust_profile(trust), allow_untrusted_signer=allow_untrusted_signer)
    items, problems, seen = [], [], {}
    for path, bundle, check in zip(bundles, read, checks, strict=True):
        audit_verified(path, bundle, check)
        problems += [f"{path}: {problem}" for problem in check.problems]
        item, vk_id, circuit = bundle_anchor(bundle)
        problems += [f"{path}: {problem}" for problem in anchor_problems(deployment, vk_id, circuit, item.public_signals)]
        commitment = item.public_signals[deployment.layout.index("commitment")]
        if commitment in seen:
            problems.append(f"{path}: the same commitment as {seen[commitment]} (the registry anchors it once)")
        seen.setdefault(commitment, path)
        items.append(item)
    if problems:
        for problem in problems:
            click.echo(f"refused: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    data = anchor_calldata(items[0]) if len(items) == 1 else anchor_many_calldata(items)
    text = "0x" + data.hex()
    function = "anchor" if len(items) == 1 else "anchorMany"
    if out:
        write_file_atomically(out, (text + "\n").encode(), private=False, overwrite=True)
        click.echo(f"wrote {out}")
    else:
        click.echo(text)
    unchecked = sum(not check.signer_checked for check in checks)
    if unchecked:
        click.echo(f"{unchecked} bundle(s) with an unknown or missing signer (NOT CHECKED: --allow-untrusted-signer)", err=True)
    click.echo(f"{function} call data for {len(items)} receipt(s), {len(data)} bytes", err=True)
