"""The store on both backends (SQLite file, real PostgreSQL server): receipts, bundles, invoices, keys, pages."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from store_testing import VK_A, VK_B, execute, make_receipt, scalar, store_url  # noqa: F401 (store_url: fixture)

from zkreceipt.errors import StoreError
from zkreceipt.ledger.store import (
    DuplicateBundleError,
    DuplicateRecordError,
    KeyRecord,
    ReceiptStore,
    RecordConflictError,
    RecordedVerdict,
    RecordNotFoundError,
    resolve_location,
)
from zkreceipt.receipts import (
    Receipt,
    ed25519_key_id,
    generate_accounting_key,
    generate_signing_key,
    parse_invoice,
    sign_receipt,
)
from zkreceipt.receipts.example_files import example_path


def _ids(receipts: tuple[Receipt, ...] | list[Receipt]) -> list[str]:
    return [receipt.receipt_id for receipt in receipts]


def test_receipts_persist_with_their_signature(store_url: str) -> None:
    signed = sign_receipt(make_receipt(1), generate_signing_key())
    with ReceiptStore(store_url) as store:
        assert store.add_receipt(signed) is True
        assert store.add_receipt(signed) is False  # identical: idempotent
    with ReceiptStore(store_url) as store:
        assert store.get_receipt("rcpt-0001") == signed


def test_conflicting_receipt_id_is_refused(store_url: str) -> None:
    with ReceiptStore(store_url) as store:
        store.add_receipt(make_receipt(1))
        changed = dataclasses.replace(make_receipt(1), client="someone-else")
        with pytest.raises(StoreError, match="'rcpt-0001' is already stored with different content"):
            store.add_receipt(changed)
        with pytest.raises(StoreError, match="already stored with different content"):
            store.check_receipt_storable(changed)
        store.check_receipt_storable(make_receipt(1))
        assert store.get_receipt("rcpt-0001").client == "client-a"


def test_find_receipts_oldest_first(store_url: str) -> None:
    receipts = [
        make_receipt(1, client="alice", provider="p1", model="llama3.2", started_at=100),
        dataclasses.replace(make_receipt(2, client="bob", provider="p1", model="codellama", started_at=200), price_fp=6_250_000),
        dataclasses.replace(make_receipt(3, client="alice", provider="p2", model="codellama", started_at=300), price_fp=6_250_000),
        make_receipt(4, client="alice", provider="p1", model="llama3.2", started_at=400),
    ]
    with ReceiptStore(store_url) as store:
        assert store.add_receipts(reversed(receipts)) == 4
        assert _ids(store.find_receipts()) == ["rcpt-0001", "rcpt-0002", "rcpt-0003", "rcpt-0004"]
        assert _ids(store.find_receipts(client="alice")) == ["rcpt-0001", "rcpt-0003", "rcpt-0004"]
        assert _ids(store.find_receipts(provider="p1", model="llama3.2")) == ["rcpt-0001", "rcpt-0004"]
        assert _ids(store.find_receipts(since=200, until=303)) == ["rcpt-0002", "rcpt-0003"]
        assert _ids(store.find_receipts(since=200, until=302)) == ["rcpt-0002"]  # must end by `until`
        assert _ids(store.find_receipts(client="alice", limit=2)) == ["rcpt-0001", "rcpt-0003"]
        assert store.find_receipts(client="carol") == []
        with pytest.raises(StoreError, match="^since: must be a non-negative integer"):
            store.find_receipts(since=-1)
        with pytest.raises(StoreError, match="^limit: must be a non-negative integer"):
            store.find_receipts(limit="10")  # type: ignore[arg-type]


def test_list_receipts_pages_newest_first_with_a_keyset_cursor(store_url: str) -> None:
    # Two receipts share each start time, so the order needs the id as a tie-break.
    receipts = [make_receipt(n, started_at=1000 + 10 * (n // 2), client="alice" if n % 3 else "bob") for n in range(11)]
    with ReceiptStore(store_url) as store:
        store.add_receipts(receipts)
        expected = _ids(sorted(receipts, key=lambda r: (r.started_at, r.receipt_id), reverse=True))
        seen: list[str] = []
        cursor = None
        for _ in range(5):
            page = store.list_receipts(limit=4, cursor=cursor)
            seen += _ids(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
            # A receipt added between pages: newer than the cursor, so it never shows up in later pages.
            store.add_receipt(make_receipt(100 + len(seen), started_at=5000))
        assert seen == expected and cursor is None
        assert [len(store.list_receipts(limit=4).items), store.list_receipts(limit=100).next_cursor] == [4, None]
        alice = store.list_receipts(client="alice", since=1010, limit=2)
        rest = store.list_receipts(client="alice", since=1010, limit=50, cursor=alice.next_cursor)
        expected_alice = [r for r in expected if int(r[-4:]) % 3 and int(r[-4:]) // 2 >= 1]
        assert _ids(alice.items) + _ids(rest.items) == expected_alice and rest.next_cursor is None
        for bad in (0, 1001, "5", True):
            with pytest.raises(StoreError, match="^limit: must be an integer from 1 to 1000"):
                store.list_receipts(limit=bad)  # type: ignore[arg-type]
        for cursor in ("garbage!", "W10", "WzEsMl0"):  # not base64 JSON; []; [1, 2]
            with pytest.raises(StoreError, match="^cursor: .* is not a cursor of this listing"):
                store.list_receipts(cursor=cursor)


def test_add_proven_stores_receipt_and_bundle_once_per_key(store_url: str) -> None:
    receipt = make_receipt(1)
    bundle = json.dumps({"vk_id": VK_A, "proof": {"pi_a": ["1", "2", "1"]}})
    with ReceiptStore(store_url) as store:
        stored = store.add_proven(receipt, bundle, kind="groth16-receipt", vk_id=VK_A, commitment=12345)
        assert (stored.receipt_id, stored.vk_id, stored.commitment, stored.verified) == ("rcpt-0001", VK_A, "12345", None)
        with pytest.raises(DuplicateBundleError, match=f"receipt 'rcpt-0001' already has a proof bundle under verification key {VK_A}"):
            store.add_proven(receipt, "{}", kind="groth16-receipt", vk_id=VK_A, commitment=1)
        other_key = store.add_proven(receipt, "{}", kind="groth16-receipt", vk_id=VK_B, commitment="7")
        assert store.proven_receipt_ids(VK_A, ["rcpt-0001", "rcpt-0002"]) == {"rcpt-0001"}
        assert scalar(store, "SELECT count(*) FROM proof_bundles") == 2
        with pytest.raises(RecordConflictError, match="already stored with different content"):
            store.add_proven(dataclasses.replace(receipt, client="x"), "{}", kind="k", vk_id="c" * 64, commitment=1)
        assert scalar(store, "SELECT count(*) FROM proof_bundles") == 2
        # Re-proving (prove-batch --reprove) replaces the bundle in place and forgets its verdict.
        store.record_verdict(stored.bundle_id, True)
        replaced = store.add_proven(receipt, '{"new": 1}', kind="groth16-receipt", vk_id=VK_A, commitment=99, replace=True)
        assert (replaced.bundle_id, replaced.bundle_json, replaced.commitment, replaced.verified) == (
            stored.bundle_id, '{"new": 1}', "99", None
        )
    with ReceiptStore(store_url) as store:
        record = store.show_receipt("rcpt-0001")
        assert record.receipt == receipt
        assert [(b.bundle_id, b.vk_id) for b in record.proof_bundles] == [(stored.bundle_id, VK_A), (other_key.bundle_id, VK_B)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"vk_id": "A" * 64}, "^vk_id: must be 64 lowercase hex"),
        ({"vk_id": "a" * 63}, "^vk_id: must be 64 lowercase hex"),
        ({"commitment": -1}, "^commitment: must be a field element"),
        ({"commitment": "0x12"}, "^commitment: must be a field element"),
        ({"commitment": 1 << 256}, "^commitment: must be a field element"),
        ({"kind": ""}, "^kind: must be a non-empty string"),
        ({"bundle_json": "{truncated"}, "^bundle_json: not valid JSON"),
        ({"bundle_json": b"{}"}, "^bundle_json: must be JSON text"),
    ],
)
def test_add_proven_refuses_bad_arguments_and_writes_nothing(store_url: str, arguments: dict, message: str) -> None:
    call = {"bundle_json": "{}", "kind": "groth16-receipt", "vk_id": VK_A, "commitment": 5, **arguments}
    with ReceiptStore(store_url) as store:
        with pytest.raises(StoreError, match=message):
            store.add_proven(make_receipt(1), call.pop("bundle_json"), **call)
        assert scalar(store, "SELECT count(*) FROM receipts") == 0


def test_add_proven_is_one_transaction(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the receipt's INSERT and before the bundle's leaves neither."""

    def failing_bundle_insert(*args: object, **kwargs: object) -> None:
        raise RuntimeError("crashed between the two inserts")

    with ReceiptStore(store_url) as store:
        monkeypatch.setattr(store, "_insert_bundle", failing_bundle_insert)
        with pytest.raises(RuntimeError, match="between the two inserts"):
            store.add_proven(make_receipt(1), "{}", kind="k", vk_id=VK_A, commitment=1)
        monkeypatch.undo()
        assert scalar(store, "SELECT count(*) FROM receipts") == 0
        with pytest.raises(RecordNotFoundError):
            store.show_receipt("rcpt-0001")
        store.add_proven(make_receipt(1), "{}", kind="k", vk_id=VK_A, commitment=1)
        assert len(store.show_receipt("rcpt-0001").proof_bundles) == 1


