"""The attacks of issue 11 through the CLI, on the demo's home: each is rejected with its reason; the honest bundle passes.

The home is the one ``zkreceipt demo`` leaves (its key pair in demo/keys, its
key and signer in trust.json); each test works on a copy. The depth-relabel
attack needs a hand-built witness and is in tests/ledger/test_bundles.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_trust_helpers import EXAMPLE_SIGNER_FILE
from click.testing import CliRunner, Result

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, ReceiptDisclosure
from zkreceipt.cli.main import cli
from zkreceipt.ledger.identity import receipt_identity, verification_key_id
from zkreceipt.ledger.keys import load_receipt_verification_key, save_receipt_keys, setup_receipt_keys
from zkreceipt.receipts.example_files import example_path

EXAMPLE = json.loads(example_path("compute_receipt.json").read_text())
HONEST = f"but its key is trusted for {PRICE_AND_MODEL.key}"


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    result = CliRunner(env={"ZKRECEIPT_HOME": str(home), "ZKRECEIPT_RATES": None}).invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture()
def home(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(demo_home, copy, ignore=shutil.ignore_patterns("zkreceipt.db*"))  # the demo's receipt was signed by a discarded key
    monkeypatch.setenv("ZKRECEIPT_HOME", str(copy))
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    monkeypatch.chdir(tmp_path)
    return copy


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def demo_bundle(home: Path) -> dict:
    return json.loads((home / "demo" / "bundle.json").read_text())


def write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document))
    return path


def assert_rejected(result: Result, reason: str) -> None:
    """Exit 1, the reason among the printed problems, and an INVALID verdict line on stderr."""
    assert result.exit_code == 1, result.output
    assert reason in result.stdout
    assert result.stderr.startswith("INVALID: ")


@pytest.fixture()
def provider(home: Path) -> str:
    """A provider in the demo home: its own signing key (trusted by keygen), trusting the example's signer."""
    key_id = invoke("keygen").stdout.strip()
    assert invoke("trust", "add-signer", EXAMPLE_SIGNER_FILE).exit_code == 0
    return key_id


def prove(home: Path, receipt: Path, out: str, *options: object) -> Path:
    result = invoke("prove", receipt, "--keys-dir", home / "demo" / "keys", "--out", out, *options)
    assert result.exit_code == 0, result.output
    return Path(out)


def test_the_honest_demo_bundle_passes(home):
    result = invoke("verify", home / "demo" / "bundle.json")
    assert result.exit_code == 0, result.output
    assert "VALID" in result.stdout and "disclosed  price_fp = 5000000" in result.stdout


def relabel(document: dict, fields: list[str]) -> dict:
    """The bundle's claimed circuit rewritten, consistently, as one that discloses ``fields``."""
    identity = receipt_identity(ReceiptDisclosure(tuple(fields)))
    document = json.loads(json.dumps(document))
    document["circuit"] = identity.to_json()
    document["disclosed"] = {"model": "llama3.2", "units_fp": 5000000}
    return document


def test_field_relabel_attack_fails(home, tmp_path):
    """Issue 11, attack 1: the price proof relabelled as a proof of 5000 units."""
    relabelled = write(tmp_path / "relabelled.json", relabel(demo_bundle(home), ["model", "units_fp"]))
    result = invoke("verify", relabelled)
    assert_rejected(result, "the bundle claims the circuit receipt-v1;rate=table:4;public=model,units_fp, " + HONEST)
    assert f"circuit    {PRICE_AND_MODEL.key}" in result.stdout  # the layout shown is the trusted key's
    assert "units_fp = 5000000" not in result.stdout
    # with a key id that commits to the relabelled circuit, the key is no longer one the profile lists
    document = relabel(demo_bundle(home), ["model", "units_fp"])
    vk = load_receipt_verification_key(home / "demo" / "keys")
    document["vk_id"] = verification_key_id(vk, receipt_identity(ReceiptDisclosure(("model", "units_fp"))))
    result = invoke("verify", write(tmp_path / "rekeyed.json", document))
    assert_rejected(result, f"the verification key {document['vk_id']} is not in the trust profile")
    # a half-done relabel (disclosure edited, key and layout not) is a malformed document
    document = demo_bundle(home)
    document["circuit"]["disclosure"]["public_fields"] = ["model", "units_fp"]
    result = invoke("verify", write(tmp_path / "sloppy.json", document))
    assert result.exit_code == 2 and "circuit: key" in result.stderr


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (("--not-before", 0, "--not-after", (1 << 40) - 1), "the proven window [0, 1099511627775] is not inside the trusted window"),
        (("--gpu-count", 65535), "the proven gpu_count 65535 exceeds the trusted 8"),
        (("--max-duration", 1 << 30), "the proven max_duration 1073741824 s exceeds the trusted 86400 s"),
    ],
)
def test_policy_outside_the_profiles_bounds_fails(home, provider, options, reason):
    """Issue 11, attack 3: the prover chose the policy; the verifier's bounds decide."""
    bundle = prove(home, example_path("compute_receipt.json"), "wide.json", *options)
    result = invoke("verify", bundle)
    assert_rejected(result, reason)
    assert f"signer     {provider} (trusted)" in result.stdout
    widened = ("--not-before", 0, "--not-after", (1 << 40) - 1, "--max-gpu-count", 65535, "--max-duration", 1 << 30)
    assert invoke("trust", "set-policy", *widened).exit_code == 0
    assert invoke("verify", bundle).exit_code == 0  # the verifier, not the bundle, chose to accept it


