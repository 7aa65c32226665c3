"""``zkreceipt wtns calculate`` and ``zkreceipt groth16 fullprove`` through click: exit codes, files, messages."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from zkreceipt.circuits.mul_chain import MulChain
from witness_helpers import ASSERT_INPUT, ASSERT_MESSAGE, CHECKED_R1CS, CHECKED_WASM, EXPECTED, LOG_LINE, input_path

from zkreceipt.circuit import compile_circuit
from zkreceipt.cli.main import cli
from zkreceipt.formats import R1csFile, snarkjs_json, write_r1cs
from zkreceipt.groth16 import verify


def run(folder: Path, *args: str | Path):  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(cli, [str(a) for a in args])
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """circuit_final.zkey (development setup of checked.r1cs) and its verification key."""
    folder = tmp_path_factory.mktemp("keys")
    assert run(folder, "groth16", "setup", CHECKED_R1CS, "circuit_final.zkey").exit_code == 0
    assert run(folder, "zkey", "export", "verificationkey").exit_code == 0
    return folder


def test_wtns_calculate_with_snarkjs_default_names(tmp_path: Path) -> None:
    shutil.copy(CHECKED_WASM, tmp_path / "circuit.wasm")
    shutil.copy(input_path("checked"), tmp_path / "input.json")
    result = run(tmp_path, "wtns", "calculate")
    assert result.exit_code == 0, result.output
    assert result.output == LOG_LINE + "\n"
    assert (tmp_path / "witness.wtns").read_bytes() == EXPECTED["checked"].read_bytes()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (None, ASSERT_MESSAGE),
        ({"a": [1, 2, 3, 4, 5, 6], "k": 7, "z": 1}, "Signal z not found"),
        ({"a": [1, 2, 3, 4, 5, 6]}, "Not all inputs have been set. Only 6 out of 7"),
        ({"a": [1, 2, 3, 4, 5, 6], "k": "7.0"}, "signal 'k' value 0: '7.0' is not a decimal or 0x-hex integer"),
    ],
)
def test_refused_inputs_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, document: dict | None, message: str
) -> None:
    source = tmp_path / "in.json"
    if document is None:
        shutil.copy(ASSERT_INPUT, source)
    else:
        source.write_text(json.dumps(document))
    result = run(tmp_path, "wtns", "calculate", CHECKED_WASM, "in.json", "out.wtns")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == f"error: in.json: {message}"
    assert not (tmp_path / "out.wtns").exists()


def test_a_bad_module_exits_2(tmp_path: Path) -> None:
    (tmp_path / "circuit.wasm").write_bytes(b"not wasm")
    shutil.copy(input_path("checked"), tmp_path / "input.json")
    result = run(tmp_path, "wtns", "calculate")
    assert result.exit_code == 2
    assert "circuit.wasm: not a WebAssembly module" in result.output
    assert not (tmp_path / "witness.wtns").exists()


def test_fullprove_proves_what_the_witness_says(keys: Path, tmp_path: Path) -> None:
    out = (tmp_path / "proof.json", tmp_path / "public.json")
    result = run(keys, "groth16", "fullprove", input_path("checked"), CHECKED_WASM, "circuit_final.zkey", *out)
    assert result.exit_code == 0, result.output
    assert result.output == LOG_LINE + "\n"
    public = json.loads((tmp_path / "public.json").read_text())
    witness = snarkjs_json.read_public_signals(tmp_path / "public.json")
    assert public[0] == "1392" and public[2] == "7"  # outputs s, kinv, then the public input k
    assert public[1] == str(pow(7, -1, 21888242871839275222246405745257275088548364400416034343698204186575808495617))
    vk = snarkjs_json.read_verification_key(keys / "verification_key.json")
    assert verify(vk, witness, snarkjs_json.read_proof(tmp_path / "proof.json"))
    assert run(keys, "groth16", "verify", "verification_key.json", out[1], out[0]).exit_code == 0


def test_fullprove_refuses_bad_input_and_a_key_of_another_circuit(keys: Path, tmp_path: Path) -> None:
    out = (tmp_path / "proof.json", tmp_path / "public.json")
    result = run(keys, "groth16", "fullprove", ASSERT_INPUT, CHECKED_WASM, "circuit_final.zkey", *out)
    assert result.exit_code == 2 and ASSERT_MESSAGE in result.output
    assert not (tmp_path / "proof.json").exists() and not (tmp_path / "public.json").exists()
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(CHECKED_WASM, other / "circuit.wasm")
    shutil.copy(input_path("checked"), other / "input.json")
    write_r1cs(other / "chain.r1cs", R1csFile.from_r1cs(compile_circuit(MulChain(4)).r1cs, n_outputs=1))
    assert run(other, "groth16", "setup", "chain.r1cs", "circuit_final.zkey").exit_code == 0
    result = run(other, "groth16", "fullprove")
    assert result.exit_code == 2
    assert "the proving key expects" in result.output
    assert not (other / "proof.json").exists()
