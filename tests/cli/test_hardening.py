"""Every class of hostile input of issue 12 through the CLI: exit code, one-line message, nothing written.

Classes: JSON nested deeper than the decoder's stack (a segfault before), numbers longer
than ``int()`` accepts (an untyped ValueError before), files larger than their reader's
cap, a binary file whose counts claim more than the file and the machine hold, a
verification key with points at infinity (a forged proof verified for any signals),
a witness that does not satisfy the circuit (a proof was written before), and a crash,
which exits 3, never 1.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner

from zkreceipt.circuit import compile_circuit
from zkreceipt.circuits.mul_chain import MulChain
from zkreceipt.cli.main import cli
from zkreceipt.field import Fr
from zkreceipt.formats import R1csFile, write_r1cs, write_wtns
from zkreceipt.formats.snarkjs_json import (
    MAX_PUBLIC_BYTES,
    write_proof,
    write_public_signals,
    write_verification_key,
)
from zkreceipt.formats.zkey_keys import write_proving_key
from zkreceipt.groth16 import prove, setup_development
from zkreceipt.receipts.example_files import example_path
from zkreceipt.receipts.json_input import MAX_DOCUMENT_BYTES

DEPTH = 30_000  # 60 KB: under every file's size cap, so the depth check is what refuses it
HUGE = "7" * 5000  # past Python's 4,300-digit int() limit


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MulChain(4): circuit.r1cs, witness.wtns, a development key, its vk, a valid proof and public.json."""
    folder = tmp_path_factory.mktemp("hardening")
    compiled = compile_circuit(MulChain(4))
    witness = compiled.solve({"a": 3, "b": 5}).values
    pk = setup_development(compiled.r1cs)
    write_r1cs(folder / "circuit.r1cs", R1csFile.from_r1cs(compiled.r1cs))
    write_wtns(folder / "witness.wtns", witness)
    write_proving_key(folder / "circuit.zkey", pk)
    write_verification_key(folder / "vk.json", pk.vk)
    write_proof(folder / "proof.json", prove(pk, witness))
    write_public_signals(folder / "public.json", witness[1 : pk.n_public + 1].to_ints())
    return folder


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


