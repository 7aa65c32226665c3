"""zkreceipt's in-process witness calculator against the pinned snarkjs (and circom's own calculator).

``zkreceipt wtns calculate`` must write the bytes ``snarkjs wtns calculate`` writes, for every
interop circuit and for inputs in every form snarkjs reduces mod r; refused inputs and failed
asserts carry circom's messages; ``zkreceipt groth16 fullprove`` proofs pass ``snarkjs groth16
verify``; bus inputs (which snarkjs 0.7.6 cannot read) match circom's generated calculator; and
the Node-free fixture in tests/witness/fixtures is what the pinned tools make.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CircuitFiles
from tools import INTEROP_DIR, circom2, snarkjs, tools_available

from zkreceipt.cli.main import cli
from zkreceipt.field import Fr

WITNESS_FIXTURES = Path(__file__).resolve().parents[1] / "witness" / "fixtures"
sys.path.insert(0, str(WITNESS_FIXTURES.parent))
from witness_helpers import ASSERT_INPUT, ASSERT_MESSAGE, CHECKED_WASM, EXPECTED, input_path  # noqa: E402

pytestmark = pytest.mark.skipif(not tools_available(), reason=f"Node tools missing: run `cd {INTEROP_DIR} && npm ci`")
R = Fr.modulus

#: Inputs in the forms snarkjs reduces mod r: negative, above r, hex, JSON numbers, nested arrays.
VALUE_FORMS = {
    "multiplier": [
        {"a": "-3", "b": "0x1F"},
        {"a": str(R + 5), "b": 9007199254740992},
        {"a": -1, "b": [["0"]]},
    ],
    "mul_chain": [{"x": str(2 * R - 1), "seed": "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}],
    "priced_commitment": [
        {"maxPrice": 4999, "minUnits": "25", "units": ["25"], "rate": "0xc7", "salt": str(-123456789)},
    ],
}

#: Bus inputs: circom 2.2 qualifies {"p": {"x": …}} as p.x; snarkjs 0.7.6 refuses them.
BUS_CIRCUIT = """pragma circom 2.2.0;
bus Point() { signal x; signal y; }
template Dist() {
    input Point() p;
    input Point() q[2];
    signal input k;
    signal output d;
    signal dx <== p.x - q[0].x;
    signal dy <== p.y - q[1].y;
    signal dx2 <== dx * dx;
    d <== dx2 + dy * dy + k;
}
component main = Dist();
"""
BUS_INPUT = {"p": {"x": "3", "y": "4"}, "q": [{"x": "1", "y": "9"}, {"x": "7", "y": "-2"}], "k": 5}


def zkreceipt(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args])


def snarkjs_witness(wasm: Path, document: dict | Path, folder: Path) -> bytes:
    source = document if isinstance(document, Path) else folder / "input.json"
    if not isinstance(document, Path):
        source.write_text(json.dumps(document))
    snarkjs("wtns", "calculate", wasm, source, folder / "snarkjs.wtns")
    return (folder / "snarkjs.wtns").read_bytes()


def test_wtns_calculate_is_byte_identical_to_snarkjs(circuit: CircuitFiles, tmp_path: Path) -> None:
    result = zkreceipt("wtns", "calculate", circuit.wasm, circuit.input, tmp_path / "witness.wtns")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "witness.wtns").read_bytes() == circuit.wtns.read_bytes()


@pytest.mark.parametrize("name", list(VALUE_FORMS))
def test_value_forms_reduce_as_snarkjs_reduces_them(name: str, interop_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wasm = interop_files.circuits[name].wasm
    for document in VALUE_FORMS[name]:
        (tmp_path / "ours.json").write_text(json.dumps(document))
        result = zkreceipt("wtns", "calculate", wasm, tmp_path / "ours.json", tmp_path / "ours.wtns")
        assert result.exit_code == 0, result.output
        assert (tmp_path / "ours.wtns").read_bytes() == snarkjs_witness(wasm, document, tmp_path), document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"a": ["3", "4"], "b": "11"}, "Too many values for input signal a"),
        ({"a": [], "b": "11"}, "Not enough values for input signal a"),
        ({"a": "3"}, "Not all inputs have been set. Only 1 out of 2"),
    ],
)
def test_refusals_carry_snarkjs_messages(interop_files, tmp_path: Path, document: dict, message: str) -> None:  # type: ignore[no-untyped-def]
    wasm = interop_files.circuits["multiplier"].wasm
    (tmp_path / "input.json").write_text(json.dumps(document))
    theirs = snarkjs("wtns", "calculate", wasm, tmp_path / "input.json", tmp_path / "s.wtns", check=False)
    ours = zkreceipt("wtns", "calculate", wasm, tmp_path / "input.json", tmp_path / "z.wtns")
    assert theirs.returncode != 0 and message in theirs.output
    assert ours.exit_code == 2 and ours.output.strip().endswith(message)
    assert not (tmp_path / "z.wtns").exists()


def test_an_unknown_signal_is_named_where_snarkjs_says_too_many(interop_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """circom 2.2's getInputSignalSize reads 0 for an unknown name, so snarkjs reports "Too many
    values"; circom's calculator means "Signal c not found", which we report."""
    wasm = interop_files.circuits["multiplier"].wasm
    (tmp_path / "input.json").write_text(json.dumps({"a": "3", "b": "11", "c": "1"}))
    theirs = snarkjs("wtns", "calculate", wasm, tmp_path / "input.json", tmp_path / "s.wtns", check=False)
    assert "Too many values for input signal c" in theirs.output
    ours = zkreceipt("wtns", "calculate", wasm, tmp_path / "input.json", tmp_path / "z.wtns")
    assert ours.exit_code == 2 and ours.output.strip().endswith("Signal c not found")


