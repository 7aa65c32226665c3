"""Prove receipts into attested proof bundles; verify bundles against the verifier's trust profile.

Example::

    pk = setup_receipt_keys(policy)                       # development setup (zkreceipt.ledger.keys)
    proven = prove_receipt(receipt, pk, policy, DEFAULT_RATE_TABLE,
                           trusted_keys=provider_public_key, signing_key=provider_signing_key)
    proven.bundle                                         # publish bundle_to_json(proven.bundle)
    proven.salt                                           # keep private: it opens the commitment
    profile = load_trust_profile()                        # what *this* verifier trusts
    verify_bundle(proven.bundle, profile).ok

What :func:`verify_bundle` checks, failing closed (anything it cannot check is a problem):

1. the bundle's ``vk_id`` names a key of the profile; the meaning of every
   public signal comes from that key's circuit identity, and the bundle's
   claimed circuit must be the same one;
2. the bundle's commitment, policy and disclosed fields are its public signals;
3. the rate: a rate-table root the profile trusts *at the circuit's depth*, or
   a public rate equal to a trusted rate of the disclosed model;
4. the proven policy lies inside the profile's bounds;
5. the attestation is a valid Ed25519 signature of the bundle's statement by a
   signer of the profile (``allow_untrusted_signer`` waives only an unknown or
   missing signer, and the check then says the signer was not checked);
6. the Groth16 proof, under the trusted key.

The bundle format is described in :mod:`zkreceipt.ledger.bundle_format`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nacl.signing import SigningKey

from ..circuits.receipt_policy import POLICY_INPUT_NAMES, ReceiptDisclosure, ReceiptPolicy
from ..errors import ProofError, SignatureError, ZkReceiptError
from ..groth16 import Proof, ProvingKey, VerifyingKey, prove, prove_batch, verify
from ..groth16.batch_verifier import verify_batch
from ..groth16.prover import TABLE_MIN_PROOFS, default_chunk_size
from ..receipts import RateTable, Receipt, new_salt, receipt_field_elements, text_to_field, verify_receipt
from ..receipts.ed25519_signing import TrustedKeys
from .attestation import SignerCheck, attest, check_attestation
from .bundle_format import (
    TEXT_FIELDS,
    BundleFormatError,
    ProofBundle,
    bundle_from_json,
    bundle_from_text,
    bundle_to_json,
    bundle_to_text,
    statement_of,
)
from .identity import RECEIPT_FAMILY, CircuitIdentity, receipt_identity, receipt_signal_names, verification_key_id
from .keys import setup_receipt_keys
from ..circuits.receipt import compile_receipt_circuit
from .statements import Statement, receipt_statement
from .trust import TrustedKey, TrustProfile

if TYPE_CHECKING:
    from distributed import Client  # the optional extra zkreceipt[cluster]

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
    "check_to_json",
    "expected_signal_names",
    "prove_receipt",
    "prove_receipts",
    "setup_receipt_keys",
    "verification_key_id",
    "verify_bundle",
    "verify_bundles",
]

expected_signal_names = receipt_signal_names


@dataclass(frozen=True)
class ProvenReceipt:
    """A bundle and the salt of its commitment (private: store it, never publish or log it), and its receipt."""

    bundle: ProofBundle
    salt: int = field(repr=False)
    receipt: Receipt | None = field(default=None, repr=False, compare=False)


# --- proving -------------------------------------------------------------------------------------


def check_receipt_signer(receipt: Receipt, trusted_keys: TrustedKeys) -> None:
    """SignatureError naming the field unless the receipt is signed by one of the prover's trusted keys."""
    if receipt.signature is None:
        raise SignatureError(f"signature: receipt {receipt.receipt_id} is not signed")
    if not verify_receipt(receipt, trusted_keys):
        raise SignatureError(
            f"signature: receipt {receipt.receipt_id} is not signed by a trusted key "
            f"(it names the key {receipt.signature.key_id})"
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
    receipt: Receipt,
    statement: Statement,
    policy: ReceiptPolicy,
    proof: Proof,
    vk_id: str,
    salt: int,
    signing_key: SigningKey,
) -> ProvenReceipt:
    """The attested bundle of a finished proof: the disclosed fields, the policy, the public signals."""
    elements = receipt_field_elements(receipt)
    disclosed = {
        name: getattr(receipt, name) if name in TEXT_FIELDS else getattr(elements, name)
        for name in policy.disclosure.public_fields
    }
    bundle = ProofBundle(
        policy=policy,
        disclosed=disclosed,
        commitment=statement.public_values["commitment"],
        public_signals=statement.public_signals,
        proof=proof,
        vk_id=vk_id,
    )
    bundle = replace(bundle, attestation=attest(statement_of(bundle), signing_key))
    logger.info("proved receipt", extra={"receipt_id": receipt.receipt_id, "job_id": receipt.job_id})
    return ProvenReceipt(bundle, salt, receipt)