def test_proven_receipt_ids_over_many_ids(store_url: str) -> None:
    with ReceiptStore(store_url) as store:
        for number in (3, 500, 501, 1199):
            store.add_proven(make_receipt(number), "{}", kind="k", vk_id=VK_A, commitment=number)
        store.add_proven(make_receipt(7), "{}", kind="k", vk_id=VK_B, commitment=7)
        asked = [f"rcpt-{n:04d}" for n in range(1200)] + ["rcpt-0003"]  # more than one IN (…) chunk, a repeat
        assert store.proven_receipt_ids(VK_A, asked) == {"rcpt-0003", "rcpt-0500", "rcpt-0501", "rcpt-1199"}
        assert store.proven_receipt_ids(VK_B, asked) == {"rcpt-0007"}
        assert store.proven_receipt_ids(VK_A, []) == set()


def test_get_bundle_and_record_verdict(store_url: str) -> None:
    with ReceiptStore(store_url) as store:
        stored = store.add_proven(make_receipt(1), '{"a": 1}', kind="k", vk_id=VK_A, commitment=3)
        assert store.get_bundle(stored.bundle_id) == stored
        long_problem = "public signal " + "x" * 5000 + " does not match"
        verdict = store.record_verdict(stored.bundle_id, False, ["proof: pairing check failed", long_problem], 1737730900)
        assert (verdict.verified, verdict.verified_at) == (False, 1737730900)
        assert verdict.problems[0] == "proof: pairing check failed"
        assert len(verdict.problems[1]) == 1024 and verdict.problems[1].endswith("…")  # truncated, not refused
        later = store.record_verdict(stored.bundle_id, True)
        assert later.verified is True and later.problems == () and later.verified_at >= 1737730900
    with ReceiptStore(store_url) as store:
        assert store.get_bundle(stored.bundle_id) == later
        with pytest.raises(RecordNotFoundError, match="^bundle_id: no stored proof bundle 999"):
            store.get_bundle(999)
        with pytest.raises(RecordNotFoundError):
            store.record_verdict(999, True)
        with pytest.raises(StoreError, match="^valid: must be a boolean"):
            store.record_verdict(stored.bundle_id, "yes")  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="^problems: must be a list of strings"):
            store.record_verdict(stored.bundle_id, False, "one string")


