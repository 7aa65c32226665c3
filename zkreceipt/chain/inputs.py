"""What a receipt registry is generated from: one trusted key with its circuit identity, roots and bounds.

Everything comes from the verifier's trust profile (:mod:`zkreceipt.ledger.trust`), never from
a bundle. A registry serves exactly one circuit identity, so the meaning of every public signal
is fixed when the contract is generated: the positions below become constants of the Solidity
source, read from the trusted key's identity (``identity.public_signals``). For the receipt
circuit with a rate table of depth d and public fields F (in ``RECEIPT_FIELD_ORDER``)::

    index  0           1           2          3             4          5                6 …
    name   commitment  not_before  not_after  max_duration  gpu_count  rate_table_root  F…

The registry trusts a rate table through its root *at depth d*: the profile's tables of other
depths are left out (a root of the same table at another depth would let a proof of this
circuit treat an inner node of that tree as a leaf: the depth relabel of the verifier-trust
issue). Its policy bounds are the profile's :class:`~zkreceipt.ledger.trust.PolicyBounds`:
``not_before ≤ proven not_before``, ``proven not_after ≤ not_after``,
``proven max_duration ≤ max_duration`` and ``proven gpu_count ≤ max_gpu_count``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ZkReceiptError
from ..field import Fr
from ..groth16 import VerifyingKey
from ..ledger.identity import RECEIPT_FAMILY, CircuitIdentity
from ..ledger.trust import PolicyBounds, TrustedKey, TrustProfile

#: Public fields the registry records (and emits) when the circuit discloses them.
RECORDED_FIELDS = ("model", "price_fp")


class RegistryError(ZkReceiptError, ValueError):
    """A registry cannot be generated or used as asked; the message names the input at fault."""


def bounds_tuple(bounds: PolicyBounds) -> tuple[int, int, int, int]:
    """(not_before, not_after, max_duration, max_gpu_count): the constructor's and setPolicy's order."""
    return (bounds.not_before, bounds.not_after, bounds.max_duration, bounds.max_gpu_count)


@dataclass(frozen=True)
class SignalLayout:
    """Where each public signal sits: the registry's reading of a trusted receipt identity with a rate table.

    ``names``: the identity's public signals (snarkjs public.json order); RegistryError for a
    circuit a registry cannot serve (an invoice circuit, or a public rate: no root to pin).
    """

    identity: CircuitIdentity

    def __post_init__(self) -> None:
        disclosure = self.identity.disclosure
        if self.identity.family != RECEIPT_FAMILY or disclosure is None:
            raise RegistryError(f"circuit {self.identity.key}: a registry anchors receipts, not {self.identity.family}s")
        if not disclosure.uses_rate_table:
            raise RegistryError(
                f"circuit {self.identity.key}: a registry pins rate-table roots, so the public-rate binding is not supported"
            )

    @property
    def names(self) -> tuple[str, ...]:
        return self.identity.public_signals

    @property
    def rate_table_depth(self) -> int:
        return self.identity.disclosure.rate_table_depth  # type: ignore[union-attr,return-value]

    @property
    def recorded(self) -> tuple[str, ...]:
        """The disclosed fields the registry records, among ``RECORDED_FIELDS``."""
        return tuple(name for name in RECORDED_FIELDS if name in self.names)

    def index(self, name: str) -> int:
        return self.names.index(name)


@dataclass(frozen=True)
class RegistryInputs:
    """Everything a registry is generated from.

    ``key``: the trusted verification key and its circuit identity (its ``vk_id``, which commits
    to both, is written into the contract); ``rate_roots``: the trusted rate-table roots at the
    identity's depth (the constructor's list; the owner may add or retire roots later);
    ``bounds``: the initial policy bounds.
    """

    key: TrustedKey
    rate_roots: tuple[int, ...]
    bounds: PolicyBounds

    def __post_init__(self) -> None:
        if not isinstance(self.key, TrustedKey):
            raise RegistryError(f"key: expected a TrustedKey, got {type(self.key).__name__}")
        SignalLayout(self.key.identity)
        for root in self.rate_roots:
            if isinstance(root, bool) or not isinstance(root, int) or not 0 <= root < Fr.modulus:
                raise RegistryError(f"rate-table root {root!r:.80} is not an int in [0, r)")

    @property
    def vk(self) -> VerifyingKey:
        return self.key.vk

    @property
    def vk_id(self) -> str:
        return self.key.vk_id

    @property
    def circuit(self) -> str:
        """The identity's key string, e.g. ``receipt-v1;rate=table:4;public=model,price_fp``."""
        return self.key.identity.key

    @property
    def layout(self) -> SignalLayout:
        return SignalLayout(self.key.identity)


def registry_inputs_from_profile(profile: TrustProfile, vk_id: str, source: str = "trust profile") -> RegistryInputs:
    """Inputs from the verifier's trust ``profile`` for its key ``vk_id``; RegistryError naming ``source``.

    The profile's key gives the key and its identity; its rate tables at the identity's depth
    give the roots (tables of other depths are left out: see the module docstring; none at that
    depth is an error); its policy gives the bounds.
    """
    key = profile.keys.get(vk_id)
    if key is None:
        raise RegistryError(f"{source}: no trusted key {vk_id:.80}; trust it with `zkreceipt trust add-key`")
    try:
        layout = SignalLayout(key.identity)
    except RegistryError as error:
        raise RegistryError(f"{source}: key {vk_id}: {error}") from None
    depth = layout.rate_table_depth
    roots = tuple(sorted(root for root, table in profile.rate_tables.items() if table.depth == depth))
    if not roots:
        raise RegistryError(
            f"{source}: no rate table trusted at depth {depth} (the depth of {key.identity.key}); "
            f"add one with `zkreceipt trust add-rates FILE --depth {depth}`"
        )
    return RegistryInputs(key, roots, profile.policy)


def registry_key_ids(profile: TrustProfile) -> list[str]:
    """The ids of the profile's keys a registry can serve (receipt circuits with a rate table), sorted."""
    return sorted(vk_id for vk_id, key in profile.keys.items() if _serves(key.identity))


def _serves(identity: CircuitIdentity) -> bool:
    try:
        SignalLayout(identity)
    except RegistryError:
        return False
    return True