def invoke(*args: object) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_bad_input(result: click.testing.Result, *texts: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    message = result.stderr.strip().splitlines()[-1]  # (verify-batch's progress label may come first)
    assert message.startswith("error: "), result.stderr
    for text in texts:
        assert text in message, message


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def deep(depth: int = DEPTH) -> str:
    return "[" * depth + "1" + "]" * depth


# --- nesting ---------------------------------------------------------------------------


def test_deep_json_fails_cleanly_in_every_json_command(
    files: Path, home: Path, tmp_path: Path, py_ecc_recursion_limit: None
) -> None:
    bad = tmp_path / "deep.json"
    bad.write_text(deep())
    assert invoke("keygen").exit_code == 0
    assert invoke("invoice", "keygen").exit_code == 0
    before = listing(tmp_path)
    cases = [
        ("groth16", "verify", bad, files / "public.json", files / "proof.json"),
        ("groth16", "verify", files / "vk.json", bad, files / "proof.json"),
        ("groth16", "verify", files / "vk.json", files / "public.json", bad),
        ("verify", bad),
        ("verify-batch", bad),
        ("invoice", "verify", bad),
        ("verify", bad, "--trust", bad),
        ("trust", "add-key", bad),
        ("sign", bad),
        ("invoice", "sign", bad),
        ("invoice", "check", bad, "--signer", "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"),
        ("zkey", "export", "soliditycalldata", bad, files / "proof.json"),
    ]
    for args in cases:
        assert_bad_input(invoke(*args), "deep.json", f"nested {DEPTH} levels deep")
    assert listing(tmp_path) == before


def test_deep_json_in_a_real_process_exits_2_not_a_segfault(files: Path, tmp_path: Path) -> None:
    """The command in its own process, py_ecc imported as in production, on the issue's 150 KB file
    of 75,000 levels: exit 2, not SIGSEGV (-11 / 139)."""
    bad = tmp_path / "deep.json"
    bad.write_text(deep(75_000))
    command = [sys.executable, "-c", "from zkreceipt.cli import main; main()"]
    result = subprocess.run(
        [*command, "groth16", "verify", str(files / "vk.json"), str(bad), str(files / "proof.json")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ZKRECEIPT_HOME": str(tmp_path / "home")},
    )
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "nested 75000 levels deep" in result.stderr


def test_importing_zkreceipt_keeps_the_recursion_limit() -> None:
    """py_ecc raises the limit to 100,000 at import; no zkreceipt module may leave it raised."""
    script = (
        "import importlib, pkgutil, sys, zkreceipt\n"
        "before = sys.getrecursionlimit()\n"
        "for m in pkgutil.walk_packages(zkreceipt.__path__, 'zkreceipt.'):\n"
        "    importlib.import_module(m.name)\n"
        "from zkreceipt.curve import pairing_plain\n"
        "print(before, sys.getrecursionlimit(), 'py_ecc' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    before, after, imported = out.stdout.split()
    assert imported == "True" and after == before == "1000"


# --- numbers ----------------------------------------------------------------------------


def test_huge_numbers_are_bad_input(files: Path, home: Path, tmp_path: Path) -> None:
    vk = json.loads((files / "vk.json").read_text())
    proof = json.loads((files / "proof.json").read_text())
    public = json.loads((files / "public.json").read_text())
    receipt = json.loads(example_path("compute_receipt.json").read_text())
    invoice = json.loads(example_path("invoice_function.json").read_text())
    assert invoke("keygen").exit_code == 0

    def write(name: str, document: dict | list, **raw_values: str) -> Path:
        """``document`` as JSON, with the fields in ``raw_values`` written as the raw JSON text given."""
        text = json.dumps({**document, **{k: f"@{k}@" for k in raw_values}} if raw_values else document)
        for key, raw in raw_values.items():
            text = text.replace(f'"@{key}@"', raw)
        path = tmp_path / name
        path.write_text(text)
        return path

    vk_huge_string = write("vk.json", {**vk, "IC": [[HUGE, "1", "1"], *vk["IC"][1:]]})
    vk_huge_number = write("vk2.json", vk, nPublic=HUGE)
    proof_huge = write("proof.json", {**proof, "pi_c": [proof["pi_c"][0], HUGE, "1"]})
    public_huge = write("public.json", [HUGE] + public[1:])
    receipt_number = write("r1.json", receipt, units=HUGE)
    receipt_string = write("r2.json", {**receipt, "units": HUGE})
    receipt_exponent = write("r3.json", receipt, units="1e-999999999")
    invoice_huge = write("i.json", invoice, taskCreated_timeStamp=HUGE)
    before = listing(tmp_path)

    assert_bad_input(invoke("groth16", "verify", vk_huge_string, files / "public.json", files / "proof.json"), "vk.json", "IC")
    assert_bad_input(invoke("groth16", "verify", vk_huge_number, files / "public.json", files / "proof.json"), "5000 characters")
    assert_bad_input(invoke("groth16", "verify", files / "vk.json", files / "public.json", proof_huge), "pi_c", "5000 digits")
    assert_bad_input(invoke("groth16", "verify", files / "vk.json", public_huge, files / "proof.json"), "signal 0 has 5000 digits")
    assert_bad_input(invoke("sign", receipt_number), "r1.json", "5000 characters")
    assert_bad_input(invoke("sign", receipt_string), "r2.json", "units", "too large")
    assert_bad_input(invoke("sign", receipt_exponent), "r3.json", "units", "decimal places")
    assert_bad_input(invoke("invoice", "check", invoice_huge, "--signer", "0x" + "11" * 20), "i.json", "5000 characters")
    assert listing(tmp_path) == before


# --- sizes ------------------------------------------------------------------------------


def test_files_over_their_cap_are_refused_unread(files: Path, home: Path, tmp_path: Path) -> None:
    public = tmp_path / "public.json"
    public.write_bytes(b"[" + b" " * MAX_PUBLIC_BYTES + b"]")
    result = invoke("groth16", "verify", files / "vk.json", public, files / "proof.json")
    assert_bad_input(result, "public.json", f"{MAX_PUBLIC_BYTES}-byte limit")
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(b"{" + b" " * MAX_DOCUMENT_BYTES + b"}")
    assert invoke("keygen").exit_code == 0
    assert_bad_input(invoke("sign", receipt), "receipt.json", f"{MAX_DOCUMENT_BYTES}-byte limit")
    assert not (tmp_path / "receipt.signed.json").exists()


def test_public_signal_count_is_checked_before_the_entries(files: Path, tmp_path: Path) -> None:
    public = tmp_path / "public.json"
    public.write_text(json.dumps(["x"] * 1000))  # malformed entries: the count is refused first
    result = invoke("groth16", "verify", files / "vk.json", public, files / "proof.json")
    assert_bad_input(result, "1000 public signals, the verification key expects 1")


# --- binary counts ----------------------------------------------------------------------


def forged_r1cs(n_wires: int) -> bytes:
    """A 1.1 KB .r1cs with one real constraint (w2·w2 = w1) whose header claims ``n_wires`` wires."""

    def lc(*terms: tuple[int, int]) -> bytes:
        return struct.pack("<I", len(terms)) + b"".join(struct.pack("<I", w) + c.to_bytes(32, "little") for w, c in terms)

    header = struct.pack("<I", 32) + Fr.modulus.to_bytes(32, "little")
    header += struct.pack("<IIIIQI", n_wires, 1, 0, 1, 3, 1)
    constraints = lc((2, 1)) + lc((2, 1)) + lc((1, 1))
    padding = b"".join(lc((2, 1)) + lc((2, 1)) + lc((1, 1)) for _ in range(7))  # 8 constraints, ~1.1 KB
    constraints += padding
    header = header[:-4] + struct.pack("<I", 8)
    sections = [(1, header), (2, constraints)]
    out = b"r1cs" + struct.pack("<II", 1, len(sections))
    for section_id, data in sections:
        out += struct.pack("<IQ", section_id, len(data)) + data
    return out


def test_an_r1cs_claiming_2_32_wires_is_refused_before_setup_allocates(home: Path, tmp_path: Path) -> None:
    forged = tmp_path / "forged.r1cs"
    forged.write_bytes(forged_r1cs(0xFFFFFFFF))
    assert 1000 < forged.stat().st_size < 1200
    assert_bad_input(invoke("r1cs", "info", forged), "forged.r1cs", "nVars = 4294967295", "GiB")
    assert_bad_input(invoke("groth16", "setup", forged, tmp_path / "out.zkey"), "forged.r1cs", "more than this machine")
    assert not (tmp_path / "out.zkey").exists()
    forged.write_bytes(forged_r1cs(3))  # the same file with honest counts is fine
    result = invoke("r1cs", "info", forged)
    assert result.exit_code == 0 and "# of Wires: 3" in result.output


# --- degenerate keys --------------------------------------------------------------------


INFINITY_G2 = [["0", "0"], ["1", "0"], ["0", "0"]]
INFINITY_G1 = ["0", "1", "0"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"vk_gamma_2": INFINITY_G2, "vk_delta_2": INFINITY_G2}, "vk_gamma_2 is the point at infinity"),
        ({"vk_delta_2": INFINITY_G2}, "vk_delta_2 is the point at infinity"),
        ({"vk_alpha_1": INFINITY_G1}, "vk_alpha_1 is the point at infinity"),
        ({"vk_beta_2": INFINITY_G2}, "vk_beta_2 is the point at infinity"),
        ({"IC": "first infinite"}, "IC point 0 is the point at infinity"),
    ],
)
def test_a_verification_key_with_points_at_infinity_is_bad_input(
    change: dict, named: str, files: Path, tmp_path: Path
) -> None:
    """With γ = δ = ∞ the pairing check reduces to e(A, B) = e(α, β): A = α, B = β would pass for any signals."""
    vk = json.loads((files / "vk.json").read_text())
    if change.get("IC") == "first infinite":
        change = {"IC": [INFINITY_G1, *vk["IC"][1:]]}
    (tmp_path / "vk.json").write_text(json.dumps({**vk, **change}))
    forged = {"pi_a": vk["vk_alpha_1"], "pi_b": vk["vk_beta_2"], "pi_c": vk["IC"][1], "protocol": "groth16"}
    (tmp_path / "proof.json").write_text(json.dumps(forged))
    (tmp_path / "public.json").write_text(json.dumps(["12345"]))
    result = invoke("groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json", tmp_path / "proof.json")
    assert_bad_input(result, "vk.json", named)


