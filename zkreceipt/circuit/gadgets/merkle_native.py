"""Binary Poseidon Merkle trees on Python ints: roots, paths, and a small tree builder.

A parent is ``poseidon_hash([left, right])``. A path lists the siblings from the
leaf level up with the leaf index's bits, little-endian: bit k = 1 when the
node at level k is a right child. Trees are padded with zero leaves to 2^depth;
empty subtrees are never materialized (their roots are precomputed per level),
so a deep tree over few leaves stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...errors import FieldError
from ..errors import ParameterError
from ..variable import R
from .poseidon_native import poseidon_hash

MAX_DEPTH = 64
ZERO_LEAF = 0


@dataclass(frozen=True)
class MerklePath:
    """An inclusion path: ``siblings`` and ``index_bits`` (little-endian) from the leaf up."""

    leaf_index: int
    siblings: tuple[int, ...]
    index_bits: tuple[int, ...]


def hash_pair(left: int, right: int) -> int:
    """The parent of two nodes."""
    return poseidon_hash([left, right])


def _check_element(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < R:
        raise FieldError(f"{what} = {value!r:.80} is not an int in [0, r)")
    return value


def merkle_root(leaf: int, siblings: Sequence[int], index_bits: Sequence[int]) -> int:
    """The root reached from ``leaf`` along the path (the twin of ``merkle_root_gadget``)."""
    if len(siblings) != len(index_bits):
        raise ParameterError(f"merkle_root: {len(siblings)} siblings but {len(index_bits)} index bits")
    node = _check_element(leaf, "merkle_root: leaf")
    for level, (sibling, bit) in enumerate(zip(siblings, index_bits, strict=True)):
        sibling = _check_element(sibling, f"merkle_root: sibling {level}")
        if bit not in (0, 1) or isinstance(bit, bool):
            raise ParameterError(f"merkle_root: index bit {level} = {bit!r} is not 0 or 1")
        node = hash_pair(sibling, node) if bit else hash_pair(node, sibling)
    return node


class MerkleTree:
    """A Poseidon Merkle tree of depth ``depth`` over ``leaves`` (padded with zeros to 2^depth).

    ``depth`` defaults to the smallest that holds the leaves (at least 1).
    """

    def __init__(self, leaves: Sequence[int], depth: int | None = None) -> None:
        if not leaves:
            raise ParameterError("MerkleTree: needs at least one leaf")
        if depth is None:
            depth = max(1, (len(leaves) - 1).bit_length())
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
            raise ParameterError(f"MerkleTree: depth must be an int in [1, {MAX_DEPTH}], got {depth!r}")
        if len(leaves) > 1 << depth:
            raise ParameterError(f"MerkleTree: {len(leaves)} leaves do not fit in a tree of depth {depth}")
        level = [_check_element(leaf, f"MerkleTree: leaf {i}") for i, leaf in enumerate(leaves)]
        zero = ZERO_LEAF
        self._zeros = [zero]
        self._levels = [level]
        for _ in range(depth):
            if len(level) % 2:
                level = level + [zero]
            level = [hash_pair(level[i], level[i + 1]) for i in range(0, len(level), 2)]
            zero = hash_pair(zero, zero)
            self._levels.append(level)
            self._zeros.append(zero)
        self.depth = depth
        self.n_leaves = len(leaves)

    @property
    def root(self) -> int:
        return self._levels[-1][0]

    def path(self, leaf_index: int) -> MerklePath:
        """The inclusion path of leaf ``leaf_index`` (padding leaves included: index < 2^depth)."""
        if isinstance(leaf_index, bool) or not isinstance(leaf_index, int) or not 0 <= leaf_index < 1 << self.depth:
            raise ParameterError(f"MerkleTree.path: leaf index {leaf_index!r} is outside [0, 2^{self.depth})")
        siblings, bits = [], []
        position = leaf_index
        for level, nodes in enumerate(self._levels[:-1]):
            sibling = position ^ 1
            siblings.append(nodes[sibling] if sibling < len(nodes) else self._zeros[level])
            bits.append(position & 1)
            position >>= 1
        return MerklePath(leaf_index, tuple(siblings), tuple(bits))

    def leaf(self, leaf_index: int) -> int:
        """The leaf at ``leaf_index`` (0 for padding)."""
        leaves = self._levels[0]
        return leaves[leaf_index] if 0 <= leaf_index < len(leaves) else ZERO_LEAF
