"""Prove receipts into proof bundles and verify bundles offline, one at a time or in bulk.

Example::

    pk = setup_receipt_keys(policy)                      # development setup (zkreceipt.ledger.keys)
    proven = prove_receipt(receipt, pk, policy, DEFAULT_RATE_TABLE)
    proven.bundle                                        # publish bundle_to_json(proven.bundle)
    proven.salt                                          # keep private: it opens the commitment
    verify_bundle(proven.bundle, pk.vk, rates=DEFAULT_RATE_TABLE).ok

The bundle format is described in :mod:`zkreceipt.ledger.bundle_format`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .bundle_format import (
    TEXT_FIELDS,
    BundleFormatError,
    ProofBundle,
    bundle_from_json,
    bundle_from_text,
    bundle_to_json,
    bundle_to_text,
)
from .keys import setup_receipt_keys, verification_key_id
from ..circuits.rate_table import rate_table_root
from ..circuits.receipt_policy import (
    POLICY_INPUT_NAMES,
    ReceiptDisclosure,
    ReceiptPolicy,
)
from ..errors import ProofError, SignatureError
from ..groth16 import Proof, ProvingKey, VerifyingKey, prove, prove_batch, verify
from ..groth16.prover import TABLE_MIN_PROOFS
from ..groth16.batch_verifier import verify_batch
from ..groth16.prover import default_chunk_size
from ..receipts import (
    RateTable,
    Receipt,
    new_salt,
    receipt_field_elements,
    text_to_field,
    verify_receipt,
)
from ..receipts.ed25519_signing import TrustedKeys
from .statements import Statement, receipt_statement

logger = logging.getLogger(__name__)

#: Bundles per batched pairing check in :func:`verify_bundles` (each costs one final exponentiation).
VERIFY_CHUNK_SIZE = 256

__all__ = [
    "BundleCheck",
    "BundleFormatError",
    "ProofBundle",
    "ProvenReceipt",
    "bundle_from_json",
    "bundle_from_text",
    "bundle_to_json",
    "bundle_to_text",
    "expected_signal_names",
    "prove_receipt",
    "prove_receipts",
    "setup_receipt_keys",
    "verification_key_id",
    "verify_bundle",
    "verify_bundles",
]


@dataclass(frozen=True)
class ProvenReceipt:
    """A bundle and the salt of its commitment (private: store it, never publish or log it)."""

    bundle: ProofBundle
    salt: int = field(repr=False)


def _check_signer(receipt: Receipt, trusted_keys: TrustedKeys | None) -> None:
    if trusted_keys is None:
        return
    if receipt.signature is None:
        raise SignatureError(f"signature: receipt {receipt.receipt_id} is not signed")
    if not verify_receipt(receipt, trusted_keys):
        raise SignatureError(
            f"signature: receipt {receipt.receipt_id} is not signed by a trusted key"
        )


def _statement_for_key(
    receipt: Receipt, proving_key: ProvingKey, policy: ReceiptPolicy, rates: RateTable, salt: int
) -> Statement:
    """The receipt's statement, after checking that ``proving_key`` is for its circuit (ProofError if not)."""
    statement = receipt_statement(receipt, policy, rates, salt)
    stats = statement.compiled.stats
    if proving_key.vk.n_public != stats.n_public or len(proving_key.a_query) != stats.n_wires:
        raise ProofError(
            f"proving key: made for another circuit, not the receipt circuit {statement.circuit_key}"
        )
    return statement


def _proven(
    receipt: Receipt, statement: Statement, policy: ReceiptPolicy, proof: Proof, vk_id: str, salt: int
) -> ProvenReceipt:
    """The bundle of a finished proof: the disclosed fields, the policy, the public signals."""
    elements = receipt_field_elements(receipt)
    disclosed = {
        name: getattr(receipt, name) if name in TEXT_FIELDS else getattr(elements, name)
        for name in policy.disclosure.public_fields
    }
    bundle = ProofBundle(
        disclosure=policy.disclosure,
        policy=policy,
        disclosed=disclosed,
        commitment=statement.public_values["commitment"],
        public_signal_names=statement.public_signal_names,
        public_signals=statement.public_signals,
        proof=proof,
        vk_id=vk_id,
        signature=receipt.signature,
    )
    logger.info("proved receipt", extra={"receipt_id": receipt.receipt_id, "job_id": receipt.job_id})
    return ProvenReceipt(bundle, salt)


