"""The verifier's trust profile: the only source of what a bundle's proof is allowed to mean.

A bundle is an untrusted document. A verifier accepts it only through what it
already trusts, kept in one self-contained JSON file (default
``$ZKRECEIPT_HOME/trust.json``, written atomically)::

    {
      "format": "zkreceipt-trust-profile", "version": 1,
      "keys": [{"vk_id": "<64 hex>", "identity": {…circuit identity…}, "verification_key": {…snarkjs…}}],
      "rate_tables": [{"root": "<decimal>", "depth": 4, "rates": {"llama3.2": "2.000000", …}}],
      "policy": {"not_before": 1735689600, "not_after": 1924991999, "max_duration": 86400, "max_gpu_count": 8},
      "invoice_policy": {"gas_prices": [{"step_gas_price_fp": 150, "byte_gas_price_fp": 2}],
                         "max_memory_limit": 4294967296},
      "receipt_signers": [{"key_id": "<16 hex>", "public_key": "<64 hex>"}],
      "invoice_signers": ["0x…"]
    }

- ``keys``: verification keys with their circuit identities; ``vk_id`` must be
  :func:`verification_key_id` of the two (checked on load). A key with the point
  at infinity for α, β, γ, δ or an IC point is refused (with γ = δ = O a forged
  proof verifies for any public signals).
- ``rate_tables``: each a table *at a depth*; ``root`` is checked on load. A
  rate-table root proves something only at the depth it was trusted for.
- ``policy``: a proven window must lie inside [not_before, not_after]; the
  proven max_duration and gpu_count must not exceed the bounds.
- ``invoice_policy``: accepted (step, byte) gas-price pairs in nano-tokens; the
  largest accepted peak-memory limit in bytes.
- ``receipt_signers``: Ed25519 public keys of providers; ``invoice_signers``:
  secp256k1 addresses of accounting keys (EIP-55).

Defaults (:func:`default_trust_profile`, written by the first ``zkreceipt
setup``): the built-in rate table at depth 4, the window 2025-01-01 00:00:00 UTC …
2030-12-31 23:59:59 UTC, max_duration one day, at most 8 GPUs, the example
invoice's gas prices (150 and 2 nano-tokens) and a 4 GiB memory limit; no keys
and no signers.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..circuits.errors import PolicyError, require_bounded_int
from ..circuits.rate_table import rate_table_root
from ..circuits.receipt_policy import DEFAULT_RATE_TABLE_DEPTH, GPU_COUNT_BITS
from ..errors import FileAccessError, FormatError, ZkReceiptError
from ..fileio import write_file_atomically
from ..formats.snarkjs_json import read_json, verification_key_from_json
from ..groth16 import VerifyingKey
from ..receipts import DEFAULT_RATE_TABLE, Keyring, RateTable, as_verify_key, ed25519_key_id, parse_rate_table
from ..receipts.fixed_point import GAS_PRICE_BITS, MEMORY_BITS, TIMESTAMP_BITS
from ..receipts.secp256k1_keys import normalize_address
from .home import private_directory, zkreceipt_home
from .identity import CircuitIdentity, check_key_fits, verification_key_id

TRUST_FILE_NAME = "trust.json"
PROFILE_FORMAT = "zkreceipt-trust-profile"
PROFILE_VERSION = 1


class TrustProfileError(FormatError):
    """A trust profile is unreadable or malformed, or an entry is refused; the message names the file and field."""


class TrustProfileMissing(ZkReceiptError):
    """There is no trust profile where one was looked for; the message says how to create one."""


def reject_degenerate_key(vk: VerifyingKey, source: str = "verification key") -> None:
    """TrustProfileError if α, β, γ, δ or an IC point is the point at infinity."""
    named = {
        "vk_alpha_1": vk.alpha_g1,
        "vk_beta_2": vk.beta_g2,
        "vk_gamma_2": vk.gamma_g2,
        "vk_delta_2": vk.delta_g2,
    }
    for name, point in named.items():
        if point.is_infinity().any():
            raise TrustProfileError(f"{source}: {name} is the point at infinity (a degenerate key proves anything)")
    for index, at_infinity in enumerate(vk.gamma_abc_g1.is_infinity()):
        if at_infinity:
            raise TrustProfileError(f"{source}: IC[{index}] is the point at infinity")


@dataclass(frozen=True)
class TrustedKey:
    """A verification key the verifier accepts, and the circuit it accepts it for."""

    vk: VerifyingKey = field(repr=False, compare=False)  # compared through vk_id, which commits to it
    identity: CircuitIdentity
    vk_id: str = field(init=False)

    def __post_init__(self) -> None:
        check_key_fits(self.vk, self.identity)
        reject_degenerate_key(self.vk)
        object.__setattr__(self, "vk_id", verification_key_id(self.vk, self.identity))


@dataclass(frozen=True)
class TrustedRateTable:
    """A rate table trusted at one Merkle depth (its root at that depth is what a proof may name)."""

    depth: int
    rates: RateTable
    root: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", rate_table_root(self.rates, self.depth))


@dataclass(frozen=True)
class PolicyBounds:
    """The receipt policies a verifier accepts: window inside [not_before, not_after], duration and GPUs at most."""

    not_before: int
    not_after: int
    max_duration: int
    max_gpu_count: int

    def __post_init__(self) -> None:
        for name in ("not_before", "not_after", "max_duration"):
            require_bounded_int(name, getattr(self, name), TIMESTAMP_BITS)
        require_bounded_int("max_gpu_count", self.max_gpu_count, GPU_COUNT_BITS, minimum=1)
        if self.not_after < self.not_before:
            raise PolicyError("not_after", f"{self.not_after} is before not_before {self.not_before}")

    def problems(self, proven: Mapping[str, int]) -> list[str]:
        """Why a proven policy (``not_before, not_after, max_duration, gpu_count``) is outside these bounds."""
        found = []
        if proven["not_before"] < self.not_before or proven["not_after"] > self.not_after:
            found.append(
                f"the proven window [{proven['not_before']}, {proven['not_after']}] is not inside the trusted "
                f"window [{self.not_before}, {self.not_after}]"
            )
        if proven["max_duration"] > self.max_duration:
            found.append(f"the proven max_duration {proven['max_duration']} s exceeds the trusted {self.max_duration} s")
        if proven["gpu_count"] > self.max_gpu_count:
            found.append(f"the proven gpu_count {proven['gpu_count']} exceeds the trusted {self.max_gpu_count}")
        return found


@dataclass(frozen=True, order=True)
class GasPrices:
    """An accepted pair of invoice gas prices in nano-tokens per step and per byte."""

    step_gas_price_fp: int
    byte_gas_price_fp: int

    def __post_init__(self) -> None:
        require_bounded_int("step_gas_price_fp", self.step_gas_price_fp, GAS_PRICE_BITS)
        require_bounded_int("byte_gas_price_fp", self.byte_gas_price_fp, GAS_PRICE_BITS)


@dataclass(frozen=True)
class InvoicePolicyBounds:
    """The invoice policies a verifier accepts: one of the gas-price pairs, a memory limit at most ``max_memory_limit``."""

    gas_prices: frozenset[GasPrices]
    max_memory_limit: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "gas_prices", frozenset(self.gas_prices))
        require_bounded_int("max_memory_limit", self.max_memory_limit, MEMORY_BITS)

    def problems(self, proven: Mapping[str, int]) -> list[str]:
        """Why proven gas prices (and ``memory_limit``, if present) are outside these bounds."""
        found = []
        prices = GasPrices(proven["step_gas_price_fp"], proven["byte_gas_price_fp"])
        if prices not in self.gas_prices:
            found.append(
                f"the gas prices (step {prices.step_gas_price_fp}, byte {prices.byte_gas_price_fp} nano-tokens) "
                "are not trusted gas prices"
            )
        if "memory_limit" in proven and proven["memory_limit"] > self.max_memory_limit:
            found.append(
                f"the proven memory_limit {proven['memory_limit']} bytes exceeds the trusted {self.max_memory_limit}"
            )
        return found


DEFAULT_POLICY_BOUNDS = PolicyBounds(
    not_before=1735689600,  # 2025-01-01 00:00:00 UTC
    not_after=1924991999,  # 2030-12-31 23:59:59 UTC
    max_duration=86400,  # one day
    max_gpu_count=8,
)
DEFAULT_INVOICE_POLICY = InvoicePolicyBounds(frozenset({GasPrices(150, 2)}), max_memory_limit=1 << 32)


def _frozen(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class TrustProfile:
    """What one verifier accepts (see the module docstring); edit with the ``with_…`` methods (new profiles)."""

    keys: Mapping[str, TrustedKey] = field(default_factory=dict)
    rate_tables: Mapping[int, TrustedRateTable] = field(default_factory=dict)
    policy: PolicyBounds = DEFAULT_POLICY_BOUNDS
    invoice_policy: InvoicePolicyBounds = DEFAULT_INVOICE_POLICY
    receipt_signers: Mapping[str, str] = field(default_factory=dict)
    invoice_signers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("keys", "rate_tables", "receipt_signers"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "invoice_signers", frozenset(self.invoice_signers))

    def with_key(self, vk: VerifyingKey, identity: CircuitIdentity) -> TrustProfile:
        """Also trust ``vk`` for the circuit ``identity`` (TrustProfileError if it is degenerate or does not fit)."""
        key = TrustedKey(vk, identity)
        return replace(self, keys={**self.keys, key.vk_id: key})

    def with_rate_table(self, rates: RateTable, depth: int = DEFAULT_RATE_TABLE_DEPTH) -> TrustProfile:
        """Also trust ``rates`` at Merkle ``depth``."""
        table = TrustedRateTable(depth, rates)
        return replace(self, rate_tables={**self.rate_tables, table.root: table})

    def with_receipt_signer(self, public_key: str | bytes) -> TrustProfile:
        """Also trust the Ed25519 ``public_key`` (64 hex or 32 bytes) to sign receipts and attest bundles."""
        verify_key = as_verify_key(public_key)
        return replace(self, receipt_signers={**self.receipt_signers, ed25519_key_id(verify_key): bytes(verify_key).hex()})

    def with_invoice_signer(self, address: str) -> TrustProfile:
        """Also trust the accounting address (secp256k1) to sign invoices and attest invoice bundles."""
        return replace(self, invoice_signers=self.invoice_signers | {normalize_address(address)})

    def receipt_keyring(self) -> Keyring:
        """The trusted receipt signers as a keyring (for checking receipts' own signatures)."""
        return Keyring.of(self.receipt_signers.values())

    def rate_table_at(self, root: int, depth: int) -> TrustedRateTable | None:
        """The trusted table whose root at ``depth`` is ``root``, or None."""
        table = self.rate_tables.get(root)
        return table if table is not None and table.depth == depth else None


def default_trust_profile() -> TrustProfile:
    """The built-in rate table at depth 4 and the default bounds; no keys, no signers (see the module docstring)."""
    return TrustProfile().with_rate_table(DEFAULT_RATE_TABLE, DEFAULT_RATE_TABLE_DEPTH)


def default_trust_path() -> Path:
    """``trust.json`` in the zkreceipt home."""
    return zkreceipt_home() / TRUST_FILE_NAME


# --- JSON ----------------------------------------------------------------------------------------


def trust_profile_to_json(profile: TrustProfile) -> dict[str, Any]:
    """The profile document (see the module docstring); entries in a stable order."""
    from ..formats.snarkjs_json import verification_key_to_json

    return {
        "format": PROFILE_FORMAT,
        "version": PROFILE_VERSION,
        "keys": [
            {"vk_id": key.vk_id, "identity": key.identity.to_json(), "verification_key": verification_key_to_json(key.vk)}
            for key in sorted(profile.keys.values(), key=lambda k: (k.identity.key, k.vk_id))
        ],
        "rate_tables": [
            {"root": str(table.root), "depth": table.depth, **table.rates.to_dict()}
            for table in sorted(profile.rate_tables.values(), key=lambda t: (t.depth, t.root))
        ],
        "policy": {
            "not_before": profile.policy.not_before,
            "not_after": profile.policy.not_after,
            "max_duration": profile.policy.max_duration,
            "max_gpu_count": profile.policy.max_gpu_count,
        },
        "invoice_policy": {
            "gas_prices": [
                {"step_gas_price_fp": p.step_gas_price_fp, "byte_gas_price_fp": p.byte_gas_price_fp}
                for p in sorted(profile.invoice_policy.gas_prices)
            ],
            "max_memory_limit": profile.invoice_policy.max_memory_limit,
        },
        "receipt_signers": [
            {"key_id": key_id, "public_key": public} for key_id, public in sorted(profile.receipt_signers.items())
        ],
        "invoice_signers": sorted(profile.invoice_signers),
    }


class _Reader:
    """Typed access to the profile document; every error names the source file and the field path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> TrustProfileError:
        return TrustProfileError(f"{self.source}: {where}: {message}")

    def object(self, value: Any, where: str, members: set[str]) -> dict[str, Any]:
        """``value`` if it is a JSON object with no member outside ``members``."""
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a JSON object, got {type(value).__name__}")
        extra = sorted(set(value) - members)
        if extra:
            raise self.fail(where, f"unknown member {extra[0]!r:.40}")
        return value

    def get(self, document: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
        path = f"{where}.{key}" if where else key
        if key not in document:
            raise self.fail(path, "missing")
        value = document[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(path, f"has the wrong type ({type(value).__name__})")
        return value

    def ints(self, value: Any, where: str, names: tuple[str, ...]) -> dict[str, int]:
        document = self.object(value, where, set(names))
        return {name: self.get(document, name, int, where) for name in names}


def _key_from_json(reader: _Reader, value: Any, where: str) -> TrustedKey:
    entry = reader.object(value, where, {"vk_id", "identity", "verification_key"})
    vk_id = reader.get(entry, "vk_id", str, where)
    identity_document = reader.get(entry, "identity", dict, where)
    key_document = reader.get(entry, "verification_key", dict, where)
    try:
        identity = CircuitIdentity.from_json(identity_document, "identity")
        key = TrustedKey(verification_key_from_json(key_document, "verification_key"), identity)
    except ZkReceiptError as error:
        raise reader.fail(where, str(error)) from None
    if key.vk_id != vk_id:
        raise reader.fail(f"{where}.vk_id", "is not the id of this key and identity (edited by hand?)")
    return key


def _rate_table_from_json(reader: _Reader, value: Any, where: str) -> TrustedRateTable:
    entry = reader.object(value, where, {"root", "depth", "rates"})
    root = reader.get(entry, "root", str, where)
    depth = reader.get(entry, "depth", int, where)
    try:
        table = TrustedRateTable(depth, parse_rate_table({"rates": reader.get(entry, "rates", dict, where)}))
    except ZkReceiptError as error:
        raise reader.fail(where, str(error)) from None
    if root != str(table.root):
        raise reader.fail(f"{where}.root", f"is not the root of these rates at depth {depth}")
    return table


def _policies_from_json(reader: _Reader, document: dict[str, Any]) -> tuple[PolicyBounds, InvoicePolicyBounds]:
    names = ("not_before", "not_after", "max_duration", "max_gpu_count")
    try:
        policy = PolicyBounds(**reader.ints(reader.get(document, "policy", dict, ""), "policy", names))
    except PolicyError as error:
        raise reader.fail("policy", str(error)) from None
    invoice = reader.object(reader.get(document, "invoice_policy", dict, ""), "invoice_policy", {"gas_prices", "max_memory_limit"})
    pair = ("step_gas_price_fp", "byte_gas_price_fp")
    try:
        prices = [
            GasPrices(**reader.ints(entry, f"invoice_policy.gas_prices[{i}]", pair))
            for i, entry in enumerate(reader.get(invoice, "gas_prices", list, "invoice_policy"))
        ]
        bounds = InvoicePolicyBounds(frozenset(prices), reader.get(invoice, "max_memory_limit", int, "invoice_policy"))
    except PolicyError as error:
        raise reader.fail("invoice_policy", str(error)) from None
    return policy, bounds


def _signers_from_json(reader: _Reader, document: dict[str, Any]) -> tuple[dict[str, str], frozenset[str]]:
    signers: dict[str, str] = {}
    for i, value in enumerate(reader.get(document, "receipt_signers", list, "")):
        where = f"receipt_signers[{i}]"
        entry = reader.object(value, where, {"key_id", "public_key"})
        key_id = reader.get(entry, "key_id", str, where)
        try:
            verify_key = as_verify_key(reader.get(entry, "public_key", str, where))
        except ZkReceiptError as error:
            raise reader.fail(f"{where}.public_key", str(error)) from None
        if ed25519_key_id(verify_key) != key_id:
            raise reader.fail(f"{where}.key_id", "is not the id of this public key")
        signers[key_id] = bytes(verify_key).hex()
    addresses = set()
    for i, address in enumerate(reader.get(document, "invoice_signers", list, "")):
        try:
            addresses.add(normalize_address(address))
        except ZkReceiptError as error:
            raise reader.fail(f"invoice_signers[{i}]", str(error)) from None
    return signers, frozenset(addresses)


def trust_profile_from_json(document: Any, source: str = "trust profile") -> TrustProfile:
    """Parse a profile document; TrustProfileError naming ``source`` and the field if anything is malformed."""
    reader = _Reader(source)
    members = {"format", "version", "keys", "rate_tables", "policy", "invoice_policy", "receipt_signers", "invoice_signers"}
    document = reader.object(document, "profile", members)
    if reader.get(document, "format", str, "") != PROFILE_FORMAT:
        raise reader.fail("format", f"must be {PROFILE_FORMAT!r}")
    if reader.get(document, "version", int, "") != PROFILE_VERSION:
        raise reader.fail("version", f"{document['version']} is not supported (expected {PROFILE_VERSION})")
    keys = [_key_from_json(reader, e, f"keys[{i}]") for i, e in enumerate(reader.get(document, "keys", list, ""))]
    tables = [
        _rate_table_from_json(reader, e, f"rate_tables[{i}]")
        for i, e in enumerate(reader.get(document, "rate_tables", list, ""))
    ]
    policy, invoice_policy = _policies_from_json(reader, document)
    signers, addresses = _signers_from_json(reader, document)
    return TrustProfile(
        keys={key.vk_id: key for key in keys},
        rate_tables={table.root: table for table in tables},
        policy=policy,
        invoice_policy=invoice_policy,
        receipt_signers=signers,
        invoice_signers=addresses,
    )


# --- files ---------------------------------------------------------------------------------------

MISSING_HINT = (
    "create one with `zkreceipt setup` (trusts the keys it makes) or `zkreceipt trust set-policy`, "
    "then add what you trust with `zkreceipt trust add-key|add-signer|add-rates`"
)


def load_trust_profile(path: str | Path | None = None) -> TrustProfile:
    """The profile at ``path`` (default :func:`default_trust_path`).

    TrustProfileMissing if there is none (never an empty "accept everything"
    profile); TrustProfileError naming the file and field if it is malformed.
    """
    source = Path(path) if path is not None else default_trust_path()
    if not source.exists():
        raise TrustProfileMissing(f"{source}: no trust profile, so nothing can be verified; {MISSING_HINT}")
    try:
        document = read_json(source)
    except FormatError as error:
        raise TrustProfileError(str(error)) from None
    return trust_profile_from_json(document, str(source))


def save_trust_profile(profile: TrustProfile, path: str | Path | None = None) -> Path:
    """Write ``profile`` to ``path`` (default :func:`default_trust_path`) atomically (0644; the folder 0700 if new)."""
    target = Path(path) if path is not None else default_trust_path()
    data = (json.dumps(trust_profile_to_json(profile), indent=1) + "\n").encode("utf-8")
    private_directory(target.parent)
    return write_file_atomically(target, data, private=False, overwrite=True, error_type=TrustProfileError)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``.lock, so two editors never lose each other's change."""
    lock = path.with_name(f".{path.name}.lock")
    try:
        private_directory(path.parent)
        handle = open(lock, "a")  # noqa: SIM115 (held for the block)
    except OSError as error:
        raise FileAccessError(f"{lock}: cannot lock the trust profile ({error.strerror})") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def update_trust_profile(
    change: Callable[[TrustProfile], TrustProfile], path: str | Path | None = None
) -> TrustProfile:
    """Apply ``change`` to the profile at ``path`` (the default profile if there is none yet) and save it.

    The read, change and write happen under a lock; the write is atomic.
    """
    target = Path(path) if path is not None else default_trust_path()
    with _locked(target):
        try:
            current = load_trust_profile(target)
        except TrustProfileMissing:
            current = default_trust_profile()
        updated = change(current)
        save_trust_profile(updated, target)
    return updated

