"""BN254 G2: the order-r subgroup of the twist y² = x³ + 3/(9 + u) over Fq2.

``G2Points.xy`` is ``(n, 2, 2, 4)`` uint64: affine (x, y) with each coordinate
(c0, c1) meaning c0 + c1·u, Montgomery Fq, infinity = all zeros. The twist has
order r·(2q − r), so deserialized points are also tested for membership in G2
(``_g2_kernels.in_subgroup``, a ψ-based test).
"""

from __future__ import annotations

import numpy as np

from . import _g2_kernels
from ._params import G2_B, G2_GENERATOR, mont_words
from .points import GroupSpec, PointVector


class G2Points(PointVector):
    """A vector of G2 points."""

    __slots__ = ()
    spec = GroupSpec(
        name="G2",
        coord_shape=(2, 4),
        b=mont_words(list(G2_B)).reshape(1, 2, 4),
        generator=G2_GENERATOR,
        coord_names=("x.c0", "x.c1", "y.c0", "y.c1"),
        evm_order=(1, 0, 3, 2),
    )

    def is_in_subgroup(self) -> np.ndarray:
        """Bool (n,): on the twist and of order dividing r."""
        on = self.is_on_curve()
        return on & _g2_kernels.in_subgroup(self._contiguous())
