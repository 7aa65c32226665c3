"""circom's .r1cs files through zkreceipt's reader and writer, checked against snarkjs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from interop_files import CircuitFiles, InteropFiles, require_tools
from tools import snarkjs

from zkreceipt.field import Fr
from zkreceipt.formats import R1csFile, read_r1cs, read_wtns, write_r1cs, write_wtns
from zkreceipt.formats.r1cs_file import R1csSection
from zkreceipt.r1cs import R1CS, SparseMatrix

_INFO_FIELDS = {
    "# of Wires": "n_wires",
    "# of Constraints": "n_constraints",
    "# of Private Inputs": "n_prv_inputs",
    "# of Public Inputs": "n_pub_inputs",
    "# of Labels": "n_labels",
    "# of Outputs": "n_outputs",
}


def _match(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in snarkjs output:\n{text}"
    return found.group(1)


def snarkjs_r1cs_info(path: Path) -> dict[str, int | str]:
    """``snarkjs r1cs info`` as {header field: value} plus "curve"."""
    out = snarkjs("r1cs", "info", path).output
    info: dict[str, int | str] = {"curve": _match(r"Curve: (\S+)", out)}
    for label, name in _INFO_FIELDS.items():
        info[name] = int(_match(re.escape(label) + r": (\d+)", out))
    return info


def snarkjs_r1cs_json(path: Path, tmp_path: Path) -> dict:
    out = tmp_path / f"{path.stem}.r1cs.json"
    snarkjs("r1cs", "export", "json", path, out)
    return json.loads(out.read_text())


def linear_combinations(r1cs: R1CS) -> list[list[dict[str, str]]]:
    """Constraints as snarkjs exports them: [[A, B, C], …], each {wire: decimal coefficient}."""
    out: list[list[dict[str, str]]] = [[{}, {}, {}] for _ in range(r1cs.n_constraints)]
    for k, m in enumerate((r1cs.a, r1cs.b, r1cs.c)):
        for row, col, value in zip(m.rows.tolist(), m.cols.tolist(), m.coeffs.to_ints(), strict=True):
            out[row][k][str(col)] = str(value)
    return out


def read_sym(path: Path) -> dict[int, str]:
    """circom's .sym file (``label,wire,component,name`` per line) as wire → signal name."""
    names = {}
    for line in path.read_text().splitlines():
        _, wire, _, name = line.split(",", 3)
        if int(wire) >= 0:
            names[int(wire)] = name
    return names


def test_header_matches_snarkjs_r1cs_info(circuit: CircuitFiles) -> None:
    parsed = read_r1cs(circuit.r1cs)
    info = snarkjs_r1cs_info(circuit.r1cs)
    assert info.pop("curve") == "bn-128"
    assert {name: getattr(parsed.header, name) for name in info} == info
    assert parsed.r1cs.n_public == info["n_outputs"] + info["n_pub_inputs"]


def test_constraints_match_snarkjs_export(circuit: CircuitFiles, tmp_path: Path) -> None:
    parsed = read_r1cs(circuit.r1cs)
    exported = snarkjs_r1cs_json(circuit.r1cs, tmp_path)
    assert exported["prime"] == str(Fr.modulus)
    assert (exported["nVars"], exported["nConstraints"]) == (parsed.r1cs.n_wires, parsed.r1cs.n_constraints)
    assert linear_combinations(parsed.r1cs) == exported["constraints"]
    assert parsed.wire_to_label is not None
    assert parsed.wire_to_label.tolist() == exported["map"]


def test_circom_writes_sections_2_1_3_and_round_trip_is_byte_exact(circuit: CircuitFiles, tmp_path: Path) -> None:
    parsed = read_r1cs(circuit.r1cs)
    assert parsed.section_order == (R1csSection.CONSTRAINTS, R1csSection.HEADER, R1csSection.WIRE_TO_LABEL)
    copy = tmp_path / "copy.r1cs"
    write_r1cs(copy, parsed)
    assert copy.read_bytes() == circuit.r1cs.read_bytes()


