"""The phase-2 primitives in pure Python: ChaCha, seeds, sampling, point encodings, transcripts.

Known answers come from the RFC (ChaCha20 block) and from the pinned snarkjs (phase2_vectors,
re-checked live against Node in tests/interop/test_interop_phase2_rng.py); the rest checks
each rule against an independent plain computation (py_ecc, curve.plain, hashlib).
"""

from __future__ import annotations

import hashlib
import secrets

import phase2_vectors as kat
import pytest
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import G1Points, G2Points, plain
from zkreceipt.curve._params import G2_B, Q, R
from zkreceipt.errors import CurveError, FormatError
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
    hash_public_key,
    hash_to_g2,
    rng_from_beacon,
    rng_from_entropy,
    sampling,
)
from zkreceipt.phase2 import rng as rng_module
from zkreceipt.phase2.rng import chacha20_block

R_INV_MOD_R = pow(1 << 256, -1, R)


def random_seed() -> list[int]:
    return [secrets.randbits(32) for _ in range(8)]


class CountingRng(ChaChaRng):
    """A ChaChaRng that counts the words it hands out."""

    __slots__ = ("words",)

    def __init__(self, seed: list[int]) -> None:
        super().__init__(seed)
        self.words = 0

    def next_u32(self) -> int:
        self.words += 1
        return super().next_u32()


# --- ChaCha ---------------------------------------------------------------------------------


def test_block_function_matches_rfc8439_vector() -> None:
    # RFC 8439 §2.3.2: key 00..1f, block counter 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00.
    state = [
        0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, 0x03020100, 0x07060504, 0x0B0A0908, 0x0F0E0D0C,
        0x13121110, 0x17161514, 0x1B1A1918, 0x1F1E1D1C, 0x00000001, 0x09000000, 0x4A000000, 0x00000000,
    ]  # fmt: skip
    expected = [
        0xE4E7F110, 0x15593BD1, 0x1FDD0F50, 0xC47120A3, 0xC7F4D1C7, 0x0368C033, 0x9AAA2204, 0x4E6CD4C3,
        0x466482D2, 0x09AA9F07, 0x05D7C214, 0xA2028BD9, 0xD19C12B5, 0xB94E16DE, 0xE883D0CB, 0x4E3C50A2,
    ]  # fmt: skip
    assert chacha20_block(state) == expected


def test_stream_matches_ffjavascript_known_answer() -> None:
    rng = ChaChaRng(kat.SEED)
    assert [rng.next_u32() for _ in kat.U32_STREAM] == kat.U32_STREAM


def test_stream_is_consecutive_blocks_with_a_counter() -> None:
    seed = random_seed()
    rng = ChaChaRng(seed)
    words = [rng.next_u32() for _ in range(48)]
    for block in range(3):
        state = [*rng_module.SIGMA, *seed, block, 0, 0, 0]
        assert words[16 * block : 16 * block + 16] == chacha20_block(state)


def test_counter_carries_into_the_next_word() -> None:
    seed = random_seed()
    rng = ChaChaRng(seed)
    rng._state[12:16] = [0xFFFFFFFF, 0xFFFFFFFF, 7, 0]
    first = [rng.next_u32() for _ in range(16)]
    second = [rng.next_u32() for _ in range(16)]
    assert first == chacha20_block([*rng_module.SIGMA, *seed, 0xFFFFFFFF, 0xFFFFFFFF, 7, 0])
    assert second == chacha20_block([*rng_module.SIGMA, *seed, 0, 0, 8, 0])


def test_u64_is_high_word_first_and_bool_is_the_low_bit() -> None:
    seed = random_seed()
    words, mixed = ChaChaRng(seed), ChaChaRng(seed)
    for _ in range(20):
        high, low = words.next_u32(), words.next_u32()
        assert mixed.next_u64() == high << 32 | low
        assert mixed.next_bool() == bool(words.next_u32() & 1)


def test_default_seed_is_all_zeros() -> None:
    a, b = ChaChaRng(), ChaChaRng([0] * 8)
    assert [a.next_u32() for _ in range(20)] == [b.next_u32() for _ in range(20)]


@pytest.mark.parametrize(
    "seed",
    [[1] * 7, [1] * 9, [0] * 7 + [1 << 32], [0, 0, 0, -1, 0, 0, 0, 0], [True] + [0] * 7, [0.5] * 8],
)
def test_bad_seed_is_rejected(seed: list[int]) -> None:
    with pytest.raises(FormatError, match="ChaCha seed"):
        ChaChaRng(seed)


