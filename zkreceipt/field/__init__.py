"""Prime-field vectors for BN254's Fr and Fq, and the NTT over Fr.

``from zkreceipt.field import Fr, Fq, ntt, intt``; ``Fr.from_ints(seq)`` makes a
vector, ``v.to_ints()`` returns Python ints.
"""

from __future__ import annotations

from . import _numba_start  # noqa: F401  (first: numba starts without optional imports)
from .bn254 import FR_GENERATOR, Q_MODULUS, R_MODULUS
from .prime_field import FieldVector, PrimeField

Fr = PrimeField(R_MODULUS, "Fr")
Fq = PrimeField(Q_MODULUS, "Fq")

from .ntt import coset_intt, coset_ntt, intt, ntt, root_of_unity  # noqa: E402

__all__ = [
    "FR_GENERATOR",
    "FieldVector",
    "Fq",
    "Fr",
    "PrimeField",
    "coset_intt",
    "coset_ntt",
    "intt",
    "ntt",
    "root_of_unity",
]
