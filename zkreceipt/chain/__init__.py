"""On-chain anchoring: a receipt registry contract generated from a trusted key, and its call data.

The registry (``ReceiptRegistry.sol``, beside the Groth16 verifier of the same key) anchors a
receipt's commitment once its proof verifies, its rate-table root is one the registry lists
and its proven policy lies inside the registry's bounds; ``anchorMany`` verifies many proofs
with one pairing check (see :mod:`zkreceipt.chain.registry` for the contract and the math).
What the registry pins (the key and its circuit identity, the rate-table roots at the circuit's
depth, the policy bounds) comes from the verifier's trust profile.

Example::

    profile = load_trust_profile()                         # zkreceipt.ledger.trust
    inputs = registry_inputs_from_profile(profile, vk_id)  # one of registry_key_ids(profile)
    export_contracts("contracts", inputs, owner="0x…")     # the two .sol files, the ABI, deploy.json
    deployment = read_deployment("contracts/deploy.json")
    assert verify_bundle(bundle, profile).ok               # zkreceipt.ledger.bundles: the offline check
    item, vk_id, circuit = bundle_anchor(bundle)
    assert not anchor_problems(deployment, vk_id, circuit, item.public_signals)
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
    RegistryError,
    RegistryInputs,
    SignalLayout,
    registry_inputs_from_profile,
    registry_key_ids,
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
    "registry_abi",
    "registry_inputs_from_profile",
    "registry_key_ids",
    "registry_sources",
    "revert_reason",
    "selector",
    "write_deployment",
]