def test_snarkjs_reads_an_r1cs_zkreceipt_wrote(circuit: CircuitFiles, tmp_path: Path) -> None:
    """Written in a different section order (so not a byte copy), snarkjs sees the same system."""
    parsed = read_r1cs(circuit.r1cs)
    reordered = tmp_path / "reordered.r1cs"
    write_r1cs(reordered, R1csFile(parsed.header, parsed.r1cs, parsed.wire_to_label, (1, 2, 3)))
    assert reordered.read_bytes() != circuit.r1cs.read_bytes()
    info = snarkjs_r1cs_info(reordered)
    assert info.pop("curve") == "bn-128"
    assert {name: getattr(parsed.header, name) for name in info} == info
    exported = snarkjs_r1cs_json(reordered, tmp_path)
    assert linear_combinations(parsed.r1cs) == exported["constraints"]
    assert parsed.wire_to_label is not None and parsed.wire_to_label.tolist() == exported["map"]


def test_public_wires_follow_declaration_order(interop_files: InteropFiles) -> None:
    """priced_commitment lists {public [minUnits, maxPrice]}; circom orders them as declared."""
    c = interop_files.circuits["priced_commitment"]
    parsed = read_r1cs(c.r1cs)
    names = read_sym(c.sym)
    public = [names[w] for w in range(1, parsed.r1cs.n_public + 1)]
    assert public == ["main.commitment", "main.price", "main.maxPrice", "main.minUnits"]
    witness = read_wtns(c.wtns).to_ints()
    inputs = json.loads(c.input.read_text())
    assert witness[3:5] == [int(inputs["maxPrice"]), int(inputs["minUnits"])]
    assert witness[2] == int(inputs["units"]) * int(inputs["rate"])


def _square_chain() -> tuple[R1CS, list[int]]:
    """A hand-made system: public output y = x⁴ + 5 from private x, with a repeated (row, wire) entry.

    wires [1, y, x, x2, x4]; rows: x·x = x2; x2·x2 = x4; (x4 + 2 + 3)·1 = y.
    """
    a = SparseMatrix.from_entries([(0, 2, 1), (1, 3, 1), (2, 4, 1), (2, 0, 2), (2, 0, 3)], 3, 5)
    b = SparseMatrix.from_entries([(0, 2, 1), (1, 3, 1), (2, 0, 1)], 3, 5)
    c = SparseMatrix.from_entries([(0, 3, 1), (1, 4, 1), (2, 1, 1)], 3, 5)
    x = 3
    return R1CS(5, 1, a, b, c), [1, x**4 + 5, x, x**2, x**4]


def test_zkreceipt_system_and_witness_pass_snarkjs_wtns_check(tmp_path: Path) -> None:
    require_tools()
    r1cs, values = _square_chain()
    r1cs_path, wtns_path = tmp_path / "chain.r1cs", tmp_path / "chain.wtns"
    write_r1cs(r1cs_path, R1csFile.from_r1cs(r1cs, n_outputs=1, n_prv_inputs=1))
    write_wtns(wtns_path, Fr.from_ints(values))
    info = snarkjs_r1cs_info(r1cs_path)
    assert (info["n_wires"], info["n_constraints"], info["n_outputs"], info["n_prv_inputs"]) == (5, 3, 1, 1)
    assert snarkjs("wtns", "check", r1cs_path, wtns_path).ok

    wrong = list(values)
    wrong[4] += 1
    write_wtns(wtns_path, Fr.from_ints(wrong))
    result = snarkjs("wtns", "check", r1cs_path, wtns_path, check=False)
    assert not result.ok and "WITNESS IS NOT CORRECT" in result.output.upper()


@pytest.mark.parametrize("n_outputs", [0, 1])
def test_from_r1cs_splits_public_wires_and_merges_repeated_terms(n_outputs: int, tmp_path: Path) -> None:
    require_tools()
    r1cs, values = _square_chain()
    path = tmp_path / "chain.r1cs"
    write_r1cs(path, R1csFile.from_r1cs(r1cs, n_outputs=n_outputs))
    info = snarkjs_r1cs_info(path)
    assert (info["n_outputs"], info["n_pub_inputs"]) == (n_outputs, 1 - n_outputs)
    back = read_r1cs(path).r1cs
    # the two constant terms 2 and 3 of row 2 became one term 5, at the first one's place
    assert back.a.cols.tolist() == [2, 3, 4, 0]
    assert back.a.coeffs.to_ints() == [1, 1, 1, 5]
    back.check_witness(Fr.from_ints(values))
