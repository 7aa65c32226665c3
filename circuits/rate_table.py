"""The rate table as a Poseidon Merkle tree, for the receipt circuit's ``RATE_TABLE`` binding.

Leaf of a model: ``Poseidon(text_to_field(model), rate_fp)`` (circomlib's
Poseidon(2); the model element is the one the receipt commitment uses).
Leaves are placed in the table's sorted model order and the tree is padded
with zero leaves to 2^depth (see ``zkreceipt.circuit.gadgets.MerkleTree``). A
zero leaf cannot be proven as a model's leaf: that would need a Poseidon
preimage of 0. The root is the public input ``rate_table_root``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from zkreceipt.circuits.errors import PolicyError, require_int_in_range
from zkreceipt.circuits.receipt_policy import DEFAULT_RATE_TABLE_DEPTH, MAX_RATE_TABLE_DEPTH

from zkreceipt.circuit.gadgets import MerkleTree, poseidon_hash
from zkreceipt.receipts import RateTable, text_to_field


def rate_leaf(model: str, rate_fp: int) -> int:
    """The rate-table leaf of ``model`` at ``rate_fp`` micro-tokens per unit."""
    return poseidon_hash([text_to_field(model), rate_fp])


@dataclass(frozen=True)
class RateTablePath:
    """What the circuit needs to prove a model's rate: the rate and the leaf's Merkle path."""

    model: str
    rate_fp: int
    leaf_index: int
    siblings: tuple[int, ...]
    index_bits: tuple[int, ...]


class RateTableTree:
    """The Merkle tree of a :class:`RateTable` at a fixed depth (1..10)."""

    def __init__(self, rates: RateTable, depth: int = DEFAULT_RATE_TABLE_DEPTH) -> None:
        if not isinstance(rates, RateTable):
            raise PolicyError("rates", f"must be a RateTable, got {type(rates).__name__}")
        require_int_in_range("rate_table_depth", depth, 1, MAX_RATE_TABLE_DEPTH)
        if len(rates.models) > 1 << depth:
            raise PolicyError(
                "rates",
                f"{len(rates.models)} models do not fit in a rate table of depth {depth} (at most {1 << depth})",
            )
        self.rates = rates
        self.depth = depth
        self._index = {model: index for index, model in enumerate(rates.models)}
        self._tree = MerkleTree([rate_leaf(model, rates.rate_fp(model)) for model in rates.models], depth)

    @property
    def root(self) -> int:
        """The public ``rate_table_root``."""
        return self._tree.root

    def path(self, model: str) -> RateTablePath:
        """The rate and inclusion path of ``model``; UnknownModelError if the table has no rate for it."""
        rate_fp = self.rates.rate_fp(model)
        merkle_path = self._tree.path(self._index[model])
        return RateTablePath(model, rate_fp, merkle_path.leaf_index, merkle_path.siblings, merkle_path.index_bits)


@lru_cache(maxsize=16)
def _tree_of(rates_fp: tuple[tuple[str, int], ...], depth: int) -> RateTableTree:
    return RateTableTree(RateTable(dict(rates_fp)), depth)


def rate_table_tree(rates: RateTable, depth: int = DEFAULT_RATE_TABLE_DEPTH) -> RateTableTree:
    """The tree of ``rates`` at ``depth``, built once per distinct table and depth.

    A batch of receipts shares one rate table, and building its tree costs about as much
    Poseidon hashing as the rest of a receipt's statement, so the trees are memoized.
    """
    if not isinstance(rates, RateTable):
        raise PolicyError("rates", f"must be a RateTable, got {type(rates).__name__}")
    # Checked here, not only inside the cached call: True == 1 would otherwise hit depth 1's entry.
    require_int_in_range("rate_table_depth", depth, 1, MAX_RATE_TABLE_DEPTH)
    return _tree_of(tuple(rates.rates_fp.items()), depth)


def rate_table_root(rates: RateTable, depth: int = DEFAULT_RATE_TABLE_DEPTH) -> int:
    """The root of ``rates`` at ``depth`` (what a verifier compares with the public ``rate_table_root``)."""
    return rate_table_tree(rates, depth).root
