"""The phase-2 ceremony against real snarkjs 0.7.6 on the same files.

* ``zkey_new`` writes exactly the bytes of ``snarkjs groth16 setup`` (= ``zkey new``) for
  every test circuit, and ``snarkjs zkey verify`` accepts it;
* a mixed chain — our new → snarkjs contribute → our contribute → snarkjs beacon → our
  beacon — passes ``snarkjs zkey verify`` at every file we wrote, the contribution hashes
  we return are the ones snarkjs prints, and a beacon is byte-identical to snarkjs's;
* ``snarkjs groth16 prove`` with the final key gives proofs both verifiers accept;
* snarkjs proves with, and exports the verification key of, a zkey carrying zkreceipt's
  development marker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from interop_files import CircuitFiles, InteropFiles
from tools import snarkjs

from zkreceipt.formats import read_r1cs, read_zkey, snarkjs_json, write_zkey
from zkreceipt.formats.zkey_file import DEVELOPMENT_MARKER_SECTION
from zkreceipt.formats.zkey_keys import read_proving_key, write_proving_key
from zkreceipt.groth16 import setup_development, verify
from zkreceipt.phase2.contribute import zkey_beacon_files, zkey_contribute_files
from zkreceipt.phase2.setup import zkey_new
from zkreceipt.phase2.transcript import format_hash

BEACON_A = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
BEACON_B = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"


def snarkjs_verifies(circuit: CircuitFiles, zkey: Path) -> str:
    """Run ``snarkjs zkey verify`` (it must pass) and return its output."""
    result = snarkjs("zkey", "verify", circuit.r1cs, circuit.ptau, zkey, check=False)
    assert result.ok and "ZKey Ok!" in result.output, result.output
    return result.output


def hash_lines(digest: bytes) -> str:
    return format_hash(digest)


def test_zkey_new_is_byte_identical_to_snarkjs(circuit: CircuitFiles, tmp_path: Path) -> None:
    zkey = zkey_new(read_r1cs(circuit.r1cs).r1cs, circuit.ptau)
    ours = tmp_path / "ours_0000.zkey"
    write_zkey(ours, zkey)
    assert ours.read_bytes() == circuit.zkey_setup.read_bytes()
    output = snarkjs_verifies(circuit, ours)
    assert hash_lines(zkey.contributions.cs_hash) in output


@pytest.fixture(scope="module")
def chain(interop_files: InteropFiles, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """mul_chain through five contributions, alternating zkreceipt and snarkjs."""
    circuit = interop_files.circuits["mul_chain"]
    folder = tmp_path_factory.mktemp("phase2-chain")
    keys = [folder / f"k{i}.zkey" for i in range(6)]
    write_zkey(keys[0], zkey_new(read_r1cs(circuit.r1cs).r1cs, circuit.ptau))
    snarkjs("zkey", "contribute", keys[0], keys[1], "--name=snarkjs one", "-e=entropy one")
    ours_2 = zkey_contribute_files(keys[1], keys[2], name="zkreceipt two", entropy="entropy two")
    snarkjs("zkey", "beacon", keys[2], keys[3], BEACON_A, "10", "--name=snarkjs beacon")
    ours_4 = zkey_beacon_files(keys[3], keys[4], bytes.fromhex(BEACON_B), 11, name="zkreceipt beacon")
    ours_5 = zkey_contribute_files(keys[4], keys[5], name="zkreceipt last", entropy=b"\x00\xff")
    return {"circuit": circuit, "keys": keys, "hashes": {2: ours_2, 4: ours_4, 5: ours_5}, "folder": folder}


def test_snarkjs_verifies_every_key_we_wrote(chain: dict) -> None:  # type: ignore[type-arg]
    circuit, keys, hashes = chain["circuit"], chain["keys"], chain["hashes"]
    for index in (2, 4, 5):
        output = snarkjs_verifies(circuit, keys[index])
        assert hash_lines(hashes[index]) in output  # the hash we return is the one snarkjs prints
    final = read_zkey(keys[5]).contributions.contributions
    assert [c.name for c in final] == [
        "snarkjs one", "zkreceipt two", "snarkjs beacon", "zkreceipt beacon", "zkreceipt last"
    ]
    assert [c.type for c in final] == [0, 0, 1, 1, 0]


def test_our_beacon_equals_snarkjs_beacon(chain: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    keys = chain["keys"]
    theirs, ours = tmp_path / "theirs.zkey", tmp_path / "ours.zkey"
    snarkjs("zkey", "beacon", keys[2], theirs, BEACON_A, "10", "--name=snarkjs beacon")
    zkey_beacon_files(keys[2], ours, bytes.fromhex(BEACON_A), 10, name="snarkjs beacon")
    assert ours.read_bytes() == theirs.read_bytes() == keys[3].read_bytes()


def test_snarkjs_proves_with_the_final_key(chain: dict) -> None:  # type: ignore[type-arg]
    circuit, keys, folder = chain["circuit"], chain["keys"], chain["folder"]
    proof, public, vkey = folder / "proof.json", folder / "public.json", folder / "vkey.json"
    snarkjs("groth16", "prove", keys[5], circuit.wtns, proof, public)
    snarkjs("zkey", "export", "verificationkey", keys[5], vkey)
    assert snarkjs("groth16", "verify", vkey, public, proof, check=False).ok
    vk = read_proving_key(keys[5]).vk
    assert verify(vk, snarkjs_json.read_public_signals(public), snarkjs_json.read_proof(proof))
    exported = snarkjs_json.read_verification_key(vkey)
    for name in ("alpha_g1", "beta_g2", "gamma_g2", "delta_g2", "gamma_abc_g1"):
        assert (getattr(exported, name) == getattr(vk, name)).all(), name


def test_snarkjs_accepts_a_development_marked_zkey(interop_files: InteropFiles, tmp_path: Path) -> None:
    circuit = interop_files.circuits["multiplier"]
    pk = setup_development(read_r1cs(circuit.r1cs).r1cs)
    path = write_proving_key(tmp_path / "dev.zkey", pk)
    assert DEVELOPMENT_MARKER_SECTION in _section_ids(path) and read_zkey(path).development
    proof, public, vkey = tmp_path / "proof.json", tmp_path / "public.json", tmp_path / "vkey.json"
    snarkjs("groth16", "prove", path, circuit.wtns, proof, public)
    snarkjs("zkey", "export", "verificationkey", path, vkey)
    assert snarkjs("groth16", "verify", vkey, public, proof, check=False).ok
    assert verify(pk.vk, snarkjs_json.read_public_signals(public), snarkjs_json.read_proof(proof))


def _section_ids(path: Path) -> list[int]:
    data = path.read_bytes()
    ids, position = [], 12
    for _ in range(int.from_bytes(data[8:12], "little")):
        ids.append(int.from_bytes(data[position : position + 4], "little"))
        position += 12 + int.from_bytes(data[position + 4 : position + 12], "little")
    return ids