def test_from_hash_reads_big_endian_words_of_the_first_32_bytes() -> None:
    digest = secrets.token_bytes(64)
    seed = [int.from_bytes(digest[4 * i : 4 * i + 4], "big") for i in range(8)]
    expected = ChaChaRng(seed)
    for tail in (b"", secrets.token_bytes(32)):
        rng = ChaChaRng.from_hash(digest[:32] + tail)
        twin = ChaChaRng(seed)
        assert [rng.next_u32() for _ in range(20)] == [twin.next_u32() for _ in range(20)]
    assert [ChaChaRng.from_hash(digest).next_u32() for _ in range(1)] == [expected.next_u32()]
    with pytest.raises(FormatError, match="at least 32 bytes"):
        ChaChaRng.from_hash(digest[:31])
    with pytest.raises(FormatError, match="must be bytes"):
        ChaChaRng.from_hash("00" * 32)  # type: ignore[arg-type]


# --- seeds ----------------------------------------------------------------------------------


def test_beacon_seed_matches_snarkjs_known_answer() -> None:
    rng = rng_from_beacon(kat.BEACON_HASH, kat.BEACON_EXP)
    assert rng._state[4:12] == kat.BEACON_SEED
    assert fr_from_rng(rng) == kat.BEACON_FR


def test_beacon_iterates_sha256_two_to_the_n_times() -> None:
    beacon = secrets.token_bytes(17)
    digest = beacon
    for _ in range(1 << 11):
        digest = hashlib.sha256(digest).digest()
    got, expected = rng_from_beacon(beacon, 11), ChaChaRng.from_hash(digest)
    assert [got.next_u32() for _ in range(20)] == [expected.next_u32() for _ in range(20)]
    other = rng_from_beacon(beacon, 10)
    assert other._state != rng_from_beacon(beacon, 11)._state


