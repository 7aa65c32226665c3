"""The receipt workflow commands through click's runner: keys, signing, proving, verifying, the store, receipt check."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from cli_trust_helpers import EXAMPLE_SIGNER_FILE, signed_receipt_text, trusting_home
from click.testing import CliRunner

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL
from zkreceipt.cli.receipt_commands import receipt_cli_commands
from zkreceipt.ledger.keys import save_receipt_keys, setup_receipt_keys
from zkreceipt.ledger.store import ReceiptStore
from zkreceipt.ledger.trust import load_trust_profile
from zkreceipt.receipts import (
    ed25519_key_id,
    load_signing_key,
    load_verify_key,
    read_receipt_file,
    verify_receipt,
)
from zkreceipt.receipts.example_files import example_path

EXAMPLE = json.loads(example_path("compute_receipt.json").read_text())


@pytest.fixture(scope="module")
def app() -> click.Group:
    group = click.Group("zkreceipt")
    for command in receipt_cli_commands():
        group.add_command(command)
    return group


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Development keys of the default receipt circuit (KEYS/receipt/), set up once for the module."""
    folder = tmp_path_factory.mktemp("keys")
    save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), folder)
    return folder


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


@pytest.fixture()
def provider(home: Path, keys_dir: Path):  # type: ignore[no-untyped-def]
    """The home's signing key; the home trusts it, the example signer and the module's key pair."""
    return trusting_home(home, keys_dir / "receipt")


def invoke(app: click.Group, *args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


def write_receipt(path: Path, key=None, **changes: object) -> Path:  # type: ignore[no-untyped-def]
    """The example with ``changes``; signed by ``key`` if given (the example's own signature breaks on any change)."""
    document = {k: v for k, v in {**EXAMPLE, **changes}.items() if v is not None}
    path.write_text(signed_receipt_text(document, key) if key is not None else json.dumps(document))
    return path


def stored_ids() -> list[str]:
    with ReceiptStore() as store:
        return [r.receipt_id for r in store.find_receipts()]


def prove(app: click.Group, keys_dir: Path, receipt: Path, out: str = "bundle.json"):  # type: ignore[no-untyped-def]
    return invoke(app, "prove", receipt, "--keys-dir", keys_dir, "--out", out)


@pytest.fixture()
def bundle(app: click.Group, keys_dir: Path, provider, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    result = prove(app, keys_dir, example_path("compute_receipt.json"))
    assert result.exit_code == 0, result.output
    return tmp_path / "bundle.json"


def test_keygen_writes_a_private_key_records_it_and_trusts_it(app, home):
    result = invoke(app, "keygen")
    assert result.exit_code == 0, result.output
    key_id = result.stdout.strip()
    key_file = home / "signing_key.json"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    with ReceiptStore() as store:
        assert [record.key_id for record in store.key_records()] == [key_id]
    assert list(load_trust_profile().receipt_signers) == [key_id]
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


def test_setup_writes_a_trusted_pair_and_never_replaces_it_unforced(app, home):
    result = invoke(app, "setup")
    assert result.exit_code == 0, result.output
    vk_id = result.stdout.split("verification key id: ")[1].split()[0]
    assert oct((home / "keys" / "receipt" / "receipt.zkey").stat().st_mode & 0o777) == "0o600"
    assert (home / "keys" / "receipt" / "verification_key.json").exists()
    assert list(load_trust_profile().keys) == [vk_id]  # the first setup wrote the default profile with its key
    again = invoke(app, "setup")
    assert again.exit_code == 2 and "refusing to replace it without --force" in again.stderr
    forced = invoke(app, "setup", "--force")
    assert forced.exit_code == 0, forced.output
    assert vk_id in load_trust_profile().keys and len(load_trust_profile().keys) == 2  # old bundles keep verifying
    assert sorted(p.name for p in (home / "keys").iterdir()) == ["receipt"]


def test_prove_writes_and_stores_the_attested_bundle(app, home, provider, bundle):
    document = json.loads(bundle.read_text())
    assert document["disclosed"] == {"model": "llama3.2", "price_fp": 5000000}
    assert document["attestation"]["key_id"] == ed25519_key_id(provider.verify_key)
    assert stored_ids() == ["rcpt-2025-01-24-0001"]
    shown = invoke(app, "receipt", "show", "rcpt-2025-01-24-0001", "--json")
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)["proof_bundles"]) == 1
    listed = invoke(app, "receipts", "list", "--client", "client-acme-labs", "--json")
    assert [r["receipt_id"] for r in json.loads(listed.stdout)] == ["rcpt-2025-01-24-0001"]
    assert json.loads(invoke(app, "receipts", "list", "--client", "nobody", "--json").stdout) == []
    assert "rcpt-2025-01-24-0001" in invoke(app, "receipts", "list").stdout


