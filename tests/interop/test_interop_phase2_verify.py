"""``zkey verify`` against snarkjs 0.7.6 on ceremonies snarkjs ran.

For two circuits the chain is ``groth16 setup`` (= ``zkey new``) → ``zkey contribute``
twice → ``zkey beacon``. zkreceipt's verifier accepts every key of the chain, reports
the contribution hashes ``snarkjs zkey verify`` prints, and rejects the keys snarkjs
rejects: a final key with one H or C point swapped for another valid point, and a
beacon whose recorded parameters do not reproduce it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from interop_files import InteropFiles
from tools import snarkjs

from zkreceipt.curve import G1Points
from zkreceipt.formats import read_r1cs, read_zkey, write_zkey
from zkreceipt.formats.zkey_file import (
    Groth16Zkey,
    ZkeyContributions,
    contribution_params,
)
from zkreceipt.phase2.verify import ZkeyVerification, zkey_verify, zkey_verify_from_init

#: The two contributors and the beacon, in chain order.
CONTRIBUTORS = (("alice", "alice's entropy (not secret)"), ("bob", "bob's entropy (not secret)"))
BEACON_NAME = "final beacon"
BEACON_HASH = bytes.fromhex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")
BEACON_ITERATIONS_EXP = 10

_HASH_LINE = r"\s*([0-9a-f]{8}) ([0-9a-f]{8}) ([0-9a-f]{8}) ([0-9a-f]{8})\n"
_CONTRIBUTION = re.compile(r"contribution #(\d+) (.*?):\n" + _HASH_LINE * 4)


@dataclass(frozen=True)
class Ceremony:
    """A snarkjs-run phase 2: ``keys[0]`` the initial key, then one key per contribution."""

    r1cs: Path
    ptau: Path
    keys: tuple[Path, ...]

    @property
    def final(self) -> Path:
        return self.keys[-1]


def snarkjs_verify(ceremony: Ceremony, zkey: Path) -> tuple[bool, str]:
    result = snarkjs("zkey", "verify", ceremony.r1cs, ceremony.ptau, zkey, check=False)
    return result.returncode == 0 and "ZKey Ok!" in result.output, result.output


def printed_hashes(output: str) -> dict[int, tuple[str, str]]:
    """``contribution #i name:`` + 4 hash lines from snarkjs's output → {i: (name, hex)}."""
    return {int(m[1]): (m[2].strip(), "".join(m.groups()[2:])) for m in _CONTRIBUTION.finditer(output)}


@pytest.fixture(scope="module", params=["multiplier", "mul_chain"])
def ceremony(
    request: pytest.FixtureRequest, interop_files: InteropFiles, tmp_path_factory: pytest.TempPathFactory
) -> Ceremony:
    files = interop_files.circuits[request.param]
    out = tmp_path_factory.mktemp(f"ceremony_{request.param}")
    keys = [files.zkey_setup]
    for index, (name, entropy) in enumerate(CONTRIBUTORS, start=1):
        keys.append(out / f"{request.param}_{index:04d}.zkey")
        snarkjs("zkey", "contribute", keys[-2], keys[-1], f"--name={name}", f"-e={entropy}")
    keys.append(out / f"{request.param}_final.zkey")
    snarkjs(
        "zkey", "beacon", keys[-2], keys[-1], BEACON_HASH.hex(), str(BEACON_ITERATIONS_EXP), f"--name={BEACON_NAME}"
    )
    return Ceremony(files.r1cs, files.ptau, tuple(keys))


def verify_both_ways(ceremony: Ceremony, zkey: Path) -> tuple[ZkeyVerification, ZkeyVerification]:
    """Ours from the r1cs and ptau (zkey_new inside) and from snarkjs's initial key."""
    final = read_zkey(zkey)
    from_r1cs = zkey_verify(read_r1cs(ceremony.r1cs).r1cs, ceremony.ptau, final)
    from_init = zkey_verify_from_init(read_zkey(ceremony.keys[0]), final)
    return from_r1cs, from_init


def test_snarkjs_chain_verifies_with_the_hashes_snarkjs_prints(ceremony: Ceremony) -> None:
    accepted, output = snarkjs_verify(ceremony, ceremony.final)
    assert accepted, output
    expected = printed_hashes(output)
    assert sorted(expected) == [1, 2, 3]
    for result in verify_both_ways(ceremony, ceremony.final):
        assert result.ok, result.failures
        assert not result.development
        assert [(c.index, c.name, c.type) for c in result.contributions] == [
            (1, "alice", "contribution"),
            (2, "bob", "contribution"),
            (3, BEACON_NAME, "beacon"),
        ]
        for summary in result.contributions:
            assert (summary.name, summary.contribution_hash) == expected[summary.index]
        beacon = result.contributions[-1].beacon
        assert beacon is not None
        assert (beacon.beacon_hash, beacon.num_iterations_exp) == (BEACON_HASH, BEACON_ITERATIONS_EXP)
        # the circuit hash snarkjs prints first
        assert " ".join(re.findall(r"[0-9a-f]{8}", output.split("Circuit Hash:")[1])[:16]) == " ".join(
            result.circuit_hash[k : k + 8] for k in range(0, 128, 8)
        )


def test_every_intermediate_key_verifies(ceremony: Ceremony) -> None:
    for count, key in enumerate(ceremony.keys[:-1]):
        from_r1cs, from_init = verify_both_ways(ceremony, key)
        assert from_r1cs.ok and from_init.ok, (key, from_r1cs.failures, from_init.failures)
        assert len(from_r1cs.contributions) == count


def _second_point_replaced_by_first(points: G1Points) -> G1Points:
    """``points`` with point 1 replaced by point 0 (still a valid curve point)."""
    xy = points.xy.copy()
    xy[1] = points.xy[0]
    return G1Points(xy)


def _beacon_replayed_with_other_iterations(zkey: Groth16Zkey) -> Groth16Zkey:
    """The beacon record claiming 2^11 iterations (the parameters are not in the transcript)."""
    *earlier, last = zkey.contributions.contributions
    params = contribution_params(last.name, num_iterations_exp=BEACON_ITERATIONS_EXP + 1, beacon_hash=BEACON_HASH)
    records = (*earlier, replace(last, params=params))
    return replace(zkey, contributions=ZkeyContributions.of(zkey.contributions.cs_hash, records))


BEACON_LABEL = f"contribution #3 ({BEACON_NAME})"
FORGERIES: dict[str, tuple[Callable[[Groth16Zkey], Groth16Zkey], list[str]]] = {
    "h_point": (
        lambda k: replace(k, h_query=_second_point_replaced_by_first(k.h_query)),
        ["H section does not match the initial key's divided by delta"],
    ),
    "c_point": (
        lambda k: replace(k, c_query=_second_point_replaced_by_first(k.c_query)),
        ["C section does not match the initial key's divided by delta"],
    ),
    "beacon_parameters": (
        _beacon_replayed_with_other_iterations,
        [
            f"{BEACON_LABEL}: beacon key does not match its parameters (g1_s differs)",
            f"{BEACON_LABEL}: beacon key does not match its parameters (g1_sx differs)",
        ],
    ),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_key_snarkjs_rejects_is_rejected(ceremony: Ceremony, tmp_path: Path, forgery: str) -> None:
    forge, expected = FORGERIES[forgery]
    forged = tmp_path / "forged.zkey"
    write_zkey(forged, forge(read_zkey(ceremony.final)))
    accepted, output = snarkjs_verify(ceremony, forged)
    assert not accepted, output
    for result in verify_both_ways(ceremony, forged):
        assert result.failures == expected