def _check_prover_inputs(proving_key: ProvingKey, signing_key: SigningKey) -> None:
    if not isinstance(proving_key, ProvingKey):
        raise ProofError(f"proving key: must be a ProvingKey, got {type(proving_key).__name__}")
    if not isinstance(signing_key, SigningKey):
        raise SignatureError(f"signing key: must be a nacl.signing.SigningKey, got {type(signing_key).__name__}")


def prove_receipt(
    receipt: Receipt,
    proving_key: ProvingKey,
    policy: ReceiptPolicy,
    rates: RateTable,
    salt: int | None = None,
    *,
    trusted_keys: TrustedKeys,
    signing_key: SigningKey,
) -> ProvenReceipt:
    """Prove that ``receipt`` is priced by ``rates`` and fits ``policy``, and attest the bundle with ``signing_key``.

    Checks first (typed errors naming the field, before any proving): the
    receipt's own signature under ``trusted_keys`` (one public key or a
    Keyring; SignatureError), the model and price (UnknownModelError,
    PricingError), the window, duration and usage (PolicyViolation), and that
    the key is for this policy's circuit (ProofError). A fresh salt unless one is given.
    """
    _check_prover_inputs(proving_key, signing_key)
    check_receipt_signer(receipt, trusted_keys)
    salt = new_salt() if salt is None else salt
    statement = _statement_for_key(receipt, proving_key, policy, rates, salt)
    proof = prove(proving_key, statement.solve().values)
    vk_id = verification_key_id(proving_key.vk, receipt_identity(policy.disclosure))
    return _proven(receipt, statement, policy, proof, vk_id, salt, signing_key)


def prove_receipts(
    receipts: Iterable[Receipt],
    proving_key: ProvingKey,
    policy: ReceiptPolicy | Sequence[ReceiptPolicy],
    rates: RateTable,
    *,
    trusted_keys: TrustedKeys,
    signing_key: SigningKey,
    on_proven: Callable[[ProvenReceipt], None] | None = None,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    client: Client | None = None,
    key_file: str | Path | None = None,
    on_failed: Callable[[Receipt, ZkReceiptError], None] | None = None,
) -> list[ProvenReceipt]:
    """Prove many receipts under one proving key with :func:`groth16.prove_batch` (fresh salts).

    ``policy`` is one policy for all, or one per receipt (same disclosure, so
    the same circuit and key; windows may differ). Every receipt is checked
    (its signature under ``trusted_keys`` included) before the first proof starts.
    Receipts are proven chunk by chunk (``chunk_size`` proofs, default the
    prover's); as a chunk finishes, ``on_proven`` is called for each of its
    receipts in order (write and store it there: a later failure loses nothing
    already handed over) and ``progress(n)`` reports the n receipts done.

    With a Dask ``client`` (extra ``zkreceipt[cluster]``) the chunks are proven
    on its workers (see :mod:`zkreceipt.cluster`; ``key_file``: the proving-key
    file the workers read, else the key is sent to them) and handed over in
    completion order; bundles are still built here. A receipt a worker could
    not prove goes to ``on_failed(receipt, error)`` and the batch goes on
    (without ``on_failed`` its error is raised).
    """
    _check_prover_inputs(proving_key, signing_key)
    receipts = list(receipts)
    policies = [policy] * len(receipts) if isinstance(policy, ReceiptPolicy) else list(policy)
    if len(policies) != len(receipts):
        raise ProofError(f"policies: {len(policies)} policies for {len(receipts)} receipts")
    if len({item.disclosure for item in policies}) > 1:
        raise ProofError("policies: one proving key serves one disclosure; these policies have several")
    salts = [new_salt() for _ in receipts]
    statements = []
    for receipt, item_policy, salt in zip(receipts, policies, salts, strict=True):
        check_receipt_signer(receipt, trusted_keys)
        statements.append(_statement_for_key(receipt, proving_key, item_policy, rates, salt))
    vk_id = verification_key_id(proving_key.vk, receipt_identity(policies[0].disclosure)) if policies else ""
    if client is None:
        # The key's fixed-base tables pay off over the whole batch, not per chunk.
        tables = True if len(receipts) >= TABLE_MIN_PROOFS else None
        chunks = _proofs_here(proving_key, statements, chunk_size or default_chunk_size(proving_key), tables)
    else:
        from ..cluster import prove_statements_on  # Dask is imported only for a cluster batch

        circuit = functools.partial(compile_receipt_circuit, policies[0].disclosure) if policies else None
        chunks = prove_statements_on(client, proving_key, statements, circuit, chunk_size=chunk_size, key_file=key_file)
    proven: list[ProvenReceipt] = []
    with contextlib.closing(chunks):
        for chunk in chunks:
            for i, outcome in chunk:
                if isinstance(outcome, ZkReceiptError):
                    if on_failed is None:
                        raise outcome
                    on_failed(receipts[i], outcome)
                    continue
                item = _proven(receipts[i], statements[i], policies[i], outcome, vk_id, salts[i], signing_key)
                proven.append(item)
                if on_proven is not None:
                    on_proven(item)
            if progress is not None:
                progress(len(chunk))
    return proven