def test_prove_salt_out_is_private(app, keys_dir, provider, tmp_path):
    result = invoke(app, "prove", example_path("compute_receipt.json"), "--keys-dir", keys_dir, "--salt-out", "salt")
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
def test_prove_refuses_bad_input_and_writes_nothing(app, keys_dir, home, provider, tmp_path, changes, options, field):
    signed_by = provider if "units" not in changes and "started_at" not in changes else None
    receipt = write_receipt(tmp_path / "r.json", signed_by, **changes)
    result = invoke(app, "prove", receipt, "--keys-dir", keys_dir, *options)
    assert result.exit_code == 2 and field in result.stderr
    assert not (tmp_path / "bundle.json").exists()
    assert not (home / "zkreceipt.db").exists() or stored_ids() == []


@pytest.mark.parametrize(
    "signature",
    [
        None,
        {"alg": "Ed25519", "key_id": EXAMPLE["signature"]["key_id"], "sig": "00" * 64},
        {"alg": "Ed25519", "key_id": "0123456789abcdef", "sig": EXAMPLE["signature"]["sig"]},
    ],
    ids=["unsigned", "zero signature", "unknown key"],
)
def test_prove_refuses_a_receipt_not_signed_by_a_trusted_key(app, keys_dir, home, provider, tmp_path, signature):
    receipt = write_receipt(tmp_path / "r.json", signature=signature)
    result = invoke(app, "prove", receipt, "--keys-dir", keys_dir)
    assert result.exit_code == 2, result.output
    assert "r.json: signature" in result.stderr
    assert not (tmp_path / "bundle.json").exists() and stored_ids() == []


def test_prove_without_keys_or_profile_or_signing_key_is_bad_input(app, home, keys_dir, tmp_path):
    receipt = example_path("compute_receipt.json")
    missing_profile = invoke(app, "prove", receipt, "--keys-dir", keys_dir)
    assert missing_profile.exit_code == 2 and "no trust profile" in missing_profile.stderr
    trusting_home(home, keys_dir / "receipt")
    missing_keys = invoke(app, "prove", receipt, "--keys-dir", tmp_path / "none")
    assert missing_keys.exit_code == 2 and "receipt.zkey" in missing_keys.stderr
    (home / "signing_key.json").unlink()
    no_signer = invoke(app, "prove", receipt, "--keys-dir", keys_dir)
    assert no_signer.exit_code == 2 and "zkreceipt keygen" in no_signer.stderr
    assert not (tmp_path / "bundle.json").exists()


def test_prove_refuses_a_pair_whose_files_do_not_belong_together(app, keys_dir, provider, tmp_path):
    mixed = tmp_path / "mixed"
    save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), mixed)
    (mixed / "receipt" / "verification_key.json").write_bytes((keys_dir / "receipt" / "verification_key.json").read_bytes())
    result = invoke(app, "prove", example_path("compute_receipt.json"), "--keys-dir", mixed)
    assert result.exit_code == 2 and "are not one key pair" in result.stderr
    assert not (tmp_path / "bundle.json").exists()


