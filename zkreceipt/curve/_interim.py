"""Interim MSM and pairing check while the fast ones land: correct but slow (py_ecc pairing)."""

from __future__ import annotations

from typing import TypeVar

from py_ecc import optimized_bn128 as bn

from ..field import FieldVector
from .g1 import G1Points
from .g2 import G2Points

P = TypeVar("P", G1Points, G2Points)


def msm(points: P, scalars: FieldVector) -> P:
    return (points * scalars).sum()


def pairing_check(g1: G1Points, g2: G2Points) -> bool:
    acc = bn.FQ12.one()
    for (p,), (q,) in zip((g1[i].to_ints() for i in range(len(g1))), (g2[i].to_ints() for i in range(len(g2)))):
        if p is None or q is None:
            continue
        pp = (bn.FQ(p[0]), bn.FQ(p[1]), bn.FQ(1))
        qq = (bn.FQ2(list(q[0])), bn.FQ2(list(q[1])), bn.FQ2.one())
        acc = acc * bn.pairing(qq, pp, final_exponentiate=False)
    return bool(bn.final_exponentiate(acc) == bn.FQ12.one())
