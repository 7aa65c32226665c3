"""The phase-2 primitives against the pinned snarkjs 0.7.6 / ffjavascript 0.3.1, live.

``phase2_rng_oracle.mjs`` answers with ffjavascript's and snarkjs's own functions (ChaCha,
F/G.fromRng, sqrt, isNegative, toRprUncompressed, hashToG2, rngFromBeaconParams,
readMPCParams + hashPubKey). Seeds: random, all-zero, all-0xffffffff and the known-answer
seed of tests/phase2/phase2_vectors.py (whose literals are re-derived here). A zkey with a
normal and a beacon contribution made by ``snarkjs zkey contribute`` / ``zkey beacon`` on
top of the fixture's contributed key checks transcripts, contribution hashes (as the CLI
prints them), hashToG2 and the beacon's secrets end to end.
"""

from __future__ import annotations

import importlib.util
import json
import random
import secrets
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from interop_files import InteropFiles
from tools import INTEROP_DIR, snarkjs, tools_available

from zkreceipt.curve import G1Points, G2Points, pairing_check
from zkreceipt.curve._params import Q
from zkreceipt.formats import read_zkey
from zkreceipt.formats.zkey_file import ZkeyContribution
from zkreceipt.phase2 import (
    ChaChaRng,
    contribution_hash,
    contribution_transcript,
    format_hash,
    fr_from_rng,
    g1_from_rng,
    g1_uncompressed,
    g2_from_rng,
    g2_uncompressed,
    hash_to_g2,
    rng_from_beacon,
    sampling,
)

ORACLE = INTEROP_DIR / "phase2_rng_oracle.mjs"
VECTORS = INTEROP_DIR.parent / "phase2" / "phase2_vectors.py"
ALL_ONES = 0xFFFFFFFF
RANDOM_SEEDS = [[secrets.randbits(32) for _ in range(8)] for _ in range(3)]
SEEDS = [[0] * 8, [ALL_ONES] * 8, [1, 2, 3, 4, 5, 6, 7, 8], *RANDOM_SEEDS]
SECOND_NAME = "phase2 rng interop"
BEACON_EXP = 10


