"""Gadgets: reusable pieces of circuits, each a function ``f(api, ...)``.

Each module states its strategy and constraint cost. Native twins (plain
Python ints) sit beside them: ``poseidon_hash``, ``merkle_root``,
``MerkleTree``, ``fixed_mul_native``.
"""

from __future__ import annotations

from .bits import MAX_RANGE_BITS, assert_range, from_bits, to_bits
from .compare import (
    MAX_COMPARE_BITS,
    assert_less_or_equal,
    assert_less_than,
    greater_or_equal,
    greater_than,
    less_or_equal,
    less_than,
)
from .equality import is_equal, is_zero
from .fixed_point import (
    FixedMulBounds,
    FixedMulResult,
    QuotientRemainder,
    assert_below_constant,
    fixed_mul,
    fixed_mul_bounds,
    fixed_mul_native,
)
from .merkle import assert_merkle_inclusion, merkle_root_gadget
from .merkle_native import MerklePath, MerkleTree, hash_pair, merkle_root
from .poseidon import poseidon_gadget
from .poseidon_constants import MAX_INPUTS as POSEIDON_MAX_INPUTS
from .poseidon_constants import PoseidonParameters, poseidon_parameters
from .poseidon_native import poseidon_hash
from .select import select

__all__ = [
    "MAX_COMPARE_BITS",
    "MAX_RANGE_BITS",
    "POSEIDON_MAX_INPUTS",
    "FixedMulBounds",
    "FixedMulResult",
    "MerklePath",
    "MerkleTree",
    "PoseidonParameters",
    "QuotientRemainder",
    "assert_below_constant",
    "assert_less_or_equal",
    "assert_less_than",
    "assert_merkle_inclusion",
    "assert_range",
    "fixed_mul",
    "fixed_mul_bounds",
    "fixed_mul_native",
    "from_bits",
    "greater_or_equal",
    "greater_than",
    "hash_pair",
    "is_equal",
    "is_zero",
    "less_or_equal",
    "less_than",
    "merkle_root",
    "merkle_root_gadget",
    "poseidon_gadget",
    "poseidon_hash",
    "poseidon_parameters",
    "select",
    "to_bits",
]
