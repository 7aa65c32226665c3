"""Poseidon Merkle-path inclusion: the root of a leaf along a path, as constraints.

Strategy, per level k with node n, sibling s and index bit b (b = 1: n is the
right child): constrain b boolean (1 constraint, none if b is already known to
be a bit), d = b·(s − n) (1 constraint), left = n + d and right = s − d (free),
then n' = Poseidon(left, right) (240 constraints).
Cost: 242 constraints per level (241 with known bits); ``assert_merkle_inclusion``
adds 1 for root equality. The native twin is ``merkle_native.merkle_root``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..api import CircuitAPI
from ..errors import ParameterError
from ..naming import gadget
from ..variable import Variable, VariableLike, as_variable
from .poseidon import poseidon_gadget


@gadget
def merkle_root_gadget(
    api: CircuitAPI, leaf: VariableLike, siblings: Sequence[VariableLike], index_bits: Sequence[VariableLike]
) -> Variable:
    """The root reached from ``leaf`` with ``siblings`` and little-endian ``index_bits`` (same length)."""
    if len(siblings) != len(index_bits):
        raise ParameterError(f"merkle_root_gadget: {len(siblings)} siblings but {len(index_bits)} index bits")
    node = as_variable(leaf, "merkle leaf")
    for level, (sibling, bit) in enumerate(zip(siblings, index_bits, strict=True)):
        sibling, bit = as_variable(sibling, "merkle sibling"), as_variable(bit, "merkle index bit")
        api.assert_bool(bit, label=f"index bit {level}")
        swap = api.mul(bit, sibling - node, label=f"swap {level}")
        node = poseidon_gadget(api, [node + swap, sibling - swap])
    return node


@gadget
def assert_merkle_inclusion(
    api: CircuitAPI,
    leaf: VariableLike,
    siblings: Sequence[VariableLike],
    index_bits: Sequence[VariableLike],
    root: VariableLike,
) -> None:
    """Prove ``leaf`` is in the tree with root ``root`` at the position ``index_bits`` gives."""
    api.assert_equal(merkle_root_gadget(api, leaf, siblings, index_bits), root, label="root")
