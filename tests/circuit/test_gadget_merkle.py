"""Poseidon Merkle trees: the native builder and paths, and the inclusion gadget (valid and forged)."""

from __future__ import annotations

import pytest
from circuit_helpers import assert_rejected, compile_adhoc, tampered

from zkreceipt.circuit import ConstraintViolation, ParameterError, PrivateInput, PublicInput, PublicOutput, R
from zkreceipt.circuit.gadgets import (
    MerkleTree,
    assert_merkle_inclusion,
    hash_pair,
    merkle_root,
    merkle_root_gadget,
    poseidon_hash,
)
from zkreceipt.errors import FieldError

LEAVES = [11, 22, 33, 44, 55]


def test_tree_root_is_built_from_poseidon_pairs_with_zero_padding() -> None:
    tree = MerkleTree(LEAVES)
    assert tree.depth == 3
    h = hash_pair
    level1 = [h(11, 22), h(33, 44), h(55, 0), h(0, 0)]
    assert tree.root == h(h(level1[0], level1[1]), h(level1[2], level1[3]))
    assert hash_pair(1, 2) == poseidon_hash([1, 2])
    assert MerkleTree([7]).root == h(7, 0)
    assert (tree.leaf(4), tree.leaf(6)) == (55, 0)


def test_every_path_leads_to_the_root() -> None:
    tree = MerkleTree(LEAVES, depth=4)
    for index in range(1 << tree.depth):
        path = tree.path(index)
        assert path.index_bits == tuple((index >> k) & 1 for k in range(4))
        assert merkle_root(tree.leaf(index), path.siblings, path.index_bits) == tree.root
    path = tree.path(2)
    assert merkle_root(34, path.siblings, path.index_bits) != tree.root
    assert merkle_root(33, path.siblings, (1, 1, 0, 0)) != tree.root


def test_deep_sparse_trees_stay_cheap() -> None:
    tree = MerkleTree([1, 2, 3], depth=40)
    path = tree.path(2)
    assert len(path.siblings) == 40
    assert merkle_root(3, path.siblings, path.index_bits) == tree.root


def test_native_errors() -> None:
    with pytest.raises(ParameterError, match="needs at least one leaf"):
        MerkleTree([])
    with pytest.raises(ParameterError, match="5 leaves do not fit in a tree of depth 2"):
        MerkleTree(LEAVES, depth=2)
    with pytest.raises(ParameterError, match="depth must be an int in \\[1, 64\\]"):
        MerkleTree(LEAVES, depth=65)
    with pytest.raises(FieldError, match="leaf 1"):
        MerkleTree([1, R])
    with pytest.raises(ParameterError, match="leaf index 8 is outside"):
        MerkleTree(LEAVES).path(8)
    with pytest.raises(ParameterError, match="2 siblings but 1 index bits"):
        merkle_root(1, [2, 3], [0])
    with pytest.raises(ParameterError, match="index bit 0 = 2"):
        merkle_root(1, [2], [2])
    with pytest.raises(FieldError, match="sibling 0"):
        merkle_root(1, [R], [0])


DEPTH = 3


def inclusion_circuit():
    def define(self, api):
        assert_merkle_inclusion(api, self.leaf, self.siblings, self.index_bits, self.root)

    return compile_adhoc(
        define,
        root=PublicInput(),
        leaf=PrivateInput(),
        siblings=PrivateInput(count=DEPTH),
        index_bits=PrivateInput(count=DEPTH),
    )


@pytest.fixture(scope="module")
def inclusion():
    return inclusion_circuit()


def assignment(tree: MerkleTree, index: int, **overrides):
    path = tree.path(index)
    values = {
        "root": tree.root,
        "leaf": tree.leaf(index),
        "siblings": list(path.siblings),
        "index_bits": list(path.index_bits),
    }
    values.update(overrides)
    return values


def test_inclusion_cost(inclusion) -> None:
    assert inclusion.stats.n_constraints == DEPTH * (1 + 1 + 240) + 1


def test_valid_inclusion_proofs(inclusion) -> None:
    tree = MerkleTree(LEAVES, depth=DEPTH)
    for index in range(1 << DEPTH):
        inclusion.solve(assignment(tree, index))


@pytest.mark.parametrize(
    "forgery",
    [
        {"leaf": 12},
        {"siblings": [23, 0, 0]},
        {"index_bits": [1, 0, 0]},  # leaf 11 claimed at position 1
        {"root": 0},
    ],
    ids=["wrong leaf", "wrong sibling", "wrong position", "wrong root"],
)
def test_forged_inclusion_is_rejected(inclusion, forgery) -> None:
    tree = MerkleTree(LEAVES, depth=DEPTH)
    values = assignment(tree, 0)
    if "siblings" in forgery:
        forgery = {"siblings": [forgery["siblings"][0], *values["siblings"][1:]]}
    with pytest.raises(ConstraintViolation, match="assert_merkle_inclusion .* assert_equal 'root'"):
        inclusion.solve(assignment(tree, 0, **forgery))


def test_a_non_boolean_index_bit_is_rejected(inclusion) -> None:
    tree = MerkleTree(LEAVES, depth=DEPTH)
    with pytest.raises(ConstraintViolation, match="assert_bool 'index bit 1'"):
        inclusion.solve(assignment(tree, 0, index_bits=[0, 2, 0]))
    witness = inclusion.solve(assignment(tree, 3))
    swap_wire = inclusion.stats.n_wires - inclusion.stats.n_internal_wires  # first internal: level 0's swap
    assert_rejected(inclusion, tampered(witness, swap_wire, witness.values.to_ints()[swap_wire] + 1))


def test_root_gadget_matches_native() -> None:
    def define(self, api):
        api.set_output(self.root, merkle_root_gadget(api, self.leaf, self.siblings, self.index_bits))

    compiled = compile_adhoc(
        define,
        root=PublicOutput(),
        leaf=PrivateInput(),
        siblings=PrivateInput(count=2),
        index_bits=PrivateInput(count=2),
    )
    for leaf, siblings, bits in [(5, [6, 7], [0, 1]), (0, [0, 0], [1, 1]), (R - 1, [R - 2, 3], [1, 0])]:
        witness = compiled.solve({"leaf": leaf, "siblings": siblings, "index_bits": bits})
        assert witness.outputs["root"] == merkle_root(leaf, siblings, bits)
    with pytest.raises(ParameterError, match="2 siblings but 1 index bits"):
        compile_adhoc(lambda self, api: merkle_root_gadget(api, self.x, [self.x, self.x], [0]), x=PrivateInput())
