"""``zkreceipt trust show|add-key|add-signer|add-rates|set-policy``: edit the verifier's trust profile.

Every command works on ``--trust FILE`` (default ``$ZKRECEIPT_HOME/trust.json``);
the editing commands create the default profile if there is none, and write
the file atomically under a lock (see :mod:`zkreceipt.ledger.trust`).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import click

from ..errors import ReceiptError
from ..ledger.identity import IdentityError, identity_from_key, verification_key_id
from ..ledger.keys import read_identified_verification_key
from ..ledger.trust import (
    GasPrices,
    InvoicePolicyBounds,
    PolicyBounds,
    TrustProfile,
    default_trust_path,
    load_trust_profile,
    trust_profile_to_json,
    update_trust_profile,
)
from ..receipts import as_verify_key, ed25519_key_id, load_rate_table, load_verify_key
from ..receipts.fixed_point import GAS_DECIMALS, TOKEN_DECIMALS, decimal_to_fixed, fixed_to_text
from ..receipts.secp256k1_keys import normalize_address
from .bundle_support import trust_option
from .common import record_audit, reports_bad_input

FILE = click.Path(dir_okay=False)
_ADDRESS = re.compile("0x[0-9a-fA-F]{40}")
_HEX_KEY = re.compile("[0-9a-fA-F]{64}")


def _where(trust: str | None) -> str:
    return str(trust or default_trust_path())


@click.group("trust")
def trust_group() -> None:
    """What this verifier trusts: verification keys, rate tables, policy bounds, signers.

    ``verify``, ``verify-batch`` and ``invoice verify`` accept a bundle only
    through this profile: its key must be listed (with its circuit), its rate
    table trusted at the circuit's depth, its policy inside the bounds, and its
    attestation signed by a listed signer.
    """


@trust_group.command("show")
@trust_option
@click.option("--json", "as_json", is_flag=True, help="the profile document")
@reports_bad_input
def trust_show_command(trust: str | None, as_json: bool) -> None:
    """Print the trust profile."""
    profile = load_trust_profile(trust)
    if as_json:
        click.echo(json.dumps(trust_profile_to_json(profile), indent=1))
        return
    for line in _describe(profile):
        click.echo(line)


def _describe(profile: TrustProfile) -> list[str]:
    policy, invoice = profile.policy, profile.invoice_policy
    lines = [f"keys ({len(profile.keys)}):"]
    lines += [f"  {key.vk_id}  {key.identity.key}" for key in profile.keys.values()]
    lines.append(f"rate tables ({len(profile.rate_tables)}):")
    for table in profile.rate_tables.values():
        rates = ", ".join(f"{m} {fixed_to_text(r, TOKEN_DECIMALS)}" for m, r in table.rates.rates_fp.items())
        lines.append(f"  depth {table.depth}, root {table.root}: {rates}")
    lines += [
        f"receipt policy: window [{policy.not_before}, {policy.not_after}], max_duration {policy.max_duration} s, "
        f"gpu_count at most {policy.max_gpu_count}",
        "invoice policy: gas prices "
        + ", ".join(
            f"(step {fixed_to_text(p.step_gas_price_fp, GAS_DECIMALS)}, byte {fixed_to_text(p.byte_gas_price_fp, GAS_DECIMALS)})"
            for p in sorted(invoice.gas_prices)
        )
        + f"; memory_limit at most {invoice.max_memory_limit} bytes",
        f"receipt signers ({len(profile.receipt_signers)}):",
    ]
    lines += [f"  {key_id}  {public}" for key_id, public in profile.receipt_signers.items()]
    lines.append(f"invoice signers ({len(profile.invoice_signers)}):")
    lines += [f"  {address}" for address in sorted(profile.invoice_signers)]
    return lines


@trust_group.command("add-key")
@click.argument("vk_file", type=FILE)
@click.option(
    "--circuit",
    help="the key's circuit, e.g. receipt-v1;rate=table:4;public=model,price_fp (needed for a key without identity)",
)
@trust_option
@reports_bad_input
def trust_add_key_command(vk_file: str, circuit: str | None, trust: str | None) -> None:
    """Trust the verification key in VK_FILE for its circuit; print its key id.

    A key written by ``setup`` names its circuit; an older key (no identity) is
    re-identified with --circuit KEY, after checking that its size fits that circuit.
    """
    vk, identity = read_identified_verification_key(vk_file)
    named = identity_from_key(circuit) if circuit is not None else None
    if identity is None and named is None:
        raise IdentityError(
            f"{vk_file}: the key does not name its circuit (written before identities); "
            "name it with --circuit, e.g. --circuit 'receipt-v1;rate=table:4;public=model,price_fp'"
        )
    if identity is not None and named is not None and identity != named:
        raise IdentityError(f"{vk_file}: the key is for the circuit {identity.key}, not {named.key}")
    chosen = identity or named
    assert chosen is not None
    update_trust_profile(lambda current: current.with_key(vk, chosen), trust)
    vk_id = verification_key_id(vk, chosen)
    record_audit("trusted", "verification_key", vk_id, circuit_key=chosen.key, profile=_where(trust))
    click.echo(vk_id)
    click.echo(f"trusted for {chosen.key} in {_where(trust)}", err=True)


@trust_group.command("add-signer")
@click.argument("key")
@trust_option
@reports_bad_input
def trust_add_signer_command(key: str, trust: str | None) -> None:
    """Trust a signer: a provider's Ed25519 key (KEY.pub.json or 64 hex) or an accounting address (0x…)."""
    if _ADDRESS.fullmatch(key):
        address = normalize_address(key)
        update_trust_profile(lambda current: current.with_invoice_signer(address), trust)
        signer, kind = address, "invoice signer"
    else:
        verify_key = as_verify_key(key.lower()) if _HEX_KEY.fullmatch(key) else load_verify_key(key)
        update_trust_profile(lambda current: current.with_receipt_signer(bytes(verify_key)), trust)
        signer, kind = ed25519_key_id(verify_key), "receipt signer"
    record_audit("trusted", "key", signer, role=kind, profile=_where(trust))
    click.echo(f"trusted {signer} as a {kind} in {_where(trust)}")


