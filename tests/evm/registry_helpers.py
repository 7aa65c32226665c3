"""Running receipt registries on the EVM for the tests and ``benchmarks/anchor_gas.py``.

``compile_registries`` compiles the verifier and registry of several keys in one solc run;
``run_session`` deploys registries and sends transactions on one chain (``evm_tool.mjs
session``), returning each :class:`Outcome` with its revert reason decoded and its
transaction gas (``transaction_gas``: EIP-2028 calldata prices and the EIP-7623 floor, which
the EVM's execution gas leaves out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from evm_tools import evm_tool

from zkreceipt.chain import (
    ERROR_SIGNATURES,
    REGISTRY_CONTRACT,
    REGISTRY_FILE,
    VERIFIER_FILE,
    AnchorItem,
    RegistryDeployment,
    RegistryInputs,
    anchor_calldata,
    anchor_many_calldata,
    registry_sources,
    revert_reason,
)
from zkreceipt.chain.abi import call_data, decode_words, selector
from zkreceipt.circuits.receipt_policy import ReceiptDisclosure, ReceiptPolicy
from zkreceipt.curve import G1Points
from zkreceipt.groth16 import ProvingKey, VerifyingKey
from zkreceipt.ledger.bundles import ProvenReceipt, prove_receipt, prove_receipts
from zkreceipt.ledger.identity import receipt_identity, verification_key_id
from zkreceipt.ledger.trust import PolicyBounds, TrustProfile
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    RateTable,
    Receipt,
    generate_signing_key,
    read_receipt_file,
    sign_receipt,
)
from zkreceipt.receipts.example_files import example_path

OWNER = "0x00000000000000000000000000000000000000aa"
STRANGER = "0x00000000000000000000000000000000000000bb"
SUBMITTER = "0x00000000000000000000000000000000000000cc"

#: Transaction gas (Yellow Paper, EIP-2028, EIP-7623 as of Prague).
TX_BASE_GAS = 21_000
CREATE_GAS = 32_000
ZERO_BYTE_GAS, NONZERO_BYTE_GAS = 4, 16
FLOOR_GAS_PER_TOKEN = 10
INITCODE_WORD_GAS = 2


def transaction_gas(data: bytes, execution_gas: int, *, create: bool = False) -> int:
    """Gas a transaction with call data ``data`` uses when its execution costs ``execution_gas``."""
    zeros = data.count(0)
    tokens = zeros + 4 * (len(data) - zeros)
    intrinsic = TX_BASE_GAS + ZERO_BYTE_GAS * zeros + NONZERO_BYTE_GAS * (len(data) - zeros)
    if create:
        intrinsic += CREATE_GAS + INITCODE_WORD_GAS * ((len(data) + 31) // 32)
    return max(intrinsic + execution_gas, TX_BASE_GAS + FLOOR_GAS_PER_TOKEN * tokens)


@dataclass(frozen=True)
class CompiledRegistry:
    """A registry compiled with solc: its inputs, creation code, ABI and sizes."""

    inputs: RegistryInputs
    bytecode: str
    abi: list[dict[str, Any]]
    method_identifiers: dict[str, str]
    deployed_size: int
    verifier_size: int
    verifier_abi: list[dict[str, Any]]
    warnings: list[str]


def compile_registries(named: dict[str, RegistryInputs]) -> dict[str, CompiledRegistry]:
    """Compile each registry (and its verifier) in one solc run; files under ``<name>/``."""
    sources = {
        f"{name}/{file}": text for name, inputs in named.items() for file, text in registry_sources(inputs).as_files().items()
    }
    output = evm_tool("compile", {"sources": sources})
    compiled = {}
    for name, inputs in named.items():
        registry = output["contracts"][f"{name}/{REGISTRY_FILE}"][REGISTRY_CONTRACT]
        verifier = output["contracts"][f"{name}/{VERIFIER_FILE}"]["Groth16Verifier"]
        compiled[name] = CompiledRegistry(
            inputs=inputs,
            bytecode=registry["bytecode"],
            abi=registry["abi"],
            method_identifiers=registry["methodIdentifiers"],
            deployed_size=registry["deployedSize"],
            verifier_size=verifier["deployedSize"],
            verifier_abi=verifier["abi"],
            warnings=[w["message"] for w in output["warnings"] if (w["file"] or "").startswith(f"{name}/")],
        )
    return compiled


@dataclass(frozen=True)
class Deploy:
    """A registry to deploy under ``name``, with constructor arguments from ``deployment``."""

    name: str
    registry: CompiledRegistry
    deployment: RegistryDeployment

    def request(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "bytecode": self.registry.bytecode,
            "args": "0x" + self.deployment.encoded_arguments().hex(),
            "from": OWNER,
        }


@dataclass(frozen=True)
class Call:
    """One transaction: ``to`` a deployed name, an address, or {"returned": k}."""

    to: str | dict[str, int]
    data: bytes
    sender: str = SUBMITTER
    value: int = 0
    block: tuple[int, int] = (1, 1_700_000_000)

    def request(self) -> dict[str, Any]:
        number, timestamp = self.block
        return {
            "to": self.to,
            "data": "0x" + self.data.hex(),
            "from": self.sender,
            "value": str(self.value),
            "block": {"number": number, "timestamp": timestamp},
        }


@dataclass(frozen=True)
class Outcome:
    """What one transaction did: success, the revert reason, gas, logs and the returned words."""

    success: bool
    reason: str | None
    execution_gas: int
    transaction_gas: int
    logs: list[dict[str, Any]] = field(repr=False)
    returned: bytes = field(repr=False)

    @property
    def words(self) -> list[int]:
        return decode_words(self.returned)


@dataclass(frozen=True)
class Session:
    deployed: dict[str, dict[str, Any]]
    outcomes: list[Outcome]


def run_session(deploys: Sequence[Deploy], calls: Sequence[Call]) -> Session:
    """Deploy ``deploys`` in order, then send ``calls``; one node run, one chain."""
    answer = evm_tool(
        "session", {"deploy": [d.request() for d in deploys], "calls": [c.request() for c in calls]}, timeout=600
    )
    outcomes = []
    for call, result in zip(calls, answer["results"], strict=True):
        returned = bytes.fromhex(result["returnData"][2:])
        outcomes.append(
            Outcome(
                success=result["success"],
                reason=None if result["success"] else revert_reason(returned, ERROR_SIGNATURES),
                execution_gas=result["gasUsed"],
                transaction_gas=transaction_gas(call.data, result["gasUsed"]),
                logs=result["logs"],
                returned=returned,
            )
        )
    return Session(answer["deployed"], outcomes)


# --- call data of the registry's other functions ---------------------------------------------


def function_call(signature: str, *arguments: Any) -> bytes:
    return call_data(signature, list(arguments))


def verify_proof_call(item: AnchorItem) -> bytes:
    """``verifyProof`` of the verifier with the item's words (the same words anchor takes)."""
    n = len(item.public_signals)
    return selector(f"verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{n}])") + b"".join(
        v.to_bytes(32, "big") for v in (*item.proof_words, *item.public_signals)
    )