def _proofs_here(
    pk: ProvingKey, statements: Sequence[Statement], size: int, tables: bool | None
) -> Iterator[list[tuple[int, Proof]]]:
    """[(index, proof), …] per chunk of ``size`` statements, proven in this process (``tables``: see ``prove_batch``)."""
    for start in range(0, len(statements), size):
        chunk = range(start, min(start + size, len(statements)))
        proofs = prove_batch(pk, [statements[i].solve().values for i in chunk], tables=tables)
        yield list(zip(chunk, proofs, strict=True))



# --- verifying -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleCheck:
    """The verdict on one bundle and what it proved, read through the verifier's trusted key.

    ``vk_id``: the key the bundle names; ``identity``: the circuit the profile
    trusts that key for (None if the key is not trusted). ``signer``: the
    attestation's key id (receipts) or address (invoices), None if unsigned;
    ``signer_trusted``: trusted and its signature verifies; ``signer_checked``:
    False when an unknown or missing signer was waived (``allow_untrusted_signer``).
    ``policy``: the proven bounds (receipts: window, max_duration, gpu_count;
    invoices: gas prices, memory limit); ``rate``: how the rate was bound;
    ``disclosed``: each disclosed value; ``private``: what stayed private.
    ``proof``: whether the pairing check passed; ``problems``: one line per failed check.
    """

    vk_id: str
    identity: CircuitIdentity | None
    signer: str | None
    signer_trusted: bool
    signer_checked: bool
    policy: Mapping[str, int]
    rate: str | None
    disclosed: Mapping[str, str | int]
    private: tuple[str, ...]
    commitment: int | None
    proof: bool
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.proof and not self.problems


def check_to_json(check: BundleCheck) -> dict[str, Any]:
    """The ``--json`` form of a check (receipt or invoice bundle)."""
    return {
        "valid": check.ok,
        "vk_id": check.vk_id,
        "circuit": check.identity.to_json() if check.identity is not None else None,
        "signer": {"id": check.signer, "trusted": check.signer_trusted, "checked": check.signer_checked},
        "policy": dict(check.policy),
        "rate": check.rate,
        "disclosed": dict(check.disclosed),
        "private": list(check.private),
        "commitment": str(check.commitment) if check.commitment is not None else None,
        "proof": check.proof,
        "problems": list(check.problems),
    }


def signer_waived(signer: SignerCheck, allow_untrusted_signer: bool) -> bool:
    """Whether the signer check is waived: only an unknown or missing signer, and the verifier allows that."""
    return signer.problem is not None and allow_untrusted_signer and not signer.known


def signer_problems(signer: SignerCheck, allow_untrusted_signer: bool) -> list[str]:
    """The signer's problem, unless the check is waived."""
    if signer.problem is None or signer_waived(signer, allow_untrusted_signer):
        return []
    return [signer.problem]


def trusted_key_problems(vk_id: str, key: TrustedKey | None, claimed: CircuitIdentity, family: str) -> list[str]:
    """Why the bundle's key cannot be used: not trusted, trusted for another family, or another circuit claimed."""
    if key is None:
        return [f"the verification key {vk_id} is not in the trust profile"]
    if key.identity.family != family:
        return [f"the key {vk_id} is trusted for the {key.identity.family} circuit {key.identity.key}, not a {family} circuit"]
    if claimed != key.identity:
        return [f"the bundle claims the circuit {claimed.key}, but its key is trusted for {key.identity.key}"]
    return []


