"""Point encodings: round trips, known vectors, and every kind of bad input raising CurveError."""

from __future__ import annotations

import pytest
from curve_helpers import GROUPS, Group, Q, group_id
from py_ecc import bn128

from zkreceipt.curve import plain
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.g2 import G2Points
from zkreceipt.errors import CurveError

G2_GEN = plain.G2.generator
ENCODINGS = ["montgomery_bytes", "evm_bytes", "json", "ints"]


def encode(points, encoding: str):  # type: ignore[no-untyped-def]
    return getattr(points, "to_" + encoding)()


def decode(cls, data, encoding: str):  # type: ignore[no-untyped-def]
    return getattr(cls, "from_" + encoding)(data)


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_round_trip_with_infinity(group: Group, encoding: str) -> None:
    points = group.cls.concatenate([group.cls.random(3), group.cls.infinity(1), group.cls.generator()])
    back = decode(group.cls, encode(points, encoding), encoding)
    assert (back == points).all()
    assert back.is_infinity().tolist() == [False, False, False, True, False]
    empty = decode(group.cls, encode(group.cls.infinity(0), encoding), encoding)
    assert len(empty) == 0


def test_known_g1_encodings() -> None:
    g = G1Points.generator()
    assert g.to_evm_bytes() == (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    r_mont = 1 << 256
    assert g.to_montgomery_bytes() == (r_mont % Q).to_bytes(32, "little") + (2 * r_mont % Q).to_bytes(32, "little")
    assert g.to_json() == [["1", "2", "1"]]
    assert G1Points.infinity(1).to_json() == [["0", "1", "0"]]
    assert G1Points.infinity(1).to_evm_bytes() == bytes(64)
    assert G1Points.infinity(1).to_montgomery_bytes() == bytes(64)
    assert g.to_ints() == [(int(bn128.G1[0]), int(bn128.G1[1]))]


def test_known_g2_encodings() -> None:
    """EVM order is x.c1‖x.c0‖y.c1‖y.c0 (EIP-197); LEM and JSON keep c0 first."""
    g = G2Points.generator()
    (x0, x1), (y0, y1) = G2_GEN
    assert g.to_evm_bytes() == b"".join(v.to_bytes(32, "big") for v in (x1, x0, y1, y0))
    lem = g.to_montgomery_bytes()
    assert [int.from_bytes(lem[32 * i : 32 * i + 32], "little") for i in range(4)] == [
        v * (1 << 256) % Q for v in (x0, x1, y0, y1)
    ]
    assert g.to_json() == [[[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]]
    assert G2Points.infinity(1).to_json() == [[["0", "0"], ["1", "0"], ["0", "0"]]]
    assert tuple(int(c) for c in bn128.G2[0].coeffs) == (x0, x1)


def jacobian_json(group: Group, point, z) -> list:  # type: ignore[no-untyped-def]
    """The JSON of a point in Jacobian form (x·z², y·z³, z), as ffjavascript reads it."""
    c = group.curve
    z2 = c.mul(z, z)
    x, y = c.mul(point[0], z2), c.mul(point[1], c.mul(z2, z))
    if group.cls is G1Points:
        return [str(x), str(y), str(z)]
    return [[str(v) for v in x], [str(v) for v in y], [str(v) for v in z]]


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
def test_json_accepts_any_z_and_no_z(group: Group) -> None:
    points = group.cls.random(2)
    plain_points = points.to_ints()
    z = 12345 if group.cls is G1Points else (777, 999)
    doc = [jacobian_json(group, plain_points[0], z), encode(points[1], "json")[0][:2]]
    back = group.cls.from_json(doc)
    assert (back == points).all()
    zero_z = ["5", "7", "0"] if group.cls is G1Points else [["5", "0"], ["7", "0"], ["0", "0"]]
    assert group.cls.from_json([zero_z]).is_infinity().all()
    assert group.cls.from_json([encode(group.cls.infinity(1), "json")[0]]).is_infinity().all()


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
@pytest.mark.parametrize("encoding", ["montgomery_bytes", "evm_bytes"])
def test_bytes_of_wrong_length(group: Group, encoding: str) -> None:
    data = encode(group.cls.random(2), encoding)
    with pytest.raises(CurveError, match="whole number"):
        decode(group.cls, data[:-1], encoding)


@pytest.mark.parametrize(
    ("group", "position"),
    [(g, position) for g in GROUPS for position in range(g.cls.spec.fq_per_point)],
    ids=lambda v: v.name if isinstance(v, Group) else str(v),
)
def test_coordinate_not_below_q_is_named(group: Group, position: int) -> None:
    """Each Fq component ≥ q is rejected in every encoding, naming the point and the component."""
    k = group.cls.spec.fq_per_point
    name = group.cls.spec.coord_names[position]
    points = group.cls.random(2)
    # LEM: replace component `position` of point 1 by q (as raw words).
    lem = bytearray(points.to_montgomery_bytes())
    offset = 32 * (k + position)
    lem[offset : offset + 32] = Q.to_bytes(32, "little")
    with pytest.raises(CurveError, match=f"point 1: {name} = {Q} is not below q"):
        group.cls.from_montgomery_bytes(bytes(lem))
    # EVM: the component sits at evm_order.index(position).
    evm = bytearray(points.to_evm_bytes())
    offset = 32 * (k + group.cls.spec.evm_order.index(position))
    evm[offset : offset + 32] = (Q + 1).to_bytes(32, "big")
    with pytest.raises(CurveError, match=f"point 1: {name} = {Q + 1} is not below q"):
        group.cls.from_evm_bytes(bytes(evm))
    # JSON and plain ints.
    doc = points.to_json()
    if k == 2:
        doc[1][position] = str(Q)
    else:
        doc[1][position // 2][position % 2] = str(Q)
    with pytest.raises(CurveError, match=f"point 1: {name} = {Q} is not below q"):
        group.cls.from_json(doc)
    plain_points = points.to_ints()
    flat = [plain_points[1][0], plain_points[1][1]]
    if k == 2:
        flat[position] = Q
        bad = (flat[0], flat[1])
    else:
        coords = [list(flat[0]), list(flat[1])]
        coords[position // 2][position % 2] = Q
        bad = (tuple(coords[0]), tuple(coords[1]))
    with pytest.raises(CurveError, match=f"point 1: {name} = {Q} is not below q"):
        group.cls.from_ints([plain_points[0], bad])


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_off_curve_point_is_rejected(group: Group, encoding: str) -> None:
    good = group.cls.random(2).to_ints()
    bad = plain.unchecked_points(group.cls, [good[0], (good[1][0], good[1][0])])
    with pytest.raises(CurveError, match=f"{group.name} point 1 is not on the curve"):
        decode(group.cls, encode(bad, encoding), encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_g2_point_outside_subgroup_is_rejected(encoding: str) -> None:
    bad = plain.unchecked_points(G2Points, [G2_GEN, plain.random_twist_point()])
    with pytest.raises(CurveError, match="G2 point 1 is not in the subgroup"):
        decode(G2Points, encode(bad, encoding), encoding)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("not a list", "expected a list"),
        ([["1", "2", "1", "1"]], "expected"),
        ([["1"]], "expected"),
        ([["1", "-2", "1"]], "y = '-2' is not a decimal string"),
        ([["1", "2.0", "1"]], "not a decimal string"),
        ([["0x1", "2", "1"]], "x = '0x1' is not a decimal string"),
        ([["1", "2", None]], "z = None is not a decimal string"),
        ([["1", "3", "1"]], "not on the curve"),
        ([["1", "2", str(1 << 256)]], "not below q"),
    ],
)
def test_bad_g1_json(doc, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CurveError, match=message):
        G1Points.from_json(doc)


@pytest.mark.parametrize(
    "doc",
    [
        [["1", "2", "3"]],
        [[["1"], ["2", "0"], ["1", "0"]]],
        [[["1", "0"], "2", ["1", "0"]]],
        [[["1", "0"]]],
    ],
)
def test_bad_g2_json_shapes(doc) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CurveError, match="G2 point"):
        G2Points.from_json(doc)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(0, 0)], "use None for infinity"),
        ([(1,)], "expected an affine point"),
        ([(1, -2)], "not a non-negative int"),
        ([(1, 2.0)], "not a non-negative int"),
        ([(1, True)], "not a non-negative int"),
        ([(1, 1 << 256)], "not below q"),
    ],
)
def test_bad_plain_points(points, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CurveError, match=message):
        G1Points.from_ints(points)


def test_py_ecc_conversions() -> None:
    g1 = G1Points.concatenate([G1Points.random(2), G1Points.infinity(1)])
    assert (plain.from_py_ecc(G1Points, plain.to_py_ecc(g1)) == g1).all()
    assert (plain.from_py_ecc(G1Points, [bn128.G1, None]) == G1Points.concatenate([G1Points.generator(), G1Points.infinity(1)])).all()
    g2 = G2Points.random(2)
    assert (plain.from_py_ecc(G2Points, plain.to_py_ecc(g2)) == g2).all()
    assert (plain.from_py_ecc(G2Points, [bn128.G2]) == G2Points.generator()).all()
