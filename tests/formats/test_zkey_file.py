"""snarkjs Groth16 .zkey reading and writing on a synthetic key.

The points are arbitrary valid multiples of the generators (the reader checks the
format, not the setup's math — tests/interop checks the math on real keys).
"""

from __future__ import annotations

import re
import stat
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from formats_helpers import (
    fails_fast,
    g1_points,
    g2_points,
    le,
    mont_q,
    off_curve_g1_lem,
    patch,
    replace_section,
    section_data,
    sections,
    u32,
)

from zkreceipt.curve import G2Points, plain
from zkreceipt.errors import CurveError, FormatError
from zkreceipt.field import Fq, Fr
from zkreceipt.formats import (
    BinFileError,
    Groth16Zkey,
    InvalidFieldElementError,
    InvalidPointError,
    TruncatedFileError,
    ZkeyCoefficients,
    ZkeyContributions,
    read_zkey,
    write_zkey,
)
from zkreceipt.formats.zkey_file import (
    DEVELOPMENT_MARKER,
    DEVELOPMENT_MARKER_SECTION,
    SETUP_SECTION_ORDER,
    ZkeyHeader,
    ZkeySection,
    contribution_params,
    snarkjs_contributor_name,
)

P = Fr.modulus
R_MOD_P = 2**256 % P
#: Byte offsets inside section 2: after n8q, q, n8r, r come nVars, nPublic, domainSize, then the points.
N_VARS_AT, N_PUBLIC_AT, DOMAIN_AT, ALPHA1_AT = 72, 76, 80, 84
#: Offsets inside one 44-byte coefficient entry (after the 4-byte count).
MATRIX_AT, CONSTRAINT_AT, SIGNAL_AT, VALUE_AT = 0, 4, 8, 12


def coefficient_entry(index: int, field_at: int) -> int:
    return 4 + 44 * index + field_at


def synthetic_zkey() -> Groth16Zkey:
    """nVars 4, nPublic 1, one constraint (w2)·(5·w3) = …, domain 4; entries: A, B, 2 consistency rows."""
    coefficients = ZkeyCoefficients(
        matrix=np.array([0, 1, 0, 0], dtype=np.uint8),
        constraint=np.array([0, 0, 1, 2]),
        signal=np.array([2, 3, 0, 1]),
        values=Fr.from_ints([1, 5, 1, 1]),
    )
    header = ZkeyHeader(
        n_vars=4,
        n_public=1,
        domain_size=4,
        alpha1=g1_points(1, 2),
        beta1=g1_points(1, 3),
        beta2=g2_points(1, 3),
        gamma2=g2_points(1, 1),
        delta1=g1_points(1, 7),
        delta2=g2_points(1, 7),
    )
    return Groth16Zkey(
        header=header,
        ic=g1_points(2, 10),
        coefficients=coefficients,
        a_query=g1_points(4, 20),
        b1_query=g1_points(4, 30),
        b2_query=g2_points(4, 30),
        c_query=g1_points(2, 40),
        h_query=g1_points(4, 50),
        contributions=ZkeyContributions.empty(bytes(range(64))),
    )


@pytest.fixture(scope="module")
def zkey() -> Groth16Zkey:
    return synthetic_zkey()


@pytest.fixture
def written(zkey: Groth16Zkey, tmp_path: Path) -> Path:
    path = tmp_path / "k.zkey"
    write_zkey(path, zkey)
    return path


def assert_same(a: Groth16Zkey, b: Groth16Zkey) -> None:
    for name in ("n_vars", "n_public", "domain_size"):
        assert getattr(a.header, name) == getattr(b.header, name), name
    assert (a.section_order, a.development) == (b.section_order, b.development)
    for name in ("alpha1", "beta1", "beta2", "gamma2", "delta1", "delta2"):
        assert (getattr(a.header, name) == getattr(b.header, name)).all(), name
    for name in ("ic", "a_query", "b1_query"):
        assert (getattr(a, name) == getattr(b, name)).all(), name
    for name in ("b2_query", "c_query", "h_query"):
        assert (getattr(a, name) == getattr(b, name)).all(), name
    for name in ("matrix", "constraint", "signal"):
        assert np.array_equal(getattr(a.coefficients, name), getattr(b.coefficients, name)), name
    assert a.coefficients.values.to_ints() == b.coefficients.values.to_ints()
    assert a.contributions == b.contributions


