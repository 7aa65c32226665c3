"""BN254 curves on the compiled field core: G1/G2 point vectors, MSM, pairing.

``G1Points`` / ``G2Points`` are affine point vectors ((n, 2, 4) / (n, 2, 2, 4)
uint64, Montgomery Fq; infinity stored as zeros). ``msm(points, scalars)`` is a
multi-scalar multiplication and ``msm_many`` runs K of them over shared bases;
``pairing_check(g1, g2)`` tests Π e(P_i, Q_i) = 1 with one final exponentiation (the pairing value itself: ``zkreceipt.curve.pairing.pairing``).
"""

from __future__ import annotations

from .fixed_base import FixedBaseTable
from .g1 import G1Points
from .g2 import G2Points
from . import subgroup_cache
from .pippenger import msm, msm_many

_PAIRING_NAMES = ("PreparedG2", "pairing_check", "pairing_checks", "prepare_g2")


def __getattr__(name: str) -> object:
    """The pairing's names, imported on first use: a prover never loads the pairing's modules."""
    if name in _PAIRING_NAMES:
        from . import pairing

        return getattr(pairing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FixedBaseTable",
    "G1Points",
    "G2Points",
    "PreparedG2",
    "msm",
    "msm_many",
    "pairing_check",
    "pairing_checks",
    "prepare_g2",
]
