"""``zkreceipt zkey …``: the phase-2 ceremony and exports, with snarkjs's arguments and defaults.

``zkey new`` (also ``groth16 setup`` with a .ptau), ``zkey contribute``, ``zkey beacon``,
``zkey verify`` and ``zkey export verificationkey | solidityverifier | soliditycalldata``.
Each command is a thin wrapper over a library function; hashes print as snarkjs prints
them (``formatHash``).
"""

from __future__ import annotations

import sys

import click

from ..errors import FormatError
from ..formats import read_r1cs, read_zkey, snarkjs_json
from ..formats.solidity import solidity_calldata, write_solidity_verifier
from ..formats.zkey_keys import read_proving_key
from ..phase2.contribute import zkey_beacon_files, zkey_contribute_files
from ..phase2.setup import zkey_new_files
from ..phase2.transcript import format_hash
from .common import EXIT_INVALID, EXIT_VALID, record_audit, reports_bad_input

FILE = click.Path(dir_okay=False)


@click.group("zkey")
def zkey_group() -> None:
    """Phase-2 ceremony and exports of snarkjs .zkey files (as ``snarkjs zkey …``)."""


@zkey_group.command("new")
@click.argument("r1cs", default="circuit.r1cs", type=FILE)
@click.argument("ptau", default="powersoftau.ptau", type=FILE)
@click.argument("zkey", default="circuit_0000.zkey", type=FILE)
@reports_bad_input
def zkey_new_command(r1cs: str, ptau: str, zkey: str) -> None:
    """Initial ZKEY (no contributions) of R1CS from the prepared PTAU (``snarkjs zkey new``)."""
    cs_hash = zkey_new_files(r1cs, ptau, zkey)
    record_audit("key_created", "zkey", zkey, setup="phase 2 (initial)", circuit_hash=cs_hash.hex())
    click.echo(format_hash(cs_hash, "Circuit hash: "))


def _ask_entropy() -> str:
    """snarkjs prompts until the entropy is non-empty."""
    entropy = ""
    while not entropy:
        entropy = click.prompt("Enter a random text. (Entropy)", hide_input=True, default="", show_default=False)
    return entropy


@zkey_group.command("contribute")
@click.argument("old_zkey", type=FILE)
@click.argument("new_zkey", type=FILE)
@click.option("--name", "-n", default=None, help="contributor name recorded in the key")
@click.option("--entropy", "-e", default=None, help="random text mixed into the secret (prompted if absent)")
@reports_bad_input
def zkey_contribute_command(old_zkey: str, new_zkey: str, name: str | None, entropy: str | None) -> None:
    """Write NEW_ZKEY: OLD_ZKEY with a new secret contribution (``snarkjs zkey contribute``)."""
    digest = zkey_contribute_files(old_zkey, new_zkey, name=name, entropy=entropy or _ask_entropy())
    record_audit("key_created", "zkey", new_zkey, setup="phase 2 contribution", contribution_hash=digest.hex())
    click.echo(format_hash(digest, "Contribution Hash: "))


@zkey_group.command("beacon")
@click.argument("old_zkey", type=FILE)
@click.argument("new_zkey", type=FILE)
@click.argument("beacon_hash")
@click.argument("num_iterations_exp", type=int)
@click.option("--name", "-n", default=None, help="contributor name recorded in the key")
@reports_bad_input
def zkey_beacon_command(old_zkey: str, new_zkey: str, beacon_hash: str, num_iterations_exp: int, name: str | None) -> None:
    """Write NEW_ZKEY: OLD_ZKEY after a public beacon (BEACON_HASH hex, 2^NUM_ITERATIONS_EXP
    SHA-256 steps, 10..63) (``snarkjs zkey beacon``)."""
    try:
        digest_in = bytes.fromhex(beacon_hash)
    except ValueError:
        raise FormatError(f"beacon hash {beacon_hash!r} is not a hexadecimal byte string") from None
    digest = zkey_beacon_files(old_zkey, new_zkey, digest_in, num_iterations_exp, name=name)
    record_audit("key_created", "zkey", new_zkey, setup="phase 2 beacon", contribution_hash=digest.hex())
    click.echo(format_hash(digest, "Contribution Hash: "))


@zkey_group.command("verify")
@click.argument("r1cs", default="circuit.r1cs", type=FILE)
@click.argument("ptau", default="powersoftau.ptau", type=FILE)
@click.argument("zkey", default="circuit_final.zkey", type=FILE)
@reports_bad_input
def zkey_verify_command(r1cs: str, ptau: str, zkey: str) -> None:
    """Check ZKEY's contributions and that it belongs to R1CS and PTAU (``snarkjs zkey verify``):
    exit 0 ok, 1 verification failed (or a development key), 2 bad input."""
    from ..phase2.verify import zkey_verify  # the verifier pulls in the pairing machinery

    result = zkey_verify(read_r1cs(r1cs).r1cs, ptau, read_zkey(zkey))
    if result.circuit_hash:
        click.echo(format_hash(bytes.fromhex(result.circuit_hash), "Circuit Hash: "))
    for c in reversed(result.contributions):
        click.echo("-------------------------")
        label = f"contribution #{c.index} {c.name or ''}".rstrip() + ":"
        click.echo(format_hash(bytes.fromhex(c.contribution_hash), label))
        if c.beacon is not None:
            click.echo(f"Beacon generator: {c.beacon.beacon_hash.hex()}")
            click.echo(f"Beacon iterations Exp: {c.beacon.num_iterations_exp}")
    click.echo("-------------------------")
    if result.development:
        click.echo("DEVELOPMENT KEY: made by a one-party development setup, not a trusted ceremony", err=True)
    for failure in result.failures:
        click.echo(f"FAILED: {failure}", err=True)
    click.echo("ZKey Ok!" if result.ok else "ZKey verification FAILED", err=not result.ok)
    record_audit("verified", "zkey", zkey, valid=result.ok, problems="; ".join(result.failures) or None)
    sys.exit(EXIT_VALID if result.ok else EXIT_INVALID)


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
    record_audit("key_exported", "verification_key", verification_key, zkey=zkey)


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
