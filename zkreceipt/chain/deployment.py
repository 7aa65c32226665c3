"""The deployment description written beside the contracts (``deploy.json``): what the registry trusts.

It names the circuit identity and key the registry was generated for (``circuit``, with its
public signals as the registry reads them and its rate-table depth: copies that must agree with
the identity), and the constructor's arguments: the owner (or null, to fill in), the rate-table
roots and the policy bounds (from the trust profile), also ABI-encoded (``encoded_arguments``,
to append to the compiled creation code) once the owner is known::

    {
      "format": "zkreceipt-registry-deployment", "version": 1,
      "contract": "ReceiptRegistry", "sources": ["Groth16Verifier.sol", "ReceiptRegistry.sol"],
      "abi": "ReceiptRegistry.abi.json",
      "compiler": {"solc": "0.8.30", "evm_version": "prague", "optimizer_runs": 200},
      "circuit": "receipt-v1;rate=table:4;public=model,price_fp", "vk_id": "<64 hex>",
      "rate_table_depth": 4, "public_signals": ["commitment", "not_before", ...],
      "constructor": {
        "signature": "constructor(address,uint256[],uint40,uint40,uint40,uint16)",
        "owner": "0x…" | null, "rate_table_roots": ["<decimal>", ...],
        "policy": {"not_before": 1735689600, "not_after": 1924991999, "max_duration": 86400, "max_gpu_count": 8},
        "encoded_arguments": "0x…" | null
      }
    }

Once deployed, the owner may change roots and bounds: the contract is the authority, this
file says what it started with (``anchor calldata`` checks bundles against it to catch a
mistake before paying gas).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import FormatError, ZkReceiptError
from ..fileio import write_file_atomically
from ..formats.snarkjs_json import read_json, write_json
from ..ledger.bundle_format import VK_ID_PATTERN
from ..ledger.identity import CircuitIdentity, identity_from_key
from ..ledger.trust import PolicyBounds
from .abi import address_value, encode_arguments
from .inputs import RegistryError, RegistryInputs, SignalLayout, bounds_tuple
from .registry import (
    EVM_VERSION,
    OPTIMIZER_RUNS,
    REGISTRY_ABI_FILE,
    REGISTRY_CONTRACT,
    REGISTRY_FILE,
    SOLC_VERSION,
    VERIFIER_FILE,
    registry_abi,
    registry_sources,
)

DEPLOYMENT_FORMAT = "zkreceipt-registry-deployment"
DEPLOYMENT_VERSION = 1
DEPLOYMENT_FILE = "deploy.json"
CONSTRUCTOR_SIGNATURE = "constructor(address,uint256[],uint40,uint40,uint40,uint16)"
_BOUND_NAMES = ("not_before", "not_after", "max_duration", "max_gpu_count")


class DeploymentFormatError(FormatError, RegistryError):
    """A deployment description is malformed; the message names the file and field."""


@dataclass(frozen=True)
class RegistryDeployment:
    """What a deployed registry was generated for and starts with (see the module docstring).

    ``identity``: the circuit the registry serves (its layout is the registry's reading of the
    public signals); ``vk_id``: the key id written into the contract.
    """

    identity: CircuitIdentity
    vk_id: str
    rate_roots: tuple[int, ...]
    bounds: PolicyBounds
    owner: str | None = None

    def __post_init__(self) -> None:
        SignalLayout(self.identity)
        if not isinstance(self.vk_id, str) or not VK_ID_PATTERN.fullmatch(self.vk_id):
            raise RegistryError(f"vk_id {self.vk_id!r:.80} is not 64 lowercase hex characters")
        if self.owner is not None:
            address_value(self.owner)

    @classmethod
    def of(cls, inputs: RegistryInputs, owner: str | None = None) -> RegistryDeployment:
        return cls(inputs.key.identity, inputs.vk_id, inputs.rate_roots, inputs.bounds, owner)

    @property
    def circuit(self) -> str:
        return self.identity.key

    @property
    def layout(self) -> SignalLayout:
        return SignalLayout(self.identity)

    def encoded_arguments(self) -> bytes:
        """The constructor's arguments, ABI-encoded (RegistryError while the owner is unknown)."""
        if self.owner is None:
            raise RegistryError("deployment: the owner is not set (give --owner)")
        return encode_arguments([address_value(self.owner), list(self.rate_roots), *bounds_tuple(self.bounds)])