def test_round_trip(zkey: Groth16Zkey, written: Path, tmp_path: Path) -> None:
    back = read_zkey(written)
    assert_same(back, zkey)
    assert back.n_constraints == 1 and back.domain_power == 2
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    again = tmp_path / "again.zkey"
    write_zkey(again, back)
    assert again.read_bytes() == written.read_bytes()


def test_layout_on_disk(zkey: Groth16Zkey, written: Path) -> None:
    data = written.read_bytes()
    assert data[:4] == b"zkey" and data[4:8] == u32(1)
    assert list(sections(data)) == list(range(1, 11))
    header = section_data(written, 2)
    assert header[:N_VARS_AT] == u32(32) + le(Fq.modulus) + u32(32) + le(P)
    # points in on-disk order alpha1, beta1, beta2, gamma2, delta1, delta2, each LEM
    points = header[ALPHA1_AT:]
    assert points[:64] == zkey.header.alpha1.to_montgomery_bytes()
    assert points[128:256] == zkey.header.beta2.to_montgomery_bytes()
    assert points[384:448] == zkey.header.delta1.to_montgomery_bytes()
    assert len(points) == 3 * 64 + 3 * 128
    # coefficient values are "double Montgomery": v·R² mod r as a plain little-endian integer
    coefficients = section_data(written, 4)
    assert coefficients[:4] == u32(4)
    for index, v in enumerate([1, 5, 1, 1]):
        at = coefficient_entry(index, VALUE_AT)
        assert coefficients[at : at + 32] == le(v * R_MOD_P * R_MOD_P % P)
    assert section_data(written, 10) == bytes(range(64)) + u32(0)


def test_section_order_is_kept(zkey: Groth16Zkey, tmp_path: Path) -> None:
    path = tmp_path / "setup-order.zkey"
    write_zkey(path, replace(zkey, section_order=SETUP_SECTION_ORDER))
    assert list(sections(path.read_bytes())) == list(SETUP_SECTION_ORDER)
    assert_same(read_zkey(path), replace(zkey, section_order=SETUP_SECTION_ORDER))


def _contribution(name: bytes, params: bytes | None = None) -> bytes:
    block = params if params is not None else bytes([1, len(name)]) + name
    points = g1_points(3, 60).to_montgomery_bytes() + g2_points(1, 61).to_montgomery_bytes()
    return points + bytes(range(64)) + u32(0) + u32(len(block)) + block


def test_contributions_are_parsed(written: Path) -> None:
    raw = bytes(64) + u32(2) + _contribution(b"alice") + _contribution(b"", bytes([2, 10]))
    replace_section(written, ZkeySection.CONTRIBUTIONS, raw)
    contributions = read_zkey(written).contributions
    assert contributions.raw == raw
    first, second = contributions.contributions
    assert (first.name, second.name) == ("alice", None)
    assert (first.delta_after == g1_points(1, 60)).all() and (first.g2_spx == g2_points(1, 61)).all()
    assert first.transcript == bytes(range(64)) and first.type == 0


def _twist_point_outside_g2() -> bytes:
    return plain.unchecked_points(G2Points, [plain.random_twist_point()]).to_montgomery_bytes()


