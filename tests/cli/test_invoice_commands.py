"""``zkreceipt invoice …`` through click's runner: keys, signing, checking, proving, verifying, .ptau setup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from zkreceipt.cli.main import cli
from zkreceipt.field import Fr
from zkreceipt.formats.zkey_file import read_zkey
from zkreceipt.ledger.keys import read_identified_verification_key
from zkreceipt.ledger.logs import AuditLog
from zkreceipt.ledger.store import ReceiptStore
from zkreceipt.ledger.trust import default_trust_profile, load_trust_profile, save_trust_profile
from zkreceipt.receipts.example_files import example_path

FIXTURE_PTAU = Path(__file__).parents[1] / "interop" / "fixtures" / "pot10_final.ptau"
FUNCTION_INVOICE = json.loads(example_path("invoice_function.json").read_text())
PRIVATE_VALUES = ("exec-5d1e2b", "task-fn-0091", "inv-000431", "0x1111111111111111111111111111111111111111")


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


ATTEST = ("--accounting-key", "acct.json")  # the key signed_invoice made (the working directory is tmp_path)


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Development keys of the function-invoice circuit with 4 slots, made through the CLI."""
    folder = tmp_path_factory.mktemp("invoice-keys")
    runner = CliRunner(env={"ZKRECEIPT_HOME": str(folder / "home")})
    result = runner.invoke(cli, ["invoice", "setup", "--max-items", "4", "--keys-dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys_dir: Path) -> Path:
    """A home whose trust profile trusts the module's invoice key (signers join it through ``invoice keygen``)."""
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    vk, identity = read_identified_verification_key(keys_dir / "invoice-function-4" / "verification_key.json")
    save_trust_profile(default_trust_profile().with_key(vk, identity))
    return tmp_path / "home"


def write_invoice(path: Path, **changes: object) -> Path:
    document = {**FUNCTION_INVOICE, **changes}
    path.write_text(json.dumps({k: v for k, v in document.items() if v is not None}))
    return path


def signed_invoice(tmp_path: Path) -> tuple[Path, str]:
    """The example function invoice signed by a fresh accounting key (acct.json, trusted), and the key's address."""
    address = invoke("invoice", "keygen", "--out", tmp_path / "acct.json").stdout.strip()
    assert address in load_trust_profile().invoice_signers
    unsigned = write_invoice(tmp_path / "inv.json", accounting_signature=None)
    result = invoke("invoice", "sign", unsigned, "--key", tmp_path / "acct.json")
    assert result.exit_code == 0, result.output
    return tmp_path / "inv.signed.json", address


def test_keygen_sign_and_check(home: Path, tmp_path: Path) -> None:
    invoice, address = signed_invoice(tmp_path)
    assert oct((tmp_path / "acct.json").stat().st_mode & 0o777) == "0o600"
    assert address.startswith("0x") and len(address) == 42
    ok = invoke("invoice", "check", invoice, "--signer", address, "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["signature"]["ok"]
    other = invoke("invoice", "keygen", "--out", tmp_path / "other.json").stdout.strip()
    wrong = invoke("invoice", "check", invoice, "--signer", other)
    assert wrong.exit_code == 1 and "signature: FAILED" in wrong.stdout
    malformed = invoke("invoice", "check", invoice, "--signer", "0x12")
    assert malformed.exit_code == 2 and "error:" in malformed.stderr
    secret = json.loads((tmp_path / "acct.json").read_text())["secret"]
    assert secret not in (home / "audit.log").read_text()
    assert [e.action.value for e in AuditLog(home / "audit.log").events()] == [
        "key_created",
        "signed",
        "verified",
        "key_created",
        "verified",
    ]


def test_prove_and_verify(keys_dir: Path, home: Path, tmp_path: Path) -> None:
    invoice, address = signed_invoice(tmp_path)
    proved = invoke("invoice", "prove", invoice, "--max-items", 4, "--keys-dir", keys_dir, *ATTEST)
    assert proved.exit_code == 0, proved.output
    text = (tmp_path / "invoice_bundle.json").read_text()
    for private in PRIVATE_VALUES:
        assert private not in text
    document = json.loads(text)
    assert document["gas_prices"] == {"step_gas_price_fp": 150, "byte_gas_price_fp": 2}
    assert document["memory_limit"] == 1 << 32
    assert document["attestation"]["address"] == address
    verified = invoke("invoice", "verify", "invoice_bundle.json", "--json")
    assert verified.exit_code == 0, verified.output
    result = json.loads(verified.stdout)
    assert result["valid"] and result["signer"]["id"] == address and result["signer"]["trusted"]
    assert result["policy"] == {"step_gas_price_fp": 150, "byte_gas_price_fp": 2, "memory_limit": 1 << 32}
    text = invoke("invoice", "verify", "invoice_bundle.json")
    assert text.exit_code == 0 and "circuit    invoice-v1;kind=function;items=4" in text.stdout
    assert "private    execution_id, task_id" in text.stdout
    events = AuditLog(home / "audit.log").events()
    assert [e.action.value for e in events][-3:] == ["proven", "verified", "verified"]
    with ReceiptStore() as store:  # the invoice and its bundle are stored together
        (stored,) = store.show_invoice(json.loads(invoice.read_text())["invoiceId"]).proof_bundles
    assert (stored.bundle_json, stored.vk_id) == ((tmp_path / "invoice_bundle.json").read_text(), document["vk_id"])


def tampered(tmp_path: Path, change: dict[str, object]) -> Path:
    document = json.loads((tmp_path / "invoice_bundle.json").read_text())
    for key, value in change.items():
        if key == "public_signals":
            document["public_signals"][-1] = value
        elif key == "step_gas_price_fp":
            document["gas_prices"]["step_gas_price_fp"] = value
        else:
            document[key] = value
    (tmp_path / "tampered.json").write_text(json.dumps(document))
    return tmp_path / "tampered.json"


@pytest.mark.parametrize(
    ("change", "exit_code", "message"),
    [
        ({"memory_limit": 1 << 40}, 1, "public signal memory_limit does not match"),
        ({"memory_limit": 1 << 40, "public_signals": str(1 << 40)}, 1, "the proof does not verify"),
        ({"step_gas_price_fp": 1}, 1, "public signal step_gas_price_fp does not match"),
        ({"public_signals": str(Fr.modulus)}, 2, "is not below the field order r"),
        ({"vk_id": "ab"}, 2, "vk_id"),
        ({"vk_id": "ab" * 32}, 1, "is not in the trust profile"),
        ({"attestation": None}, 1, "carries no attestation"),
    ],
)
def test_verify_refuses_tampered_bundles(
    keys_dir: Path, home: Path, tmp_path: Path, change: dict, exit_code: int, message: str
) -> None:
    invoice, _ = signed_invoice(tmp_path)
    assert invoke("invoice", "prove", invoice, "--max-items", 4, "--keys-dir", keys_dir, *ATTEST).exit_code == 0
    result = invoke("invoice", "verify", tampered(tmp_path, change))
    assert result.exit_code == exit_code, result.output
    assert message in result.output
    if exit_code == 1:
        assert "does not sign this bundle's statement" in result.output or change == {"attestation": None}


def test_verify_applies_the_profiles_invoice_policy_and_signers(keys_dir: Path, home: Path, tmp_path: Path) -> None:
    invoice, address = signed_invoice(tmp_path)
    big = ("--memory-limit", 1 << 33)
    assert invoke("invoice", "prove", invoice, "--max-items", 4, "--keys-dir", keys_dir, *big, *ATTEST).exit_code == 0
    result = invoke("invoice", "verify", "invoice_bundle.json")
    assert result.exit_code == 1 and "the proven memory_limit 8589934592 bytes exceeds the trusted 4294967296" in result.stdout
    assert invoke("trust", "set-policy", "--max-memory-limit", 1 << 33).exit_code == 0
    assert invoke("invoice", "verify", "invoice_bundle.json").exit_code == 0
    assert invoke("trust", "set-policy", "--gas-prices", "0.000000100,0.000000002").exit_code == 0
    result = invoke("invoice", "verify", "invoice_bundle.json")
    assert result.exit_code == 1 and "(step 150, byte 2 nano-tokens) are not trusted gas prices" in result.stdout
    assert invoke("trust", "set-policy", "--gas-prices", "0.00000015,0.000000002").exit_code == 0
    # an accounting key the verifier does not trust attests the same proof
    stranger = invoke("invoice", "keygen", "--out", tmp_path / "stranger.json", "--trust", tmp_path / "elsewhere.json")
    stranger_address = stranger.stdout.strip()
    assert stranger_address != address and stranger_address not in load_trust_profile().invoice_signers
    attested_by_stranger = ("--accounting-key", "stranger.json")
    proved = invoke("invoice", "prove", invoice, "--max-items", 4, "--keys-dir", keys_dir, *big, *attested_by_stranger)
    assert proved.exit_code == 0, proved.output
    result = invoke("invoice", "verify", "invoice_bundle.json")
    assert result.exit_code == 1 and f"the signer {stranger_address} is not a trusted signer" in result.stdout
    waived = invoke("invoice", "verify", "invoice_bundle.json", "--allow-untrusted-signer")
    assert waived.exit_code == 0 and "NOT CHECKED" in waived.stdout and "(signer not checked)" in waived.stdout


def test_prove_refuses_an_invoice_its_prover_does_not_trust(keys_dir: Path, home: Path, tmp_path: Path) -> None:
    example = write_invoice(tmp_path / "example.json")  # signed by the example's discarded key: not trusted here
    invoke("invoice", "keygen", "--out", tmp_path / "acct.json")
    result = invoke("invoice", "prove", example, "--max-items", 4, "--keys-dir", keys_dir, *ATTEST)
    assert result.exit_code == 2 and "example.json: accounting_signature" in result.stderr
    assert "not a trusted signer" in result.stderr and not (tmp_path / "invoice_bundle.json").exists()
    unsigned = write_invoice(tmp_path / "unsigned.json", accounting_signature=None)
    result = invoke("invoice", "prove", unsigned, "--max-items", 4, "--keys-dir", keys_dir, *ATTEST)
    assert result.exit_code == 2 and "unsigned" in result.stderr
    signer = json.loads(example_path("accounting_signer.json").read_text())["address"]
    trusted = invoke("invoice", "prove", example, "--max-items", 4, "--keys-dir", keys_dir, "--signer", signer, *ATTEST)
    assert trusted.exit_code == 0, trusted.output


@pytest.mark.parametrize(
    ("changes", "options", "message"),
    [
        ({"lineItem": FUNCTION_INVOICE["lineItem"][:2]}, (), "lineItem: does not balance"),
        ({}, ("--max-items", 2), "3 line items; the circuit has 2 slots"),
        ({}, ("--memory-limit", 1000), "lineItem[0].peak_memory_used"),
        ({}, ("--signer", "0x" + "22" * 20), "not a trusted signer"),
        ({"stepGasPrice": "0.0000000001"}, (), "more than 9 decimal places"),
        ({"taskCreated_timeStamp": -1}, (), "taskCreated_timeStamp"),
    ],
)
def test_prove_refuses_bad_invoices_and_writes_nothing(
    keys_dir: Path, home: Path, tmp_path: Path, changes: dict, options: tuple, message: str
) -> None:
    invoke("invoice", "keygen", "--out", tmp_path / "acct.json")
    invoice = write_invoice(tmp_path / "bad.json", **changes, accounting_signature=None)
    if invoke("invoice", "sign", invoice, "--key", "acct.json").exit_code == 0:  # a trusted signature over bad content
        invoice = tmp_path / "bad.signed.json"
    result = invoke("invoice", "prove", invoice, "--keys-dir", keys_dir, "--max-items", 4, *options, *ATTEST)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "invoice_bundle.json").exists()


def test_malformed_invoice_json_is_bad_input(keys_dir: Path, home: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"invoiceId": ')
    result = invoke("invoice", "prove", tmp_path / "bad.json", "--keys-dir", keys_dir)
    assert result.exit_code == 2 and "bad.json" in result.stderr and "not valid JSON" in result.stderr
    assert not (tmp_path / "invoice_bundle.json").exists()


def test_setup_from_a_ptau_proves_and_verifies(home: Path, tmp_path: Path) -> None:
    # API invoices with one slot fit the checked-in power-10 ptau (895 constraints).
    result = invoke("invoice", "setup", "--kind", "api", "--max-items", 1, "--ptau", FIXTURE_PTAU, "--keys-dir", "k")
    assert result.exit_code == 0, result.output
    assert "phase-2 key before any contribution" in result.stdout
    zkey = read_zkey(tmp_path / "k" / "invoice-api-1" / "invoice-api-1.zkey")
    assert not zkey.development and len(zkey.contributions.cs_hash) == 64
    assert len(load_trust_profile().keys) == 2  # the setup trusts its own key
    free_call = {
        **{k: v for k, v in FUNCTION_INVOICE.items() if k not in ("lineItem", "accounting_signature")},
        "lineItem": [
            {
                "operation": "charge",
                "account": "0x1111111111111111111111111111111111111111",
                "totalTransferredBytes": {"request": 0, "response": 0},
            }
        ],
    }
    (tmp_path / "api.json").write_text(json.dumps(free_call))
    invoke("invoice", "keygen", "--out", tmp_path / "acct.json")
    assert invoke("invoice", "sign", "api.json", "--key", "acct.json").exit_code == 0
    proved = invoke("invoice", "prove", "api.signed.json", "--max-items", 1, "--keys-dir", "k", *ATTEST)
    assert proved.exit_code == 0, proved.output
    verified = invoke("invoice", "verify", "invoice_bundle.json")
    assert verified.exit_code == 0, verified.output


def test_receipt_setup_from_a_too_small_ptau_is_bad_input(home: Path, tmp_path: Path) -> None:
    result = invoke("setup", "--ptau", FIXTURE_PTAU, "--keys-dir", "k")
    assert result.exit_code == 2, result.output
    assert "pot10_final.ptau" in result.stderr and "power 10" in result.stderr
    assert not (tmp_path / "k").exists()


def test_receipt_verify_points_an_invoice_bundle_to_the_invoice_command(
    keys_dir: Path, home: Path, tmp_path: Path
) -> None:
    invoice, _ = signed_invoice(tmp_path)
    assert invoke("invoice", "prove", invoice, "--max-items", 4, "--keys-dir", keys_dir, *ATTEST).exit_code == 0
    result = invoke("verify", "invoice_bundle.json")
    assert result.exit_code == 2 and "zkreceipt invoice verify" in result.stderr