def deployment_to_json(deployment: RegistryDeployment) -> dict[str, Any]:
    """The deployment description as a JSON-ready dict."""
    return {
        "format": DEPLOYMENT_FORMAT,
        "version": DEPLOYMENT_VERSION,
        "contract": REGISTRY_CONTRACT,
        "sources": [VERIFIER_FILE, REGISTRY_FILE],
        "abi": REGISTRY_ABI_FILE,
        "compiler": {"solc": SOLC_VERSION, "evm_version": EVM_VERSION, "optimizer_runs": OPTIMIZER_RUNS},
        "circuit": deployment.circuit,
        "vk_id": deployment.vk_id,
        "rate_table_depth": deployment.layout.rate_table_depth,
        "public_signals": list(deployment.layout.names),
        "constructor": {
            "signature": CONSTRUCTOR_SIGNATURE,
            "owner": deployment.owner,
            "rate_table_roots": [str(root) for root in deployment.rate_roots],
            "policy": dict(zip(_BOUND_NAMES, bounds_tuple(deployment.bounds), strict=True)),
            "encoded_arguments": None if deployment.owner is None else "0x" + deployment.encoded_arguments().hex(),
        },
    }


def deployment_from_json(document: Any, source: str = DEPLOYMENT_FILE) -> RegistryDeployment:
    """Parse a deployment description; DeploymentFormatError naming ``source`` and the field."""

    def field(container: Any, key: str, kind: type | tuple[type, ...], where: str = "") -> Any:
        if not isinstance(container, dict) or key not in container:
            raise DeploymentFormatError(f"{source}: missing field {where}{key!r}")
        value = container[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise DeploymentFormatError(f"{source}: field {where}{key!r} has the wrong type ({type(value).__name__})")
        return value

    if field(document, "format", str) != DEPLOYMENT_FORMAT:
        raise DeploymentFormatError(f"{source}: field 'format' must be {DEPLOYMENT_FORMAT!r}")
    if field(document, "version", int) != DEPLOYMENT_VERSION:
        raise DeploymentFormatError(f"{source}: version {document['version']} is not supported")
    constructor = field(document, "constructor", dict)
    policy = field(constructor, "policy", dict, "constructor.")
    roots = field(constructor, "rate_table_roots", list, "constructor.")
    names = field(document, "public_signals", list)
    depth = field(document, "rate_table_depth", int)
    if not all(isinstance(root, str) and root.isdecimal() and len(root) <= 80 for root in roots):
        raise DeploymentFormatError(f"{source}: field 'constructor.rate_table_roots' must hold decimal strings")
    try:
        identity = identity_from_key(field(document, "circuit", str))
        layout = SignalLayout(identity)
        if names != list(layout.names):
            raise DeploymentFormatError(f"{source}: field 'public_signals' is not the layout of {identity.key}")
        if depth != layout.rate_table_depth:
            raise DeploymentFormatError(f"{source}: field 'rate_table_depth' is not the depth of {identity.key}")
        return RegistryDeployment(
            identity=identity,
            vk_id=field(document, "vk_id", str),
            rate_roots=tuple(int(root) for root in roots),
            bounds=PolicyBounds(*(field(policy, name, int, "constructor.policy.") for name in _BOUND_NAMES)),
            owner=field(constructor, "owner", (str, type(None)), "constructor."),
        )
    except DeploymentFormatError:
        raise
    except ZkReceiptError as error:
        raise DeploymentFormatError(f"{source}: {error}") from None


def write_deployment(path: str | Path, deployment: RegistryDeployment) -> Path:
    """Write the description as indented JSON, atomically (0644)."""
    return write_json(path, deployment_to_json(deployment))


def read_deployment(path: str | Path) -> RegistryDeployment:
    """Read a description; FormatError naming the file (and the field) if it is unreadable or malformed."""
    return deployment_from_json(read_json(path), str(path))


def export_contracts(directory: str | Path, inputs: RegistryInputs, owner: str | None = None) -> list[Path]:
    """Write ``Groth16Verifier.sol``, ``ReceiptRegistry.sol``, ``ReceiptRegistry.abi.json`` and
    ``deploy.json`` into ``directory``.

    Everything is generated before the first file is written, and each file is written
    atomically (0644); returns the paths.
    """
    deployment = RegistryDeployment.of(inputs, owner)
    files = registry_sources(inputs).as_files()
    abi = registry_abi(inputs.layout)
    target = Path(directory)
    written = [
        write_file_atomically(target / name, text.encode(), private=False, overwrite=True)
        for name, text in files.items()
    ]
    written.append(write_json(target / REGISTRY_ABI_FILE, abi))
    return [*written, write_deployment(target / DEPLOYMENT_FILE, deployment)]