def test_add_proof_bundle_needs_a_stored_receipt(store_url: str) -> None:
    bundle = json.dumps({"proof": {"pi_a": ["1", "2", "1"]}, "publicSignals": ["5000000"]})
    with ReceiptStore(store_url) as store:
        store.add_receipt(make_receipt(1))
        first = store.add_proof_bundle("rcpt-0001", bundle)
        second = store.add_proof_bundle("rcpt-0001", "{}", kind="groth16-batch")  # no key id: not constrained
        assert second.bundle_id > first.bundle_id
        with pytest.raises(RecordNotFoundError, match="no stored receipt 'rcpt-9999' to attach"):
            store.add_proof_bundle("rcpt-9999", bundle)
        assert [b.bundle_json for b in store.proof_bundles("rcpt-0001")] == [bundle, "{}"]
        assert store.proof_bundles("rcpt-9999") == []
        with pytest.raises(RecordNotFoundError, match="^receipt_id: no stored receipt 'nope'"):
            store.show_receipt("nope")


def test_invoices_and_their_bundles(store_url: str) -> None:
    base = parse_invoice(example_path("invoice_function.json").read_bytes())
    api = parse_invoice(example_path("invoice_api.json").read_bytes())
    invoices = [dataclasses.replace(base, invoice_id=f"inv-{n}", task_created_timestamp=1000 + n) for n in range(5)]
    with ReceiptStore(store_url) as store:
        stored = store.add_invoice_proven(invoices[0], '{"i": 0}', kind="groth16-invoice", vk_id=VK_A, commitment=11)
        assert (stored.invoice_id, stored.receipt_id, stored.commitment) == ("inv-0", None, "11")
        with pytest.raises(DuplicateBundleError, match="invoice 'inv-0' already has a proof bundle"):
            store.add_invoice_proven(invoices[0], "{}", kind="groth16-invoice", vk_id=VK_A, commitment=11)
        for invoice in invoices[1:]:
            assert store.add_invoice(invoice) is True
        assert store.add_invoice(invoices[1]) is False
        assert store.add_invoice(api) is True
        with pytest.raises(StoreError, match="'inv-1' is already stored with different content"):
            store.add_invoice(dataclasses.replace(invoices[1], task_id="other"))
        with pytest.raises(StoreError, match="'inv-1' is already stored with different content"):
            store.check_invoice_storable(dataclasses.replace(invoices[1], task_id="other"))
        store.check_invoice_storable(invoices[1])
        record = store.show_invoice("inv-0")
        assert record.invoice == invoices[0] and [b.bundle_id for b in record.proof_bundles] == [stored.bundle_id]
        assert store.get_bundle(stored.bundle_id).invoice_id == "inv-0"
        first = store.list_invoices(task_kind="function", limit=3)
        second = store.list_invoices(task_kind="function", limit=3, cursor=first.next_cursor)
        assert [i.invoice_id for i in first.items + second.items] == ["inv-4", "inv-3", "inv-2", "inv-1", "inv-0"]
        assert second.next_cursor is None
        assert [i.invoice_id for i in store.list_invoices(task_kind="api").items] == [api.invoice_id]
        assert [i.invoice_id for i in store.list_invoices(since=1002, until=1003).items] == ["inv-3", "inv-2"]
        with pytest.raises(RecordNotFoundError, match="no stored invoice 'nope'"):
            store.show_invoice("nope")
        with pytest.raises(StoreError, match="^invoice: must be an Invoice"):
            store.add_invoice(make_receipt(1))  # type: ignore[arg-type]


