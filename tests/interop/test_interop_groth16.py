"""Proofs cross-verified with snarkjs 0.7.6 in both directions, on circom-compiled circuits.

zkreceipt proves from snarkjs's .zkey and circom's .wtns and snarkjs verifies;
snarkjs proves and zkreceipt verifies; zkreceipt's own setup writes a .zkey that
snarkjs proves with. Tampered proofs and public signals ≥ r fail in both.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from interop_files import CircuitFiles
from tools import snarkjs

from zkreceipt.curve import G1Points
from zkreceipt.errors import FormatError
from zkreceipt.field import Fr
from zkreceipt.formats import read_r1cs, read_wtns
from zkreceipt.formats import snarkjs_json as sj
from zkreceipt.formats.zkey_keys import read_proving_key, write_proving_key
from zkreceipt.groth16 import Proof, prove, setup_development, verify


def snarkjs_accepts(vkey: Path, public: Path, proof: Path) -> bool:
    result = snarkjs("groth16", "verify", vkey, public, proof, check=False)
    return result.returncode == 0 and "OK" in result.stdout


def test_zkreceipt_proof_from_snarkjs_files_passes_snarkjs(circuit: CircuitFiles, tmp_path: Path) -> None:
    pk = read_proving_key(circuit.zkey)
    witness = read_wtns(circuit.wtns)
    proof = prove(pk, witness)
    public = witness[1 : pk.n_public + 1].to_ints()
    assert public == sj.read_public_signals(circuit.public)
    proof_path = sj.write_proof(tmp_path / "proof.json", proof)
    public_path = sj.write_public_signals(tmp_path / "public.json", public)
    assert verify(pk.vk, public, proof)
    assert snarkjs_accepts(circuit.vkey, public_path, proof_path)
    # A tampered proof fails in both.
    forged = Proof(a=proof.a + G1Points.generator(), b=proof.b, c=proof.c)
    forged_path = sj.write_proof(tmp_path / "forged.json", forged)
    assert not verify(pk.vk, public, forged)
    assert not snarkjs_accepts(circuit.vkey, public_path, forged_path)


def test_snarkjs_proof_passes_zkreceipt(circuit: CircuitFiles) -> None:
    vk = sj.read_verification_key(circuit.vkey)
    public = sj.read_public_signals(circuit.public)
    proof = sj.read_proof(circuit.proof)
    assert verify(vk, public, proof)
    changed = [public[0] + 1, *public[1:]]
    assert not verify(vk, changed, proof)


def test_verification_key_matches_snarkjs_export(circuit: CircuitFiles) -> None:
    ours = sj.verification_key_to_json(read_proving_key(circuit.zkey).vk)
    theirs = json.loads(circuit.vkey.read_text())
    for key in ("protocol", "curve", "nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "IC"):
        assert ours[key] == theirs[key], key
    assert ours["vk_alphabeta_12"] == theirs["vk_alphabeta_12"]


def test_public_signal_plus_r_fails_in_both(circuit: CircuitFiles, tmp_path: Path) -> None:
    public = json.loads(circuit.public.read_text())
    public[0] = str(int(public[0]) + Fr.modulus)
    bad = tmp_path / "public.json"
    bad.write_text(json.dumps(public))
    assert not snarkjs_accepts(circuit.vkey, bad, circuit.proof)
    with pytest.raises(FormatError, match="not below the field order"):
        sj.read_public_signals(bad)


def test_zkreceipt_setup_zkey_proves_with_snarkjs(circuit: CircuitFiles, tmp_path: Path) -> None:
    r1cs = read_r1cs(circuit.r1cs).r1cs
    pk = setup_development(r1cs)
    zkey = write_proving_key(tmp_path / "circuit.zkey", pk)
    assert (zkey.stat().st_mode & 0o777) == 0o600
    vkey = sj.write_verification_key(tmp_path / "vkey.json", pk.vk)
    proof_path, public_path = tmp_path / "proof.json", tmp_path / "public.json"
    snarkjs("groth16", "prove", zkey, circuit.wtns, proof_path, public_path)
    assert verify(pk.vk, sj.read_public_signals(public_path), sj.read_proof(proof_path))
    assert snarkjs_accepts(vkey, public_path, proof_path)
    # The key round-trips: proving with what we read back gives proofs snarkjs accepts too.
    reread = read_proving_key(zkey)
    proof = prove(reread, read_wtns(circuit.wtns))
    assert verify(pk.vk, sj.read_public_signals(public_path), proof)
