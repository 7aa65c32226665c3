"""``zkreceipt trust …`` through click's runner: show, add-key (and re-identifying an old key), add-signer, add-rates, set-policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_trust_helpers import EXAMPLE_SIGNER_FILE
from click.testing import CliRunner, Result

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL
from zkreceipt.cli.main import cli
from zkreceipt.formats.snarkjs_json import write_verification_key
from zkreceipt.ledger.identity import receipt_identity, verification_key_id
from zkreceipt.ledger.keys import save_receipt_keys, setup_receipt_keys
from zkreceipt.ledger.logs import AuditLog
from zkreceipt.ledger.trust import load_trust_profile, trust_profile_to_json
from zkreceipt.receipts import DEFAULT_RATE_TABLE
from zkreceipt.receipts.example_files import example_path


@pytest.fixture(scope="module")
def pk():  # type: ignore[no-untyped-def]
    return setup_receipt_keys(PRICE_AND_MODEL)


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_show_needs_a_profile_and_set_policy_creates_the_default(home):
    missing = invoke("trust", "show")
    assert missing.exit_code == 2 and "no trust profile" in missing.stderr
    assert invoke("trust", "set-policy").exit_code == 0
    shown = invoke("trust", "show")
    assert shown.exit_code == 0, shown.output
    assert "keys (0):" in shown.stdout and "depth 4, root" in shown.stdout and "llama3.2 2.000000" in shown.stdout
    assert "window [1735689600, 1924991999], max_duration 86400 s, gpu_count at most 8" in shown.stdout
    assert "(step 0.000000150, byte 0.000000002)" in shown.stdout
    document = json.loads(invoke("trust", "show", "--json").stdout)
    assert document == json.loads((home / "trust.json").read_text())


def test_add_key_trusts_an_identified_key(home, pk, tmp_path):
    paths = save_receipt_keys(pk, tmp_path / "keys")
    result = invoke("trust", "add-key", paths.verification_key)
    assert result.exit_code == 0, result.output
    vk_id = result.stdout.strip()
    assert vk_id == verification_key_id(pk.vk, receipt_identity(PRICE_AND_MODEL))
    assert load_trust_profile().keys[vk_id].identity.key == PRICE_AND_MODEL.key
    assert f"{vk_id}  {PRICE_AND_MODEL.key}" in invoke("trust", "show").stdout
    wrong = invoke("trust", "add-key", paths.verification_key, "--circuit", "receipt-v1;rate=table:5;public=model,price_fp")
    assert wrong.exit_code == 2 and "the key is for the circuit receipt-v1;rate=table:4" in wrong.stderr
    events = AuditLog(home / "audit.log").events()
    assert [(e.action.value, e.subject_id) for e in events] == [("trusted", vk_id)]


def test_an_old_key_is_re_identified_with_circuit(home, pk, tmp_path):
    old = tmp_path / "old_verification_key.json"
    write_verification_key(old, pk.vk)  # written before identities: plain snarkjs JSON
    anonymous = invoke("trust", "add-key", old)
    assert anonymous.exit_code == 2 and "does not name its circuit" in anonymous.stderr and "--circuit" in anonymous.stderr
    result = invoke("trust", "add-key", old, "--circuit", PRICE_AND_MODEL.key)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == verification_key_id(pk.vk, receipt_identity(PRICE_AND_MODEL))
    too_small = invoke("trust", "add-key", old, "--circuit", "receipt-v1;rate=table:4;public=price_fp")
    assert too_small.exit_code == 2 and "nPublic = 8 (9 IC points) does not fit the circuit" in too_small.stderr
    invoice = invoke("trust", "add-key", old, "--circuit", "invoice-v1;kind=function;items=8")
    assert invoice.exit_code == 2 and "does not fit" in invoice.stderr
    unknown = invoke("trust", "add-key", old, "--circuit", "receipt-v2")
    assert unknown.exit_code == 2 and "circuit key 'receipt-v2'" in unknown.stderr
    assert len(load_trust_profile().keys) == 1


def test_add_signer_takes_a_key_file_hex_or_an_address(home, tmp_path):
    assert invoke("trust", "add-signer", EXAMPLE_SIGNER_FILE).exit_code == 0
    public = json.loads(EXAMPLE_SIGNER_FILE.read_text())["public_key"]
    again = invoke("trust", "add-signer", public.upper())
    assert again.exit_code == 0 and "985ebaab118d712e" in again.stdout
    address = json.loads(example_path("accounting_signer.json").read_text())["address"]
    assert invoke("trust", "add-signer", address.lower()).exit_code == 0
    profile = load_trust_profile()
    assert dict(profile.receipt_signers) == {"985ebaab118d712e": public}
    assert profile.invoice_signers == frozenset({address})  # EIP-55 form
    (tmp_path / "bad.json").write_text("{}")
    bad = invoke("trust", "add-signer", tmp_path / "bad.json")
    assert bad.exit_code == 2 and "bad.json" in bad.stderr
    checksum = invoke("trust", "add-signer", address[:-1] + ("a" if address[-1] != "a" else "b"))
    assert checksum.exit_code == 2


def test_add_rates_at_each_depth(home, tmp_path):
    (tmp_path / "rates.json").write_text(json.dumps({"rates": {"mistral": "1.5", "llama3.2": "2.0"}}))
    result = invoke("trust", "add-rates", tmp_path / "rates.json", "--depth", 4, "--depth", 6)
    assert result.exit_code == 0, result.output
    tables = {(t.depth, tuple(t.rates.rates_fp.items())) for t in load_trust_profile().rate_tables.values()}
    mistral = (("llama3.2", 2_000_000), ("mistral", 1_500_000))
    assert tables == {(4, tuple(DEFAULT_RATE_TABLE.rates_fp.items())), (4, mistral), (6, mistral)}
    assert result.stdout.count("root") == 2
    (tmp_path / "bad.json").write_text(json.dumps({"rates": {"mistral": "-1"}}))
    bad = invoke("trust", "add-rates", tmp_path / "bad.json")
    assert bad.exit_code == 2 and "mistral" in bad.stderr
    assert invoke("trust", "add-rates", tmp_path / "rates.json", "--depth", 11).exit_code == 2


def test_set_policy_changes_only_what_it_is_given(home, tmp_path):
    result = invoke("trust", "set-policy", "--not-after", 2000000000, "--max-gpu-count", 2, "--max-memory-limit", 1024)
    assert result.exit_code == 0, result.output
    policy = load_trust_profile().policy
    assert (policy.not_before, policy.not_after, policy.max_duration, policy.max_gpu_count) == (1735689600, 2000000000, 86400, 2)
    assert load_trust_profile().invoice_policy.max_memory_limit == 1024
    two = invoke("trust", "set-policy", "--gas-prices", "0.00000015,0.000000002", "--gas-prices", "0.0000001,0.000000005")
    assert two.exit_code == 0 and len(load_trust_profile().invoice_policy.gas_prices) == 2
    before = trust_profile_to_json(load_trust_profile())
    for bad in (
        ("--not-after", 1),  # before not_before
        ("--max-gpu-count", 0),
        ("--gas-prices", "0.0000000001,1"),  # finer than nano-tokens
        ("--gas-prices", "cheap"),
    ):
        result = invoke("trust", "set-policy", *bad)
        assert result.exit_code == 2 and "error:" in result.stderr, result.output
    assert trust_profile_to_json(load_trust_profile()) == before  # nothing half-written


def test_an_explicit_trust_file_is_edited_instead_of_the_homes(home, tmp_path):
    other = tmp_path / "verifier" / "trust.json"
    assert invoke("trust", "add-signer", EXAMPLE_SIGNER_FILE, "--trust", other).exit_code == 0
    assert not (home / "trust.json").exists()
    assert list(load_trust_profile(other).receipt_signers) == ["985ebaab118d712e"]
    malformed = tmp_path / "broken.json"
    malformed.write_text(json.dumps({"format": "zkreceipt-trust-profile", "version": 1}))
    result = invoke("trust", "add-signer", EXAMPLE_SIGNER_FILE, "--trust", malformed)
    assert result.exit_code == 2 and "broken.json: keys: missing" in result.stderr
