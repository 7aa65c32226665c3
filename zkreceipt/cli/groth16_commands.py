"""``zkreceipt groth16 …``: setup, prove and verify with snarkjs's arguments and default file names.

The compiled core is imported inside the commands: ``verify`` of well-formed files runs on
Python ints (``zkreceipt.quickverify``) and never starts numba.
"""

from __future__ import annotations

import click

from .common import exit_with_verdict, reports_bad_input

FILE = click.Path(dir_okay=False)


@click.group()
def groth16() -> None:
    """Groth16 setup, proving and verification (as ``snarkjs groth16 …``)."""


@groth16.command("setup")
@click.argument("files", nargs=-1, type=FILE)
@reports_bad_input
def setup_command(files: tuple[str, ...]) -> None:
    """CIRCUIT.r1cs [POT.ptau] CIRCUIT.zkey: with a .ptau, the initial key of a phase-2
    ceremony (as ``snarkjs groth16 setup`` / ``zkey new``); without, a development setup.

    The development setup draws the toxic waste on this machine and discards it;
    anyone who ran it could forge proofs, so its keys are marked as development keys.
    """
    from ..formats import read_r1cs
    from ..formats.zkey_keys import write_proving_key
    from ..groth16 import setup_development
    from ..phase2.setup import zkey_new_files
    from ..phase2.transcript import format_hash

    if len(files) == 3:
        cs_hash = zkey_new_files(*files)
        click.echo(format_hash(cs_hash, "Circuit hash: "))
        return
    if len(files) not in (0, 2):
        raise click.UsageError("expected CIRCUIT.r1cs [POT.ptau] CIRCUIT.zkey")
    r1cs_path, zkey_path = files if len(files) == 2 else ("circuit.r1cs", "circuit_0000.zkey")
    r1cs = read_r1cs(r1cs_path).r1cs
    write_proving_key(zkey_path, setup_development(r1cs))
    click.echo(f"wrote {zkey_path} (development setup: not a trusted setup)")


@groth16.command("prove")
@click.argument("zkey", default="circuit_final.zkey", type=FILE)
@click.argument("witness", default="witness.wtns", type=FILE)
@click.argument("proof", default="proof.json", type=FILE)
@click.argument("public", default="public.json", type=FILE)
@reports_bad_input
def prove_command(zkey: str, witness: str, proof: str, public: str) -> None:
    """Prove WITNESS with ZKEY; write PROOF and PUBLIC (snarkjs JSON)."""
    from ..formats import read_wtns, snarkjs_json
    from ..formats.zkey_keys import read_proving_key
    from ..groth16 import prove

    pk = read_proving_key(zkey)
    values = read_wtns(witness)
    snarkjs_json.write_proof(proof, prove(pk, values))
    snarkjs_json.write_public_signals(public, values[1 : pk.n_public + 1].to_ints())


@groth16.command("verify")
@click.argument("verification_key", default="verification_key.json", type=FILE)
@click.argument("public", default="public.json", type=FILE)
@click.argument("proof", default="proof.json", type=FILE)
@click.option("--quiet", "-q", is_flag=True, help="no verdict line; the exit code says it")
@reports_bad_input
def verify_command(verification_key: str, public: str, proof: str, quiet: bool) -> None:
    """Verify PROOF for PUBLIC under VERIFICATION_KEY: exit 0 valid, 1 invalid, 2 bad input."""
    from ..quickverify import verify_snarkjs_files

    verdict = verify_snarkjs_files(verification_key, public, proof)
    if verdict is not None:
        exit_with_verdict(verdict, quiet=quiet)
        return
    # Not plainly well-formed: the full readers find and name the problem (or accept an unusual form).
    from ..formats import snarkjs_json
    from ..groth16 import verify

    vk = snarkjs_json.read_verification_key(verification_key)
    signals = snarkjs_json.read_public_signals(public)
    exit_with_verdict(verify(vk, signals, snarkjs_json.read_proof(proof)), quiet=quiet)
