"""``zkreceipt groth16 …``: setup, prove and verify with snarkjs's arguments and default file names.

The compiled core is imported inside the commands: ``verify`` of well-formed files runs on
Python ints (``zkreceipt.quickverify``) and never starts numba.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import ProofError, UnsatisfiedConstraintError
from .common import exit_with_verdict, record_audit, reports_bad_input

if TYPE_CHECKING:
    from ..field import FieldVector
    from ..groth16 import ProvingKey
    from ..r1cs import R1CS

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
        record_audit("key_created", "zkey", files[2], setup="phase 2 (initial)", circuit_hash=cs_hash.hex())
        click.echo(format_hash(cs_hash, "Circuit hash: "))
        return
    if len(files) not in (0, 2):
        raise click.UsageError("expected CIRCUIT.r1cs [POT.ptau] CIRCUIT.zkey")
    r1cs_path, zkey_path = files if len(files) == 2 else ("circuit.r1cs", "circuit_0000.zkey")
    r1cs = read_r1cs(r1cs_path).r1cs
    write_proving_key(zkey_path, setup_development(r1cs))
    record_audit("key_created", "zkey", zkey_path, setup="development", r1cs=r1cs_path)
    click.echo(f"wrote {zkey_path} (development setup: not a trusted setup)")


@groth16.command("prove")
@click.argument("zkey", default="circuit_final.zkey", type=FILE)
@click.argument("witness", default="witness.wtns", type=FILE)
@click.argument("proof", default="proof.json", type=FILE)
@click.argument("public", default="public.json", type=FILE)
@click.option("--r1cs", "r1cs_path", type=FILE, help="check the witness against this circuit first, naming the constraint it breaks")
@reports_bad_input
def prove_command(zkey: str, witness: str, proof: str, public: str, r1cs_path: str | None) -> None:
    """Prove WITNESS with ZKEY; write PROOF and PUBLIC (snarkjs JSON).

    A witness that does not satisfy the circuit is bad input (exit 2) and nothing is
    written: with --r1cs it is checked against the constraints before proving; in any
    case the proof is checked with the key's own verification key before it is
    written (a .zkey holds only the A and B matrices, so the key alone cannot tell).
    """
    from ..formats import read_r1cs, read_wtns, snarkjs_json
    from ..formats.zkey_keys import read_proving_key
    from ..groth16 import prove, verify

    pk = read_proving_key(zkey)
    values = read_wtns(witness)
    check_witness_fits(pk, values, witness, zkey)
    if r1cs_path is not None:
        check_witness_satisfies(read_r1cs(r1cs_path).r1cs, pk, values, witness, r1cs_path, zkey)
    result = prove(pk, values)
    signals = values[1 : pk.n_public + 1].to_ints()
    if not verify(pk.vk, signals, result):
        raise ProofError(
            f"{witness}: the witness does not satisfy the circuit of {zkey} (its proof fails the key's own "
            "verification key); nothing written"
        )
    snarkjs_json.write_proof(proof, result)
    snarkjs_json.write_public_signals(public, signals)
    record_audit("proven", "proof", proof, zkey=zkey, public=public)


def check_witness_fits(pk: ProvingKey, values: FieldVector, witness: str, zkey: str) -> None:
    """The witness has one value per wire of the key and wire 0 is the constant 1 (ProofError naming the files)."""
    if len(values) != pk.n_wires:
        raise ProofError(f"{witness}: {len(values)} witness values, but {zkey} has {pk.n_wires} wires")
    if values[0].to_ints() != [1]:
        raise ProofError(f"{witness}: wire 0 must hold the constant 1")


def check_witness_satisfies(
    r1cs: R1CS, pk: ProvingKey, values: FieldVector, witness: str, r1cs_path: str, zkey: str
) -> None:
    """The witness satisfies ``r1cs``, and ``r1cs`` is the circuit of the key: same wires, public
    signals and constraints, and the key's A and B rows give the same A·w and B·w."""
    n_constraints = pk.qap.a.n_rows - pk.n_public - 1
    if (r1cs.n_wires, r1cs.n_public, r1cs.n_constraints) != (pk.n_wires, pk.n_public, n_constraints):
        raise ProofError(
            f"{r1cs_path}: {r1cs.n_wires} wires, {r1cs.n_public} public, {r1cs.n_constraints} constraints; "
            f"{zkey} has {pk.n_wires}, {pk.n_public}, {n_constraints}: not the key's circuit"
        )
    try:
        r1cs.check_witness(values)
    except UnsatisfiedConstraintError as error:
        raise UnsatisfiedConstraintError(f"{witness}: {error} of {r1cs_path}") from None
    a_w, b_w, _ = r1cs.evaluate(values)
    key_a_w = pk.qap.a.mul_vector(values)[:n_constraints]
    key_b_w = pk.qap.b.mul_vector(values)[:n_constraints]
    if not ((key_a_w == a_w).all() and (key_b_w == b_w).all()):
        raise ProofError(f"{r1cs_path}: its A and B matrices are not those of {zkey}: not the key's circuit")


@groth16.command("verify")
@click.argument("verification_key", default="verification_key.json", type=FILE)
@click.argument("public", default="public.json", type=FILE)
@click.argument("proof", default="proof.json", type=FILE)
@click.option("--quiet", "-q", is_flag=True, help="no verdict line; the exit code says it")
@reports_bad_input
def verify_command(verification_key: str, public: str, proof: str, quiet: bool) -> None:
    """Verify PROOF for PUBLIC under VERIFICATION_KEY: exit 0 valid, 1 invalid, 2 bad input."""
    from ..quickverify import verify_snarkjs_files

    valid = verify_snarkjs_files(verification_key, public, proof)
    if valid is None:
        # Not plainly well-formed: the full readers find and name the problem (or accept an unusual form).
        from ..formats import snarkjs_json
        from ..groth16 import verify

        vk = snarkjs_json.read_verification_key(verification_key)
        signals = snarkjs_json.read_public_signals(public, expected_count=vk.n_public)
        valid = verify(vk, signals, snarkjs_json.read_proof(proof))
    record_audit("verified", "proof", proof, verification_key=verification_key, public=public, valid=valid)
    exit_with_verdict(valid, quiet=quiet)


@groth16.command("fullprove")
@click.argument("input_json", default="input.json", type=FILE)
@click.argument("wasm", default="circuit.wasm", type=FILE)
@click.argument("zkey", default="circuit_final.zkey", type=FILE)
@click.argument("proof", default="proof.json", type=FILE)
@click.argument("public", default="public.json", type=FILE)
@reports_bad_input
def fullprove_command(input_json: str, wasm: str, zkey: str, proof: str, public: str) -> None:
    """Compute the witness of INPUT_JSON with circom's WASM (in process) and prove it with ZKEY."""
    from ..formats import snarkjs_json
    from ..witness import groth16_fullprove

    made, signals = groth16_fullprove(input_json, wasm, zkey, on_log=click.echo)
    snarkjs_json.write_proof(proof, made)
    snarkjs_json.write_public_signals(public, signals)
    record_audit("proven", "proof", proof, zkey=zkey, wasm=wasm, public=public)
