r"""``ReceiptRegistry.sol``: anchors receipts whose proof verifies under one key, within what it trusts.

The registry is generated next to the Groth16 verifier (``Groth16Verifier.sol``, from
:func:`zkreceipt.formats.solidity.solidity_verifier`) from the same key, for one circuit
identity (:class:`~zkreceipt.chain.inputs.RegistryInputs`): the public-signal positions are
constants of the source. Its constructor creates the verifier (``new Groth16Verifier()``), so
the verifier it calls is the one generated from its key, not an address someone passed.

``anchor(proof, publicSignals)`` — ``proof`` is ``uint256[8]`` in EVM order
(A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y) — checks, in order: every public signal
< r; the rate-table root is one the registry lists; the proven window lies inside the
registry's window and the proven ``max_duration`` and ``gpu_count`` are at most its bounds;
the proof verifies (``verifyProof`` of the verifier, which also checks every coordinate < q;
the precompiles check that points are on the curve, and B in its subgroup); the commitment is
not anchored yet. It then records commitment → (submitter, block number, timestamp, model and
price if disclosed) and emits ``ReceiptAnchored``. Every failure reverts with a custom error
(:data:`ERROR_SIGNATURES`).

``anchorMany(proofs, publicSignals)`` makes the same checks for N receipts with one pairing
check. Groth16 accepts (Aᵢ, Bᵢ, Cᵢ) for signals sᵢ iff, with vk_xᵢ = IC₀ + Σⱼ sᵢⱼ·ICⱼ₊₁,

    e(Aᵢ, Bᵢ) = e(α, β) · e(vk_xᵢ, γ) · e(Cᵢ, δ)                            (in G_T, written ·)

Raising equation i to a weight wᵢ and multiplying all N (bilinearity moves wᵢ into G1):

    Πᵢ e(wᵢ·Aᵢ, Bᵢ) = e((Σwᵢ)·α, β) · e(Σᵢ wᵢ·vk_xᵢ, γ) · e(Σᵢ wᵢ·Cᵢ, δ)

so the pairing precompile (0x08), which checks Πₖ e(Pₖ, Qₖ) = 1, gets N + 3 pairs:
(−w₁·A₁, B₁), …, (−w_N·A_N, B_N), ((Σwᵢ)·α, β), (Σwᵢ·vk_xᵢ, γ), (Σwᵢ·Cᵢ, δ) — against 4N pairs
for N separate checks (EIP-1108: 45,000 + 34,000·k gas for k pairs). The vk_x sum is
accumulated on scalars first, Σᵢ wᵢ·vk_xᵢ = (Σᵢ wᵢ)·IC₀ + Σⱼ tⱼ·ICⱼ₊₁ with
tⱼ = Σᵢ wᵢ·sᵢⱼ mod r (``mulmod``/``addmod``, a few gas each), so it costs n + 1 ecMul/ecAdd for
n public signals whatever N is; each proof adds two ecMul (wᵢ·Aᵢ, wᵢ·Cᵢ) and one ecAdd.

The weights are Fiat–Shamir challenges: seed = Keccak-256 of every proof word then every
public-signal word of the call, wᵢ = (Keccak-256(seed ‖ i) mod (r − 1)) + 1, so each is
nonzero and reduced mod r and is fixed only once every proof is. If some proof is invalid the
combined check passes only if Σᵢ wᵢ·eᵢ = 0 for the nonzero discrete-log errors eᵢ, which
for weights drawn after the proofs has probability about 1/r per attempt. Fixed weights would
not do: C₁ + D and C₂ − D are two invalid proofs whose sum is valid. The signals must be < r
before they enter the scalar sums (a signal s + r would otherwise act as s), so the range
checks come first. Every proof coordinate must be < q, as ``verifyProof`` requires; whether a
point is on the curve is checked by the precompile that first reads it (ecMul for A and C, the
pairing for B, with B's subgroup), and −wᵢ·Aᵢ is negated from ecMul's canonical output. A
failed precompile keeps all the gas it was given, so the check stops at the first failure.

Administration: the ``owner`` (a constructor argument, immutable) adds and retires rate-table
roots and sets the policy bounds, each with an event; nothing else is mutable, and the contract
accepts no ether (nothing is payable; no receive or fallback).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from string import Template
from typing import Any

from ..field import Fq, Fr
from ..formats.solidity import solidity_key_constants, solidity_verifier
from .inputs import RegistryInputs, SignalLayout

#: Solidity compiler and settings the generated contracts are tested with (tests/evm).
SOLC_VERSION = "0.8.30"
EVM_VERSION = "prague"
OPTIMIZER_RUNS = 200
VERIFIER_FILE = "Groth16Verifier.sol"
REGISTRY_FILE = "ReceiptRegistry.sol"
REGISTRY_ABI_FILE = "ReceiptRegistry.abi.json"
REGISTRY_CONTRACT = "ReceiptRegistry"
PROOF_WORDS = 8

#: The custom errors of the registry (signatures, as in its ABI).
ERROR_SIGNATURES = (
    "NotOwner(address)",
    "ZeroOwner()",
    "InvalidProof()",
    "SignalNotInField(uint256,uint256)",
    "RateRootNotTrusted(uint256)",
    "RateRootAlreadyTrusted(uint256)",
    "WindowOutsidePolicy(uint256,uint256)",
    "DurationAbovePolicy(uint256)",
    "GpuCountAbovePolicy(uint256)",
    "InvalidPolicy()",
    "AlreadyAnchored(uint256)",
    "NotAnchored(uint256)",
    "BatchShape(uint256,uint256)",
)

#: Solidity names of the recorded fields: (struct member and event parameter).
_RECORD_NAMES = {"model": "model", "price_fp": "price"}


@dataclass(frozen=True)
class RegistrySources:
    """The two Solidity files, by file name: the verifier and the registry that creates it."""

    verifier: str
    registry: str

    def as_files(self) -> dict[str, str]:
        return {VERIFIER_FILE: self.verifier, REGISTRY_FILE: self.registry}


def registry_sources(inputs: RegistryInputs) -> RegistrySources:
    """The verifier and the registry for ``inputs`` (see the module docstring)."""
    return RegistrySources(solidity_verifier(inputs.vk), receipt_registry(inputs))


def receipt_registry(inputs: RegistryInputs) -> str:
    """Source of ``ReceiptRegistry.sol`` for ``inputs``; it imports ``./Groth16Verifier.sol``."""
    layout = inputs.layout
    n = len(layout.names)
    recorded = [(_RECORD_NAMES[name], _constant_name(name)) for name in layout.recorded]
    vk_constants, ic_constants = solidity_key_constants(inputs.vk)
    return _REGISTRY.substitute(
        circuit=inputs.circuit,
        vk_id=inputs.vk_id,
        solc=SOLC_VERSION,
        runs=OPTIMIZER_RUNS,
        evm=EVM_VERSION,
        signal_table=_lines(f"//   {i:2d}  {name}" for i, name in enumerate(layout.names)),
        n=n,
        signal_bytes=32 * n,
        r=Fr.modulus,
        q=Fq.modulus,
        depth=layout.rate_table_depth,
        signal_constants=_lines(
            (f"uint256 internal constant {_constant_name(name)} = {i};" for i, name in enumerate(layout.names)),
            4,
        ),
        vk_constants=_lines([*vk_constants, *ic_constants], 4),
        record_members=_lines((f"uint256 {member};" for member, _ in recorded), 8),
        event_parameters="".join(f", uint256 {member}" for member, _ in recorded),
        record_values="".join(f", {member}: s[{constant}]" for member, constant in recorded),
        event_values="".join(f", s[{constant}]" for _, constant in recorded),
        zero_sums=_lines((f"mstore(add(t, {32 * j}), 0)" for j in range(n)), 12),
        scalar_sums=_lines(
            (
                f"mstore(add(t, {32 * j}), addmod(mload(add(t, {32 * j})), "
                f"mulmod(w, calldataload(add(signals, {32 * j})), R), R))"
                for j in range(n)
            ),
            16,
        ),
        ic_sum=_lines(
            (f"ok := and(ok, mulAcc(pair, s, IC{j + 1}x, IC{j + 1}y, mload(add(t, {32 * j}))))" for j in range(n)),
            16,
        ),
    )


def registry_abi(layout: SignalLayout) -> list[dict[str, Any]]:
    """The registry's ABI for ``layout``, as solc writes it (tested equal): what a web3 library
    needs to call the registry, read anchors and decode its events and errors."""
    n, uint = len(layout.names), "uint256"
    record = [("address", "submitter"), ("uint48", "blockNumber"), ("uint48", "timestamp")]
    recorded = [(uint, _RECORD_NAMES[name]) for name in layout.recorded]
    bounds = [("uint40", "notBefore"), ("uint40", "notAfter"), ("uint40", "maxDuration"), ("uint16", "maxGpuCount")]
    constructor = _params([("address", "owner_"), (f"{uint}[]", "rateTableRoots"), *bounds])
    anchored = [(uint, "commitment", True), ("address", "submitter", True), *((t, m, False) for t, m in recorded)]
    anchor_of = _function("anchorOf", [(uint, "commitment")], [])
    anchor_of["outputs"] = [
        {
            "components": _params([*record, *recorded]),
            "internalType": "struct ReceiptRegistry.Anchor",
            "name": "record",
            "type": "tuple",
        }
    ]
    verifier = _function("verifier", [], [])
    verifier["outputs"] = [{"internalType": "contract Groth16Verifier", "name": "", "type": "address"}]
    return [
        {"inputs": constructor, "stateMutability": "nonpayable", "type": "constructor"},
        *(_error(signature) for signature in ERROR_SIGNATURES),
        _event("PolicyChanged", [(kind, name, False) for kind, name in bounds]),
        _event("RateRootAdded", [(uint, "root", True)]),
        _event("RateRootRetired", [(uint, "root", True)]),
        _event("ReceiptAnchored", anchored),
        _function("CIRCUIT", [], [("string", "")]),
        _function("RATE_TABLE_DEPTH", [], [(uint, "")]),
        _function("VERIFICATION_KEY_ID", [], [("bytes32", "")]),
        _function("addRateRoot", [(uint, "root")], [], "nonpayable"),
        _function("anchor", [(f"{uint}[8]", "proof"), (f"{uint}[{n}]", "publicSignals")], [], "nonpayable"),
        _function("anchorMany", [(f"{uint}[8][]", "proofs"), (f"{uint}[{n}][]", "publicSignals")], [], "nonpayable"),
        anchor_of,
        _function("isAnchored", [(uint, "commitment")], [("bool", "")]),
        _function("isTrustedRateRoot", [(uint, "")], [("bool", "")]),
        _function("owner", [], [("address", "")]),
        _function("policy", [], bounds),
        _function("retireRateRoot", [(uint, "root")], [], "nonpayable"),
        _function("setPolicy", bounds, [], "nonpayable"),
        verifier,
    ]


#: Parameter names of the custom errors (the ABI carries them; the signatures do not).
_ERROR_PARAMETERS = {
    "NotOwner": ("caller",),
    "SignalNotInField": ("index", "value"),
    "RateRootNotTrusted": ("root",),
    "RateRootAlreadyTrusted": ("root",),
    "WindowOutsidePolicy": ("notBefore", "notAfter"),
    "DurationAbovePolicy": ("maxDuration",),
    "GpuCountAbovePolicy": ("gpuCount",),
    "AlreadyAnchored": ("commitment",),
    "NotAnchored": ("commitment",),
    "BatchShape": ("proofs", "publicSignals"),
}


def _params(pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"internalType": kind, "name": name, "type": kind} for kind, name in pairs]


def _function(
    name: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]], mutability: str = "view"
) -> dict[str, Any]:
    return {
        "inputs": _params(inputs),
        "name": name,
        "outputs": _params(outputs),
        "stateMutability": mutability,
        "type": "function",
    }


def _event(name: str, inputs: list[tuple[str, str, bool]]) -> dict[str, Any]:
    parameters = [{"indexed": i, "internalType": kind, "name": n, "type": kind} for kind, n, i in inputs]
    return {"anonymous": False, "inputs": parameters, "name": name, "type": "event"}


def _error(signature: str) -> dict[str, Any]:
    name, kinds = signature[:-1].split("(")
    names = _ERROR_PARAMETERS.get(name, ())
    return {"inputs": _params(zip(kinds.split(",") if kinds else [], names, strict=True)), "name": name, "type": "error"}


def _constant_name(signal: str) -> str:
    return signal.upper()


def _lines(lines: object, indent: int = 0) -> str:
    """Lines joined for a ``$name`` placeholder that itself sits after ``indent`` spaces."""
    return ("\n" + " " * indent).join(lines)  # type: ignore[arg-type]


# Memory of _verifyBatch, from the free memory pointer p (used as scratch, never allocated):
# first the Fiat–Shamir transcript (all proofs then all signals) for one Keccak; then, over it,
# the N + 3 pairing pairs of 192 bytes, tⱼ (n words), 128 bytes of precompile scratch, the
# seed and the index i (the Keccak input of wᵢ).
_REGISTRY = Template(
    """\