def test_a_bundle_stored_with_its_verdict(store_url: str) -> None:
    """A verifier that checked a bundle before storing it stores both in one transaction."""
    with ReceiptStore(store_url) as store:
        stored = store.add_proven(
            make_receipt(1), "{}", kind="k", vk_id=VK_A, commitment=1, verdict=RecordedVerdict(True, (), 1737730900)
        )
        assert (stored.verified, stored.verified_at, stored.problems) == (True, 1737730900, ())
        refused = RecordedVerdict(False, ("the proof does not verify under the trusted key",))
        replaced = store.add_proven(make_receipt(1), '{"b": 2}', kind="k", vk_id=VK_A, commitment=2, replace=True,
                                    verdict=refused)
        assert (replaced.bundle_id, replaced.verified, replaced.problems) == (stored.bundle_id, False, refused.problems)
        assert replaced.verified_at is not None and replaced.verified_at >= stored.verified_at
        cleared = store.add_proven(make_receipt(1), '{"c": 3}', kind="k", vk_id=VK_A, commitment=3, replace=True)
        assert (cleared.verified, cleared.verified_at, cleared.problems) == (None, None, ())
        base = parse_invoice(example_path("invoice_function.json").read_bytes())
        invoice = store.add_invoice_proven(base, "{}", kind="i", vk_id=VK_A, commitment=4, verdict=RecordedVerdict(True))
        assert store.get_bundle(invoice.bundle_id).verified is True
        for bad, message in ((RecordedVerdict("yes"), "^valid: must be a boolean"),  # type: ignore[arg-type]
                             (RecordedVerdict(True, "one"), "^problems: must be a list of strings"),  # type: ignore[arg-type]
                             ((True, ()), "^verdict: must be a RecordedVerdict")):
            with pytest.raises(StoreError, match=message):
                store.add_proven(make_receipt(2), "{}", kind="k", vk_id=VK_A, commitment=5, verdict=bad)  # type: ignore[arg-type]
        assert scalar(store, "SELECT count(*) FROM receipts") == 1  # the refused ones wrote nothing


