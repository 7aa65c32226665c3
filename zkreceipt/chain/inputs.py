"""What a receipt registry is generated from: one trusted key, its circuit identity, roots and bounds.

A registry serves exactly one circuit identity, so the meaning of every public signal is fixed
when the contract is generated: the positions below become constants of the Solidity source,
derived from the trusted key's identity, never from a caller or a bundle. For the receipt
circuit with a rate table of depth d and public fields F (in ``RECEIPT_FIELD_ORDER``)::

    index  0           1           2          3             4          5                6 …
    name   commitment  not_before  not_after  max_duration  gpu_count  rate_table_root  F…

The registry trusts a rate table through its root *at depth d* (a root of the same table at
another depth would let a proof of this circuit treat an inner node of that tree as a leaf:
the depth relabel of the verifier-trust issue), and policy bounds
``not_before ≤ proven not_before``, ``proven not_after ≤ not_after``,
``proven max_duration ≤ max_duration`` and ``proven gpu_count ≤ max_gpu_count``.

Two ways to make a :class:`RegistryInputs`: :func:`registry_inputs` from explicit parts (the
CLI's path today) and :func:`registry_inputs_from_profile` from a verifier trust profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..circuits.rate_table import rate_table_root
from ..circuits.receipt_policy import POLICY_INPUT_NAMES, GPU_COUNT_BITS, RateBinding, ReceiptDisclosure
from ..errors import ZkReceiptError
from ..field import Fr
from ..groth16 import VerifyingKey
from ..ledger.bundles import expected_signal_names
from ..receipts import RECEIPT_FIELD_ORDER, RateTable
from ..receipts.fixed_point import TIMESTAMP_BITS

#: Public fields the registry records (and emits) when the circuit discloses them.
RECORDED_FIELDS = ("model", "price_fp")
_VK_ID_LENGTH = 64


class RegistryError(ZkReceiptError, ValueError):
    """A registry cannot be generated or used as asked; the message names the input at fault."""


@dataclass(frozen=True)
class RegistryBounds:
    """The policy bounds a registry holds (changeable by its owner): timestamps and durations < 2^40."""

    not_before: int
    not_after: int
    max_duration: int
    max_gpu_count: int

    def __post_init__(self) -> None:
        for name, bits in (
            ("not_before", TIMESTAMP_BITS),
            ("not_after", TIMESTAMP_BITS),
            ("max_duration", TIMESTAMP_BITS),
            ("max_gpu_count", GPU_COUNT_BITS),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << bits:
                raise RegistryError(f"policy bound {name} = {value!r} is not an int in [0, 2^{bits})")
        if self.not_after < self.not_before:
            raise RegistryError(f"policy bound not_after = {self.not_after} is before not_before = {self.not_before}")

    def as_tuple(self) -> tuple[int, int, int, int]:
        """(not_before, not_after, max_duration, max_gpu_count): the constructor's and setPolicy's order."""
        return (self.not_before, self.not_after, self.max_duration, self.max_gpu_count)


@dataclass(frozen=True)
class SignalLayout:
    """Where each public signal sits: the registry's reading of ``names`` (snarkjs public.json order)."""

    names: tuple[str, ...]
    rate_table_depth: int

    @property
    def disclosure(self) -> ReceiptDisclosure:
        return ReceiptDisclosure(self.names[6:], RateBinding.RATE_TABLE, self.rate_table_depth)

    @property
    def recorded(self) -> tuple[str, ...]:
        """The disclosed fields the registry records, among ``RECORDED_FIELDS``."""
        return tuple(name for name in RECORDED_FIELDS if name in self.names)

    def index(self, name: str) -> int:
        return self.names.index(name)


def signal_layout(names: Iterable[str], rate_table_depth: int) -> SignalLayout:
    """The layout of a receipt circuit with a rate table; RegistryError for any other layout."""
    names = tuple(names)
    try:
        disclosure = ReceiptDisclosure(
            tuple(name for name in names[6:] if name in RECEIPT_FIELD_ORDER), RateBinding.RATE_TABLE, rate_table_depth
        )
    except ZkReceiptError as error:
        raise RegistryError(f"circuit identity: {error}") from None
    expected = expected_signal_names(disclosure)
    if names != expected:
        raise RegistryError(
            f"circuit identity: public signals {list(names)} are not the layout of a receipt circuit with a rate "
            f"table ({', '.join(('commitment', *POLICY_INPUT_NAMES, 'rate_table_root'))}, then public fields); "
            "a registry pins rate-table roots, so the public-rate binding is not supported"
        )
    return SignalLayout(names, rate_table_depth)