def test_verify_valid_bundle_says_what_was_proven(app, provider, bundle):
    result = invoke(app, "verify", bundle)
    assert result.exit_code == 0, result.output
    for expected in (
        "bundle.json: VALID",
        f"circuit    {PRICE_AND_MODEL.key}",
        f"signer     {ed25519_key_id(provider.verify_key)} (trusted)",
        "not_before = 1737676800 (2025-01-24 00:00:00 UTC)",
        "max_duration = 86400",
        "gpu_count = 1",
        "disclosed  model = llama3.2",
        "disclosed  price_fp = 5000000",
        "private    receipt_id, job_id, provider, client, unit_type, units_fp",
        "OK: the bundle is valid",
    ):
        assert expected in result.stdout
    as_json = invoke(app, "verify", bundle, "--json")
    document = json.loads(as_json.stdout)
    assert as_json.exit_code == 0 and document["valid"] and document["disclosed"]["price_fp"] == 5000000
    assert document["signer"] == {"id": ed25519_key_id(provider.verify_key), "trusted": True, "checked": True}


def tamper(bundle: Path, price_fp: int, *, signal_too: bool) -> Path:
    document = json.loads(bundle.read_text())
    document["disclosed"]["price_fp"] = price_fp
    if signal_too:
        document["public_signals"][-1] = str(price_fp)
    bundle.write_text(json.dumps(document))
    return bundle


@pytest.mark.parametrize("signal_too", [False, True])
def test_verify_tampered_bundle_is_invalid(app, bundle, signal_too):
    result = invoke(app, "verify", tamper(bundle, 1, signal_too=signal_too))
    assert result.exit_code == 1 and "INVALID" in result.stderr
    assert "does not sign this bundle's statement" in result.stdout


def test_verify_against_another_profile_and_a_malformed_profile(app, bundle, tmp_path):
    other = tmp_path / "other.json"
    trusting_home(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "trust.json").rename(other)
    wrong = invoke(app, "verify", bundle, "--trust", other)
    assert wrong.exit_code == 1 and "NOT TRUSTED" in wrong.stdout and "is not in the trust profile" in wrong.stderr
    document = json.loads(other.read_text())
    document["policy"]["max_gpu_count"] = "many"
    (tmp_path / "broken.json").write_text(json.dumps(document))
    broken = invoke(app, "verify", bundle, "--trust", tmp_path / "broken.json")
    assert broken.exit_code == 2 and "broken.json: policy.max_gpu_count" in broken.stderr
    missing = invoke(app, "verify", bundle, "--trust", tmp_path / "none.json")
    assert missing.exit_code == 2 and "none.json: no trust profile" in missing.stderr


def test_verify_malformed_bundle_is_bad_input(app, provider, tmp_path):
    (tmp_path / "b.json").write_text("{not json")
    assert invoke(app, "verify", tmp_path / "b.json").exit_code == 2
    (tmp_path / "b.json").write_text('{"format": "zkreceipt-receipt-proof", "version": 2}')
    result = invoke(app, "verify", tmp_path / "b.json")
    assert result.exit_code == 2 and "b.json" in result.stderr and "missing field" in result.stderr
    (tmp_path / "b.json").write_text('{"format": "zkreceipt-receipt-proof", "version": 1}')
    old = invoke(app, "verify", tmp_path / "b.json")
    assert old.exit_code == 2 and "prove it again" in old.stderr