def first_checks(
    bundle: Any, key: TrustedKey | None, signer: SignerCheck, family: str, allow_untrusted_signer: bool
) -> tuple[BundleCheck, list[str]]:
    """The check so far (who signed; nothing proven yet) and why the bundle's key cannot be used, if it cannot.

    The key must be in the profile, trusted for a circuit of ``family``, the one
    the bundle claims, and take as many public signals as the bundle carries.
    ``identity`` is the trusted circuit whenever the key is trusted for ``family``.
    """
    problems = trusted_key_problems(bundle.vk_id, key, bundle.identity, family)
    if not problems and key is not None and len(bundle.public_signals) != key.vk.n_public:
        problems = [f"{len(bundle.public_signals)} public signals, but the trusted circuit {key.identity.key} has {key.vk.n_public}"]
    trusted = key.identity if key is not None and key.identity.family == family else None
    check = BundleCheck(
        vk_id=bundle.vk_id,
        identity=trusted,
        signer=signer.signer,
        signer_trusted=signer.trusted,
        signer_checked=not signer_waived(signer, allow_untrusted_signer),
        policy={},
        rate=None,
        disclosed={},
        private=trusted.private_values if trusted is not None else (),
        commitment=None,
        proof=False,
        problems=(),
    )
    return check, problems


def claim_problems(claims: Mapping[str, int], values: Mapping[str, int]) -> list[str]:
    """Where the bundle's stated values disagree with its public signals."""
    return [f"public signal {name} does not match the bundle's {name}" for name, v in claims.items() if values[name] != v]


def _disclosed(bundle: ProofBundle, disclosure: ReceiptDisclosure, values: Mapping[str, int]) -> tuple[dict[str, str | int], list[str]]:
    """The disclosed values the signals confirm, and the problems (text must hash to its signal)."""
    if set(bundle.disclosed) != set(disclosure.public_fields):
        return {}, [
            f"disclosed fields {sorted(bundle.disclosed)} are not the trusted circuit's {list(disclosure.public_fields)}"
        ]
    disclosed: dict[str, str | int] = {}
    problems = []
    for name in disclosure.public_fields:
        value = bundle.disclosed[name]
        element = text_to_field(value) if isinstance(value, str) else value
        if element == values[name]:
            disclosed[name] = value
        else:
            problems.append(f"public signal {name} does not match the bundle's {name}")
    return disclosed, problems


def _rate(disclosure: ReceiptDisclosure, values: Mapping[str, int], model: object, profile: TrustProfile) -> tuple[str, list[str]]:
    """How the rate is bound, and the problem if it is not bound to something the profile trusts."""
    if disclosure.uses_rate_table:
        depth = disclosure.rate_table_depth
        root = values["rate_table_root"]
        described = f"from the rate table with root {root} (depth {depth})"
        if profile.rate_table_at(root, depth) is not None:  # type: ignore[arg-type]
            return described, []
        other = profile.rate_tables.get(root)
        hint = f" (that root is trusted at depth {other.depth} only)" if other is not None else ""
        return described, [f"the rate-table root is not the root of a trusted rate table of depth {depth}{hint}"]
    rate_fp = values["rate_fp"]
    described = f"public rate {rate_fp} micro-tokens per unit"
    if isinstance(model, str) and any(t.rates.rates_fp.get(model) == rate_fp for t in profile.rate_tables.values()):
        return described, []
    return described, [f"the public rate {rate_fp} is not a trusted rate of the model {model!r:.80}"]


def _static_check(
    bundle: ProofBundle, profile: TrustProfile, allow_untrusted_signer: bool
) -> tuple[BundleCheck, TrustedKey | None]:
    """Every check except the pairing (``proof`` False), and the trusted key to pair with, if any."""
    signer = check_attestation(statement_of(bundle), bundle.attestation, profile.receipt_signers)
    key = profile.keys.get(bundle.vk_id)
    check, problems = first_checks(bundle, key, signer, RECEIPT_FAMILY, allow_untrusted_signer)
    if problems or key is None:
        check = replace(check, problems=(*problems, *signer_problems(signer, allow_untrusted_signer)))
        return check, pairing_key(key, bundle, RECEIPT_FAMILY)
    identity = key.identity
    disclosure: ReceiptDisclosure = identity.disclosure  # type: ignore[assignment]
    values = dict(zip(identity.public_signals, bundle.public_signals, strict=True))
    policy = {name: values[name] for name in POLICY_INPUT_NAMES}
    problems += claim_problems({"commitment": bundle.commitment, **bundle.policy.public_inputs()}, values)
    disclosed, disclosed_problems = _disclosed(bundle, disclosure, values)
    rate, rate_problems = _rate(disclosure, values, disclosed.get("model"), profile)
    problems += disclosed_problems + rate_problems + profile.policy.problems(policy)
    problems += signer_problems(signer, allow_untrusted_signer)
    check = replace(
        check, policy=policy, rate=rate, disclosed=disclosed, commitment=values["commitment"], problems=tuple(problems)
    )
    return check, key