def shifted(item: AnchorItem, which: str, by: G1Points | None = None) -> AnchorItem:
    """The item with A or C replaced by that point + ``by`` (default: + the generator)."""
    start = {"A": 0, "C": 6}[which]
    x, y = item.proof_words[start : start + 2]
    point = G1Points.from_ints([(x, y)]) + (by if by is not None else G1Points.generator())
    (nx, ny), = point.to_ints()
    words = list(item.proof_words)
    words[start : start + 2] = [nx, ny]
    return replace(item, proof_words=tuple(words))


def with_signal(item: AnchorItem, index: int, value: int) -> AnchorItem:
    signals = list(item.public_signals)
    signals[index] = value
    return replace(item, public_signals=tuple(signals))


def with_proof_word(item: AnchorItem, index: int, value: int) -> AnchorItem:
    words = list(item.proof_words)
    words[index] = value
    return replace(item, proof_words=tuple(words))


# --- gas of anchoring ---------------------------------------------------------------------------

#: Batch sizes of anchorMany whose gas is measured (beside one anchor).
BATCH_SIZES = (1, 8, 32)


@dataclass(frozen=True)
class GasFigures:
    """Transaction gas of ``anchor`` and of ``anchorMany`` per batch size, on a fresh registry."""

    anchor: Outcome
    batches: dict[int, Outcome]

    def per_receipt(self, size: int) -> float:
        return self.batches[size].transaction_gas / size