def test_a_zkey_with_delta_at_infinity_is_bad_input(files: Path, tmp_path: Path) -> None:
    data = bytearray((files / "circuit.zkey").read_bytes())
    position, sections = 12, {}
    for _ in range(struct.unpack_from("<I", data, 8)[0]):
        section_id, size = struct.unpack_from("<IQ", data, position)
        sections[section_id] = position + 12
        position += 12 + size
    delta2 = sections[2] + 4 + 32 + 4 + 32 + 12 + 64 + 64 + 128 + 128 + 64  # after primes, sizes, α1 β1 β2 γ2 δ1
    data[delta2 : delta2 + 128] = bytes(128)
    (tmp_path / "bad.zkey").write_bytes(bytes(data))
    result = invoke("zkey", "export", "verificationkey", tmp_path / "bad.zkey", tmp_path / "vk.json")
    assert_bad_input(result, "bad.zkey", "delta2 is the point at infinity")
    assert not (tmp_path / "vk.json").exists()


# --- unsatisfying witnesses ---------------------------------------------------------------


@pytest.fixture()
def wrong_witness(files: Path, tmp_path: Path) -> Path:
    """The valid witness with the last (internal) wire changed: every constraint but one still holds."""
    compiled = compile_circuit(MulChain(4))
    values = compiled.solve({"a": 3, "b": 5}).values.to_ints()
    values[-1] = (values[-1] + 1) % Fr.modulus
    path = tmp_path / "wrong.wtns"
    write_wtns(path, Fr.from_ints(values))
    return path


