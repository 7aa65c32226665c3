"""The receipt workflow commands through click's runner: keys, signing, proving, verifying, the store."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL

from zkreceipt.ledger.keys import save_receipt_keys, setup_receipt_keys
from zkreceipt.cli.receipt_commands import receipt_cli_commands
from zkreceipt.receipts import (
    ed25519_key_id,
    load_signing_key,
    load_verify_key,
    read_receipt_file,
    verify_receipt,
)
from zkreceipt.receipts.example_files import example_path
from zkreceipt.ledger.store import ReceiptStore

EXAMPLE = json.loads(example_path("compute_receipt.json").read_text())


@pytest.fixture(scope="module")
def app() -> click.Group:
    group = click.Group("zkreceipt")
    for command in receipt_cli_commands():
        group.add_command(command)
    return group


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Development keys of the default receipt circuit, set up once for the module."""
    folder = tmp_path_factory.mktemp("keys")
    save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), folder)
    return folder


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


def invoke(app: click.Group, *args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


def write_receipt(path: Path, **changes: object) -> Path:
    document = {**EXAMPLE, **changes}
    path.write_text(json.dumps({k: v for k, v in document.items() if v is not None}))
    return path


def stored_ids() -> list[str]:
    with ReceiptStore() as store:
        return [r.receipt_id for r in store.find_receipts()]


def prove(app: click.Group, keys_dir: Path, receipt: Path, out: str = "bundle.json"):  # type: ignore[no-untyped-def]
    return invoke(app, "prove", receipt, "--keys-dir", keys_dir, "--out", out)


@pytest.fixture()
def bundle(app: click.Group, keys_dir: Path, home: Path, tmp_path: Path) -> Path:
    result = prove(app, keys_dir, example_path("compute_receipt.json"))
    assert result.exit_code == 0, result.output
    return tmp_path / "bundle.json"


def test_keygen_writes_a_private_key_and_records_it(app, home):
    result = invoke(app, "keygen")
    assert result.exit_code == 0, result.output
    key_id = result.stdout.strip()
    key_file = home / "signing_key.json"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    with ReceiptStore() as store:
        assert [record.key_id for record in store.key_records()] == [key_id]
    again = invoke(app, "keygen")
    assert again.exit_code == 2 and str(key_file) in again.stderr


def test_sign_writes_a_receipt_the_key_verifies(app, home, tmp_path):
    invoke(app, "keygen", "--out", tmp_path / "k.json")
    receipt = write_receipt(tmp_path / "r.json", signature=None)
    result = invoke(app, "sign", receipt, "--key", tmp_path / "k.json")
    assert result.exit_code == 0, result.output
    signed = read_receipt_file(tmp_path / "r.signed.json")
    assert verify_receipt(signed, load_signing_key(tmp_path / "k.json").verify_key)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price": None}, "price"),
        ({"price": "6.000000"}, "price"),
        ({"model": "gpt-9"}, "model"),
    ],
)
def test_sign_refuses_bad_receipts(app, home, tmp_path, changes, field):
    invoke(app, "keygen")
    receipt = write_receipt(tmp_path / "r.json", **changes)
    result = invoke(app, "sign", receipt)
    assert result.exit_code == 2 and field in result.stderr
    assert not (tmp_path / "r.signed.json").exists()


def test_setup_writes_keys(app, home):
    result = invoke(app, "setup")
    assert result.exit_code == 0, result.output
    assert "verification key id" in result.stdout
    assert oct((home / "keys" / "receipt.zkey").stat().st_mode & 0o777) == "0o600"
    assert (home / "keys" / "verification_key.json").exists()


def test_prove_writes_and_stores_the_bundle(app, home, bundle):
    document = json.loads(bundle.read_text())
    assert document["disclosed"] == {"model": "llama3.2", "price_fp": 5000000}
    assert stored_ids() == ["rcpt-2025-01-24-0001"]
    shown = invoke(app, "receipt", "show", "rcpt-2025-01-24-0001", "--json")
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)["proof_bundles"]) == 1
    listed = invoke(app, "receipts", "list", "--client", "client-acme-labs", "--json")
    assert [r["receipt_id"] for r in json.loads(listed.stdout)] == [
        "rcpt-2025-01-24-0001"
    ]
    assert (
        json.loads(
            invoke(app, "receipts", "list", "--client", "nobody", "--json").stdout
        )
        == []
    )
    assert "rcpt-2025-01-24-0001" in invoke(app, "receipts", "list").stdout


def test_prove_salt_out_is_private(app, keys_dir, home, tmp_path):
    result = invoke(
        app,
        "prove",
        example_path("compute_receipt.json"),
        "--keys-dir",
        keys_dir,
        "--salt-out",
        "salt",
    )
    assert result.exit_code == 0, result.output
    salt = (tmp_path / "salt").read_text().strip()
    assert oct((tmp_path / "salt").stat().st_mode & 0o777) == "0o600"
    assert salt not in (tmp_path / "bundle.json").read_text()