def test_unverified_bundles_of_receipts_and_invoices_oldest_first(store_url: str) -> None:
    invoice = parse_invoice(example_path("invoice_function.json").read_bytes())
    with ReceiptStore(store_url) as store:
        assert store.unverified_bundles() == []
        first = store.add_proven(make_receipt(1), "{}", kind="k", vk_id=VK_A, commitment=1)
        verified = store.add_proven(make_receipt(2), "{}", kind="k", vk_id=VK_A, commitment=2, verdict=RecordedVerdict(True))
        invoice_bundle = store.add_invoice_proven(invoice, "{}", kind="i", vk_id=VK_A, commitment=3)
        later = store.add_proven(make_receipt(1), "{}", kind="k", vk_id=VK_B, commitment=4)
        assert [b.bundle_id for b in store.unverified_bundles()] == [first.bundle_id, invoice_bundle.bundle_id, later.bundle_id]
        assert verified.bundle_id not in {b.bundle_id for b in store.unverified_bundles()}
        # Paged by id: a bundle whose verdict is never recorded does not come back.
        page = store.unverified_bundles(limit=2)
        assert [b.bundle_id for b in page] == [first.bundle_id, invoice_bundle.bundle_id]
        assert [b.bundle_id for b in store.unverified_bundles(after=page[-1].bundle_id)] == [later.bundle_id]
        assert store.unverified_bundles()[1].invoice_id == invoice.invoice_id
        store.record_verdict(first.bundle_id, False, ["not trusted"])
        assert [b.bundle_id for b in store.unverified_bundles()] == [invoice_bundle.bundle_id, later.bundle_id]
        for bad in ({"limit": 0}, {"limit": 1001}, {"after": -1}):
            with pytest.raises(StoreError, match="^(limit|after): must be"):
                store.unverified_bundles(**bad)


def test_listing_records_gives_each_receipt_its_bundles(store_url: str) -> None:
    receipts = [make_receipt(n, started_at=1000 + n, client="alice" if n % 2 else "bob") for n in range(5)]
    with ReceiptStore(store_url) as store:
        store.add_receipts(receipts)
        a = store.add_proof_bundle("rcpt-0003", "{}", vk_id=VK_A)
        b = store.add_proof_bundle("rcpt-0003", "{}", vk_id=VK_B)
        c = store.add_proof_bundle("rcpt-0001", "{}", vk_id=VK_A)
        first = store.list_receipt_records(client="alice", limit=1)
        rest = store.list_receipt_records(client="alice", cursor=first.next_cursor)
        records = first.items + rest.items
        assert [r.receipt for r in records] == [receipts[3], receipts[1]] and rest.next_cursor is None
        assert [[x.bundle_id for x in r.proof_bundles] for r in records] == [[a.bundle_id, b.bundle_id], [c.bundle_id]]
        assert all(r.stored_at > 0 for r in records)
        everything = store.list_receipt_records(limit=100).items
        assert [r.receipt.receipt_id for r in everything] == _ids(store.list_receipts(limit=100).items)
        assert [len(r.proof_bundles) for r in everything] == [0, 2, 0, 1, 0]
        base = parse_invoice(example_path("invoice_function.json").read_bytes())
        for n in range(3):
            store.add_invoice_proven(dataclasses.replace(base, invoice_id=f"inv-{n}", task_created_timestamp=1000 + n),
                                     f'{{"n": {n}}}', kind="i", vk_id=VK_A, commitment=n)
        page = store.list_invoice_records(limit=2)
        more = store.list_invoice_records(cursor=page.next_cursor)
        assert [r.invoice.invoice_id for r in page.items + more.items] == ["inv-2", "inv-1", "inv-0"]
        assert [r.proof_bundles[0].bundle_json for r in page.items + more.items] == ['{"n": 2}', '{"n": 1}', '{"n": 0}']


