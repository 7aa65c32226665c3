"""BN254 G1: y² = x³ + 3 over Fq, prime order r (cofactor 1).

``G1Points.xy`` is ``(n, 2, 4)`` uint64: affine (x, y), Montgomery Fq, infinity
= all zeros. Everything but the constants lives in :class:`PointVector`.
"""

from __future__ import annotations

from ._params import G1_B, G1_GENERATOR, mont_words
from .points import GroupSpec, PointVector


class G1Points(PointVector):
    """A vector of G1 points. Every point on the curve is in the group (cofactor 1)."""

    __slots__ = ()
    spec = GroupSpec(
        name="G1",
        coord_shape=(4,),
        b=mont_words([G1_B]),
        generator=G1_GENERATOR,
        coord_names=("x", "y"),
        evm_order=(0, 1),
    )