def prove_receipt(
    receipt: Receipt,
    proving_key: ProvingKey,
    policy: ReceiptPolicy,
    rates: RateTable,
    salt: int | None = None,
    *,
    trusted_keys: TrustedKeys | None = None,
) -> ProvenReceipt:
    """Prove that ``receipt`` is priced by ``rates`` and fits ``policy``; a fresh salt unless one is given.

    Checks first (typed errors naming the field, before any proving): the
    signature if ``trusted_keys`` is given (SignatureError), the model and price
    (UnknownModelError, PricingError), the window, duration and usage
    (PolicyViolation), and that the key is for this policy's circuit (ProofError).
    """
    _check_signer(receipt, trusted_keys)
    salt = new_salt() if salt is None else salt
    statement = _statement_for_key(receipt, proving_key, policy, rates, salt)
    proof = prove(proving_key, statement.solve().values)
    return _proven(receipt, statement, policy, proof, verification_key_id(proving_key.vk), salt)


def prove_receipts(
    receipts: Iterable[Receipt],
    proving_key: ProvingKey,
    policy: ReceiptPolicy | Sequence[ReceiptPolicy],
    rates: RateTable,
    *,
    trusted_keys: TrustedKeys | None = None,
    on_proven: Callable[[ProvenReceipt], None] | None = None,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[ProvenReceipt]:
    """Prove many receipts under one proving key with :func:`groth16.prove_batch` (fresh salts).

    ``policy`` is one policy for all, or one per receipt (same disclosure, so
    the same circuit and key; windows may differ). Every receipt is checked
    before the first proof starts (typed error naming the field).
    Receipts are proven chunk by chunk (``chunk_size`` proofs, default the
    prover's); as a chunk finishes, ``on_proven`` is called for each of its
    receipts in order (write and store it there: a later failure loses nothing
    already handed over) and ``progress(n)`` reports the n proofs done.
    """
    receipts = list(receipts)
    policies = [policy] * len(receipts) if isinstance(policy, ReceiptPolicy) else list(policy)
    if len(policies) != len(receipts):
        raise ProofError(f"policies: {len(policies)} policies for {len(receipts)} receipts")
    salts = [new_salt() for _ in receipts]
    statements = []
    for receipt, item_policy, salt in zip(receipts, policies, salts, strict=True):
        _check_signer(receipt, trusted_keys)
        statements.append(_statement_for_key(receipt, proving_key, item_policy, rates, salt))
    vk_id = verification_key_id(proving_key.vk)
    size = chunk_size or default_chunk_size(proving_key)
    # The key's fixed-base tables pay off over the whole batch, not per chunk.
    tables = True if len(receipts) >= TABLE_MIN_PROOFS else None
    proven: list[ProvenReceipt] = []
    for start in range(0, len(receipts), size):
        chunk = range(start, min(start + size, len(receipts)))
        proofs = prove_batch(proving_key, [statements[i].solve().values for i in chunk], tables=tables)
        for i, proof in zip(chunk, proofs, strict=True):
            item = _proven(receipts[i], statements[i], policies[i], proof, vk_id, salts[i])
            proven.append(item)
            if on_proven is not None:
                on_proven(item)
        if progress is not None:
            progress(len(chunk))
    return proven


def expected_signal_names(disclosure: ReceiptDisclosure) -> tuple[str, ...]:
    """The receipt circuit's public signal names for ``disclosure`` (snarkjs public.json order)."""
    rate = "rate_table_root" if disclosure.uses_rate_table else "rate_fp"
    return ("commitment", *POLICY_INPUT_NAMES, rate, *disclosure.public_fields)


@dataclass(frozen=True)
class BundleCheck:
    """Each check of :func:`verify_bundle`; ``rates`` is None when no rate table was given."""

    vk_id: bool
    signals: bool
    rates: bool | None
    proof: bool
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.vk_id and self.signals and self.rates is not False and self.proof


def _signal_problems(bundle: ProofBundle) -> list[str]:
    """Where the public signals disagree with the disclosure, the policy, the commitment or the disclosed fields."""
    if bundle.public_signal_names != expected_signal_names(bundle.disclosure):
        return [
            f"public signal names {list(bundle.public_signal_names)} do not match the circuit {bundle.circuit_key}"
        ]
    values = bundle.public_values
    expected: dict[str, int] = {
        "commitment": bundle.commitment,
        **bundle.policy.public_inputs(),
    }
    if set(bundle.disclosed) != set(bundle.disclosure.public_fields):
        return [
            f"disclosed fields {sorted(bundle.disclosed)} are not the circuit's {list(bundle.disclosure.public_fields)}"
        ]
    for name, value in bundle.disclosed.items():
        expected[name] = text_to_field(value) if isinstance(value, str) else value
    return [
        f"public signal {name} does not match the bundle's {name}"
        for name, v in expected.items()
        if values[name] != v
    ]


def _rates_problem(bundle: ProofBundle, rates: RateTable) -> str | None:
    values = bundle.public_values
    disclosure = bundle.disclosure
    if disclosure.uses_rate_table:
        if values["rate_table_root"] != rate_table_root(
            rates, disclosure.rate_table_depth or 0
        ):
            return "the rate-table root is not the root of the trusted rate table"
        return None
    model = bundle.disclosed.get("model")
    if (
        not isinstance(model, str)
        or model not in rates.models
        or rates.rate_fp(model) != values["rate_fp"]
    ):
        return f"the public rate is not the trusted rate of model {model!r}"
    return None


def _static_check(
    bundle: ProofBundle, vk: VerifyingKey, vk_id: str, rates: RateTable | None
) -> BundleCheck:
    """Every check except the pairing; ``proof`` is False here and set by the caller."""
    problems = []
    vk_ok = bundle.vk_id == vk_id and vk.n_public == len(bundle.public_signals)
    if not vk_ok:
        problems.append("the bundle was made for another verification key")
    signal_problems = _signal_problems(bundle)
    problems += signal_problems
    rates_ok: bool | None = None
    if rates is not None and not signal_problems:
        rates_problem = _rates_problem(bundle, rates)
        rates_ok = rates_problem is None
        problems += [rates_problem] if rates_problem else []
    return BundleCheck(vk_ok, not signal_problems, rates_ok, False, tuple(problems))


def _with_proof(check: BundleCheck, valid: bool) -> BundleCheck:
    problems = (
        check.problems if valid else (*check.problems, "the proof does not verify")
    )
    return BundleCheck(check.vk_id, check.signals, check.rates, valid, problems)


def verify_bundle(
    bundle: ProofBundle, vk: VerifyingKey, *, rates: RateTable | None = None
) -> BundleCheck:
    """Check ``bundle`` against the trusted ``vk`` (and the trusted ``rates``, if given).

    The proof is checked only under a key whose id the bundle names.
    """
    check = _static_check(bundle, vk, verification_key_id(vk), rates)
    return _with_proof(
        check, check.vk_id and verify(vk, list(bundle.public_signals), bundle.proof)
    )


def verify_bundles(
    bundles: Sequence[ProofBundle],
    vk: VerifyingKey,
    *,
    rates: RateTable | None = None,
    chunk_size: int = VERIFY_CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
) -> list[BundleCheck]:
    """Check many bundles; the proofs under ``vk`` are checked together with :func:`verify_batch`.

    One batched check per ``chunk_size`` bundles (one final exponentiation
    each), with ``progress(n)`` after each chunk of n bundles.
    """
    if chunk_size < 1:
        raise ProofError(f"chunk_size must be at least 1, got {chunk_size}")
    vk_id = verification_key_id(vk)
    checks: list[BundleCheck] = []
    for start in range(0, len(bundles), chunk_size):
        chunk = bundles[start : start + chunk_size]
        static = [_static_check(bundle, vk, vk_id, rates) for bundle in chunk]
        batch = [i for i, check in enumerate(static) if check.vk_id]
        verdicts = verify_batch(
            vk, [list(chunk[i].public_signals) for i in batch], [chunk[i].proof for i in batch]
        )
        valid = dict(zip(batch, verdicts.valid, strict=True))
        checks += [_with_proof(check, valid.get(i, False)) for i, check in enumerate(static)]
        if progress is not None:
            progress(len(chunk))
    return checks
