"""The snarkjs-style commands through click's runner: exit codes, default names, nothing half-written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from zkreceipt.circuits.mul_chain import MulChain

from zkreceipt.circuit import compile_circuit
from zkreceipt.cli.main import cli
from zkreceipt.field import Fr
from zkreceipt.formats import R1csFile, read_zkey, write_r1cs, write_wtns

PTAU_FIXTURE = Path(__file__).parents[1] / "interop" / "fixtures" / "pot10_final.ptau"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """circuit.r1cs and witness.wtns for MulChain(6), then the development setup."""
    folder = tmp_path_factory.mktemp("cli")
    compiled = compile_circuit(MulChain(6))
    witness = compiled.solve({"a": 3, "b": 5})
    n_outputs = 1
    write_r1cs(folder / "circuit.r1cs", R1csFile.from_r1cs(compiled.r1cs, n_outputs=n_outputs, n_prv_inputs=2))
    write_wtns(folder / "witness.wtns", witness.values)
    result = run(folder, "groth16", "setup", "circuit.r1cs", "circuit_final.zkey")
    assert result.exit_code == 0, result.output
    return folder


def run(folder: Path, *args: str):  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(cwd)


def test_prove_export_verify_with_default_names(workdir: Path) -> None:
    assert run(workdir, "groth16", "prove").exit_code == 0
    assert run(workdir, "zkey", "export", "verificationkey").exit_code == 0
    for name in ("proof.json", "public.json", "verification_key.json"):
        assert (workdir / name).exists()
    result = run(workdir, "groth16", "verify")
    assert result.exit_code == 0, result.output


def test_invalid_proof_exits_1(workdir: Path, tmp_path: Path) -> None:
    run(workdir, "groth16", "prove")
    public = json.loads((workdir / "public.json").read_text())
    public[0] = str(int(public[0]) + 1)
    (tmp_path / "public.json").write_text(json.dumps(public))
    result = run(workdir, "groth16", "verify", "verification_key.json", str(tmp_path / "public.json"), "proof.json")
    assert result.exit_code == 1


def test_bad_input_exits_2_with_the_file_named(workdir: Path, tmp_path: Path) -> None:
    public = json.loads((workdir / "public.json").read_text())
    public[0] = str(int(public[0]) + Fr.modulus)
    bad = tmp_path / "public.json"
    bad.write_text(json.dumps(public))
    result = run(workdir, "groth16", "verify", "verification_key.json", str(bad), "proof.json")
    assert result.exit_code == 2 and "public.json" in result.output
    broken = tmp_path / "broken.zkey"
    broken.write_bytes(b"zkey\x01\x00\x00\x00")
    result = run(workdir, "groth16", "prove", str(broken), "witness.wtns", str(tmp_path / "p.json"), str(tmp_path / "q.json"))
    assert result.exit_code == 2 and "broken.zkey" in result.output
    assert not (tmp_path / "p.json").exists() and not (tmp_path / "q.json").exists()


def test_setup_with_a_ptau_is_zkey_new(workdir: Path, tmp_path: Path) -> None:
    """Three arguments run the ceremony's ``zkey new``: no development marker, csHash printed."""
    result = run(workdir, "groth16", "setup", "circuit.r1cs", str(PTAU_FIXTURE), str(tmp_path / "c.zkey"))
    assert result.exit_code == 0, result.output
    zkey = read_zkey(tmp_path / "c.zkey")
    assert not zkey.development and zkey.contributions.contributions == ()
    assert zkey.contributions.cs_hash.hex()[:8] in result.output
    assert read_zkey(workdir / "circuit_final.zkey").development


def test_setup_with_a_missing_ptau_exits_2(workdir: Path, tmp_path: Path) -> None:
    result = run(workdir, "groth16", "setup", "circuit.r1cs", "pot.ptau", str(tmp_path / "x.zkey"))
    assert result.exit_code == 2 and "pot.ptau" in result.output
    assert not (tmp_path / "x.zkey").exists()


def test_r1cs_info(workdir: Path) -> None:
    result = run(workdir, "r1cs", "info")
    assert result.exit_code == 0
    assert "# of Constraints: 6" in result.output and "# of Outputs: 1" in result.output


def test_solidity_exports(workdir: Path) -> None:
    run(workdir, "groth16", "prove")
    assert run(workdir, "zkey", "export", "solidityverifier").exit_code == 0
    assert "contract Groth16Verifier" in (workdir / "verifier.sol").read_text()
    result = run(workdir, "zkey", "export", "soliditycalldata")
    assert result.exit_code == 0 and result.output.startswith('["0x')