def pairing_key(key: TrustedKey | None, bundle: Any, family: str) -> TrustedKey | None:
    """The trusted key to check the proof with (even when other checks failed), if one fits the bundle."""
    if key is None or key.identity.family != family or len(bundle.public_signals) != key.vk.n_public:
        return None
    return key


def with_proof(check: BundleCheck, valid: bool | str | None) -> BundleCheck:
    """``check`` with the pairing's verdict.

    None: no trusted key to pair with (already a problem); a string: why the
    proof could not be checked (a point outside its group), itself a problem.
    """
    if valid is None:
        return check
    if valid is True:
        return replace(check, proof=True)
    reason = valid if isinstance(valid, str) else "the proof does not verify under the trusted key"
    return replace(check, problems=(*check.problems, reason))


def _unpairable(error: ProofError) -> str:
    return f"the proof cannot be checked: {error}"


def _pair(vk: VerifyingKey, bundle: ProofBundle) -> bool | str:
    """One pairing check of ``bundle``'s proof; why not, if the verifier refuses its points."""
    try:
        return verify(vk, list(bundle.public_signals), bundle.proof)
    except ProofError as error:
        return _unpairable(error)


def _pair_batch(vk: VerifyingKey, bundles: Sequence[ProofBundle]) -> list[bool | str]:
    """:func:`verify_batch` verdicts of ``bundles``' proofs.

    The batch validates every point first (B's subgroup for all proofs in one
    call: the bundle parser leaves it to this check). If it refuses the batch,
    each half is checked again, until every refused proof stands alone with its
    reason: k malformed proofs cost O(k·log N) validations, and the others still
    share their pairing checks.
    """
    try:
        return list(verify_batch(vk, [list(b.public_signals) for b in bundles], [b.proof for b in bundles]).valid)
    except ProofError as error:
        if len(bundles) == 1:
            return [_unpairable(error)]
        half = len(bundles) // 2
        return _pair_batch(vk, bundles[:half]) + _pair_batch(vk, bundles[half:])


def _require_profile(profile: object) -> None:
    if not isinstance(profile, TrustProfile):
        raise ProofError(f"profile: must be a TrustProfile (what the verifier trusts), got {type(profile).__name__}")


def verify_bundle(bundle: ProofBundle, profile: TrustProfile, *, allow_untrusted_signer: bool = False) -> BundleCheck:
    """Check ``bundle`` against the verifier's ``profile`` (see the module docstring); fails closed."""
    _require_profile(profile)
    check, key = _static_check(bundle, profile, allow_untrusted_signer)
    return with_proof(check, None if key is None else _pair(key.vk, bundle))


def verify_bundles(
    bundles: Sequence[ProofBundle],
    profile: TrustProfile,
    *,
    allow_untrusted_signer: bool = False,
    chunk_size: int = VERIFY_CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
) -> list[BundleCheck]:
    """Check many bundles; the proofs are checked with :func:`verify_batch`, one batch per chunk and key.

    One batched check per ``chunk_size`` bundles and trusted key (one final
    exponentiation each), with ``progress(n)`` after each chunk of n bundles.
    A malformed proof (a point outside its group) fails its own bundle only.
    The key ids are the profile's, computed once when it was loaded.
    """
    _require_profile(profile)
    if chunk_size < 1:
        raise ProofError(f"chunk_size must be at least 1, got {chunk_size}")
    checks: list[BundleCheck] = []
    for start in range(0, len(bundles), chunk_size):
        chunk = bundles[start : start + chunk_size]
        static = [_static_check(bundle, profile, allow_untrusted_signer) for bundle in chunk]
        by_key: dict[str, list[int]] = defaultdict(list)
        for index, (_, key) in enumerate(static):
            if key is not None:
                by_key[key.vk_id].append(index)
        valid: dict[int, bool | str] = {}
        for vk_id, indices in by_key.items():
            verdicts = _pair_batch(profile.keys[vk_id].vk, [chunk[i] for i in indices])
            valid.update(zip(indices, verdicts, strict=True))
        checks += [with_proof(check, valid.get(i)) for i, (check, _) in enumerate(static)]
        if progress is not None:
            progress(len(chunk))
    return checks