def test_batch_prove_and_verify(app, keys_dir, home, provider, tmp_path):
    first = write_receipt(tmp_path / "one.json")
    second = write_receipt(tmp_path / "two.json", provider, receipt_id="rcpt-2")
    proved = invoke(app, "prove-batch", first, second, "--keys-dir", keys_dir, "--out-dir", "out", "--json")
    assert proved.exit_code == 0, proved.output
    assert [item["receipt_id"] for item in json.loads(proved.stdout)] == ["rcpt-2025-01-24-0001", "rcpt-2"]
    assert sorted(stored_ids()) == ["rcpt-2", "rcpt-2025-01-24-0001"]
    bundles = [tmp_path / "out" / "one.bundle.json", tmp_path / "out" / "two.bundle.json"]
    verified = invoke(app, "verify-batch", *bundles, "--json")
    assert verified.exit_code == 0, verified.output
    assert [item["valid"] for item in json.loads(verified.stdout)] == [True, True]
    tamper(bundles[1], 1, signal_too=True)
    verified = invoke(app, "verify-batch", *bundles, "--json")
    assert verified.exit_code == 1
    assert [item["valid"] for item in json.loads(verified.stdout)] == [True, False]
    assert "1 of 2 bundles valid" in verified.stderr
    text = invoke(app, "verify-batch", *bundles)
    assert text.exit_code == 1 and "one.bundle.json: VALID" in text.stdout and "two.bundle.json: INVALID" in text.stdout


def test_batch_prove_refuses_a_bad_or_untrusted_receipt_before_proving(app, keys_dir, home, provider, tmp_path):
    good = write_receipt(tmp_path / "good.json")
    bad = write_receipt(tmp_path / "bad.json", provider, receipt_id="rcpt-3", price="9.000000")
    result = invoke(app, "prove-batch", good, bad, "--keys-dir", keys_dir, "--out-dir", "out")
    assert result.exit_code == 2 and "bad.json" in result.stderr and "price" in result.stderr
    unsigned = write_receipt(tmp_path / "unsigned.json", receipt_id="rcpt-4", signature=None)
    result = invoke(app, "prove-batch", good, unsigned, "--keys-dir", keys_dir, "--out-dir", "out")
    assert result.exit_code == 2 and "unsigned.json: signature: receipt rcpt-4 is not signed" in result.stderr
    assert not (tmp_path / "out").exists()
    assert not (home / "zkreceipt.db").exists() or stored_ids() == []


def test_receipt_show_unknown_id_is_bad_input(app, home):
    result = invoke(app, "receipt", "show", "missing")
    assert result.exit_code == 2 and "missing" in result.stderr


def test_export_verifier(app, keys_dir, home, tmp_path):
    result = invoke(app, "export-verifier", "--keys-dir", keys_dir, "--out", "V.sol")
    assert result.exit_code == 0, result.output
    assert "contract" in (tmp_path / "V.sol").read_text()
    missing = invoke(app, "export-verifier", "--keys-dir", tmp_path / "none", "--out", "W.sol")
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
    assert refused.exit_code == 2 and "k2.pub.json" in refused.stderr and not (tmp_path / "k2.json").exists()


def test_batch_interrupted_in_its_second_chunk_keeps_the_first(app, keys_dir, home, provider, tmp_path, monkeypatch):
    import zkreceipt.ledger.bundles as bundles_module

    real_prove_batch = bundles_module.prove_batch
    chunks = []

    def interrupted_in_second_chunk(pk, witnesses, **options):
        chunks.append(len(witnesses))
        if len(chunks) == 2:
            raise KeyboardInterrupt  # as if the process were stopped mid-batch
        return real_prove_batch(pk, witnesses, **options)

    monkeypatch.setattr(bundles_module, "prove_batch", interrupted_in_second_chunk)
    files = [write_receipt(tmp_path / f"r{i}.json", provider, receipt_id=f"rcpt-{i}") for i in range(3)]
    result = invoke(app, "prove-batch", *files, "--keys-dir", keys_dir, "--out-dir", "out", "--chunk-size", 2)
    assert result.exit_code != 0 and chunks == [2, 1]
    reported = [line.split(": ")[0] for line in result.stdout.splitlines()]
    assert reported == ["rcpt-0", "rcpt-1"]
    assert sorted(stored_ids()) == reported
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["r0.bundle.json", "r1.bundle.json"]
    verified = invoke(app, "verify-batch", *sorted((tmp_path / "out").iterdir()))
    assert verified.exit_code == 0, verified.output


