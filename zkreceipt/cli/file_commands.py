"""``zkreceipt r1cs info`` and ``zkreceipt zkey export verificationkey`` (as snarkjs)."""

from __future__ import annotations

import click

from ..formats import read_r1cs
from ..formats import snarkjs_json
from ..formats.solidity import solidity_calldata, write_solidity_verifier
from ..formats.zkey_keys import read_proving_key
from .common import reports_bad_input

FILE = click.Path(dir_okay=False)


@click.group("r1cs")
def r1cs_group() -> None:
    """Inspect circom .r1cs files."""


@r1cs_group.command("info")
@click.argument("r1cs", default="circuit.r1cs", type=FILE)
@reports_bad_input
def r1cs_info(r1cs: str) -> None:
    """Counts of wires, constraints and inputs of R1CS (as ``snarkjs r1cs info``)."""
    header = read_r1cs(r1cs).header
    click.echo("Curve: bn-128")
    click.echo(f"# of Wires: {header.n_wires}")
    click.echo(f"# of Constraints: {header.n_constraints}")
    click.echo(f"# of Private Inputs: {header.n_prv_inputs}")
    click.echo(f"# of Public Inputs: {header.n_pub_inputs}")
    click.echo(f"# of Labels: {header.n_labels}")
    click.echo(f"# of Outputs: {header.n_outputs}")


@click.group("zkey")
def zkey_group() -> None:
    """Work with snarkjs .zkey files."""


@zkey_group.group("export")
def zkey_export() -> None:
    """Export parts of a zkey."""


@zkey_export.command("verificationkey")
@click.argument("zkey", default="circuit_final.zkey", type=FILE)
@click.argument("verification_key", default="verification_key.json", type=FILE)
@reports_bad_input
def export_verification_key(zkey: str, verification_key: str) -> None:
    """Write ZKEY's verification key as snarkjs JSON."""
    snarkjs_json.write_verification_key(verification_key, read_proving_key(zkey).vk)


@zkey_export.command("solidityverifier")
@click.argument("zkey", default="circuit_final.zkey", type=FILE)
@click.argument("verifier", default="verifier.sol", type=FILE)
@reports_bad_input
def export_solidity_verifier(zkey: str, verifier: str) -> None:
    """Write a Solidity contract that verifies proofs for ZKEY."""
    write_solidity_verifier(verifier, read_proving_key(zkey).vk)


@zkey_export.command("soliditycalldata")
@click.argument("public", default="public.json", type=FILE)
@click.argument("proof", default="proof.json", type=FILE)
@reports_bad_input
def export_solidity_calldata(public: str, proof: str) -> None:
    """Print the verifyProof calldata for PROOF and PUBLIC (as snarkjs)."""
    click.echo(solidity_calldata(snarkjs_json.read_proof(proof), snarkjs_json.read_public_signals(public)))
