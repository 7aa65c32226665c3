"""``zkreceipt groth16 …``: setup, prove and verify with snarkjs's arguments and default file names."""

from __future__ import annotations

import click

from ..formats import snarkjs_json
from ..groth16 import verify
from .common import exit_with_verdict, reports_bad_input


@click.group()
def groth16() -> None:
    """Groth16 setup, proving and verification (as ``snarkjs groth16 …``)."""


@groth16.command("verify")
@click.argument("verification_key", default="verification_key.json", type=click.Path(dir_okay=False))
@click.argument("public", default="public.json", type=click.Path(dir_okay=False))
@click.argument("proof", default="proof.json", type=click.Path(dir_okay=False))
@click.option("--quiet", "-q", is_flag=True, help="no verdict line; the exit code says it")
@reports_bad_input
def verify_command(verification_key: str, public: str, proof: str, quiet: bool) -> None:
    """Verify PROOF for PUBLIC under VERIFICATION_KEY: exit 0 valid, 1 invalid, 2 bad input."""
    vk = snarkjs_json.read_verification_key(verification_key)
    signals = snarkjs_json.read_public_signals(public)
    exit_with_verdict(verify(vk, signals, snarkjs_json.read_proof(proof)), quiet=quiet)
