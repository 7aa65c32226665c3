"""One verification on Python ints (zkreceipt.quickverify) against py_ecc, the compiled core and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from py_ecc import optimized_bn128 as ob
from zkreceipt.circuits.mul_chain import MulChain

from zkreceipt.circuit import compile_circuit
from zkreceipt.curve import G1Points, G2Points, plain
from zkreceipt.curve.pairing import pairing
from zkreceipt.curve.pairing_plain import tower_from_py_ecc_coeffs
from zkreceipt.field import Fr
from zkreceipt.field.bn254 import Q_MODULUS, R_MODULUS
from zkreceipt.formats import snarkjs_json
from zkreceipt.groth16 import prove, setup_development
from zkreceipt.quickverify import arithmetic as qa
from zkreceipt.quickverify import verify_snarkjs_files


def tower_ints(f: Any) -> list[int]:
    """A quickverify Fq12 as the 12 ints of the tower layout (entry 6i + 2j + k)."""
    return [f[i][j][k] for i in range(2) for j in range(3) for k in range(2)]


def test_constants_are_the_field_cores() -> None:
    assert (qa.Q, qa.R) == (Q_MODULUS, R_MODULUS)


def test_pairing_equals_py_ecc_and_the_compiled_core() -> None:
    p, q = G1Points.random(1), G2Points.random(1)
    (p_int,), (q_int,) = p.to_ints(), q.to_ints()
    value = tower_ints(qa.final_exponentiation(qa.miller_loop([(p_int, q_int)])))
    assert value == pairing(p, q).to_tower_ints()
    expected = ob.pairing(plain.to_py_ecc(q)[0], plain.to_py_ecc(p)[0])
    assert value == tower_from_py_ecc_coeffs([int(c) for c in expected.coeffs])


def test_bilinearity_and_a_broken_product() -> None:
    a, b = (Fr.random(1).to_ints()[0] for _ in range(2))
    g, h = G1Points.generator().to_ints()[0], G2Points.generator().to_ints()[0]
    ag, bh = qa.g1_mul(g, a), qa.g2_mul(h, b)
    minus_abg = qa.g1_mul(g, (-a * b) % R_MODULUS)
    assert qa.pairing_product_is_one([(ag, bh), (minus_abg, h)])
    assert not qa.pairing_product_is_one([(ag, bh), (qa.g1_mul(g, (-a * b + 1) % R_MODULUS), h)])
    assert qa.pairing_product_is_one([(None, bh), (ag, None)])  # pairs with infinity contribute 1


def test_scalar_multiplication_matches_the_compiled_core() -> None:
    k = Fr.random(3)
    for cls, mul in ((G1Points, qa.g1_mul), (G2Points, qa.g2_mul)):
        points = cls.random(3)
        expected = (points * k).to_ints()
        assert [mul(p, s) for p, s in zip(points.to_ints(), k.to_ints())] == expected
        assert mul(points.to_ints()[0], 0) is None


def test_g2_subgroup_check_against_multiplication_by_r() -> None:
    outside = [plain.random_twist_point() for _ in range(3)]
    inside = G2Points.random(2).to_ints()
    for p in outside + inside:
        assert qa.g2_on_curve(p)
        by_r = ob.multiply((ob.FQ2(list(p[0])), ob.FQ2(list(p[1])), ob.FQ2.one()), R_MODULUS)
        assert qa.g2_in_subgroup(p) == ob.is_inf(by_r)
    assert [qa.g2_in_subgroup(p) for p in outside + inside] == [False, False, False, True, True]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quickverify")
    compiled = compile_circuit(MulChain(8))
    witness = compiled.solve({"a": 3, "b": 5})
    pk = setup_development(compiled.r1cs)
    snarkjs_json.write_verification_key(folder / "verification_key.json", pk.vk)
    snarkjs_json.write_proof(folder / "proof.json", prove(pk, witness.values))
    snarkjs_json.write_public_signals(folder / "public.json", list(witness.public_signals))
    return folder


def variant(folder: Path, name: str, edit: Any) -> Path:
    document = json.loads((folder / name).read_text())
    edit(document)
    path = folder / f"edited_{name}"
    path.write_text(json.dumps(document))
    return path


def check(folder: Path, vk: Path | None = None, public: Path | None = None, proof: Path | None = None) -> bool | None:
    return verify_snarkjs_files(
        vk or folder / "verification_key.json", public or folder / "public.json", proof or folder / "proof.json"
    )


def test_valid_and_forged_proofs(files: Path) -> None:
    assert check(files) is True

    def bump_signal(doc: list[str]) -> None:
        doc[0] = str((int(doc[0]) + 1) % R_MODULUS)

    assert check(files, public=variant(files, "public.json", bump_signal)) is False
    other_b = G2Points.random(1).to_json()[0]
    assert check(files, proof=variant(files, "proof.json", lambda d: d.update(pi_b=other_b))) is False
    other_c = G1Points.random(1).to_json()[0]
    assert check(files, proof=variant(files, "proof.json", lambda d: d.update(pi_c=other_c))) is False


def test_anything_not_plainly_well_formed_is_left_to_the_full_path(files: Path) -> None:
    outside = plain.random_twist_point()
    b_outside = [[str(c) for c in outside[0]], [str(c) for c in outside[1]], ["1", "0"]]
    g = G1Points.generator().to_ints()[0]
    cases = {
        "B outside G2": ("proof.json", lambda d: d.update(pi_b=b_outside)),
        "A off the curve": ("proof.json", lambda d: d.update(pi_a=[str(g[0]), str(g[1] + 1), "1"])),
        "A with z = 2": ("proof.json", lambda d: d.update(pi_a=[str(g[0]), str(g[1]), "2"])),
        "coordinate ≥ q": ("proof.json", lambda d: d.update(pi_a=[str(g[0] + Q_MODULUS), str(g[1]), "1"])),
        "wrong protocol": ("proof.json", lambda d: d.update(protocol="plonk")),
        "nPublic mismatch": ("verification_key.json", lambda d: d.update(nPublic=d["nPublic"] + 1)),
        "signal ≥ r": ("public.json", lambda d: d.__setitem__(0, str(R_MODULUS))),
        "too few signals": ("public.json", lambda d: d.pop()),
        "not a decimal": ("public.json", lambda d: d.__setitem__(0, "0x1")),
        "5,000 digits": ("public.json", lambda d: d.__setitem__(0, "1" * 5000)),
        "leading zeros": ("public.json", lambda d: d.__setitem__(0, "0" * 5000 + "1")),
        "α at infinity": ("verification_key.json", lambda d: d.update(vk_alpha_1=["0", "1", "0"])),
        "γ at infinity": ("verification_key.json", lambda d: d.update(vk_gamma_2=[["0", "0"], ["1", "0"], ["0", "0"]])),
        "δ at infinity": ("verification_key.json", lambda d: d.update(vk_delta_2=[["0", "0"], ["1", "0"], ["0", "0"]])),
        "IC point at infinity": ("verification_key.json", lambda d: d["IC"].__setitem__(0, ["0", "1", "0"])),
    }
    for label, (name, edit) in cases.items():
        path = variant(files, name, edit)
        kwargs = {{"proof.json": "proof", "public.json": "public", "verification_key.json": "vk"}[name]: path}
        assert check(files, **kwargs) is None, label
    (files / "broken.json").write_text("{not json")
    assert check(files, proof=files / "broken.json") is None
    (files / "deep.json").write_text("[" * 50_000 + "]" * 50_000)  # json.loads would overflow the stack
    assert check(files, public=files / "deep.json") is None


def test_a_degenerate_key_never_verifies_a_forged_proof(files: Path) -> None:
    """γ = δ = ∞ makes A = α, B = β verify for any signals: such a key is left to the full reader, which refuses it."""
    key = json.loads((files / "verification_key.json").read_text())
    infinity_g2 = [["0", "0"], ["1", "0"], ["0", "0"]]
    key.update(vk_gamma_2=infinity_g2, vk_delta_2=infinity_g2)
    (files / "degenerate.json").write_text(json.dumps(key))
    forged = {"protocol": "groth16", "curve": "bn128", "pi_a": key["vk_alpha_1"], "pi_b": key["vk_beta_2"],
              "pi_c": ["0", "1", "0"]}
    (files / "forged.json").write_text(json.dumps(forged))
    assert check(files, vk=files / "degenerate.json", proof=files / "forged.json") is None


def test_mutated_files_get_the_full_paths_answer_or_none(files: Path) -> None:
    """Seeded byte and token mutations: quickverify never raises, and never answers where the full
    readers refuse the files or the compiled verifier disagrees."""
    import random

    from zkreceipt.errors import ZkReceiptError
    from zkreceipt.groth16 import verify

    rng = random.Random(16)
    names = ("verification_key.json", "public.json", "proof.json")
    originals = {name: (files / name).read_text() for name in names}
    answered = 0
    for round_ in range(300):
        name = rng.choice(names)
        text = list(originals[name])
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(text))
            text[i] = rng.choice("0123456789[]{}\",:-e ")
        mutated = files / f"mutated_{round_}_{name}"
        mutated.write_text("".join(text))
        paths = {n: files / n for n in names} | {name: mutated}
        quick = verify_snarkjs_files(*(paths[n] for n in names))
        if quick is None:
            continue
        answered += 1
        try:
            vk = snarkjs_json.read_verification_key(paths["verification_key.json"])
            signals = snarkjs_json.read_public_signals(paths["public.json"], expected_count=vk.n_public)
            full = verify(vk, signals, snarkjs_json.read_proof(paths["proof.json"]))
        except ZkReceiptError as error:
            pytest.fail(f"quickverify answered {quick} where the full path refuses: {error}")
        assert quick == full, name
    assert answered > 0  # some mutations stay well-formed (e.g. a changed digit), and those are compared


_NUMBA_PROBE = """
import sys
from zkreceipt.cli.main import cli
try:
    cli(sys.argv[1:], prog_name="zkreceipt")
