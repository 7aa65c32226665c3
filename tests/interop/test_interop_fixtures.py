"""The checked-in snarkjs proof of the Node-free tests (tests/groth16/fixtures) is one snarkjs accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tools import INTEROP_DIR, snarkjs, tools_available

GROTH16_FIXTURES = Path(__file__).resolve().parents[1] / "groth16" / "fixtures"

pytestmark = pytest.mark.skipif(not tools_available(), reason=f"Node tools missing: run `cd {INTEROP_DIR} && npm ci`")


def test_snarkjs_accepts_the_checked_in_proof_and_rejects_a_changed_signal(tmp_path: Path) -> None:
    vkey, proof = GROTH16_FIXTURES / "snarkjs_vkey.json", GROTH16_FIXTURES / "snarkjs_proof.json"
    verdict = snarkjs("groth16", "verify", vkey, GROTH16_FIXTURES / "snarkjs_public.json", proof, check=False)
    assert verdict.ok and "OK" in verdict.stdout
    public = json.loads((GROTH16_FIXTURES / "snarkjs_public.json").read_text())
    public[1] = str(int(public[1]) + 1)
    (tmp_path / "public.json").write_text(json.dumps(public))
    assert not snarkjs("groth16", "verify", vkey, tmp_path / "public.json", proof, check=False).ok
