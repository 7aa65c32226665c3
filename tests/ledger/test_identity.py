"""Circuit identities: the layouts match the compiled circuits, the JSON is strict, the key id commits to both."""

from __future__ import annotations

import copy

import pytest

from zkreceipt.circuits.invoice import compile_invoice_circuit
from zkreceipt.circuits.invoice_policy import InvoiceShape
from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import (
    NOTHING_DISCLOSED,
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    RateBinding,
    ReceiptDisclosure,
)
from zkreceipt.ledger.identity import (
    CircuitIdentity,
    IdentityError,
    identity_from_key,
    invoice_identity,
    receipt_identity,
    verification_key_id,
)
from zkreceipt.ledger.keys import (
    KeyPairError,
    ReceiptKeyPaths,
    load_key_pair,
    read_identified_verification_key,
    save_keys,
    save_receipt_keys,
    setup_receipt_keys,
)
from zkreceipt.receipts import TaskKind

RECEIPT_SHAPES = (
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    NOTHING_DISCLOSED,
    ReceiptDisclosure(("units_fp", "model"), RateBinding.RATE_TABLE, 7),
)
INVOICE_SHAPES = (InvoiceShape(TaskKind.FUNCTION, 2), InvoiceShape(TaskKind.API, 3))


@pytest.fixture(scope="module")
def pk():
    return setup_receipt_keys(PRICE_AND_MODEL)


IDENTITIES = [
    *((receipt_identity(d), lambda d=d: compile_receipt_circuit(d)) for d in RECEIPT_SHAPES),
    *((invoice_identity(s), lambda s=s: compile_invoice_circuit(s)) for s in INVOICE_SHAPES),
]


@pytest.mark.parametrize(("identity", "compiled"), IDENTITIES, ids=[i.key for i, _ in IDENTITIES])
def test_identity_is_the_compiled_layout_and_round_trips(identity, compiled):
    assert identity.public_signals == tuple(compiled().public_signal_names)
    assert CircuitIdentity.from_json(identity.to_json()) == identity
    assert identity_from_key(identity.key) == identity
    if identity.disclosure is not None:
        assert set(identity.private_values).isdisjoint(identity.disclosure.public_fields)


def relabelled(document: dict, path: tuple, value: object) -> dict:
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("disclosure", "public_fields"), ["model", "units_fp"], "key .* does not match"),
        (("public_signals",), ["commitment", "not_before"], "public_signals are not the layout"),
        (("key",), "receipt-v1;rate=table:5;public=model,price_fp", "does not match its disclosure"),
        (("disclosure", "rate_table_depth"), 11, "rate_table_depth"),
        (("disclosure", "public_fields"), ["price_fp", "model"], "receipt field order"),
        (("family",), "circuit", "family must be"),
        (("version",), 2, "version 2 is not supported"),
        (("extra",), 1, "exactly the members"),
    ],
)
def test_malformed_identities_are_refused(path, value, message):
    document = receipt_identity(PRICE_AND_MODEL).to_json()
    with pytest.raises(IdentityError, match=message):
        CircuitIdentity.from_json(relabelled(document, path, value))


@pytest.mark.parametrize(
    "key",
    [
        "receipt-v1;rate=table:4;public=price_fp,model",  # not the canonical order
        "receipt-v1;rate=table:x;public=model",
        "receipt-v1;rate=public;public=price_fp",  # a public rate needs a public model
        "invoice-v1;kind=gpu;items=8",
        "invoice-v1;kind=api;items=0",
        "groth16",
    ],
)
def test_circuit_keys_that_name_no_circuit_are_refused(key):
    with pytest.raises(IdentityError, match="circuit key"):
        identity_from_key(key)


def test_identities_refuse_inconsistent_parts():
    with pytest.raises(IdentityError, match="layout"):
        CircuitIdentity("receipt", 1, ("commitment",), disclosure=PRICE_AND_MODEL)
    with pytest.raises(IdentityError, match="family"):
        CircuitIdentity("receipt", 1, (), shape=INVOICE_SHAPES[0])


def test_the_key_id_commits_to_the_key_and_its_identity(pk):
    other = setup_receipt_keys(PRICE_AND_MODEL)
    relabel = ReceiptDisclosure(("model", "units_fp"))
    ids = {
        verification_key_id(pk.vk, receipt_identity(PRICE_AND_MODEL)),
        verification_key_id(pk.vk, receipt_identity(relabel)),
        verification_key_id(other.vk, receipt_identity(PRICE_AND_MODEL)),
    }
    assert len(ids) == 3 and all(len(i) == 64 for i in ids)
    assert verification_key_id(pk.vk, receipt_identity(PRICE_AND_MODEL)) == verification_key_id(
        pk.vk, receipt_identity(ReceiptDisclosure(("price_fp", "model")))
    )


def test_key_pair_folder_carries_the_identity_and_is_checked(pk, tmp_path):
    paths = save_receipt_keys(pk, tmp_path)
    assert paths.folder == tmp_path / "receipt"
    assert oct(paths.proving_key.stat().st_mode & 0o777) == "0o600"
    assert oct(paths.folder.stat().st_mode & 0o777) == "0o700"
    vk, identity = read_identified_verification_key(paths.verification_key)
    assert identity == receipt_identity(PRICE_AND_MODEL)
    assert load_key_pair(paths, identity).vk.n_public == pk.vk.n_public
    with pytest.raises(KeyPairError, match="made for the circuit"):
        load_key_pair(paths, receipt_identity(ReceiptDisclosure(("model", "units_fp"))))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["receipt"]  # no temporary folder left


def test_setup_never_replaces_a_pair_unless_forced_and_then_atomically(pk, tmp_path):
    identity = receipt_identity(PRICE_AND_MODEL)
    paths = ReceiptKeyPaths.under(tmp_path)
    first = save_keys(pk, paths, identity)
    other = setup_receipt_keys(PRICE_AND_MODEL)
    with pytest.raises(KeyPairError, match="already holds a key pair"):
        save_keys(other, paths, identity)
    assert verification_key_id(read_identified_verification_key(paths.verification_key)[0], identity) == first
    second = save_keys(other, paths, identity, force=True)
    assert second != first
    assert verification_key_id(load_key_pair(paths, identity).vk, identity) == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["receipt"]


def test_a_pair_whose_files_do_not_belong_together_is_refused(pk, tmp_path):
    identity = receipt_identity(PRICE_AND_MODEL)
    paths = save_receipt_keys(pk, tmp_path / "a")
    stray = save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), tmp_path / "b")
    paths.verification_key.write_bytes(stray.verification_key.read_bytes())
    with pytest.raises(KeyPairError, match="not one key pair"):
        load_key_pair(paths, identity)


def test_a_verification_key_without_identity_still_loads(pk, tmp_path):
    from zkreceipt.formats.snarkjs_json import write_verification_key

    write_verification_key(tmp_path / "old.json", pk.vk)
    vk, identity = read_identified_verification_key(tmp_path / "old.json")
    assert identity is None and vk.n_public == pk.vk.n_public