finally:
    print("NUMBA IMPORTED" if "numba" in sys.modules else "NUMBA NOT IMPORTED", file=sys.stderr)
"""


def run_cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _NUMBA_PROBE, *args], cwd=folder, capture_output=True, text=True, timeout=600
    )


def test_cli_verify_never_starts_numba_for_well_formed_files(files: Path) -> None:
    valid = run_cli(files, "groth16", "verify")
    assert valid.returncode == 0 and "OK: the proof is valid" in valid.stdout
    assert "NUMBA NOT IMPORTED" in valid.stderr
    forged = variant(files, "public.json", lambda d: d.__setitem__(0, str(int(d[0]) ^ 1)))
    invalid = run_cli(files, "groth16", "verify", "verification_key.json", str(forged), "proof.json")
    assert invalid.returncode == 1 and "NUMBA NOT IMPORTED" in invalid.stderr


def test_cli_bad_input_still_names_the_field_through_the_full_reader(files: Path) -> None:
    bad = variant(files, "public.json", lambda d: d.__setitem__(0, str(R_MODULUS)))
    result = run_cli(files, "groth16", "verify", "verification_key.json", str(bad), "proof.json")
    assert result.returncode == 2
    assert "signal 0" in result.stderr and "not below the field order r" in result.stderr
    assert "NUMBA IMPORTED" in result.stderr