// SPDX-License-Identifier: MIT
// ReceiptRegistry, generated by zkreceipt for the circuit
//   $circuit
// from the verification key (the key of Groth16Verifier.sol beside this file)
//   $vk_id
// Tested with solc $solc (optimizer on, $runs runs, EVM version $evm).
//
// Public signals, as this contract reads them (fixed when it was generated, from the trusted
// key's circuit identity; never taken from a caller):
$signal_table
//
// Rate-table roots must be roots of depth $depth (the circuit's depth).

pragma solidity ^0.8.24;

import {Groth16Verifier} from "./Groth16Verifier.sol";

contract ReceiptRegistry {
    struct Anchor {
        address submitter;
        uint48 blockNumber;
        uint48 timestamp;
        $record_members
    }

    struct PolicyBounds {
        uint40 notBefore;
        uint40 notAfter;
        uint40 maxDuration;
        uint16 maxGpuCount;
    }

    string public constant CIRCUIT = "$circuit";
    bytes32 public constant VERIFICATION_KEY_ID = 0x$vk_id;
    uint256 public constant RATE_TABLE_DEPTH = $depth;

    // Scalar field order (public signals and weights live below it) and base field order.
    uint256 internal constant R = $r;
    uint256 internal constant Q = $q;
    uint256 internal constant N_SIGNALS = $n;

    // Positions of the public signals.
    $signal_constants

    // The verification key (the same constants as Groth16Verifier.sol), for anchorMany.
    $vk_constants

    Groth16Verifier public immutable verifier;
    address public immutable owner;
    PolicyBounds public policy;
    mapping(uint256 => bool) public isTrustedRateRoot;
    mapping(uint256 => Anchor) internal anchors;

    event ReceiptAnchored(uint256 indexed commitment, address indexed submitter$event_parameters);
    event RateRootAdded(uint256 indexed root);
    event RateRootRetired(uint256 indexed root);
    event PolicyChanged(uint40 notBefore, uint40 notAfter, uint40 maxDuration, uint16 maxGpuCount);

    error NotOwner(address caller);
    error ZeroOwner();
    error InvalidProof();
    error SignalNotInField(uint256 index, uint256 value);
    error RateRootNotTrusted(uint256 root);
    error RateRootAlreadyTrusted(uint256 root);
    error WindowOutsidePolicy(uint256 notBefore, uint256 notAfter);
    error DurationAbovePolicy(uint256 maxDuration);
    error GpuCountAbovePolicy(uint256 gpuCount);
    error InvalidPolicy();
    error AlreadyAnchored(uint256 commitment);
    error NotAnchored(uint256 commitment);
    error BatchShape(uint256 proofs, uint256 publicSignals);

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor(
        address owner_,
        uint256[] memory rateTableRoots,
        uint40 notBefore,
        uint40 notAfter,
        uint40 maxDuration,
        uint16 maxGpuCount
    ) {
        if (owner_ == address(0)) revert ZeroOwner();
        owner = owner_;
        verifier = new Groth16Verifier();
        for (uint256 i = 0; i < rateTableRoots.length; ++i) {
            _addRateRoot(rateTableRoots[i]);
        }
        _setPolicy(notBefore, notAfter, maxDuration, maxGpuCount);
    }

    // --- anchoring ---------------------------------------------------------------------

    /// Anchors one receipt: proof = (A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y).
    function anchor(uint256[8] calldata proof, uint256[$n] calldata publicSignals) external {
        _check(publicSignals, policy);
        if (!_verify(proof, publicSignals)) revert InvalidProof();
        _record(publicSignals);
    }

    /// Anchors several receipts at once, their proofs verified by one pairing check.
    function anchorMany(uint256[8][] calldata proofs, uint256[$n][] calldata publicSignals) external {
        uint256 count = proofs.length;
        if (count == 0 || publicSignals.length != count) revert BatchShape(count, publicSignals.length);
        PolicyBounds memory bounds = policy;
        for (uint256 i = 0; i < count; ++i) {
            _check(publicSignals[i], bounds);
        }
        if (!_verifyBatch(proofs, publicSignals)) revert InvalidProof();
        for (uint256 i = 0; i < count; ++i) {
            _record(publicSignals[i]);
        }
    }

    function isAnchored(uint256 commitment) external view returns (bool) {
        return anchors[commitment].submitter != address(0);
    }

    /// The record of an anchored commitment (reverts NotAnchored otherwise).
    function anchorOf(uint256 commitment) external view returns (Anchor memory record) {
        record = anchors[commitment];
        if (record.submitter == address(0)) revert NotAnchored(commitment);
    }

    // --- administration ----------------------------------------------------------------

    function addRateRoot(uint256 root) external onlyOwner {
        _addRateRoot(root);
    }

    function retireRateRoot(uint256 root) external onlyOwner {
        if (!isTrustedRateRoot[root]) revert RateRootNotTrusted(root);
        isTrustedRateRoot[root] = false;
        emit RateRootRetired(root);
    }

    function setPolicy(uint40 notBefore, uint40 notAfter, uint40 maxDuration, uint16 maxGpuCount) external onlyOwner {
        _setPolicy(notBefore, notAfter, maxDuration, maxGpuCount);
    }

    // --- internals ---------------------------------------------------------------------

    function _addRateRoot(uint256 root) private {
        if (root >= R) revert SignalNotInField(RATE_TABLE_ROOT, root);
        if (isTrustedRateRoot[root]) revert RateRootAlreadyTrusted(root);
        isTrustedRateRoot[root] = true;
        emit RateRootAdded(root);
    }

    function _setPolicy(uint40 notBefore, uint40 notAfter, uint40 maxDuration, uint16 maxGpuCount) private {
        if (notAfter < notBefore) revert InvalidPolicy();
        policy = PolicyBounds(notBefore, notAfter, maxDuration, maxGpuCount);
        emit PolicyChanged(notBefore, notAfter, maxDuration, maxGpuCount);
    }

    /// Every signal < R, a trusted rate-table root, the proven policy inside the bounds.
    function _check(uint256[$n] calldata s, PolicyBounds memory bounds) private view {
        for (uint256 i = 0; i < N_SIGNALS; ++i) {
            if (s[i] >= R) revert SignalNotInField(i, s[i]);
        }
        if (!isTrustedRateRoot[s[RATE_TABLE_ROOT]]) revert RateRootNotTrusted(s[RATE_TABLE_ROOT]);
        if (s[NOT_BEFORE] < bounds.notBefore || s[NOT_AFTER] > bounds.notAfter) {
            revert WindowOutsidePolicy(s[NOT_BEFORE], s[NOT_AFTER]);
        }
        if (s[MAX_DURATION] > bounds.maxDuration) revert DurationAbovePolicy(s[MAX_DURATION]);
        if (s[GPU_COUNT] > bounds.maxGpuCount) revert GpuCountAbovePolicy(s[GPU_COUNT]);
    }

    function _record(uint256[$n] calldata s) private {
        uint256 commitment = s[COMMITMENT];
        if (anchors[commitment].submitter != address(0)) revert AlreadyAnchored(commitment);
        anchors[commitment] = Anchor({
            submitter: msg.sender,
            blockNumber: uint48(block.number),
            timestamp: uint48(block.timestamp)$record_values
        });
        emit ReceiptAnchored(commitment, msg.sender$event_values);
    }

    /// verifyProof of the verifier; anchor's arguments are verifyProof's, word for word.
    function _verify(uint256[8] calldata proof, uint256[$n] calldata publicSignals) private view returns (bool valid) {
        address target = address(verifier);
        bytes4 selector = Groth16Verifier.verifyProof.selector;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, selector)
            calldatacopy(add(p, 4), proof, 256)
            calldatacopy(add(p, 260), publicSignals, $signal_bytes)
            let success := staticcall(gas(), target, p, add(260, $signal_bytes), p, 32)
            valid := and(success, and(eq(returndatasize(), 32), eq(mload(p), 1)))
        }
    }

    /// One pairing check over every proof, weighted by Fiat-Shamir challenges (module docs of
    /// zkreceipt.chain.registry). The signals were checked to be below R by _check.
    function _verifyBatch(uint256[8][] calldata proofs, uint256[$n][] calldata publicSignals)
        private
        view
        returns (bool valid)
    {
        assembly ("memory-safe") {
            // pAcc += scalar * (x, y) with ecMul (0x07) then ecAdd (0x06); whether both succeeded.
            function mulAcc(pAcc, pScratch, x, y, scalar) -> ok {
                mstore(pScratch, x)
                mstore(add(pScratch, 32), y)
                mstore(add(pScratch, 64), scalar)
                ok := staticcall(gas(), 0x07, pScratch, 96, pScratch, 64)
                mstore(add(pScratch, 64), mload(pAcc))
                mstore(add(pScratch, 96), mload(add(pAcc, 32)))
                ok := and(ok, staticcall(gas(), 0x06, pScratch, 128, pAcc, 64))
            }

            // The pair (-w*A, B) at pPair, and w*C added to the point at pC. Every coordinate
            // must be below Q, as verifyProof requires, before a precompile sees it.
            function addProof(pPair, pC, pScratch, proof, w) -> ok {
                ok := 1
                for { let k := 0 } lt(k, 256) { k := add(k, 32) } {
                    ok := and(ok, lt(calldataload(add(proof, k)), Q))
                }
                if iszero(ok) { leave }
                mstore(pScratch, calldataload(proof))
                mstore(add(pScratch, 32), calldataload(add(proof, 32)))
                mstore(add(pScratch, 64), w)
                ok := staticcall(gas(), 0x07, pScratch, 96, pPair, 64)
                if iszero(ok) { leave }
                mstore(add(pPair, 32), mod(sub(Q, mload(add(pPair, 32))), Q))
                calldatacopy(add(pPair, 64), add(proof, 64), 128)
                ok := and(ok, mulAcc(pC, pScratch, calldataload(add(proof, 192)), calldataload(add(proof, 224)), w))
            }

            // t[j] += w * signal[j] (mod R) for the signals at calldata offset `signals`.
            function addSignals(t, signals, w) {
                $scalar_sums
            }

            // Memory from p: pairs 0 .. count+2 (192 bytes each), t (the n scalar sums), then
            // s: 128 bytes of precompile scratch, the seed at s+128 and the index at s+160.
            let p := mload(0x40)
            let t := add(p, mul(add(proofs.length, 3), 192))
            {
                let proofBytes := mul(proofs.length, 256)
                let signalBytes := mul(proofs.length, $signal_bytes)
                calldatacopy(p, proofs.offset, proofBytes)
                calldatacopy(add(p, proofBytes), publicSignals.offset, signalBytes)
                mstore(add(t, add($signal_bytes, 128)), keccak256(p, add(proofBytes, signalBytes)))
            }
            mstore(sub(t, 192), 0)
            mstore(sub(t, 160), 0)
            $zero_sums
            let sumW := 0
            let ok := 1
            for { let i := 0 } lt(i, proofs.length) { i := add(i, 1) } {
                let s := add(t, $signal_bytes)
                mstore(add(s, 160), i)
                let w := add(mod(keccak256(add(s, 128), 64), sub(R, 1)), 1)
                ok := and(ok, addProof(add(p, mul(i, 192)), sub(t, 192), s, add(proofs.offset, mul(i, 256)), w))
                if iszero(ok) { break }
                addSignals(t, add(publicSignals.offset, mul(i, $signal_bytes)), w)
                sumW := addmod(sumW, w, R)
            }
            // A precompile that fails keeps the gas it was given: stop at the first failure.
            if ok {
                let s := add(t, $signal_bytes)

                // ((sum of w) * alpha, beta)
                let pair := sub(t, 576)
                mstore(s, alphax)
                mstore(add(s, 32), alphay)
                mstore(add(s, 64), sumW)
                ok := and(ok, staticcall(gas(), 0x07, s, 96, pair, 64))
                mstore(add(pair, 64), betax1)
                mstore(add(pair, 96), betax2)
                mstore(add(pair, 128), betay1)
                mstore(add(pair, 160), betay2)

                // ((sum of w) * IC0 + sum of t[j] * IC(j+1), gamma)
                pair := sub(t, 384)
                mstore(s, IC0x)
                mstore(add(s, 32), IC0y)
                mstore(add(s, 64), sumW)
                ok := and(ok, staticcall(gas(), 0x07, s, 96, pair, 64))
                $ic_sum
                mstore(add(pair, 64), gammax1)
                mstore(add(pair, 96), gammax2)
                mstore(add(pair, 128), gammay1)
                mstore(add(pair, 160), gammay2)

                // (sum of w * C, delta)
                pair := sub(t, 192)
                mstore(add(pair, 64), deltax1)
                mstore(add(pair, 96), deltax2)
                mstore(add(pair, 128), deltay1)
                mstore(add(pair, 160), deltay2)

                ok := and(ok, staticcall(gas(), 0x08, p, sub(t, p), s, 32))
                ok := and(ok, mload(s))
            }
            valid := ok
        }
    }
}
"""
)
