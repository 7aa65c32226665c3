"""The rate table as a Poseidon Merkle tree: leaves, root, paths, limits."""

from __future__ import annotations

import pytest
from zkreceipt.circuits.errors import PolicyError
from zkreceipt.circuits.rate_table import RateTableTree, rate_leaf, rate_table_root, rate_table_tree

from zkreceipt.circuit.gadgets import MerkleTree, merkle_root, poseidon_hash
from zkreceipt.receipts import DEFAULT_RATE_TABLE, RateTable, UnknownModelError, text_to_field


def test_leaves_are_poseidon_of_model_and_rate_in_sorted_model_order() -> None:
    assert rate_leaf("llama3.2", 2_000_000) == poseidon_hash([text_to_field("llama3.2"), 2_000_000])
    leaves = [rate_leaf(model, DEFAULT_RATE_TABLE.rate_fp(model)) for model in sorted(DEFAULT_RATE_TABLE.models)]
    assert RateTableTree(DEFAULT_RATE_TABLE).root == MerkleTree(leaves, depth=4).root
    assert rate_table_root(DEFAULT_RATE_TABLE, 2) == MerkleTree(leaves, depth=2).root


def test_every_model_has_a_path_to_the_root() -> None:
    tree = RateTableTree(DEFAULT_RATE_TABLE, depth=3)
    for model in DEFAULT_RATE_TABLE.models:
        path = tree.path(model)
        assert path.rate_fp == DEFAULT_RATE_TABLE.rate_fp(model)
        assert len(path.siblings) == len(path.index_bits) == 3
        assert merkle_root(rate_leaf(model, path.rate_fp), path.siblings, path.index_bits) == tree.root
        assert merkle_root(rate_leaf(model, path.rate_fp + 1), path.siblings, path.index_bits) != tree.root


def test_unknown_models_and_limits() -> None:
    tree = RateTableTree(DEFAULT_RATE_TABLE)
    with pytest.raises(UnknownModelError, match="model: 'gpt-9' has no rate"):
        tree.path("gpt-9")
    with pytest.raises(PolicyError, match="rates: 4 models do not fit in a rate table of depth 1"):
        RateTableTree(DEFAULT_RATE_TABLE, depth=1)
    for depth in (0, 11):
        with pytest.raises(PolicyError, match=f"rate_table_depth: {depth} is outside \\[1, 10\\]"):
            RateTableTree(DEFAULT_RATE_TABLE, depth=depth)
    assert RateTableTree(RateTable({"only": 1}), depth=1).path("only").index_bits == (0,)


def test_trees_are_built_once_per_table_and_depth() -> None:
    tree = rate_table_tree(DEFAULT_RATE_TABLE, 3)
    assert rate_table_tree(RateTable(dict(DEFAULT_RATE_TABLE.rates_fp)), 3) is tree  # equal table, same tree
    assert tree.root == RateTableTree(DEFAULT_RATE_TABLE, 3).root
    assert rate_table_tree(DEFAULT_RATE_TABLE, 4) is not tree
    changed = RateTable({**DEFAULT_RATE_TABLE.rates_fp, "llama3.2": 2_000_001})
    assert rate_table_tree(changed, 3).root != tree.root
    for bad_depth in (True, 0, 11):
        with pytest.raises(PolicyError, match="rate_table_depth"):
            rate_table_tree(DEFAULT_RATE_TABLE, bad_depth)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="must be a RateTable"):
        rate_table_tree({"llama3.2": 1}, 3)  # type: ignore[arg-type]