def test_a_failed_assert_carries_circoms_template_and_line(tmp_path: Path) -> None:
    theirs = snarkjs("wtns", "calculate", CHECKED_WASM, ASSERT_INPUT, tmp_path / "s.wtns", check=False)
    assert theirs.returncode != 0
    for line in ASSERT_MESSAGE.split("; "):
        assert line in theirs.output  # snarkjs prints the same text over two lines
    ours = zkreceipt("wtns", "calculate", CHECKED_WASM, ASSERT_INPUT, tmp_path / "z.wtns")
    assert ours.exit_code == 2 and ours.output.strip().endswith(ASSERT_MESSAGE)


def test_the_node_free_fixture_is_what_the_pinned_tools_make(tmp_path: Path) -> None:
    shutil.copy(WITNESS_FIXTURES / "checked.circom", tmp_path / "checked.circom")
    circom2(tmp_path / "checked.circom", "--r1cs", "--wasm", "-o", tmp_path)
    assert (tmp_path / "checked_js" / "checked.wasm").read_bytes() == CHECKED_WASM.read_bytes()
    assert (tmp_path / "checked.r1cs").read_bytes() == (WITNESS_FIXTURES / "checked.r1cs").read_bytes()
    for stem, expected in EXPECTED.items():
        assert snarkjs_witness(CHECKED_WASM, input_path(stem), tmp_path) == expected.read_bytes()


def test_fullprove_proofs_pass_snarkjs(circuit: CircuitFiles, tmp_path: Path) -> None:
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    result = zkreceipt("groth16", "fullprove", circuit.input, circuit.wasm, circuit.zkey, proof, public)
    assert result.exit_code == 0, result.output
    assert json.loads(public.read_text()) == json.loads(circuit.public.read_text())
    verdict = snarkjs("groth16", "verify", circuit.vkey, public, proof, check=False)
    assert verdict.ok and "OK" in verdict.stdout
    public.write_text(json.dumps([str(int(v) + 1) for v in json.loads(circuit.public.read_text())]))
    assert not snarkjs("groth16", "verify", circuit.vkey, public, proof, check=False).ok


def test_bus_inputs_match_circoms_generated_calculator(tmp_path: Path) -> None:
    (tmp_path / "bus.circom").write_text(BUS_CIRCUIT)
    (tmp_path / "input.json").write_text(json.dumps(BUS_INPUT))
    circom2(tmp_path / "bus.circom", "--wasm", "-o", tmp_path)
    js = tmp_path / "bus_js"
    subprocess.run(
        ["node", js / "generate_witness.js", js / "bus.wasm", tmp_path / "input.json", tmp_path / "circom.wtns"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = zkreceipt("wtns", "calculate", js / "bus.wasm", tmp_path / "input.json", tmp_path / "ours.wtns")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ours.wtns").read_bytes() == (tmp_path / "circom.wtns").read_bytes()