def measure_anchor_gas(registry: CompiledRegistry, deployment: RegistryDeployment, items: Sequence[AnchorItem]) -> GasFigures:
    """Deploy ``registry`` and anchor ``items``: the first with ``anchor``, then batches of BATCH_SIZES."""
    needed = 1 + sum(BATCH_SIZES)
    if len(items) < needed:
        raise ValueError(f"measure_anchor_gas needs {needed} distinct receipts, got {len(items)}")
    calls = [Call("registry", anchor_calldata(items[0]), block=(10, 1_737_800_000))]
    start = 1
    for size in BATCH_SIZES:
        batch = items[start : start + size]
        start += size
        calls.append(Call("registry", anchor_many_calldata(batch), block=(11 + len(calls), 1_737_800_000 + 12 * len(calls))))
    session = run_session([Deploy("registry", registry, deployment)], calls)
    failed = [o for o in session.outcomes if not o.success]
    if failed:
        raise AssertionError(f"anchoring failed: {[o.reason for o in failed]}")
    return GasFigures(session.outcomes[0], dict(zip(BATCH_SIZES, session.outcomes[1:], strict=True)))



# --- receipts to anchor and what a verifier trusts --------------------------------------------------

DAY_SECONDS = 86400
#: The provider of the test receipts: it signs them and attests their bundles.
PROVIDER_KEY = generate_signing_key()


def example_receipt() -> Receipt:
    """The source documents' receipt (llama3.2, 2.5 units × 2.0 = 5.0), as ``zkreceipt demo`` uses it,
    signed by ``PROVIDER_KEY``."""
    return sign_receipt(read_receipt_file(example_path("compute_receipt.json")), PROVIDER_KEY, DEFAULT_RATE_TABLE)


def demo_policy(receipt: Receipt, **changes: int) -> ReceiptPolicy:
    """The policy ``zkreceipt demo`` proves with (the UTC day of the job, an hour at most, one GPU)."""
    day = receipt.started_at - receipt.started_at % DAY_SECONDS
    bounds = {"not_before": day, "not_after": day + DAY_SECONDS - 1, "max_duration": 3600, "gpu_count": 1}
    return ReceiptPolicy(**{**bounds, **changes})


def demo_bounds(receipt: Receipt) -> PolicyBounds:
    """Policy bounds that admit exactly the demo policy's window, duration and GPU count."""
    policy = demo_policy(receipt)
    return PolicyBounds(policy.not_before, policy.not_after, policy.max_duration, policy.gpu_count)


def bounds_words(bounds: PolicyBounds) -> tuple[int, int, int, int]:
    """The bounds in the registry's order (constructor, setPolicy, policy())."""
    return (bounds.not_before, bounds.not_after, bounds.max_duration, bounds.max_gpu_count)


def key_id(vk: VerifyingKey, disclosure: ReceiptDisclosure) -> str:
    return verification_key_id(vk, receipt_identity(disclosure))


def profile_trusting(
    keys: list[tuple[VerifyingKey, ReceiptDisclosure]], bounds: PolicyBounds, depths: tuple[int, ...] = (4,)
) -> TrustProfile:
    """A verifier's profile: these keys, the default rate table at each of ``depths``, the bounds, the provider."""
    profile = TrustProfile(policy=bounds).with_receipt_signer(bytes(PROVIDER_KEY.verify_key))
    for depth in depths:
        profile = profile.with_rate_table(DEFAULT_RATE_TABLE, depth)
    for vk, disclosure in keys:
        profile = profile.with_key(vk, receipt_identity(disclosure))
    return profile


def prove_example(pk: ProvingKey, policy: ReceiptPolicy, salt: int | None = None) -> ProvenReceipt:
    """The example receipt proven under ``policy``, attested by ``PROVIDER_KEY``."""
    key = PROVIDER_KEY
    return prove_receipt(example_receipt(), pk, policy, DEFAULT_RATE_TABLE, salt, trusted_keys=key.verify_key, signing_key=key)


def prove_examples(
    pk: ProvingKey, policies: Sequence[ReceiptPolicy], rates: RateTable = DEFAULT_RATE_TABLE
) -> list[ProvenReceipt]:
    """One proof of the example receipt per policy, each with a fresh salt (so a distinct commitment)."""
    key = PROVIDER_KEY
    return prove_receipts(
        [example_receipt()] * len(policies), pk, list(policies), rates, trusted_keys=key.verify_key, signing_key=key
    )