def test_prove_refuses_an_unsatisfying_witness(files: Path, wrong_witness: Path, tmp_path: Path) -> None:
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    result = invoke("groth16", "prove", files / "circuit.zkey", wrong_witness, proof, public)
    assert_bad_input(result, "wrong.wtns", "does not satisfy the circuit", "nothing written")
    assert not proof.exists() and not public.exists()


def test_prove_with_r1cs_names_the_broken_constraint(files: Path, wrong_witness: Path, tmp_path: Path) -> None:
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    zkey = files / "circuit.zkey"
    result = invoke("groth16", "prove", zkey, wrong_witness, proof, public, "--r1cs", files / "circuit.r1cs")
    assert_bad_input(result, "wrong.wtns", "is not satisfied by the witness", "circuit.r1cs")
    other = tmp_path / "other.r1cs"
    write_r1cs(other, R1csFile.from_r1cs(compile_circuit(MulChain(5)).r1cs))
    result = invoke("groth16", "prove", zkey, files / "witness.wtns", proof, public, "--r1cs", other)
    assert_bad_input(result, "other.r1cs", "not the key's circuit")
    assert not proof.exists() and not public.exists()
    result = invoke("groth16", "prove", zkey, files / "witness.wtns", proof, public, "--r1cs", files / "circuit.r1cs")
    assert result.exit_code == 0, result.output
    assert invoke("groth16", "verify", files / "vk.json", public, proof).exit_code == 0


# --- crashes ----------------------------------------------------------------------------


def crash(*args: object) -> None:
    raise ZeroDivisionError("boom\nsecond line")


def test_a_crash_exits_3_with_one_line(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("zkreceipt.quickverify.verify_snarkjs_files", crash)  # the first thing groth16 verify runs
    result = invoke("groth16", "verify", files / "vk.json", files / "public.json", files / "proof.json")
    assert result.exit_code == 3, result.output
    message = result.stderr.strip()
    assert message.startswith("internal error: ZeroDivisionError: boom second line") and "\n" not in message
    assert "Traceback" not in result.output


def test_a_crash_shows_its_traceback_under_debug(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("zkreceipt.quickverify.verify_snarkjs_files", crash)  # the first thing groth16 verify runs
    args = ["--log-level", "debug", "groth16", "verify", files / "vk.json", files / "public.json", files / "proof.json"]
    result = invoke(*args)
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr and "ZeroDivisionError: boom" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("internal error: ZeroDivisionError")


def test_a_crash_in_any_command_exits_3(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands without their own handler (r1cs info) get the root group's."""
    monkeypatch.setattr("zkreceipt.cli.file_commands.read_r1cs", crash)
    result = invoke("r1cs", "info", files / "circuit.r1cs")
    assert result.exit_code == 3 and result.stderr.startswith("internal error: ZeroDivisionError")


def test_usage_errors_keep_clicks_exit_code(files: Path) -> None:
    assert invoke("groth16", "setup", "a", "b", "c", "d").exit_code == 2
    assert invoke("--help").exit_code == 0