def test_api_keys_are_stored_as_hashes(store_url: str) -> None:
    secret_key = "zkr_live_7f3a9c1e5b2d4f60"
    key_hash = hashlib.sha256(secret_key.encode()).hexdigest()
    with ReceiptStore(store_url) as store:
        record = store.add_api_key("provider", "prov-1", key_hash)
        assert (record.role, record.subject, record.key_hash) == ("provider", "prov-1", key_hash)
        with pytest.raises(DuplicateRecordError, match="already stored"):
            store.add_api_key("client", "alice", key_hash)
        with pytest.raises(StoreError, match="key_hash: must be a SHA-256 digest"):
            store.add_api_key("client", "alice", secret_key)
        with pytest.raises(StoreError, match="role: must be one of provider, client"):
            store.add_api_key("admin", "alice", "0" * 64)
        assert store.find_api_key(key_hash) == record
        assert store.find_api_key("0" * 64) is None
        assert scalar(store, "SELECT count(*) FROM api_keys WHERE key_hash LIKE :s", s=f"%{secret_key}%") == 0


def test_key_metadata(store_url: str) -> None:
    ed_key = generate_signing_key()
    public_hex = bytes(ed_key.verify_key).hex()
    record = KeyRecord(ed25519_key_id(public_hex), "Ed25519", public_hex, label="provider", private_key_path="/k/p.key")
    accounting = generate_accounting_key()
    with ReceiptStore(store_url) as store:
        stored = store.add_key(record)
        assert stored.created_at > 0
        store.add_key(KeyRecord(accounting.address, "secp256k1", accounting.address))
        with pytest.raises(StoreError, match="is already stored"):
            store.add_key(record)
    with ReceiptStore(store_url) as store:
        assert store.get_key(record.key_id) == stored
        assert {record.algorithm for record in store.key_records()} == {"Ed25519", "secp256k1"}
        with pytest.raises(RecordNotFoundError, match="no stored key"):
            store.get_key("0" * 16)
        text = str(scalar(store, "SELECT string_agg(public_key || coalesce(private_key_path, ''), ',') FROM keys")
                   if store.location.backend == "postgresql"
                   else scalar(store, "SELECT group_concat(public_key || coalesce(private_key_path, '')) FROM keys"))
        assert bytes(ed_key).hex() not in text and accounting.secret.hex() not in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key_id": "0" * 16}, "does not match the public key"),
        ({"algorithm": "RSA"}, "key algorithm: must be one of"),
        ({"public_key": "zz"}, "key public_key: public key: must be 64 hex"),
    ],
)
def test_bad_key_records(fields: dict[str, str], message: str) -> None:
    public_hex = bytes(generate_signing_key().verify_key).hex()
    base = {"key_id": ed25519_key_id(public_hex), "algorithm": "Ed25519", "public_key": public_hex}
    with pytest.raises(StoreError, match=message):
        KeyRecord(**{**base, **fields})


def test_crash_mid_batch_keeps_what_was_reported(store_url: str) -> None:
    reported: list[str] = []

    def batch():  # type: ignore[no-untyped-def]
        for number in range(1, 4):
            yield make_receipt(number)
        raise RuntimeError("prover crashed")

    with ReceiptStore(store_url) as store, pytest.raises(RuntimeError, match="prover crashed"):
        store.add_receipts(batch(), on_stored=lambda receipt: reported.append(receipt.receipt_id))
    assert reported == ["rcpt-0001", "rcpt-0002", "rcpt-0003"]
    with ReceiptStore(store_url) as store:
        assert _ids(store.find_receipts()) == reported


def test_corrupt_stored_document_is_reported(store_url: str) -> None:
    with ReceiptStore(store_url) as store:
        store.add_receipt(make_receipt(1))
        execute(store, "UPDATE receipts SET document = :d", d='{"units": "-1"}')
        with pytest.raises(StoreError, match="stored receipt 'rcpt-0001' is corrupt"):
            store.get_receipt("rcpt-0001")


