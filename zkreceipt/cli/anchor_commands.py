"""``zkreceipt anchor export-contract`` and ``zkreceipt anchor calldata``: receipts anchored on chain.

``export-contract`` writes the Groth16 verifier and the receipt registry generated from the
receipt verification key, and ``deploy.json`` with the constructor's arguments (owner, the
trusted rate-table root, the policy bounds). ``calldata`` turns proof bundles into the call
data of ``anchor`` (one bundle) or ``anchorMany`` (several), after checking each against
``deploy.json``: exit 1 if a bundle does not fit the registry (wrong key, a relabelled
layout, an untrusted root, a policy outside the bounds), 2 on bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..chain import (
    DEPLOYMENT_FILE,
    RegistryBounds,
    RegistryInputs,
    anchor_calldata,
    anchor_many_calldata,
    anchor_problems,
    bundle_anchor,
    export_contracts,
    read_deployment,
    registry_inputs,
)
from ..circuits.receipt_policy import PRICE_AND_MODEL
from ..fileio import write_file_atomically
from ..groth16 import VerifyingKey
from ..ledger.keys import verification_key_id
from ..receipts import RateTable, active_rate_table
from ..receipts.fixed_point import TIMESTAMP_BITS
from .bundle_support import keys_directory_option, load_vk, read_bundle
from .common import DAY_SECONDS, EXIT_INVALID, reports_bad_input

FILE = click.Path(dir_okay=False)
DIRECTORY = click.Path(file_okay=False)
DEFAULT_CONTRACT_DIRECTORY = "contracts"


def trusted_registry_inputs(vk: VerifyingKey, rates: RateTable, bounds: RegistryBounds) -> RegistryInputs:
    """What the registry trusts, from the receipt key (the circuit of ``zkreceipt setup``), the rate
    table and the bounds given. The verifier trust profile will supply all three
    (:func:`zkreceipt.chain.registry_inputs_from_profile`)."""
    return registry_inputs(vk, verification_key_id(vk), PRICE_AND_MODEL, [rates], bounds)


@click.group("anchor")
def anchor_group() -> None:
    """Anchor receipts on chain: the registry contract, and call data for proof bundles."""


@anchor_group.command("export-contract")
@click.option("--vk", "vk_path", type=FILE, help="trusted verification_key.json (default: keys dir)")
@keys_directory_option
@click.option("--rates", type=FILE, help="rate table JSON whose root the registry trusts (default: $ZKRECEIPT_RATES or built-in)")
@click.option("--owner", help="the registry's owner (0x + 40 hex); without it deploy.json leaves the owner null")
@click.option("--not-before", type=int, default=0, show_default=True, help="earliest window start a proof may have")
@click.option(
    "--not-after", type=int, default=(1 << TIMESTAMP_BITS) - 1, show_default=True, help="latest window end a proof may have"
)
@click.option("--max-duration", type=int, default=DAY_SECONDS, show_default=True, help="largest max_duration, seconds")
@click.option("--max-gpu-count", type=int, default=1, show_default=True, help="largest gpu_count")
@click.option("--out", type=DIRECTORY, default=DEFAULT_CONTRACT_DIRECTORY, show_default=True, help="directory to write")
@reports_bad_input
def export_contract_command(
    vk_path: str | None,
    keys_dir: str | None,
    rates: str | None,
    owner: str | None,
    not_before: int,
    not_after: int,
    max_duration: int,
    max_gpu_count: int,
    out: str,
) -> None:
    """Write Groth16Verifier.sol, ReceiptRegistry.sol and deploy.json for the receipt verification key.

    The registry accepts a proof only under this key, with the rate table's root and inside the
    bounds; its owner can add or retire roots and change the bounds later.
    """
    bounds = RegistryBounds(not_before, not_after, max_duration, max_gpu_count)
    inputs = trusted_registry_inputs(load_vk(vk_path, keys_dir), active_rate_table(rates), bounds)
    for path in export_contracts(out, inputs, owner):
        click.echo(f"wrote {path}")
    click.echo(f"circuit {inputs.circuit}, verification key id {inputs.vk_id}")
    click.echo(f"rate-table roots: {', '.join(map(str, inputs.rate_roots))}")
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
@click.option("--out", type=FILE, help="write the call data (0x hex) here instead of stdout")
@reports_bad_input
def calldata_command(bundles: tuple[str, ...], contract_dir: str, out: str | None) -> None:
    """ABI call data that anchors BUNDLES: anchor for one, anchorMany for several (0x hex).

    Each bundle is checked first against the registry's deploy.json (key, public-signal layout,
    rate-table root, policy bounds); the proof itself is checked by the contract.
    """
    deployment = read_deployment(Path(contract_dir) / DEPLOYMENT_FILE)
    items, problems, seen = [], [], {}
    for path in bundles:
        item, vk_id, names = bundle_anchor(read_bundle(path))
        problems += [f"{path}: {problem}" for problem in anchor_problems(deployment, vk_id, names, item.public_signals)]
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
    click.echo(f"{function} call data for {len(items)} receipt(s), {len(data)} bytes", err=True)