@pytest.mark.parametrize(
    ("beacon", "exp", "message"),
    [
        (b"\x01" * 32, 9, "between 10 and 63"),
        (b"\x01" * 32, 64, "between 10 and 63"),
        (b"\x01" * 32, True, "must be an int"),
        (b"\x01" * 32, 10.0, "must be an int"),
        (b"", 10, "1..255 bytes"),
        (b"\x01" * 256, 10, "1..255 bytes"),
        ("01" * 32, 10, "must be bytes"),
    ],
)
def test_bad_beacon_parameters_are_rejected(beacon: bytes, exp: int, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        rng_from_beacon(beacon, exp)


def test_entropy_rng_hashes_fresh_randomness_then_the_entropy(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = secrets.token_bytes(64)
    monkeypatch.setattr(rng_module.secrets, "token_bytes", lambda n: fixed[:n])
    for entropy, encoded in (("héllo ✓", "héllo ✓".encode()), (b"\x00\xff", b"\x00\xff"), ("", b"")):
        expected = ChaChaRng.from_hash(hashlib.blake2b(fixed + encoded, digest_size=64).digest())
        got = rng_from_entropy(entropy)
        assert [got.next_u32() for _ in range(8)] == [expected.next_u32() for _ in range(8)]


def test_entropy_rng_is_fresh_each_time() -> None:
    a, b = rng_from_entropy("same text"), rng_from_entropy("same text")
    assert [a.next_u32() for _ in range(8)] != [b.next_u32() for _ in range(8)]
    with pytest.raises(FormatError, match="entropy"):
        rng_from_entropy(12345)  # type: ignore[arg-type]


# --- field draws, signs and roots -----------------------------------------------------------


def raw_draw(rng: ChaChaRng) -> int:
    """Four u64 draws, first least significant, masked to 254 bits (one attempt of F.fromRng)."""
    return sum(rng.next_u64() << (64 * i) for i in range(4)) & ((1 << 254) - 1)


def test_fr_draw_matches_known_answer_and_reads_the_draw_as_montgomery() -> None:
    assert fr_from_rng(ChaChaRng(kat.SEED)) == kat.FR_DRAW
    rejected = 0
    for _ in range(30):
        seed = random_seed()
        twin = ChaChaRng(seed)
        value = raw_draw(twin)
        while value >= R:
            rejected += 1
            value = raw_draw(twin)
        rng = ChaChaRng(seed)
        assert fr_from_rng(rng) == value * R_INV_MOD_R % R
        assert rng.next_u32() == twin.next_u32()  # consumed the same words
    # About a quarter of masked 254-bit draws are ≥ r, so 30 seeds exercise the redraw.
    assert rejected > 0


def test_fq_draw_and_fq2_draw_order() -> None:
    seed = random_seed()
    a, b = ChaChaRng(seed), ChaChaRng(seed)
    c0, c1 = sampling.fq2_from_rng(a)
    assert (c0, c1) == (sampling.fq_from_rng(b), sampling.fq_from_rng(b))
    assert all(0 <= v < Q for v in (c0, c1))


def test_signs_follow_wasmcurves() -> None:
    half = (Q - 1) // 2
    assert [sampling.fq_is_negative(v) for v in (0, 1, half, half + 1, Q - 1)] == [False, False, False, True, True]
    assert sampling.fq2_is_negative((Q - 1, 0)) and not sampling.fq2_is_negative((1, 0))
    assert sampling.fq2_is_negative((1, Q - 1)) and not sampling.fq2_is_negative((Q - 1, 1))


def test_fq_sqrt_is_the_non_negative_root() -> None:
    for _ in range(30):
        s = secrets.randbelow(Q)
        root = sampling.fq_sqrt(s * s % Q)
        assert root in (s, Q - s) and not sampling.fq_is_negative(root)
        assert sampling.fq_is_square(s * s % Q)
    non_residue = 3  # q ≡ 3 (mod 4) and (3/q) = −1 for BN254's q
    assert not sampling.fq_is_square(non_residue) and plain.fq_sqrt(non_residue) is None


def test_fq2_square_test_and_root_agree_with_the_plain_twin() -> None:
    squares = non_squares = 0
    for _ in range(40):
        a = (secrets.randbelow(Q), secrets.randbelow(Q))
        is_square = sampling.fq2_is_square(a)
        assert is_square == (plain.fq2_sqrt(a) is not None)
        if is_square:
            root = sampling.fq2_sqrt(a)
            assert plain.G2.mul(root, root) == a
            squares += 1
        else:
            non_squares += 1
    # Elements of Fq with a non-square part: the root is along u (the α = −1 branch).
    for c0 in (Q - 1, Q - 3):
        root = sampling.fq2_sqrt((c0, 0))
        assert plain.G2.mul(root, root) == (c0, 0)
    assert squares and non_squares


# --- points ---------------------------------------------------------------------------------


def test_g1_draw_matches_known_answer_and_sign_bit() -> None:
    rng = ChaChaRng(kat.SEED)
    fr_from_rng(rng)
    assert g1_from_rng(rng).to_ints() == [kat.G1_DRAW]
    for _ in range(10):
        seed = random_seed()
        point = g1_from_rng(ChaChaRng(seed))
        (x, y), = point.to_ints()
        assert plain.is_on_curve(plain.G1, (x, y))
        # Replay the draws: the sign of y is the bit drawn right after the accepted x.
        replay = ChaChaRng(seed)
        while True:
            drawn, greatest = sampling.fq_from_rng(replay), replay.next_bool()
            if drawn == x:
                break
        assert sampling.fq_is_negative(y) == greatest


def test_g2_draw_matches_known_answer() -> None:
    rng = ChaChaRng(kat.SEED)
    fr_from_rng(rng)
    g1_from_rng(rng)
    assert g2_from_rng(rng).to_ints() == [kat.G2_DRAW]
    assert hash_to_g2(kat.HASH_TO_G2_DIGEST).to_ints() == [kat.HASH_TO_G2_POINT]


def test_g2_cofactor_is_ffjavascripts_and_clears_the_twist() -> None:
    assert sampling.G2_COFACTOR == 0x30644E72E131A029B85045B68181585E06CEECDA572A2489345F2299C0F9FA8D
    for _ in range(3):
        seed = random_seed()
        twist = sampling.g2_twist_point_from_rng(ChaChaRng(seed))
        assert plain.is_on_curve(plain.G2, twist)
        x, y = twist
        assert plain.G2.mul(y, y) == plain.G2.add(plain.G2.mul(plain.G2.mul(x, x), x), G2_B)
        # A random twist point is (overwhelmingly) outside G2 ...
        assert not plain.unchecked_points(G2Points, [twist]).is_in_subgroup()[0]
        # ... and the cofactor multiple equals py_ecc's (plain twin), and is in G2.
        ecc_point = (ob.FQ2(list(twist[0])), ob.FQ2(list(twist[1])), ob.FQ2.one())
        expected = plain.from_py_ecc(G2Points, [ob.multiply(ecc_point, sampling.G2_COFACTOR)])
        got = g2_from_rng(ChaChaRng(seed))
        assert got.to_ints() == expected.to_ints()
        got.validate("g2_from_rng")
        assert not got.is_infinity()[0]


def test_hash_to_g2_uses_only_the_first_32_bytes() -> None:
    digest = secrets.token_bytes(64)
    assert hash_to_g2(digest).to_ints() == hash_to_g2(digest[:32] + bytes(32)).to_ints()
    assert hash_to_g2(digest).to_ints() == g2_from_rng(ChaChaRng.from_hash(digest)).to_ints()
    with pytest.raises(FormatError):
        hash_to_g2(digest[:16])


# --- encodings and transcripts --------------------------------------------------------------


def be(v: int) -> bytes:
    return v.to_bytes(32, "big")


def test_uncompressed_g1_is_big_endian_x_then_y_and_infinity_is_zeros() -> None:
    points = G1Points.concatenate([G1Points.generator(), G1Points.random(3), G1Points.infinity(1)])
    expected = b"".join(bytes(64) if p is None else be(p[0]) + be(p[1]) for p in points.to_ints())
    assert g1_uncompressed(points) == expected
    assert g1_uncompressed(G1Points.generator()) == be(1) + be(2)
    assert g1_uncompressed(G1Points.infinity(0)) == b""


def test_uncompressed_g2_puts_c1_before_c0() -> None:
    points = G2Points.concatenate([G2Points.random(3), G2Points.infinity(1)])
    expected = b"".join(
        bytes(128) if p is None else be(p[0][1]) + be(p[0][0]) + be(p[1][1]) + be(p[1][0]) for p in points.to_ints()
    )
    assert g2_uncompressed(points) == expected


def test_uncompressed_rejects_the_other_group() -> None:
    with pytest.raises(CurveError, match="expected G1Points"):
        g1_uncompressed(G2Points.generator())  # type: ignore[arg-type]
    with pytest.raises(CurveError, match="expected G2Points"):
        g2_uncompressed(G1Points.generator())  # type: ignore[arg-type]


def random_contribution(kind: int = 0) -> ZkeyContribution:
    return ZkeyContribution(
        delta_after=G1Points.random(1),
        g1_s=G1Points.random(1),
        g1_sx=G1Points.random(1),
        g2_spx=G2Points.random(1),
        transcript=secrets.token_bytes(64),
        type=kind,
        params=b"",
        name=None,
    )


class Recorder:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def update(self, data: bytes) -> None:
        self.chunks.append(bytes(data))


def test_hash_public_key_feeds_snarkjs_order() -> None:
    c = random_contribution()
    recorder = Recorder()
    hash_public_key(recorder, c)
    assert recorder.chunks == [
        g1_uncompressed(c.delta_after),
        g1_uncompressed(c.g1_s),
        g1_uncompressed(c.g1_sx),
        g2_uncompressed(c.g2_spx),
        c.transcript,
    ]
    assert contribution_hash(c) == hashlib.blake2b(b"".join(recorder.chunks), digest_size=64).digest()


def test_transcript_chains_the_earlier_public_keys() -> None:
    cs_hash = secrets.token_bytes(64)
    earlier = [random_contribution(), random_contribution(1)]
    s = G1Points.random(1)
    sx = s * secrets.randbelow(R)
    first = contribution_transcript(cs_hash, [], s, sx)
    assert first == hashlib.blake2b(cs_hash + g1_uncompressed(s) + g1_uncompressed(sx), digest_size=64).digest()
    keys = []
    for c in earlier:
        recorder = Recorder()
        hash_public_key(recorder, c)
        keys.append(b"".join(recorder.chunks))
    expected = hashlib.blake2b(cs_hash + b"".join(keys) + g1_uncompressed(s) + g1_uncompressed(sx), digest_size=64)
    assert contribution_transcript(cs_hash, earlier, s, sx) == expected.digest()


def test_transcript_rejects_bad_inputs() -> None:
    s = G1Points.random(2)
    with pytest.raises(FormatError, match="csHash must be 64 bytes"):
        contribution_transcript(bytes(32), [], s[0], s[1])
    with pytest.raises(CurveError, match="g1_s must be one point"):
        contribution_transcript(bytes(64), [], s, s[1])
    bad = random_contribution()
    object.__setattr__(bad, "transcript", bytes(10))
    with pytest.raises(FormatError, match="transcript must be 64 bytes"):
        contribution_hash(bad)


def test_format_hash_layout() -> None:
    digest = bytes(range(64))
    text = format_hash(digest, "Contribution Hash: ")
    lines = text.split("\n")
    assert lines[0] == "Contribution Hash: "
    assert lines[1] == "\t\t00010203 04050607 08090a0b 0c0d0e0f"
    assert lines[4] == "\t\t30313233 34353637 38393a3b 3c3d3e3f"
    assert format_hash(digest) == "\n".join(lines[1:])