@trust_group.command("add-rates")
@click.argument("rates_file", type=FILE)
@click.option(
    "--depth",
    "depths",
    type=click.IntRange(1, 10),
    multiple=True,
    help="Merkle depth of the circuits it prices (repeatable; default 4, the default circuit's)",
)
@trust_option
@reports_bad_input
def trust_add_rates_command(rates_file: str, depths: tuple[int, ...], trust: str | None) -> None:
    """Trust the rate table in RATES_FILE ({"rates": {model: rate}}) at each --depth; print its roots."""
    rates = load_rate_table(rates_file)

    def add(current: TrustProfile) -> TrustProfile:
        for depth in depths or (4,):
            current = current.with_rate_table(rates, depth)
        return current

    profile = update_trust_profile(add, trust)
    for table in profile.rate_tables.values():
        if table.rates == rates and table.depth in (depths or (4,)):
            record_audit("trusted", "rate_table", str(table.root), depth=table.depth, profile=_where(trust))
            click.echo(f"depth {table.depth}: root {table.root}")


def _gas_prices(text: str) -> GasPrices:
    """``STEP,BYTE`` in tokens (as in an invoice) → a pair of nano-token prices."""
    parts = text.split(",")
    try:
        step, byte = (Decimal(part.strip()) for part in parts)
    except (ValueError, ArithmeticError):
        raise ReceiptError(f"--gas-prices {text!r:.60}: expected STEP,BYTE in tokens, e.g. 0.000000150,0.000000002") from None
    return GasPrices(
        decimal_to_fixed("--gas-prices step", step, GAS_DECIMALS), decimal_to_fixed("--gas-prices byte", byte, GAS_DECIMALS)
    )


@trust_group.command("set-policy")
@click.option("--not-before", type=int, help="earliest accepted window start (Unix seconds)")
@click.option("--not-after", type=int, help="latest accepted window end (Unix seconds)")
@click.option("--max-duration", type=int, help="largest accepted max_duration, seconds")
@click.option("--max-gpu-count", type=int, help="largest accepted gpu_count")
@click.option(
    "--gas-prices",
    "gas_prices",
    multiple=True,
    help="accepted invoice gas prices STEP,BYTE in tokens (repeatable; replaces the list)",
)
@click.option("--max-memory-limit", type=int, help="largest accepted invoice memory_limit, bytes")
@trust_option
@reports_bad_input
def trust_set_policy_command(
    not_before: int | None,
    not_after: int | None,
    max_duration: int | None,
    max_gpu_count: int | None,
    gas_prices: tuple[str, ...],
    max_memory_limit: int | None,
    trust: str | None,
) -> None:
    """Set the policy bounds (options not given keep their value); creates the default profile if there is none."""
    pairs = frozenset(_gas_prices(text) for text in gas_prices)

    def change(current: TrustProfile) -> TrustProfile:
        old, invoice = current.policy, current.invoice_policy
        policy = PolicyBounds(
            not_before=old.not_before if not_before is None else not_before,
            not_after=old.not_after if not_after is None else not_after,
            max_duration=old.max_duration if max_duration is None else max_duration,
            max_gpu_count=old.max_gpu_count if max_gpu_count is None else max_gpu_count,
        )
        invoice_policy = InvoicePolicyBounds(
            pairs or invoice.gas_prices,
            invoice.max_memory_limit if max_memory_limit is None else max_memory_limit,
        )
        return TrustProfile(
            current.keys, current.rate_tables, policy, invoice_policy, current.receipt_signers, current.invoice_signers
        )

    profile = update_trust_profile(change, trust)
    record_audit("trusted", "policy", _where(trust))
    for line in _describe(profile):
        if line.startswith(("receipt policy", "invoice policy")):
            click.echo(line)