@pytest.mark.parametrize(
    ("changes", "options", "field"),
    [
        ({"units": None}, (), "units"),
        ({"started_at": "noon"}, (), "started_at"),
        ({"price": "4.000000"}, (), "price"),
        ({}, ("--not-before", "1737730801"), "started_at"),
    ],
)
def test_prove_refuses_bad_input_and_writes_nothing(
    app, keys_dir, home, tmp_path, changes, options, field
):
    receipt = write_receipt(tmp_path / "r.json", **changes)
    result = invoke(app, "prove", receipt, "--keys-dir", keys_dir, *options)
    assert result.exit_code == 2 and field in result.stderr
    assert not (tmp_path / "bundle.json").exists()
    assert not (home / "zkreceipt.db").exists() or stored_ids() == []


def test_prove_without_keys_is_bad_input(app, home, tmp_path):
    result = invoke(
        app,
        "prove",
        example_path("compute_receipt.json"),
        "--keys-dir",
        tmp_path / "none",
    )
    assert result.exit_code == 2 and "receipt.zkey" in result.stderr
    assert not (tmp_path / "bundle.json").exists()


def test_verify_valid_bundle(app, keys_dir, bundle):
    result = invoke(app, "verify", bundle, "--keys-dir", keys_dir)
    assert result.exit_code == 0, result.output
    assert "OK" in result.stdout and "proof: ok" in result.stdout


def tamper(bundle: Path, price_fp: int, *, signal_too: bool) -> Path:
    document = json.loads(bundle.read_text())
    document["disclosed"]["price_fp"] = price_fp
    if signal_too:
        document["public_signals"][-1] = str(price_fp)
    bundle.write_text(json.dumps(document))
    return bundle


@pytest.mark.parametrize("signal_too", [False, True])
def test_verify_tampered_bundle_is_invalid(app, keys_dir, bundle, signal_too):
    result = invoke(
        app, "verify", tamper(bundle, 1, signal_too=signal_too), "--keys-dir", keys_dir
    )
    assert result.exit_code == 1 and "INVALID" in result.stderr


def test_verify_with_another_key_is_invalid_and_malformed_key_is_bad_input(
    app, keys_dir, bundle, tmp_path
):
    invoke(app, "setup", "--keys-dir", tmp_path / "other")
    wrong = invoke(
        app, "verify", bundle, "--vk", tmp_path / "other" / "verification_key.json"
    )
    assert wrong.exit_code == 1 and "verification key id: FAILED" in wrong.stdout
    (tmp_path / "broken.json").write_text('{"protocol": "groth16"}')
    broken = invoke(app, "verify", bundle, "--vk", tmp_path / "broken.json")
    assert broken.exit_code == 2 and "broken.json" in broken.stderr


def test_verify_malformed_bundle_is_bad_input(app, keys_dir, home, tmp_path):
    (tmp_path / "b.json").write_text("{not json")
    assert (
        invoke(app, "verify", tmp_path / "b.json", "--keys-dir", keys_dir).exit_code
        == 2
    )
    (tmp_path / "b.json").write_text(
        '{"format": "zkreceipt-receipt-proof", "version": 1}'
    )
    result = invoke(app, "verify", tmp_path / "b.json", "--keys-dir", keys_dir)
    assert (
        result.exit_code == 2
        and "b.json" in result.stderr
        and "public_signal_names" in result.stderr
    )


def test_batch_prove_and_verify(app, keys_dir, home, tmp_path):
    first = write_receipt(tmp_path / "one.json")
    second = write_receipt(tmp_path / "two.json", receipt_id="rcpt-2", signature=None)
    proved = invoke(
        app,
        "prove-batch",
        first,
        second,
        "--keys-dir",
        keys_dir,
        "--out-dir",
        "out",
        "--json",
    )
    assert proved.exit_code == 0, proved.output
    assert [item["receipt_id"] for item in json.loads(proved.stdout)] == [
        "rcpt-2025-01-24-0001",
        "rcpt-2",
    ]
    assert sorted(stored_ids()) == ["rcpt-2", "rcpt-2025-01-24-0001"]
    bundles = [
        tmp_path / "out" / "one.bundle.json",
        tmp_path / "out" / "two.bundle.json",
    ]
    verified = invoke(app, "verify-batch", *bundles, "--keys-dir", keys_dir, "--json")
    assert verified.exit_code == 0, verified.output
    assert [item["valid"] for item in json.loads(verified.stdout)] == [True, True]
    tamper(bundles[1], 1, signal_too=True)
    verified = invoke(app, "verify-batch", *bundles, "--keys-dir", keys_dir, "--json")
    assert verified.exit_code == 1
    assert [item["valid"] for item in json.loads(verified.stdout)] == [True, False]
    assert "1 of 2 bundles valid" in verified.stderr