def ask_node(request: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Run the oracle on ``request`` and return its answer."""
    if not tools_available():
        pytest.skip(f"Node tools missing: run `cd {INTEROP_DIR} && npm ci`")
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request))
    done = subprocess.run(
        ["node", str(ORACLE), str(path)], cwd=INTEROP_DIR, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def plain_point(doc: Any) -> Any:
    """The oracle's affine point (decimal strings, or null) as curve.plain ints."""
    if doc is None:
        return None
    if isinstance(doc[0], list):
        return tuple(tuple(int(v) for v in coord) for coord in doc)
    return tuple(int(v) for v in doc)


def load_vectors() -> Any:
    spec = importlib.util.spec_from_file_location("phase2_vectors", VECTORS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- streams and draws ----------------------------------------------------------------------


def test_known_answer_vectors_still_match_node(tmp_path: Path) -> None:
    kat = load_vectors()
    answer = ask_node(
        {
            "streams": [{"seed": kat.SEED, "ops": ["u32"] * len(kat.U32_STREAM)}],
            "draws": [{"seed": kat.SEED, "kinds": ["fr", "g1", "g2"]}],
            "hash_to_g2": [kat.HASH_TO_G2_DIGEST.hex()],
            "beacon": [{"hash": kat.BEACON_HASH.hex(), "exp": kat.BEACON_EXP, "kinds": ["fr"]}],
        },
        tmp_path,
    )
    assert [int(v) for v in answer["streams"][0]] == kat.U32_STREAM
    fr, g1, g2 = answer["draws"][0]
    assert (int(fr), plain_point(g1), plain_point(g2)) == (kat.FR_DRAW, kat.G1_DRAW, kat.G2_DRAW)
    assert plain_point(answer["hash_to_g2"][0]) == kat.HASH_TO_G2_POINT
    assert answer["beacon"][0]["seed"] == kat.BEACON_SEED
    assert int(answer["beacon"][0]["values"][0]) == kat.BEACON_FR


def run_ops(rng: ChaChaRng, ops: Sequence[str]) -> list[Any]:
    calls = {"u32": rng.next_u32, "u64": rng.next_u64, "bool": rng.next_bool}
    return [calls[op]() for op in ops]


def test_chacha_streams_match(tmp_path: Path) -> None:
    chooser = random.Random(secrets.randbits(64))
    cases = []
    for seed in SEEDS:
        cases.append({"seed": seed, "ops": [chooser.choice(["u32", "u64", "bool"]) for _ in range(70)]})
    # Block counters about to wrap (ChaCha's 128-bit counter carries word by word).
    for counter in ([ALL_ONES, 0, 0, 0], [ALL_ONES, ALL_ONES, ALL_ONES, 5]):
        cases.append({"seed": SEEDS[-1], "ops": ["u32"] * 40, "counter": counter})
    answer = ask_node({"streams": cases}, tmp_path)
    for case, expected in zip(cases, answer["streams"], strict=True):
        rng = ChaChaRng(case["seed"])
        if "counter" in case:
            rng._state[12:16] = case["counter"]
        got = run_ops(rng, case["ops"])
        assert got == [v if isinstance(v, bool) else int(v) for v in expected], case


def draw(rng: ChaChaRng, kind: str) -> Any:
    if kind == "fr":
        return fr_from_rng(rng)
    if kind == "fq":
        return sampling.fq_from_rng(rng)
    points = g1_from_rng(rng) if kind == "g1" else g2_from_rng(rng)
    points.validate(f"{kind} draw")
    return points.to_ints()[0]


def test_field_and_point_draws_match(tmp_path: Path) -> None:
    kinds = ["fr", "g1", "g2", "fq", "fr", "fr", "g1", "g2", "g1", "fr"]
    answer = ask_node({"draws": [{"seed": seed, "kinds": kinds} for seed in SEEDS]}, tmp_path)
    for seed, expected in zip(SEEDS, answer["draws"], strict=True):
        rng = ChaChaRng(seed)
        got = [draw(rng, kind) for kind in kinds]
        want = [int(v) if kind in ("fr", "fq") else plain_point(v) for kind, v in zip(kinds, expected, strict=True)]
        assert got == want, seed


def test_hash_to_g2_matches(tmp_path: Path) -> None:
    digests = [secrets.token_bytes(64) for _ in range(5)] + [bytes(64), b"\xff" * 64]
    answer = ask_node({"hash_to_g2": [d.hex() for d in digests]}, tmp_path)
    for digest, expected in zip(digests, answer["hash_to_g2"], strict=True):
        point = hash_to_g2(digest)
        assert bool(point.is_in_subgroup()[0])
        assert point.to_ints() == [plain_point(expected)]


def test_beacon_rng_matches(tmp_path: Path) -> None:
    cases = [
        (secrets.token_bytes(32), 10),
        (secrets.token_bytes(1), 11),
        (secrets.token_bytes(255), 10),
    ]
    kinds = ["fr", "g1", "fr"]
    answer = ask_node(
        {"beacon": [{"hash": h.hex(), "exp": n, "kinds": kinds} for h, n in cases]},
        tmp_path,
    )
    for (beacon, exp), expected in zip(cases, answer["beacon"], strict=True):
        rng = rng_from_beacon(beacon, exp)
        assert rng._state[4:12] == expected["seed"]
        want = [int(v) if kind == "fr" else plain_point(v) for kind, v in zip(kinds, expected["values"], strict=True)]
        assert [draw(rng, kind) for kind in kinds] == want


def test_roots_and_signs_match(tmp_path: Path) -> None:
    fq_squares = [pow(secrets.randbelow(Q), 2, Q) for _ in range(6)] + [1, 4]
    fq2_squares: list[tuple[int, int]] = []
    while len(fq2_squares) < 8:
        a = (secrets.randbelow(Q), secrets.randbelow(Q))
        if sampling.fq2_is_square(a):
            fq2_squares.append(a)
    # c1 = 0 with a square and a non-square c0 (the second has a root along u: Algorithm 9's α = −1 branch).
    fq2_squares += [(4, 0), (Q - 1, 0), (Q - 4, 0)]
    fq2_any = [(secrets.randbelow(Q), secrets.randbelow(Q)) for _ in range(12)]
    half = (Q - 1) // 2
    fq_edges = [0, 1, half, half + 1, Q - 1, secrets.randbelow(Q)]
    fq2_edges = [(0, 0), (1, 0), (Q - 1, 0), (half, 0), (half + 1, 0), (5, half), (5, half + 1), (Q - 1, 1)]
    answer = ask_node(
        {
            "fq_sqrt": [str(a) for a in fq_squares],
            "fq2_sqrt": [[str(c) for c in a] for a in fq2_squares],
            "fq2_is_square": [[str(c) for c in a] for a in fq2_any],
            "fq_is_negative": [str(a) for a in fq_edges],
            "fq2_is_negative": [[str(c) for c in a] for a in fq2_edges],
        },
        tmp_path,
    )
    assert [sampling.fq_sqrt(a) for a in fq_squares] == [int(v) for v in answer["fq_sqrt"]]
    assert [sampling.fq2_sqrt(a) for a in fq2_squares] == [plain_point(v) for v in answer["fq2_sqrt"]]
    assert [sampling.fq2_is_square(a) for a in fq2_any] == answer["fq2_is_square"]
    assert [sampling.fq_is_negative(a) for a in fq_edges] == answer["fq_is_negative"]
    assert [sampling.fq2_is_negative(a) for a in fq2_edges] == answer["fq2_is_negative"]


def test_uncompressed_encoding_matches(tmp_path: Path) -> None:
    g1 = G1Points.concatenate([G1Points.random(5), G1Points.infinity(1), G1Points.generator()])
    g2 = G2Points.concatenate([G2Points.infinity(1), G2Points.random(4), G2Points.generator()])
    answer = ask_node(
        {"uncompressed": {"G1": g1.to_montgomery_bytes().hex(), "G2": g2.to_montgomery_bytes().hex()}}, tmp_path
    )
    assert g1_uncompressed(g1).hex() == answer["uncompressed"]["G1"]
    assert g2_uncompressed(g2).hex() == answer["uncompressed"]["G2"]


# --- a zkey contributed to by snarkjs --------------------------------------------------------


@dataclass(frozen=True)
class ContributedZkey:
    """``path``: the fixture's contributed multiplier key plus a normal and a beacon contribution;
    ``printed``: what ``zkey contribute`` and ``zkey beacon`` printed; ``beacon_hash``: the beacon's hash."""

    path: Path
    printed: list[str]
    beacon_hash: bytes


@pytest.fixture(scope="module")
def contributed_zkey(interop_files: InteropFiles, tmp_path_factory: pytest.TempPathFactory) -> ContributedZkey:
    out = tmp_path_factory.mktemp("phase2-rng")
    second, third = out / "multiplier_0002.zkey", out / "multiplier_0003.zkey"
    beacon_hash = secrets.token_bytes(32)
    first = interop_files.circuits["multiplier"].zkey
    contribute = snarkjs("zkey", "contribute", first, second, f"--name={SECOND_NAME}", "-e=phase2 rng interop entropy")
    beacon = snarkjs("zkey", "beacon", second, third, beacon_hash.hex(), str(BEACON_EXP), "-n=phase2 rng beacon")
    return ContributedZkey(third, [contribute.output, beacon.output], beacon_hash)


def same_ratio(g1_s: G1Points, g1_sx: G1Points, g2_sp: G2Points, g2_spx: G2Points) -> bool:
    """e(S, x·SP) = e(x·S, SP), as snarkjs's sameRatio."""
    return bool(pairing_check(G1Points.concatenate([g1_s, -g1_sx]), G2Points.concatenate([g2_spx, g2_sp])))


def test_transcripts_and_hashes_match_snarkjs(contributed_zkey: ContributedZkey, tmp_path: Path) -> None:
    section = read_zkey(contributed_zkey.path).contributions
    contributions: tuple[ZkeyContribution, ...] = section.contributions
    assert [c.type for c in contributions] == [0, 0, 1]
    answer = ask_node({"zkeys": [str(contributed_zkey.path)]}, tmp_path)["zkeys"][0]
    assert answer["cs_hash"] == section.cs_hash.hex()
    for i, (c, node) in enumerate(zip(contributions, answer["contributions"], strict=True)):
        transcript = contribution_transcript(section.cs_hash, contributions[:i], c.g1_s, c.g1_sx)
        assert transcript == c.transcript == bytes.fromhex(node["transcript"]), f"contribution {i}"
        assert contribution_hash(c).hex() == node["contribution_hash"], f"contribution {i}"
        g2_sp = hash_to_g2(c.transcript)
        assert g2_sp.to_ints() == [plain_point(node["g2_sp"])], f"contribution {i}"
        assert same_ratio(c.g1_s, c.g1_sx, g2_sp, c.g2_spx), f"contribution {i}"
        # Another SP must break the ratio: the check is not vacuous.
        assert not same_ratio(c.g1_s, c.g1_sx, hash_to_g2(bytes(64)), c.g2_spx)
    # The two contributions made here printed their hashes exactly as format_hash renders them.
    for c, printed in zip(contributions[1:], contributed_zkey.printed, strict=True):
        assert format_hash(contribution_hash(c), "Contribution Hash: ") in printed


def test_beacon_contribution_is_reproduced(contributed_zkey: ContributedZkey) -> None:
    contributions = read_zkey(contributed_zkey.path).contributions.contributions
    before, beacon = contributions[-2], contributions[-1]
    rng = rng_from_beacon(contributed_zkey.beacon_hash, BEACON_EXP)
    x = fr_from_rng(rng)
    s = g1_from_rng(rng)
    assert s.to_ints() == beacon.g1_s.to_ints()
    assert (s * x).to_ints() == beacon.g1_sx.to_ints()
    assert (before.delta_after * x).to_ints() == beacon.delta_after.to_ints()
    assert (hash_to_g2(beacon.transcript) * x).to_ints() == beacon.g2_spx.to_ints()