@dataclass(frozen=True)
class RegistryInputs:
    """Everything a registry is generated from.

    ``vk``: the trusted verification key; ``vk_id``: its id (64 hex), written into the
    contract; ``circuit``: the identity's key string (for example
    ``receipt-v1;rate=table:4;public=model,price_fp``); ``layout``: the public signals of that
    identity; ``rate_roots``: the trusted rate-table roots at the layout's depth (the
    constructor's list; the owner may add or retire roots later); ``bounds``: the initial
    policy bounds.
    """

    vk: VerifyingKey
    vk_id: str
    circuit: str
    layout: SignalLayout
    rate_roots: tuple[int, ...]
    bounds: RegistryBounds

    def __post_init__(self) -> None:
        if not isinstance(self.vk, VerifyingKey):
            raise RegistryError(f"verification key: expected a VerifyingKey, got {type(self.vk).__name__}")
        if self.vk.n_public != len(self.layout.names):
            raise RegistryError(
                f"verification key: {self.vk.n_public} public signals, but the circuit identity "
                f"{self.circuit} has {len(self.layout.names)}"
            )
        check_identity_names(self.vk_id, self.circuit)
        for root in self.rate_roots:
            if isinstance(root, bool) or not isinstance(root, int) or not 0 <= root < Fr.modulus:
                raise RegistryError(f"rate-table root {root!r:.80} is not an int in [0, r)")


def registry_inputs(
    vk: VerifyingKey,
    vk_id: str,
    disclosure: ReceiptDisclosure,
    rate_tables: Iterable[RateTable],
    bounds: RegistryBounds,
) -> RegistryInputs:
    """Inputs from explicit parts: the key, its id, its circuit's disclosure, the trusted tables, the bounds."""
    if not isinstance(disclosure, ReceiptDisclosure) or not disclosure.uses_rate_table:
        raise RegistryError("disclosure: a registry pins rate-table roots; the circuit must use the rate_table binding")
    depth = disclosure.rate_table_depth or 0
    roots = tuple(dict.fromkeys(rate_table_root(table, depth) for table in rate_tables))
    return RegistryInputs(vk, vk_id, disclosure.key, signal_layout(expected_signal_names(disclosure), depth), roots, bounds)


def registry_inputs_from_profile(profile: Any, vk_id: str) -> RegistryInputs:
    """Inputs from a verifier trust profile (``zkreceipt.ledger.trust.TrustProfile``) for its key ``vk_id``.

    The profile's key gives the key and its identity; its rate tables at the identity's depth
    give the roots (tables of other depths are left out: see the module docstring); its policy
    gives the bounds.
    """
    trusted = profile.keys.get(vk_id)
    if trusted is None:
        raise RegistryError(f"trust profile: no trusted key {vk_id}")
    identity = trusted.identity
    if identity.family != "receipt":
        raise RegistryError(f"trust profile: key {vk_id} is for the {identity.family} circuit, not a receipt circuit")
    depth = identity.disclosure.rate_table_depth
    if depth is None:
        raise RegistryError(f"trust profile: key {vk_id} has no rate table; a registry pins rate-table roots")
    policy = profile.policy
    return RegistryInputs(
        vk=trusted.vk,
        vk_id=vk_id,
        circuit=identity.key,
        layout=signal_layout(identity.public_signals, depth),
        rate_roots=tuple(sorted(root for root, table in profile.rate_tables.items() if table.depth == depth)),
        bounds=RegistryBounds(policy.not_before, policy.not_after, policy.max_duration, policy.max_gpu_count),
    )


def check_identity_names(vk_id: str, circuit: str) -> None:
    """RegistryError unless ``vk_id`` is 64 lowercase hex and ``circuit`` fits a plain Solidity string."""
    if not isinstance(vk_id, str) or len(vk_id) != _VK_ID_LENGTH or not all(c in "0123456789abcdef" for c in vk_id):
        raise RegistryError(f"vk_id {vk_id!r:.80} is not 64 lowercase hex characters")
    if not isinstance(circuit, str) or not circuit.isprintable() or '"' in circuit or "\\" in circuit:
        raise RegistryError(f"circuit {circuit!r:.80} has characters a Solidity string cannot hold plainly")