def test_batch_prove_refuses_a_bad_receipt_before_proving(
    app, keys_dir, home, tmp_path
):
    good = write_receipt(tmp_path / "good.json")
    bad = write_receipt(
        tmp_path / "bad.json", receipt_id="rcpt-3", price="9.000000", signature=None
    )
    result = invoke(
        app, "prove-batch", good, bad, "--keys-dir", keys_dir, "--out-dir", "out"
    )
    assert (
        result.exit_code == 2
        and "bad.json" in result.stderr
        and "price" in result.stderr
    )
    assert not (tmp_path / "out").exists()
    assert not (home / "zkreceipt.db").exists() or stored_ids() == []


def test_receipt_show_unknown_id_is_bad_input(app, home):
    result = invoke(app, "receipt", "show", "missing")
    assert result.exit_code == 2 and "missing" in result.stderr


def test_export_verifier(app, keys_dir, home, tmp_path):
    result = invoke(app, "export-verifier", "--keys-dir", keys_dir, "--out", "V.sol")
    assert result.exit_code == 0, result.output
    assert "contract" in (tmp_path / "V.sol").read_text()
    missing = invoke(
        app, "export-verifier", "--keys-dir", tmp_path / "none", "--out", "W.sol"
    )
    assert missing.exit_code == 2 and not (tmp_path / "W.sol").exists()


def test_inspect_lists_the_circuits(app):
    result = invoke(app, "inspect", "--json")
    assert result.exit_code == 0, result.output
    sizes = {row["key"]: row["constraints"] for row in json.loads(result.stdout)}
    assert sizes[PRICE_AND_MODEL.key] == 2339
    assert any(key.startswith("invoice-v1") for key in sizes)


def test_keygen_writes_the_public_key_beside_the_private_key(app, home, tmp_path):
    key_id = invoke(app, "keygen", "--out", tmp_path / "k.json").stdout.strip()
    assert ed25519_key_id(load_verify_key(tmp_path / "k.pub.json")) == key_id
    (tmp_path / "k2.pub.json").write_text("{}")
    refused = invoke(app, "keygen", "--out", tmp_path / "k2.json")
    assert (
        refused.exit_code == 2
        and "k2.pub.json" in refused.stderr
        and not (tmp_path / "k2.json").exists()
    )


def test_batch_interrupted_in_its_second_chunk_keeps_the_first(
    app, keys_dir, home, tmp_path, monkeypatch
):
    import zkreceipt.ledger.bundles as bundles_module

    real_prove_batch = bundles_module.prove_batch
    chunks = []

    def interrupted_in_second_chunk(pk, witnesses, **options):
        chunks.append(len(witnesses))
        if len(chunks) == 2:
            raise KeyboardInterrupt  # as if the process were stopped mid-batch
        return real_prove_batch(pk, witnesses, **options)

    monkeypatch.setattr(bundles_module, "prove_batch", interrupted_in_second_chunk)
    files = [
        write_receipt(tmp_path / f"r{i}.json", receipt_id=f"rcpt-{i}", signature=None)
        for i in range(3)
    ]
    result = invoke(
        app, "prove-batch", *files, "--keys-dir", keys_dir, "--out-dir", "out", "--chunk-size", 2
    )
    assert result.exit_code != 0 and chunks == [2, 1]
    reported = [line.split(": ")[0] for line in result.stdout.splitlines()]
    assert reported == ["rcpt-0", "rcpt-1"]
    assert sorted(stored_ids()) == reported
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["r0.bundle.json", "r1.bundle.json"]
    verified = invoke(app, "verify-batch", *sorted((tmp_path / "out").iterdir()), "--keys-dir", keys_dir)
    assert verified.exit_code == 0, verified.output


def test_receipts_list_on_a_corrupt_store_is_bad_input(app, home):
    home.mkdir(parents=True)
    (home / "zkreceipt.db").write_bytes(b"not a database" * 100)
    for args in (("receipts", "list"), ("receipt", "show", "rcpt-1")):
        result = invoke(app, *args)
        assert result.exit_code == 2 and "zkreceipt.db" in result.stderr, result.output


def test_receipts_list_filters_by_model_and_time(app, keys_dir, home, tmp_path):
    late = write_receipt(
        tmp_path / "late.json", receipt_id="rcpt-late", started_at=1737740000, completed_at=1737740003, signature=None
    )
    assert prove(app, keys_dir, example_path("compute_receipt.json")).exit_code == 0
    assert prove(app, keys_dir, late, out="late.bundle.json").exit_code == 0

    def listed(*options: object) -> list[str]:
        result = invoke(app, "receipts", "list", "--json", *options)
        assert result.exit_code == 0, result.output
        return [r["receipt_id"] for r in json.loads(result.stdout)]

    assert listed() == ["rcpt-2025-01-24-0001", "rcpt-late"]
    assert listed("--since", 1737730801) == ["rcpt-late"]
    assert listed("--until", 1737730803) == ["rcpt-2025-01-24-0001"]
    assert listed("--model", "llama3.2", "--limit", 1) == ["rcpt-2025-01-24-0001"]
    assert listed("--model", "codellama") == []
    assert invoke(app, "receipts", "list", "--limit", 0).exit_code == 2
