"""The one place the service verifies: the server's trust profile and the library's verifiers.

The server verifies with one :class:`~zkreceipt.ledger.trust.TrustProfile`
(``zkreceipt serve --trust FILE``, default the home's ``trust.json``): receipt
bundles with :func:`~zkreceipt.ledger.bundles.verify_bundles` (a micro-batch
at a time, so concurrent requests share one batched pairing check per trusted
key), invoice bundles with :func:`~zkreceipt.ledger.invoice_bundles.verify_invoice_bundle`.

It fails closed: a bundle that cannot be parsed, a key or signer the profile
does not trust, a proof it could not check, each is an invalid verdict with
its reason. A server with no profile verifies with an empty one (nothing is
trusted, every verdict is invalid).

A submission (``POST /api/v1/bundles``) is a receipt, its bundle and the
commitment's salt, from a provider's API key. It is accepted only if the
receipt's provider is the key's subject, the receipt is signed by a receipt
signer of the profile, the bundle is attested by that same key (the provider
that signed the receipt attests its proof), the bundle verifies, and the
commitment opens to the receipt with the salt. Invoices alike: the accounting
signature recovers to a trusted invoice signer, which is the key's subject and
the bundle's attesting address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ZkReceiptError
from ..groth16 import Proof, verify
from ..groth16.batch_verifier import verify_batch
from ..ledger.bundle_format import BUNDLE_FORMAT, ProofBundle, bundle_from_json, bundle_to_text
from ..ledger.bundles import check_receipt_signer, check_to_json, verify_bundles
from ..ledger.invoice_bundles import (
    INVOICE_BUNDLE_FORMAT,
    InvoiceBundle,
    invoice_bundle_from_json,
    invoice_bundle_to_text,
    verify_invoice_bundle,
)
from ..ledger.trust import TrustProfile, trust_profile_from_json
from ..receipts import Invoice, Receipt, parse_invoice, parse_receipt, receipt_commitment, recover_invoice_signer
from ..receipts.fixed_point import TOKEN_DECIMALS, fixed_to_text
from .verdicts import Submission, TrustSummary, Verdict, invalid

#: What a parser may still raise untyped on hostile input: caught per document, so that one such
#: bundle cannot fail the other requests of its micro-batch.
UNREADABLE = (ValueError, TypeError, OverflowError, RecursionError)

Item = tuple[object, object, object]


class ServiceVerifier:
    """Verifies receipt and invoice bundles, and checks submissions, with the server's trust profile."""

    def __init__(self, profile: TrustProfile, source: str = "trust profile") -> None:
        self.profile = profile
        self.source = source

    @classmethod
    def from_document(cls, document: object | None, source: str) -> ServiceVerifier:
        """The verifier of the profile document read from ``source`` (None: no profile, nothing trusted).

        TrustProfileError naming ``source`` and the field if the document is malformed.
        """
        profile = TrustProfile() if document is None else trust_profile_from_json(document, source)
        return cls(profile, source)

    def summary(self) -> TrustSummary:
        """What the profile trusts, as plain data."""
        profile = self.profile
        return TrustSummary(
            source=self.source,
            keys={vk_id: key.identity.key for vk_id, key in profile.keys.items()},
            rate_tables={
                root: (table.depth, {m: fixed_to_text(r, TOKEN_DECIMALS) for m, r in table.rates.rates_fp.items()})
                for root, table in profile.rate_tables.items()
            },
            receipt_signers=tuple(sorted(profile.receipt_signers)),
            invoice_signers=tuple(sorted(profile.invoice_signers)),
        )

    # verification

    def verify_documents(self, documents: Sequence[object]) -> list[Verdict]:
        """A verdict for each bundle document (receipt or invoice, by its ``format``), receipts batched."""
        verdicts: list[Verdict | None] = [None] * len(documents)
        receipts: list[tuple[int, ProofBundle]] = []
        for index, document in enumerate(documents):
            kind = document.get("format") if isinstance(document, dict) else None
            if kind == BUNDLE_FORMAT:
                parsed = _parsed(lambda: bundle_from_json(document), "receipt")
                if isinstance(parsed, Verdict):
                    verdicts[index] = parsed
                else:
                    receipts.append((index, parsed))
            elif kind == INVOICE_BUNDLE_FORMAT:
                parsed_invoice = _parsed(lambda: invoice_bundle_from_json(document), "invoice")
                verdicts[index] = parsed_invoice if isinstance(parsed_invoice, Verdict) else self._invoice(parsed_invoice)
            else:
                verdicts[index] = invalid(
                    f"not a zkreceipt proof bundle (format must be {BUNDLE_FORMAT!r} or {INVOICE_BUNDLE_FORMAT!r})"
                )
        for (index, _), verdict in zip(receipts, self._receipts([b for _, b in receipts]), strict=True):
            verdicts[index] = verdict
        return [verdict for verdict in verdicts if verdict is not None]

    def _receipts(self, bundles: Sequence[ProofBundle]) -> list[Verdict]:
        checks = verify_bundles(bundles, self.profile) if bundles else []
        return [Verdict.of_check("receipt", check_to_json(check)) for check in checks]

    def _invoice(self, bundle: InvoiceBundle) -> Verdict:
        return Verdict.of_check("invoice", check_to_json(verify_invoice_bundle(bundle, self.profile)))

    # submissions (POST /api/v1/bundles, /api/v1/invoices/bundles)

    def check_receipt_submissions(self, items: Sequence[Item], submitter: str) -> list[Submission]:
        """Check (receipt, bundle, salt) documents submitted by the provider ``submitter`` (see the module docstring)."""
        results: list[Submission | None] = [None] * len(items)
        parsed: list[tuple[int, Receipt, ProofBundle, int | None]] = []
        for index, (receipt_document, bundle_document, salt) in enumerate(items):
            documents = _parsed(
                lambda: (parse_receipt(_object(receipt_document)), bundle_from_json(bundle_document)), "receipt"
            )
            if isinstance(documents, Verdict):
                results[index] = Submission(documents)
            else:
                parsed.append((index, *documents, _salt(salt)))
        verdicts = self._receipts([bundle for _, _, bundle, _ in parsed])
        for (index, receipt, bundle, salt), verdict in zip(parsed, verdicts, strict=True):
            problems = self._receipt_problems(receipt, bundle, salt, submitter)
            verdict = verdict.refused(*problems) if problems else verdict
            results[index] = Submission(verdict, receipt.receipt_id, receipt, bundle_to_text(bundle))
        return [result for result in results if result is not None]

    def _receipt_problems(self, receipt: Receipt, bundle: ProofBundle, salt: int | None, submitter: str) -> list[str]:
        problems = []
        if receipt.provider != submitter:
            problems.append(f"the receipt's provider {receipt.provider!r:.80} is not the API key's subject {submitter!r:.80}")
        try:
            check_receipt_signer(receipt, self.profile.receipt_keyring())
        except ZkReceiptError as error:
            problems.append(f"{error} (the server's receipt signers)")
        else:
            signer = receipt.signature.key_id  # type: ignore[union-attr]  (checked: signed)
            if bundle.signer_key_id != signer:
                problems.append(
                    f"the bundle is attested by {bundle.signer_key_id or 'no key'}, not by the receipt's signer {signer}"
                )
        if not _opens(lambda: receipt_commitment(receipt, salt), salt, bundle.commitment):  # type: ignore[arg-type]
            problems.append("the bundle's commitment does not open to this receipt with this salt")
        return problems

    def check_invoice_submissions(self, items: Sequence[Item], submitter: str) -> list[Submission]:
        """As :meth:`check_receipt_submissions`, for (invoice, invoice bundle, salt) from the accounting signer ``submitter``."""
        from ..circuits.invoice_commitment import invoice_commitment

        results = []
        for invoice_document, bundle_document, salt_text in items:
            documents = _parsed(
                lambda: (parse_invoice(_object(invoice_document)), invoice_bundle_from_json(bundle_document)), "invoice"
            )
            if isinstance(documents, Verdict):
                results.append(Submission(documents))
                continue
            invoice, bundle = documents
            salt = _salt(salt_text)
            problems = self._invoice_signer_problems(invoice, bundle, submitter)
            if not _opens(lambda: invoice_commitment(invoice, salt), salt, bundle.commitment):  # type: ignore[arg-type]
                problems.append("the bundle's commitment does not open to this invoice with this salt")
            verdict = self._invoice(bundle)
            verdict = verdict.refused(*problems) if problems else verdict
            results.append(Submission(verdict, invoice.invoice_id, invoice, invoice_bundle_to_text(bundle)))
        return results

    def _invoice_signer_problems(self, invoice: Invoice, bundle: InvoiceBundle, submitter: str) -> list[str]:
        try:
            signer = recover_invoice_signer(invoice)
        except ZkReceiptError as error:
            return [str(error)]
        problems = []
        if signer not in self.profile.invoice_signers:
            problems.append(f"accounting_signature: invoice {invoice.invoice_id} is signed by {signer}, not a trusted signer")
        if signer.lower() != submitter.lower():
            problems.append(f"the invoice's accounting signer {signer} is not the API key's subject {submitter!r:.80}")
        attested = bundle.attestation.address if bundle.attestation is not None else None
        if attested != signer:
            problems.append(f"the bundle is attested by {attested or 'no address'}, not by the invoice's signer {signer}")
        return problems

    # start-up

    def warm(self) -> None:
        """Load the verifier kernels (numba cache): the single and the batched check once, on a trusted key.

        A proof of generator points is checked (it is invalid; only the
        kernels matter); with no trusted key, one pairing check.
        """
        from ..curve import G1Points, G2Points, pairing_check

        g1, g2 = G1Points.generator(), G2Points.generator()
        key = next(iter(self.profile.keys.values()), None)
        if key is None:
            pairing_check(G1Points.concatenate([g1, -g1]), G2Points.concatenate([g2, g2]))
            return
        proof = Proof(g1, g2, g1)
        signals = [0] * key.vk.n_public
        verify(key.vk, signals, proof)
        verify_batch(key.vk, [signals, signals], [proof, proof])


def _parsed(parse: Callable[[], Any], family: str) -> Any:
    """``parse()``, or the invalid verdict saying why the document could not be read."""
    try:
        return parse()
    except ZkReceiptError as error:
        return invalid(str(error), family)
    except UNREADABLE as error:  # untyped parser errors: this document only
        return invalid(f"{family} proof bundle: unreadable ({type(error).__name__}: {error})"[:300], family)


def _object(document: object) -> dict[str, Any]:
    return document if isinstance(document, dict) else {}


def _salt(text: object) -> int | None:
    """The salt of a submission (a decimal string, as ``prove --salt-out`` writes it), or None."""
    if isinstance(text, str) and text.isascii() and text.isdecimal() and len(text) <= 80:
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
