"""Call data for ``anchor`` and ``anchorMany``, and the checks that catch a bundle the registry would refuse.

``anchor(uint256[8] proof, uint256[n] publicSignals)``: the selector, then the proof's eight
words in EVM order (A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y, as
:func:`zkreceipt.formats.solidity.solidity_call_arguments` lays them out) and the n signals:
the same words as ``verifyProof``'s. ``anchorMany(uint256[8][] proofs, uint256[n][]
publicSignals)``: two dynamic arrays of those rows.

The registry reads signal i as its own layout says, whatever a bundle's JSON calls it; so
before writing call data :func:`anchor_problems` compares a bundle with the deployment: its
key id and the circuit it claims (a relabelled bundle claims a circuit the registry does not
serve), its rate-table root and its policy against what the registry started with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..formats.solidity import solidity_call_arguments
from ..groth16 import Proof
from ..ledger.bundle_format import ProofBundle
from ..ledger.identity import CircuitIdentity
from .abi import call_data
from .deployment import RegistryDeployment
from .inputs import RegistryError
from .registry import PROOF_WORDS


@dataclass(frozen=True)
class AnchorItem:
    """One receipt to anchor: its proof as eight EVM words, its public signals (each < r)."""

    proof_words: tuple[int, ...]
    public_signals: tuple[int, ...]

    @classmethod
    def of(cls, proof: Proof, public_signals: Sequence[int]) -> AnchorItem:
        """ProofError if the proof is malformed or a signal is not in [0, r)."""
        arguments = solidity_call_arguments(proof, public_signals)
        words = arguments.words()
        return cls(tuple(words[:PROOF_WORDS]), tuple(arguments.inputs))


def anchor_signature(n_signals: int) -> str:
    return f"anchor(uint256[{PROOF_WORDS}],uint256[{n_signals}])"


def anchor_many_signature(n_signals: int) -> str:
    return f"anchorMany(uint256[{PROOF_WORDS}][],uint256[{n_signals}][])"


def anchor_calldata(item: AnchorItem) -> bytes:
    """``anchor`` call data for one receipt."""
    return call_data(anchor_signature(len(item.public_signals)), [item.proof_words, item.public_signals])


def anchor_many_calldata(items: Sequence[AnchorItem]) -> bytes:
    """``anchorMany`` call data for one or more receipts (all with the same number of signals)."""
    if not items:
        raise RegistryError("anchorMany call data: no receipt given")
    counts = {len(item.public_signals) for item in items}
    if len(counts) != 1:
        raise RegistryError(f"anchorMany call data: the receipts have {sorted(counts)} public signals; give one kind")
    (n,) = counts
    return call_data(anchor_many_signature(n), [[i.proof_words for i in items], [i.public_signals for i in items]])


def anchor_problems(
    deployment: RegistryDeployment, vk_id: str, circuit: CircuitIdentity, signals: Sequence[int]
) -> list[str]:
    """Why the registry described by ``deployment`` would refuse (or misread) this proof; [] if it fits.

    Checks the key id, that the claimed ``circuit`` is the registry's, the rate-table root and
    the policy bounds; the proof itself is left to the contract.
    """
    layout = deployment.layout
    problems = []
    if vk_id != deployment.vk_id:
        problems.append(f"made for verification key {vk_id}, the registry's is {deployment.vk_id}")
    if circuit != deployment.identity or len(signals) != len(layout.names):
        return [*problems, f"claims the circuit {circuit.key}, but the registry serves {deployment.circuit}"]
    values = dict(zip(layout.names, signals, strict=True))
    if values["rate_table_root"] not in deployment.rate_roots:
        problems.append(f"rate-table root {values['rate_table_root']} is not one the registry trusts")
    problems += [f"registry: {problem}" for problem in deployment.bounds.problems(values)]
    return problems


def bundle_anchor(bundle: ProofBundle) -> tuple[AnchorItem, str, CircuitIdentity]:
    """A receipt proof bundle as (item, the key id it names, the circuit it claims)."""
    return AnchorItem.of(bundle.proof, bundle.public_signals), bundle.vk_id, bundle.identity
