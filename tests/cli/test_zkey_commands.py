"""``zkreceipt zkey new | contribute | beacon | verify | export`` through click's runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from zkreceipt.circuits.mul_chain import MulChain

from zkreceipt.circuit import compile_circuit
from zkreceipt.cli.main import cli
from zkreceipt.formats import R1csFile, read_zkey, write_r1cs, write_wtns
from zkreceipt.phase2.transcript import contribution_hash, format_hash

PTAU = Path(__file__).parents[1] / "interop" / "fixtures" / "pot10_final.ptau"
BEACON_HEX = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"


def run(folder: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(cli, list(args), input=input)
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """circuit.r1cs, witness.wtns, powersoftau.ptau, then zkey new / contribute / beacon."""
    folder = tmp_path_factory.mktemp("zkey-cli")
    compiled = compile_circuit(MulChain(4))
    write_r1cs(folder / "circuit.r1cs", R1csFile.from_r1cs(compiled.r1cs, n_outputs=1, n_prv_inputs=2))
    write_wtns(folder / "witness.wtns", compiled.solve({"a": 3, "b": 5}).values)
    (folder / "powersoftau.ptau").symlink_to(PTAU)
    new = run(folder, "zkey", "new")  # snarkjs defaults: circuit.r1cs powersoftau.ptau circuit_0000.zkey
    assert new.exit_code == 0, new.output
    assert "Circuit hash:" in new.output
    contribute = run(folder, "zkey", "contribute", "circuit_0000.zkey", "circuit_0001.zkey", "-n", "alice", "-e", "xyz")
    assert contribute.exit_code == 0, contribute.output
    beacon = run(folder, "zkey", "beacon", "circuit_0001.zkey", "circuit_final.zkey", BEACON_HEX, "10", "--name=b")
    assert beacon.exit_code == 0, beacon.output
    return folder


def test_printed_hashes_are_the_contribution_hashes(ceremony: Path) -> None:
    first, beacon = read_zkey(ceremony / "circuit_final.zkey").contributions.contributions
    alice = run(ceremony, "zkey", "contribute", "circuit_0000.zkey", "again.zkey", "-e", "other")
    assert alice.exit_code == 0
    (record,) = read_zkey(ceremony / "again.zkey").contributions.contributions
    assert format_hash(contribution_hash(record), "Contribution Hash: ") in alice.output
    assert first.name == "alice" and beacon.name == "b" and beacon.type == 1


def test_entropy_is_prompted_when_missing(ceremony: Path) -> None:
    result = run(ceremony, "zkey", "contribute", "circuit_0000.zkey", "prompted.zkey", input="\ntyped entropy\n")
    assert result.exit_code == 0, result.output
    assert "Entropy" in result.output and "typed entropy" not in result.output
    assert len(read_zkey(ceremony / "prompted.zkey").contributions.contributions) == 1


def test_verify_ok_lists_contributions(ceremony: Path) -> None:
    result = run(ceremony, "zkey", "verify", "circuit.r1cs", "powersoftau.ptau", "circuit_final.zkey")
    assert result.exit_code == 0, result.output
    assert "ZKey Ok!" in result.output
    assert "contribution #1 alice:" in result.output and "contribution #2 b:" in result.output
    assert f"Beacon generator: {BEACON_HEX}" in result.output


def test_verify_fails_with_exit_1_for_another_circuit(ceremony: Path, tmp_path: Path) -> None:
    other = compile_circuit(MulChain(5))
    write_r1cs(tmp_path / "other.r1cs", R1csFile.from_r1cs(other.r1cs, n_outputs=1))
    result = run(ceremony, "zkey", "verify", str(tmp_path / "other.r1cs"), "powersoftau.ptau", "circuit_final.zkey")
    assert result.exit_code == 1 and "FAILED" in result.output


def test_development_key_is_reported(ceremony: Path) -> None:
    assert run(ceremony, "groth16", "setup", "circuit.r1cs", "dev.zkey").exit_code == 0
    result = run(ceremony, "zkey", "verify", "circuit.r1cs", "powersoftau.ptau", "dev.zkey")
    assert result.exit_code == 1 and "DEVELOPMENT KEY" in result.output


def test_bad_input_exits_2_naming_the_file(ceremony: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.zkey"
    broken.write_bytes(b"zkey\x01\x00\x00\x00")
    result = run(ceremony, "zkey", "contribute", str(broken), str(tmp_path / "out.zkey"), "-e", "x")
    assert result.exit_code == 2 and "broken.zkey" in result.output
    assert not (tmp_path / "out.zkey").exists()
    for bad_hash, exp in (("xyz", "10"), (BEACON_HEX, "9")):
        result = run(ceremony, "zkey", "beacon", "circuit_0001.zkey", str(tmp_path / "b.zkey"), bad_hash, exp)
        assert result.exit_code == 2, result.output
    assert not (tmp_path / "b.zkey").exists()


def test_final_key_proves_and_exports(ceremony: Path) -> None:
    assert run(ceremony, "groth16", "prove", "circuit_final.zkey", "witness.wtns").exit_code == 0
    assert run(ceremony, "zkey", "export", "verificationkey", "circuit_final.zkey").exit_code == 0
    result = run(ceremony, "groth16", "verify")
    assert result.exit_code == 0, result.output
