"""Witness files from circom's witness calculator through zkreceipt, checked against snarkjs."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from interop_files import CircuitFiles, InteropFiles
from tools import snarkjs

from zkreceipt.errors import UnsatisfiedConstraintError
from zkreceipt.field import Fr
from zkreceipt.formats import read_r1cs, read_wtns, write_r1cs, write_wtns
from zkreceipt.formats.r1cs_file import R1csFile


def test_witness_satisfies_the_r1cs(circuit: CircuitFiles) -> None:
    witness = read_wtns(circuit.wtns)
    r1cs = read_r1cs(circuit.r1cs).r1cs
    assert len(witness) == r1cs.n_wires
    assert witness.to_ints()[0] == 1
    r1cs.check_witness(witness)


def test_public_signals_are_the_witness_public_wires(circuit: CircuitFiles) -> None:
    witness = read_wtns(circuit.wtns).to_ints()
    n_public = read_r1cs(circuit.r1cs).r1cs.n_public
    assert [str(v) for v in witness[1 : n_public + 1]] == json.loads(circuit.public.read_text())


def test_multiplier_witness_values(interop_files: InteropFiles) -> None:
    assert read_wtns(interop_files.circuits["multiplier"].wtns).to_ints() == [1, 33, 3, 11]


def test_round_trip_is_byte_exact_and_private(circuit: CircuitFiles, tmp_path: Path) -> None:
    copy = tmp_path / "copy.wtns"
    write_wtns(copy, read_wtns(circuit.wtns))
    assert copy.read_bytes() == circuit.wtns.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_snarkjs_checks_files_zkreceipt_wrote(circuit: CircuitFiles, tmp_path: Path) -> None:
    """snarkjs accepts zkreceipt's r1cs (reordered sections) + witness, and rejects a tampered one."""
    parsed = read_r1cs(circuit.r1cs)
    r1cs_path, wtns_path = tmp_path / "c.r1cs", tmp_path / "c.wtns"
    write_r1cs(r1cs_path, R1csFile(parsed.header, parsed.r1cs, parsed.wire_to_label, (1, 2, 3)))
    witness = read_wtns(circuit.wtns)
    write_wtns(wtns_path, witness)
    assert snarkjs("wtns", "check", r1cs_path, wtns_path).ok

    values = witness.to_ints()
    values[-1] = (values[-1] + 1) % Fr.modulus
    tampered = Fr.from_ints(values)
    with pytest.raises(UnsatisfiedConstraintError):
        parsed.r1cs.check_witness(tampered)
    write_wtns(wtns_path, tampered)
    result = snarkjs("wtns", "check", r1cs_path, wtns_path, check=False)
    assert not result.ok
    assert "WITNESS IS NOT CORRECT" in result.output
