"""Shared helpers of the curve tests: groups with their py_ecc / plain twins, known-log points."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import plain
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.g2 import G2Points
from zkreceipt.curve.points import PointVector
from zkreceipt.field import Fr

R = plain.R
Q = plain.Q


@dataclass(frozen=True)
class Group:
    """A group under test: the point class, py_ecc's generator and the plain curve."""

    cls: type[PointVector]
    py_ecc_generator: Any
    curve: plain.PlainCurve

    @property
    def name(self) -> str:
        return self.cls.spec.name


GROUPS = [Group(G1Points, ob.G1, plain.G1), Group(G2Points, ob.G2, plain.G2)]


def group_id(group: Group) -> str:
    return group.name


def edge_scalars() -> list[int]:
    return [0, 1, 2, R - 1, R - 2, (R - 1) // 2, (1 << 128) + 3]


def random_scalars(n: int) -> list[int]:
    return [secrets.randbelow(R) for _ in range(n)]


@dataclass(frozen=True)
class KnownLogPoints:
    """points[i] = logs[i]·G, so Σ k_i·points[i] = (Σ k_i·logs[i])·G: a cheap MSM oracle."""

    points: PointVector
    logs: list[int]

    def expected_msm(self, group: Group, scalars: list[int]) -> Any:
        """The plain affine point Σ k_i·P_i, by one Python-int scalar multiplication."""
        exponent = sum(k * a for k, a in zip(scalars, self.logs, strict=True)) % R
        return plain.multiply(group.curve, group.curve.generator, exponent)


def known_log_points(group: Group, logs: list[int]) -> KnownLogPoints:
    return KnownLogPoints(group.cls.generator() * Fr.from_ints([a % R for a in logs]), list(logs))


def py_ecc_equal(a: Any, b: Any) -> bool:
    return bool(ob.eq(a, b))