def test_receipts_list_on_a_corrupt_store_is_bad_input(app, home):
    home.mkdir(parents=True)
    (home / "zkreceipt.db").write_bytes(b"not a database" * 100)
    for args in (("receipts", "list"), ("receipt", "show", "rcpt-1")):
        result = invoke(app, *args)
        assert result.exit_code == 2 and "zkreceipt.db" in result.stderr, result.output


def test_receipts_list_filters_by_model_and_time(app, keys_dir, home, provider, tmp_path):
    late = write_receipt(
        tmp_path / "late.json", provider, receipt_id="rcpt-late", started_at=1737740000, completed_at=1737740003
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


# --- receipt check: the client's check ------------------------------------------------------------


def check(app: click.Group, receipt: Path, *options: object):  # type: ignore[no-untyped-def]
    return invoke(app, "receipt", "check", receipt, *options)


def test_receipt_check_passes_the_example_with_the_trusted_signer(app, provider):
    result = check(app, example_path("compute_receipt.json"))
    assert result.exit_code == 0, result.output
    assert "signature: ok" in result.stdout and "pricing: ok (5.000000 = 2.500 × 2.000000)" in result.stdout
    assert "time_order: ok" in result.stdout and "OK: the receipt checks out" in result.stdout
    explicit = check(
        app, example_path("compute_receipt.json"), "--signer", EXAMPLE_SIGNER_FILE, "--rates", example_path("rates.json")
    )
    assert explicit.exit_code == 0, explicit.output
    public_hex = json.loads(EXAMPLE_SIGNER_FILE.read_text())["public_key"]
    as_json = check(app, example_path("compute_receipt.json"), "--signer", public_hex, "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["pricing"]["ok"]


def test_receipt_check_fails_each_check_with_its_reason(app, home, provider, tmp_path):
    stranger = check(app, example_path("compute_receipt.json"), "--signer", "ab" * 32)
    assert stranger.exit_code == 1 and "key_id: FAILED" in stranger.stdout
    forged = write_receipt(tmp_path / "forged.json", signature={**EXAMPLE["signature"], "sig": "00" * 64})
    result = check(app, forged)
    assert result.exit_code == 1 and "signature: FAILED (Ed25519 signature does not verify)" in result.stdout
    overpriced = write_receipt(tmp_path / "over.json", provider, price="5.000001")
    result = check(app, overpriced)
    assert result.exit_code == 1 and "pricing: FAILED" in result.stdout and "signature: ok" in result.stdout
    unknown = write_receipt(tmp_path / "unknown.json", provider, model="gpt-9")
    assert "pricing: FAILED (model: 'gpt-9' has no rate" in check(app, unknown).stdout
    old = write_receipt(tmp_path / "old.json", provider, started_at=1700000000, completed_at=1700000003)
    result = check(app, old)
    assert result.exit_code == 1 and "time_order: FAILED (started_at 1700000000 is before the window start" in result.stdout
    (tmp_path / "rates.json").write_text(json.dumps({"rates": {"llama3.2": "2.5"}}))
    cheaper = check(app, example_path("compute_receipt.json"), "--rates", tmp_path / "rates.json")
    assert cheaper.exit_code == 1 and "pricing: FAILED" in cheaper.stdout


def test_receipt_check_bad_input(app, home, provider, tmp_path):
    backwards = write_receipt(tmp_path / "b.json", completed_at=1737730799)
    result = check(app, backwards)
    assert result.exit_code == 2 and "completed_at" in result.stderr
    (tmp_path / "key.json").write_text("{}")
    result = check(app, example_path("compute_receipt.json"), "--signer", tmp_path / "key.json")
    assert result.exit_code == 2 and "key.json" in result.stderr
    result = check(app, example_path("compute_receipt.json"), "--trust", tmp_path / "none.json")
    assert result.exit_code == 2 and "no trust profile" in result.stderr