@pytest.mark.parametrize(
    ("section", "offset", "new", "error", "message"),
    [
        (1, 0, u32(2), BinFileError, "section 1 (header): protocol 2 (PLONK) is not Groth16"),
        (2, 4, le(P), InvalidFieldElementError, "section 2 (groth16 header): base field prime q is"),
        (2, 40, le(Fq.modulus), InvalidFieldElementError, "scalar field prime r is"),
        (2, DOMAIN_AT, u32(3), BinFileError, "domainSize = 3 is not a power of two"),
        (2, DOMAIN_AT, u32(1 << 29), BinFileError, "domainSize = 536870912 is not a power of two up to 2^28"),
        (2, N_PUBLIC_AT, u32(4), BinFileError, "nPublic = 4 must be below nVars = 4"),
        (2, ALPHA1_AT, off_curve_g1_lem(), InvalidPointError, "alpha1: G1 point 0 is not on the curve"),
        (2, ALPHA1_AT, mont_q(Fq.modulus + 1), InvalidPointError, "alpha1: G1 point 0: x ="),
        (4, coefficient_entry(0, MATRIX_AT), u32(2), BinFileError, "entry 0: matrix 2 is neither A (0) nor B (1)"),
        (4, coefficient_entry(1, CONSTRAINT_AT), u32(4), BinFileError, "entry 1: constraint 4 is outside the domain"),
        (4, coefficient_entry(1, SIGNAL_AT), u32(4), BinFileError, "entry 1: signal 4 is not below nVars = 4"),
        (4, coefficient_entry(1, VALUE_AT), le(P), InvalidFieldElementError, "coefficient values (Montgomery form)"),
        (4, coefficient_entry(3, SIGNAL_AT), u32(0), BinFileError, "entry 3 is not the expected input-consistency row"),
        (4, coefficient_entry(0, CONSTRAINT_AT), u32(1), BinFileError, "an r1cs entry lies at or past"),
        (5, 64, mont_q(Fq.modulus), InvalidPointError, "section 5 (A points): A points: G1 point 1: x ="),
        (7, 256, _twist_point_outside_g2(), InvalidPointError, "B2 points: G2 point 2 is not in the subgroup"),
        (10, 64, u32(5), BinFileError, "section 10 (contributions): nContributions = 5 cannot fit"),
    ],
    ids=[
        "protocol",
        "q",
        "r",
        "domain-3",
        "domain-huge",
        "n-public",
        "off-curve",
        "x-ge-q",
        "matrix",
        "constraint",
        "signal",
        "value-ge-r",
        "consistency",
        "row-order",
        "a-x-ge-q",
        "g2-subgroup",
        "contributions",
    ],
)
def test_forged_keys_raise_typed_errors(
    written: Path, section: int, offset: int, new: bytes, error: type, message: str
) -> None:
    patch(written, section, offset, new)
    with pytest.raises(error, match=re.escape(message)) as info:
        read_zkey(written)
    assert str(info.value).startswith(str(written))
    if error is InvalidPointError:
        assert isinstance(info.value, CurveError)


def test_n_vars_mismatch_is_reported_against_the_point_sections(written: Path) -> None:
    patch(written, 2, N_VARS_AT, u32(5))
    with pytest.raises(TruncatedFileError, match=re.escape("section 5 (A points): A points: 5 items")):
        read_zkey(written)


@pytest.mark.parametrize("where", [(2, N_VARS_AT), (4, 0)], ids=["n-vars", "n-coefs"])
def test_forged_counts_fail_fast(written: Path, where: tuple[int, int]) -> None:
    patch(written, where[0], where[1], u32(0xFFFFFFFF))
    with fails_fast(), pytest.raises(TruncatedFileError, match="4294967295"):
        read_zkey(written)


def test_wrong_section_sizes(written: Path) -> None:
    replace_section(written, ZkeySection.POINTS_H, g1_points(5).to_montgomery_bytes())
    with pytest.raises(BinFileError, match=re.escape("section 9 (H points): 64 unexpected bytes")):
        read_zkey(written)


def test_missing_section(written: Path) -> None:
    data = written.read_bytes()
    table = sections(data)
    cut = table[10].header_offset
    written.write_bytes(data[:8] + u32(9) + data[12:cut])
    with pytest.raises(BinFileError, match=re.escape("section 10 (contributions): is missing")):
        read_zkey(written)


def test_writer_checks_counts(zkey: Groth16Zkey, tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="c_query has 3 points, expected 2"):
        write_zkey(tmp_path / "x.zkey", replace(zkey, c_query=g1_points(3)))
    with pytest.raises(FormatError, match="section_order"):
        write_zkey(tmp_path / "x.zkey", replace(zkey, section_order=(1, 2, 3)))
    assert not (tmp_path / "x.zkey").exists()


# --- contributions serializer, development marker -----------------------------------