def test_attackers_own_rate_table_fails(home, provider, tmp_path):
    attacker = write(tmp_path / "attacker.json", {"rates": {"llama3.2": "20.0", "mistral": "1.0"}})
    receipt = write(tmp_path / "r.json", {**{k: v for k, v in EXAMPLE.items() if k != "signature"}, "price": "50.0"})
    assert invoke("sign", receipt, "--rates", attacker).exit_code == 0
    bundle = prove(home, tmp_path / "r.signed.json", "expensive.json", "--rates", attacker)
    result = invoke("verify", bundle)
    assert_rejected(result, "the rate-table root is not the root of a trusted rate table of depth 4")
    assert invoke("trust", "add-rates", attacker).exit_code == 0
    assert invoke("verify", bundle).exit_code == 0


def test_invented_signer_fails_unless_waived(home, tmp_path):
    document = demo_bundle(home)
    document["attestation"]["key_id"] = "0123456789abcdef"
    invented = write(tmp_path / "invented.json", document)
    assert_rejected(invoke("verify", invented), "the signer 0123456789abcdef is not a trusted signer")
    waived = invoke("verify", invented, "--allow-untrusted-signer")
    assert waived.exit_code == 0, waived.output
    assert "0123456789abcdef (NOT CHECKED: --allow-untrusted-signer)" in waived.stdout
    assert "OK: the bundle is valid (signer not checked)" in waived.stdout
    document["attestation"] = None
    unsigned = write(tmp_path / "unsigned.json", document)
    assert_rejected(invoke("verify", unsigned), "carries no attestation")
    assert invoke("verify", unsigned, "--allow-untrusted-signer").exit_code == 0


def test_trusted_signature_of_another_statement_fails(home, provider, tmp_path):
    other = json.loads(prove(home, example_path("compute_receipt.json"), "other.json").read_text())
    document = demo_bundle(home)
    document["attestation"] = other["attestation"]  # a trusted key's signature, over the other bundle
    moved = write(tmp_path / "moved.json", document)
    reason = f"the attestation by {provider} does not sign this bundle's statement"
    assert_rejected(invoke("verify", moved), reason)
    assert_rejected(invoke("verify", moved, "--allow-untrusted-signer"), reason)


def test_bundle_from_a_key_the_profile_does_not_list_fails(home, provider, tmp_path):
    save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), tmp_path / "stranger")
    result = invoke("prove", example_path("compute_receipt.json"), "--keys-dir", tmp_path / "stranger", "--out", "s.json")
    assert result.exit_code == 0, result.output
    stranger_id = json.loads((tmp_path / "s.json").read_text())["vk_id"]
    result = invoke("verify", "s.json")
    assert_rejected(result, f"the verification key {stranger_id} is not in the trust profile")
    assert f"{stranger_id} (NOT TRUSTED)" in result.stdout


def test_verify_batch_gives_each_bundle_its_reason(home, tmp_path):
    document = demo_bundle(home)
    honest = write(tmp_path / "honest.json", document)
    relabelled = write(tmp_path / "relabelled.json", relabel(document, ["model", "units_fp"]))
    result = invoke("verify-batch", honest, relabelled)
    assert result.exit_code == 1 and "1 of 2 bundles valid" in result.stderr
    assert "honest.json: VALID" in result.stdout and "relabelled.json: INVALID" in result.stdout
    verdicts = json.loads(invoke("verify-batch", honest, relabelled, "--json").stdout)
    assert [v["valid"] for v in verdicts] == [True, False]
    assert verdicts[1]["problems"][0].endswith(HONEST)


def test_without_a_trust_profile_nothing_verifies(home):
    (home / "trust.json").unlink()
    for command in ("verify", "verify-batch"):
        result = invoke(command, home / "demo" / "bundle.json")
        assert result.exit_code == 2 and "no trust profile" in result.stderr and "zkreceipt setup" in result.stderr
