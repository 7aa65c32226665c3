"""benchmarks/compare.py end to end in its tiny mode: the table, the JSON, and the proofs it made.

``--quick`` proves a 2^6 multiplication chain and 2 receipts with both zkreceipt and the
pinned snarkjs (installed by the script with ``npm ci`` into benchmarks/node_modules),
in-process and through both CLIs. The proofs it leaves in ``--workdir`` are checked here
again with zkreceipt's verifier, and a tampered public signal must be refused.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from zkreceipt.field import Fr
from zkreceipt.formats import snarkjs_json
from zkreceipt.formats.snarkjs_json import proof_from_json
from zkreceipt.groth16 import verify

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "compare.py"
COLUMNS = [
    "circuit",
    "measure",
    "zkreceipt",
    "snarkjs (Node, in-process)",
    "zkreceipt/snarkjs",
    "zkreceipt CLI",
    "snarkjs CLI",
    "CLI zkreceipt/snarkjs",
]
CHAIN_MEASURES = {
    "key load ms (first: G2 subgroup checks)",
    "key load ms (checked before)",
    "prove one ms",
    "prove batched ms/proof",
    "proofs/s batched",
    "proofs/s batched, no shared wires",
    "verify one ms",
    "verify batched ms/proof",
    "peak RSS MB",
}
RECEIPT_MEASURES = CHAIN_MEASURES | {"proofs/s incl. witness"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any], Path]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run snarkjs")
    out = tmp_path_factory.mktemp("compare")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(out / "figures.json"), "--workdir", str(out / "work")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, json.loads((out / "figures.json").read_text()), out / "work"


def test_table_has_every_column_and_measure(quick_run: tuple[str, dict[str, Any], Path]) -> None:
    stdout, figures, _ = quick_run
    lines = [line for line in stdout.splitlines() if line.startswith("| ")]
    assert lines[0] == "| " + " | ".join(COLUMNS) + " |"
    assert set(lines[1].replace(" ", "")) == {"|", "-"}
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert all(len(row) == len(COLUMNS) for row in cells)
    measures: dict[str, set[str]] = {}
    for row in cells:
        measures.setdefault(row[0], set()).add(row[1])
    assert measures == {"receipt (2,339)": RECEIPT_MEASURES, "mul chain 2^6 (62)": CHAIN_MEASURES}
    for row in figures["rows"]:
        assert row["zkreceipt"] > 0, row
        if not row["measure"].startswith("key load"):  # snarkjs parses its key inside every prove
            assert row["snarkjs"] > 0, row
        if row["measure"] in {"prove one ms", "verify one ms", "peak RSS MB"}:
            assert row["zkreceipt_cli"] > 0 and row["snarkjs_cli"] > 0, row
    assert "load average before" in stdout and figures["machine"]["nproc"] >= 1


def test_every_zkreceipt_proof_verified_in_both_tools(quick_run: tuple[str, dict[str, Any], Path]) -> None:
    _, figures, _ = quick_run
    for circuit in figures["circuits"]:
        zk, sj = circuit["zkreceipt"], circuit["snarkjs"]
        assert zk["proofs_verified"] == zk["verify_batch"] >= zk["batch"] >= 2
        assert len(sj["verify_ok"]) == len(zk["exported"]) >= 2 and all(sj["verify_ok"])
    receipt = figures["circuits"][0]
    assert receipt["zkreceipt"]["verify_batch"] == 4 and receipt["zkreceipt"]["witness_s"] > 0


def test_proofs_left_behind_verify_and_a_tampered_signal_does_not(quick_run: tuple[str, dict[str, Any], Path]) -> None:
    work = quick_run[2]
    directories = sorted(path for path in work.iterdir() if path.is_dir())
    assert [d.name for d in directories] == ["chain_6", "receipt"]
    for directory in directories:
        vk = snarkjs_json.read_verification_key(directory / "verification_key.json")
        ours = sorted(directory.glob("zkreceipt_proof_*.json"))
        assert len(ours) >= 2
        for proof_path in ours:
            signals = snarkjs_json.read_public_signals(proof_path.with_name(proof_path.name.replace("proof", "public")))
            proof = snarkjs_json.read_proof(proof_path)
            assert verify(vk, signals, proof)
            assert not verify(vk, [(signals[0] + 1) % Fr.modulus, *signals[1:]], proof)
        theirs = json.loads((directory / "snarkjs_proofs.json").read_text())
        assert theirs and all(
            verify(vk, [int(s) for s in made["publicSignals"]], proof_from_json(made["proof"])) for made in theirs
        )