def test_contributions_serializer_matches_the_reader(written: Path) -> None:
    """Bytes laid out by hand as writeMPCParams does, parsed, then re-serialized by ``of``."""
    beacon_params = bytes([2, 12, 3, 4]) + b"\x01\x02\x03\x04"
    raw = bytes(range(64)) + u32(2) + _contribution(b"alice") + _contribution(b"", beacon_params)
    replace_section(written, ZkeySection.CONTRIBUTIONS, raw)
    parsed = read_zkey(written).contributions
    rebuilt = ZkeyContributions.of(parsed.cs_hash, parsed.contributions)
    assert rebuilt.raw == raw
    assert ZkeyContributions.of(parsed.cs_hash, parsed.contributions[:1]).appended(parsed.contributions[1]).raw == raw
    assert ZkeyContributions.empty(bytes(range(64))).raw == bytes(range(64)) + u32(0)


def test_contribution_params_as_snarkjs_writes_them() -> None:
    assert contribution_params(None) == contribution_params("") == b""
    assert contribution_params("bob") == bytes([1, 3]) + b"bob"
    assert contribution_params("x", num_iterations_exp=10, beacon_hash=b"\xab\xcd") == bytes(
        [1, 1, ord("x"), 2, 10, 3, 2, 0xAB, 0xCD]
    )
    # name.substring(0, 64) counts UTF-16 units: 70 'é' → 64 kept (128 UTF-8 bytes)
    assert contribution_params("é" * 70) == bytes([1, 128]) + ("é" * 64).encode()
    # a cut through a surrogate pair leaves a lone half, which TextEncoder writes as U+FFFD
    cut = contribution_params("a" * 63 + "😀")
    assert cut == bytes([1, 66]) + b"a" * 63 + "\ufffd".encode()
    assert snarkjs_contributor_name("a" * 63 + "😀") == "a" * 63 + "\ufffd"
    with pytest.raises(FormatError, match="1..255 bytes"):
        contribution_params(None, num_iterations_exp=10, beacon_hash=bytes(256))


def test_development_marker_round_trip(zkey: Groth16Zkey, tmp_path: Path) -> None:
    path = tmp_path / "dev.zkey"
    write_zkey(path, replace(zkey, development=True))
    data = path.read_bytes()
    assert list(sections(data)) == [*range(1, 11), DEVELOPMENT_MARKER_SECTION]
    assert section_data(path, DEVELOPMENT_MARKER_SECTION) == DEVELOPMENT_MARKER
    back = read_zkey(path)
    assert back.development and back.section_order == zkey.section_order
    assert not read_zkey(written_path(zkey, tmp_path)).development


def written_path(zkey: Groth16Zkey, tmp_path: Path) -> Path:
    path = tmp_path / "plain.zkey"
    write_zkey(path, zkey)
    return path


def test_wrong_marker_content_and_other_unknown_sections_are_rejected(zkey: Groth16Zkey, tmp_path: Path) -> None:
    path = tmp_path / "dev.zkey"
    write_zkey(path, replace(zkey, development=True))
    replace_section(path, DEVELOPMENT_MARKER_SECTION, b'{"setup":"ceremony"}')
    with pytest.raises(BinFileError, match="section 100 .*content is not"):
        read_zkey(path)
    other = tmp_path / "other.zkey"
    write_zkey(other, zkey)
    data = bytearray(other.read_bytes())  # append a section 101 and bump nSec
    data[8:12] = u32(11)
    other.write_bytes(bytes(data) + u32(101) + (4).to_bytes(8, "little") + b"abcd")
    with pytest.raises(BinFileError, match="unknown section id"):
        read_zkey(other)


def test_development_keys_get_a_real_circuit_hash(tmp_path: Path) -> None:
    """``setup_development`` keys are marked and hashed over their sections like zkey new."""
    from zkreceipt.circuits.mul_chain import MulChain

    from zkreceipt.circuit import compile_circuit
    from zkreceipt.formats.zkey_keys import read_proving_key, write_proving_key, zkey_from_proving_key
    from zkreceipt.groth16 import setup_development

    pk = setup_development(compile_circuit(MulChain(3)).r1cs)
    zkey = zkey_from_proving_key(pk)
    assert zkey.development and zkey.contributions.cs_hash != bytes(64)
    other = zkey_from_proving_key(replace(pk, h_query=pk.h_query[::-1]))
    assert other.contributions.cs_hash != zkey.contributions.cs_hash  # every section is hashed
    path = write_proving_key(tmp_path / "dev.zkey", pk)
    assert read_zkey(path).development and read_proving_key(path).development
