"""The one place the service verifies bundles: what it trusts, and the adapter to the library's verifiers.

TEMPORARY UNTIL THE TRUST BRANCH LANDS: the server's trust is read from its
home as today's CLI reads it: the receipt verification key
(``keys/verification_key.json``), the invoice keys beside it, the active
rate table (``$ZKRECEIPT_RATES`` or the published one) and, as receipt
signers, the Ed25519 keys recorded in the store (``zkreceipt keygen``). With
the trust profile this module loads ``load_trust_profile(home/trust.json)``
and calls ``verify_bundles(bundles, profile)`` / ``verify_invoice_bundle(bundle,
profile)``; nothing else in the service changes.

It fails closed: a bundle that cannot be parsed, a key the server does not
hold, a signer it does not know, each is an invalid verdict with its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ZkReceiptError
from ..formats.snarkjs_json import read_verification_key
from ..groth16 import Proof, VerifyingKey, verify
from ..groth16.batch_verifier import verify_batch
from ..ledger.bundle_format import BUNDLE_FORMAT, ProofBundle, bundle_from_json
from ..ledger.bundles import BundleCheck, verify_bundle, verify_bundles
from ..ledger.invoice_bundles import (
    INVOICE_BUNDLE_FORMAT,
    InvoiceBundle,
    invoice_bundle_from_json,
    invoice_key_paths,
    verify_invoice_bundle,
)
from ..ledger.keys import ReceiptKeyPaths, verification_key_id
from ..receipts import (
    Keyring,
    RateTable,
    Receipt,
    active_rate_table,
    parse_invoice,
    parse_receipt,
    receipt_commitment,
    verify_receipt,
)
from .verdicts import Submission, Verdict, invalid, invoice_signer

#: What the parsers may still raise untyped on hostile input (until every reader raises typed errors):
#: caught per document, so that one such bundle cannot fail the other requests of its micro-batch.
UNREADABLE = (ValueError, TypeError, OverflowError, RecursionError)


@dataclass
class ServiceVerifier:
    """Verifies receipt and invoice bundles with the server's own trust (see the module docstring)."""

    keys_directory: Path
    rates: RateTable = field(default_factory=active_rate_table)
    receipt_signers: Keyring = field(default_factory=Keyring)
    _receipt_vk: VerifyingKey | None = field(default=None, init=False)
    _receipt_vk_problem: str | None = field(default=None, init=False)
    receipt_vk_id: str | None = field(default=None, init=False)
    _invoice_vks: dict[str, VerifyingKey] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        path = ReceiptKeyPaths.under(self.keys_directory).verification_key
        try:
            self._receipt_vk = read_verification_key(path)
        except ZkReceiptError as error:
            self._receipt_vk_problem = f"the server holds no trusted receipt verification key ({error})"
        else:
            self.receipt_vk_id = verification_key_id(self._receipt_vk)  # a pairing (e(α, β)): computed once

    # verification

    def verify_documents(self, documents: Sequence[object]) -> list[Verdict]:
        """A verdict for each bundle document (receipt or invoice, by its ``format``), receipts batched."""
        verdicts: list[Verdict | None] = [None] * len(documents)
        receipts: list[tuple[int, ProofBundle]] = []
        for index, document in enumerate(documents):
            kind = document.get("format") if isinstance(document, dict) else None
            try:
                if kind == BUNDLE_FORMAT:
                    receipts.append((index, bundle_from_json(document)))
                elif kind == INVOICE_BUNDLE_FORMAT:
                    verdicts[index] = self._verify_invoice(invoice_bundle_from_json(document))
                else:
                    verdicts[index] = invalid(
                        f"not a zkreceipt proof bundle (format must be {BUNDLE_FORMAT!r} or {INVOICE_BUNDLE_FORMAT!r})"
                    )
            except ZkReceiptError as error:
                verdicts[index] = invalid(str(error))
            except UNREADABLE as error:  # untyped parser errors (a 5,000-digit number): this bundle only
                verdicts[index] = invalid(f"proof bundle: unreadable ({type(error).__name__}: {error})"[:300])
        for (index, _), verdict in zip(receipts, self._verify_receipts([b for _, b in receipts]), strict=True):
            verdicts[index] = verdict
        return [verdict for verdict in verdicts if verdict is not None]

    def _verify_receipts(self, bundles: Sequence[ProofBundle]) -> list[Verdict]:
        if not bundles:
            return []
        vk = self._receipt_vk
        if vk is None:
            return [_receipt_verdict(bundle, None, self._receipt_vk_problem or "") for bundle in bundles]
        if len(bundles) == 1:  # one pairing check is cheaper than a batch of one
            checks = [verify_bundle(bundles[0], vk, rates=self.rates)]
        else:
            checks = verify_bundles(bundles, vk, rates=self.rates)
        return [_receipt_verdict(bundle, check) for bundle, check in zip(bundles, checks, strict=True)]

    def _invoice_vk(self, bundle: InvoiceBundle) -> VerifyingKey | str:
        """The trusted key of the bundle's invoice circuit (read once), or why there is none."""
        key = bundle.circuit_key
        if key not in self._invoice_vks:
            path = invoice_key_paths(bundle.policy.shape, self.keys_directory).verification_key
            try:
                self._invoice_vks[key] = read_verification_key(path)
            except ZkReceiptError as error:
                return f"the server holds no trusted verification key for {key} ({error})"
        return self._invoice_vks[key]

    def _verify_invoice(self, bundle: InvoiceBundle) -> Verdict:
        vk = self._invoice_vk(bundle)
        check_problems = (vk,) if isinstance(vk, str) else verify_invoice_bundle(bundle, vk).problems
        return Verdict(
            valid=not check_problems,
            problems=tuple(check_problems),
            family="invoice",
            vk_id=bundle.vk_id,
            circuit=bundle.circuit_key,
            signer=None,
            signer_trusted=None,
            commitment=str(bundle.commitment),
            policy={"memory_limit": bundle.policy.memory_limit},
            disclosed=dict(bundle.gas_prices),
        )

    # submissions (POST /api/v1/bundles, /api/v1/invoices/bundles)

    def check_receipt_submissions(self, items: Sequence[tuple[object, object, object]]) -> list[Submission]:
        """Check (receipt, bundle, salt) documents: the receipt's signature by a trusted signer, the
        bundle's verdict, and that the bundle's commitment opens to this receipt with this salt."""
        parsed: list[tuple[int, Receipt, ProofBundle, list[str]]] = []
        results: list[Submission | None] = [None] * len(items)
        for index, (receipt_doc, bundle_doc, salt_text) in enumerate(items):
            try:
                receipt = parse_receipt(receipt_doc if isinstance(receipt_doc, dict) else {})
                bundle = bundle_from_json(bundle_doc)
                salt = _salt(salt_text)
            except ZkReceiptError as error:
                results[index] = Submission(invalid(str(error)))
                continue
            except UNREADABLE as error:
                results[index] = Submission(invalid(f"unreadable ({type(error).__name__}: {error})"[:300]))
                continue
            problems = []
            if receipt.signature is None:
                problems.append(f"receipt {receipt.receipt_id}: not signed")
            elif not verify_receipt(receipt, self.receipt_signers):
                problems.append(f"receipt {receipt.receipt_id}: not signed by a signer this server trusts")
            if not _opens(lambda: receipt_commitment(receipt, salt), salt, bundle.commitment):
                problems.append("the bundle's commitment does not open to this receipt with this salt")
            parsed.append((index, receipt, bundle, problems))
        verdicts = self._verify_receipts([bundle for _, _, bundle, _ in parsed])
        for (index, receipt, bundle, problems), verdict in zip(parsed, verdicts, strict=True):
            all_problems = (*verdict.problems, *problems)
            verdict = Verdict(**{**verdict.__dict__, "valid": not all_problems, "problems": all_problems})
            results[index] = Submission(verdict, receipt.receipt_id, receipt, _canonical(bundle_doc))
        return [result for result in results if result is not None]

    def check_invoice_submissions(self, items: Sequence[tuple[object, object, object]]) -> list[Submission]:
        """As :meth:`check_receipt_submissions`, for (invoice, invoice bundle, salt): the accounting
        signature is recovered (its address is who may submit), and the commitment must open."""
        from ..circuits.invoice_commitment import invoice_commitment

        results = []
        for invoice_doc, bundle_doc, salt_text in items:
            try:
                invoice = parse_invoice(invoice_doc if isinstance(invoice_doc, dict) else {})
                bundle = invoice_bundle_from_json(bundle_doc)
                salt = _salt(salt_text)
            except ZkReceiptError as error:
                results.append(Submission(invalid(str(error))))
                continue
            except UNREADABLE as error:
                results.append(Submission(invalid(f"unreadable ({type(error).__name__}: {error})"[:300])))
                continue
            verdict = self._verify_invoice(bundle)
            problems = list(verdict.problems)
            if invoice.accounting_signature is None:
                problems.append(f"invoice {invoice.invoice_id}: not signed")
            if not _opens(lambda: invoice_commitment(invoice, salt), salt, bundle.commitment):
                problems.append("the bundle's commitment does not open to this invoice with this salt")
            signer = invoice_signer(invoice)
            verdict = Verdict(
                **{**verdict.__dict__, "valid": not problems, "problems": tuple(problems), "signer": signer}
            )
            results.append(Submission(verdict, invoice.invoice_id, invoice, _canonical(bundle_doc)))
        return results

    # start-up

    def warm(self) -> None:
        """Load the verifier kernels (numba cache) by running the single and the batched check once.

        A proof of generator points is checked against the trusted key (it is
        invalid; only the kernels matter); with no key, one pairing check.
        """
        from ..curve import G1Points, G2Points, pairing_check

        g1, g2 = G1Points.generator(), G2Points.generator()
        vk = self._receipt_vk
        if vk is None:
            pairing_check(G1Points.concatenate([g1, -g1]), G2Points.concatenate([g2, g2]))
            return
        proof = Proof(g1, g2, g1)
        signals = [0] * vk.n_public
        verify(vk, signals, proof)
        verify_batch(vk, [signals, signals], [proof, proof])


def _salt(text: object) -> int | None:
    """The salt of a submission (a decimal string, as ``prove --salt-out`` writes it), or None."""
    if isinstance(text, str) and text.isdecimal() and len(text) <= 80:
        return int(text)
    return None


def _opens(commit: Callable[[], int], salt: int | None, commitment: int) -> bool:
    """Whether the salted commitment of the document equals the bundle's (False for a missing or bad salt)."""
    if salt is None:
        return False
    try:
        return commit() == commitment
    except ZkReceiptError:
        return False


def _canonical(document: object) -> str:
    import json

    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _receipt_verdict(bundle: ProofBundle, check: BundleCheck | None, problem: str = "") -> Verdict:
    return Verdict(
        valid=check is not None and check.ok,
        problems=check.problems if check is not None else (problem,),
        family="receipt",
        vk_id=bundle.vk_id,
        circuit=bundle.circuit_key,
        signer=bundle.signer_key_id,
        signer_trusted=None,
        commitment=str(bundle.commitment),
        policy=bundle.policy.public_inputs(),
        disclosed=dict(bundle.disclosed),
    )
