"""BN254 curves on the compiled field core: G1/G2 point vectors, MSM, pairing.

``G1Points`` / ``G2Points`` are affine point vectors ((n, 2, 4) / (n, 2, 2, 4)
uint64, Montgomery Fq; infinity stored as zeros). ``msm(points, scalars)`` is a
multi-scalar multiplication; ``pairing_check(g1, g2)`` tests Π e(P_i, Q_i) = 1.
"""

from __future__ import annotations

from .g1 import G1Points
from .g2 import G2Points
from ._interim import msm, pairing_check  # replaced by msm.py / pairing.py as they land

__all__ = ["G1Points", "G2Points", "msm", "pairing_check"]