def test_store_refuses_non_receipts(store_url: str) -> None:
    with ReceiptStore(store_url) as store, pytest.raises(StoreError, match="receipt: must be a Receipt"):
        store.add_receipt({"receipt_id": "x"})  # type: ignore[arg-type]


def test_schema_version_is_recorded_once(store_url: str) -> None:
    for _ in range(3):
        with ReceiptStore(store_url) as store:
            assert scalar(store, "SELECT count(*) FROM schema_version") == 1
            assert scalar(store, "SELECT max(version) FROM schema_version") == 2


def test_a_newer_store_is_refused(store_url: str) -> None:
    with ReceiptStore(store_url) as store:
        execute(store, "INSERT INTO schema_version (version, applied_at) VALUES (99, 0)")
    with pytest.raises(StoreError, match="store schema version 99 is newer than this zkreceipt's \\(2\\)"):
        ReceiptStore(store_url)


def test_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZKRECEIPT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path))
    assert resolve_location().path == tmp_path / "zkreceipt.db"
    assert resolve_location("sqlite:////x/y.db").path == Path("/x/y.db")
    monkeypatch.setenv("ZKRECEIPT_DATABASE_URL", "postgresql://alice:s3cret@db.example/receipts")
    location = resolve_location()
    assert (location.backend, location.url) == ("postgresql", "postgresql+psycopg://alice:s3cret@db.example/receipts")
    assert "s3cret" not in location.display and "alice:***@" in location.display
    assert resolve_location("postgres://h/d").url == "postgresql+psycopg://h/d"
    assert resolve_location(tmp_path / "a.db").path == tmp_path / "a.db"  # an argument beats the variable
    with pytest.raises(StoreError, match="mysql:// is not a supported database"):
        resolve_location("mysql://h/d")


def test_an_unreachable_postgresql_server_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the store") as caught:
        ReceiptStore(f"postgresql://nobody:pw@/db?host={tmp_path}&port=1", busy_timeout=1)
    assert "pw" not in str(caught.value).replace("cannot", "")


def test_a_foreign_postgresql_database_is_refused(postgresql_server) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    url = postgresql_server.create_database()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE receipts (x int)")
    with pytest.raises(StoreError, match="not a zkreceipt store"):
        ReceiptStore(url)


def test_the_cli_uses_the_store_named_by_database_url(store_url: str) -> None:
    from click.testing import CliRunner

    from zkreceipt.cli.main import cli

    with ReceiptStore(store_url) as store:
        store.add_proven(make_receipt(1, started_at=100), "{}", kind="k", vk_id=VK_A, commitment=1)
        store.add_receipt(make_receipt(2, started_at=200))
    url = store_url if store_url.startswith("postgresql") else f"sqlite:///{store_url}"
    listed = CliRunner().invoke(cli, ["--database-url", url, "receipts", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [r["receipt_id"] for r in json.loads(listed.stdout)] == ["rcpt-0001", "rcpt-0002"]
    shown = CliRunner().invoke(cli, ["--database-url", url, "receipt", "show", "rcpt-0001", "--json"])
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)["proof_bundles"]) == 1
    missing = CliRunner().invoke(cli, ["--database-url", url, "receipt", "show", "rcpt-0009"])
    assert missing.exit_code == 2 and "no stored receipt 'rcpt-0009'" in missing.stderr


def test_importing_the_store_does_not_load_sqlalchemy() -> None:
    """Commands that never open the store (sign, verify) do not pay SQLAlchemy's import (about 0.1 s)."""
    import subprocess
    import sys
    import tempfile

    code = (
        "import sys; from zkreceipt.ledger.store import ReceiptStore, KeyRecord; import zkreceipt.cli.receipt_commands;"
        "assert 'sqlalchemy' not in sys.modules, 'imported'; store = ReceiptStore(sys.argv[1]);"
        "assert 'sqlalchemy' in sys.modules and isinstance(store, ReceiptStore); store.close(); print('ok')"
    )
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, "-c", code, f"{folder}/z.db"], capture_output=True, text=True)
    assert result.stdout == "ok\n", result.stderr
