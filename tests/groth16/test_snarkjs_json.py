"""snarkjs JSON round trips and every malformed-input class, with the file named in the error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zkreceipt.errors import FormatError
from zkreceipt.field import Fr
from zkreceipt.formats import snarkjs_json as sj
from zkreceipt.groth16 import ProvingKey, prove_with_randomness, verify

from groth16_helpers import R, cube_witness


@pytest.fixture(scope="module")
def proof_files(cube_key: ProvingKey, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    w = cube_witness(3, 5)
    proof = prove_with_randomness(cube_key, Fr.from_ints(w), 7, 9)
    folder = tmp_path_factory.mktemp("json")
    return {
        "vk": sj.write_verification_key(folder / "verification_key.json", cube_key.vk),
        "proof": sj.write_proof(folder / "proof.json", proof),
        "public": sj.write_public_signals(folder / "public.json", w[1:3]),
    }


def test_round_trip_verifies(proof_files: dict[str, Path]) -> None:
    vk = sj.read_verification_key(proof_files["vk"])
    proof = sj.read_proof(proof_files["proof"])
    public = sj.read_public_signals(proof_files["public"])
    assert verify(vk, public, proof)


def test_written_shapes_are_snarkjs(proof_files: dict[str, Path]) -> None:
    proof = json.loads(proof_files["proof"].read_text())
    assert proof["protocol"] == "groth16" and proof["curve"] == "bn128"
    assert proof["pi_a"][2] == "1" and proof["pi_b"][2] == ["1", "0"]
    vk = json.loads(proof_files["vk"].read_text())
    assert vk["nPublic"] == 2 and len(vk["IC"]) == 3
    assert json.loads(proof_files["public"].read_text()) == [str(x) for x in cube_witness(3, 5)[1:3]]


def rewrite(path: Path, tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    document = json.loads(path.read_text())
    change(document)
    out = tmp_path / path.name
    out.write_text(json.dumps(document))
    return out


def test_public_signal_out_of_range(proof_files: dict[str, Path], tmp_path: Path) -> None:
    bad = rewrite(proof_files["public"], tmp_path, lambda d: d.__setitem__(0, str(int(d[0]) + R)))
    with pytest.raises(FormatError, match=r"public.json: signal 0 .* not below the field order"):
        sj.read_public_signals(bad)
    for value in ["-1", "0x10", "1.5", True, None]:
        bad = rewrite(proof_files["public"], tmp_path, lambda d, v=value: d.__setitem__(1, v))
        with pytest.raises(FormatError, match="signal 1"):
            sj.read_public_signals(bad)


def test_point_off_the_curve(proof_files: dict[str, Path], tmp_path: Path) -> None:
    bad = rewrite(proof_files["proof"], tmp_path, lambda d: d["pi_a"].__setitem__(1, str(int(d["pi_a"][1]) + 1)))
    with pytest.raises(FormatError, match="proof.json: pi_a"):
        sj.read_proof(bad)


def test_coordinate_not_below_q(proof_files: dict[str, Path], tmp_path: Path) -> None:
    from zkreceipt.field import Fq

    bad = rewrite(
        proof_files["proof"], tmp_path, lambda d: d["pi_c"].__setitem__(0, str(int(d["pi_c"][0]) + Fq.modulus))
    )
    with pytest.raises(FormatError, match="proof.json: pi_c"):
        sj.read_proof(bad)


def test_missing_fields_and_wrong_shapes(proof_files: dict[str, Path], tmp_path: Path) -> None:
    bad = rewrite(proof_files["proof"], tmp_path, lambda d: d.pop("pi_b"))
    with pytest.raises(FormatError, match="missing field 'pi_b'"):
        sj.read_proof(bad)
    bad = rewrite(proof_files["vk"], tmp_path, lambda d: d.__setitem__("nPublic", 5))
    with pytest.raises(FormatError, match="nPublic"):
        sj.read_verification_key(bad)
    bad = rewrite(proof_files["vk"], tmp_path, lambda d: d.__setitem__("protocol", "plonk"))
    with pytest.raises(FormatError, match="plonk"):
        sj.read_verification_key(bad)


def test_malformed_json_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "proof.json"
    broken.write_text("{not json")
    with pytest.raises(FormatError, match="proof.json: not valid JSON"):
        sj.read_proof(broken)
    with pytest.raises(FormatError, match="cannot read"):
        sj.read_proof(tmp_path / "absent.json")


def test_digits_are_counted_before_int() -> None:
    """Leading zeros do not count (snarkjs's BigInt accepts them), but never reach int() past its
    4,300-digit limit; more significant digits than any field element are refused unconverted."""
    assert sj.public_signals_from_json(["0" * 5000 + "1", "0" * 5000]) == [1, 0]
    with pytest.raises(FormatError, match="signal 1 has 78 digits, more than any field element"):
        sj.public_signals_from_json(["1", "1" + "0" * 77])
    with pytest.raises(FormatError, match="signal 0 has 5000 digits"):
        sj.public_signals_from_json(["9" * 5000])
    with pytest.raises(FormatError, match="pi_a: coordinate has 5000 digits"):
        sj.proof_from_json({"pi_a": ["9" * 5000, "1", "1"], "pi_b": [["1", "0"]] * 3, "pi_c": ["1", "2", "1"]})
