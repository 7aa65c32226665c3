"""On-chain anchoring: a receipt registry contract generated from a trusted key, and its call data.

The registry (``ReceiptRegistry.sol``, beside the Groth16 verifier of the same key) anchors a
receipt's commitment once its proof verifies, its rate-table root is one the registry lists
and its proven policy lies inside the registry's bounds; ``anchorMany`` verifies many proofs
with one pairing check (see :mod:`zkreceipt.chain.registry` for the contract and the math).

Example::

    inputs = registry_inputs(vk, verification_key_id(vk), PRICE_AND_MODEL, [DEFAULT_RATE_TABLE],
                             RegistryBounds(not_before, not_after, max_duration=3600, max_gpu_count=1))
    export_contracts("contracts", inputs, owner="0x…")     # the two .sol files, the ABI, deploy.json
    deployment = read_deployment("contracts/deploy.json")
    item, vk_id, names = bundle_anchor(bundle)
    assert not anchor_problems(deployment, vk_id, names, item.public_signals)
    data = anchor_calldata(item)     # or anchor_many_calldata(items); send to the registry
"""

from __future__ import annotations

from .abi import revert_reason, selector
from .calldata import (
    AnchorItem,
    anchor_calldata,
    anchor_many_calldata,
    anchor_many_signature,
    anchor_problems,
    anchor_signature,
    bundle_anchor,
)
from .deployment import (
    CONSTRUCTOR_SIGNATURE,
    DEPLOYMENT_FILE,
    DeploymentFormatError,
    RegistryDeployment,
    deployment_from_json,
    deployment_to_json,
    export_contracts,
    read_deployment,
    write_deployment,
)
from .inputs import (
    RegistryBounds,
    RegistryError,
    RegistryInputs,
    SignalLayout,
    registry_inputs,
    registry_inputs_from_profile,
    signal_layout,
)
from .registry import (
    ERROR_SIGNATURES,
    REGISTRY_ABI_FILE,
    REGISTRY_CONTRACT,
    REGISTRY_FILE,
    VERIFIER_FILE,
    RegistrySources,
    receipt_registry,
    registry_abi,
    registry_sources,
)

__all__ = [
    "CONSTRUCTOR_SIGNATURE",
    "DEPLOYMENT_FILE",
    "ERROR_SIGNATURES",
    "REGISTRY_ABI_FILE",
    "REGISTRY_CONTRACT",
    "REGISTRY_FILE",
    "VERIFIER_FILE",
    "AnchorItem",
    "DeploymentFormatError",
    "RegistryBounds",
    "RegistryDeployment",
    "RegistryError",
    "RegistryInputs",
    "RegistrySources",
    "SignalLayout",
    "anchor_calldata",
    "anchor_many_calldata",
    "anchor_many_signature",
    "anchor_problems",
    "anchor_signature",
    "bundle_anchor",
    "deployment_from_json",
    "deployment_to_json",
    "export_contracts",
    "read_deployment",
    "receipt_registry",
    "registry_inputs",
    "registry_abi",
    "registry_inputs_from_profile",
    "registry_sources",
    "revert_reason",
    "selector",
    "signal_layout",
    "write_deployment",
]
