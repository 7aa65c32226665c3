"""``zkreceipt anchor export-contract`` and ``anchor calldata``: from ``zkreceipt demo`` to an anchored receipt.

The first test is the newcomer's path on a real EVM: demo (keys in ``$ZKRECEIPT_HOME/demo/keys``,
the key and the demo's signer trusted in the home's profile), export the contracts from that
profile, compile and deploy them from what export-contract wrote, send the call data the CLI
printed, read the anchor back. The others check the commands' files, refusals and exit codes
(no Node needed).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from evm_helpers import random_key
from evm_tools import evm_tool, missing_tools
from registry_helpers import (
    OWNER,
    PROVIDER_KEY,
    SUBMITTER,
    Call,
    CompiledRegistry,
    Deploy,
    function_call,
    prove_example,
    run_session,
)

from zkreceipt.chain import (
    REGISTRY_CONTRACT,
    anchor_calldata,
    anchor_many_calldata,
    bundle_anchor,
    read_deployment,
    registry_inputs_from_profile,
    registry_sources,
)
from zkreceipt.circuits.receipt_policy import (
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    RateBinding,
    ReceiptDisclosure,
)
from zkreceipt.cli.main import cli
from zkreceipt.formats.snarkjs_json import write_verification_key
from zkreceipt.ledger.bundles import bundle_from_json, bundle_to_text
from zkreceipt.ledger.identity import receipt_identity, verification_key_id
from zkreceipt.ledger.keys import ReceiptKeyPaths, load_receipt_key_pair, read_identified_verification_key
from zkreceipt.ledger.trust import (
    PolicyBounds,
    TrustProfile,
    load_trust_profile,
    save_trust_profile,
    trust_profile_to_json,
    update_trust_profile,
)
from zkreceipt.receipts import RateTable, text_to_field

DAY = 1737676800  # the demo receipt's UTC day
UNITS_AND_MODEL = ReceiptDisclosure(("model", "units_fp"), RateBinding.RATE_TABLE, 4)


def _run(*arguments: str, home: Path) -> Result:
    return CliRunner().invoke(cli, list(arguments), env={"ZKRECEIPT_HOME": str(home)}, catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``zkreceipt demo`` in a home of its own: keys in demo/keys/receipt/, the bundle in demo/bundle.json."""
    home = tmp_path_factory.mktemp("home")
    result = _run("demo", home=home)
    assert result.exit_code == 0, result.output
    assert not (home / "keys").exists()  # so export-contract takes the profile's only receipt key
    return home


def _demo_key_id(home: Path) -> str:
    vk, identity = read_identified_verification_key(ReceiptKeyPaths.under(home / "demo" / "keys").verification_key)
    assert identity == receipt_identity(PRICE_AND_MODEL)
    return verification_key_id(vk, identity)


@pytest.fixture(scope="module")
def second_bundle(demo_home: Path) -> Path:
    """Another receipt proven with the demo's keys (a second commitment, for anchorMany), attested by a
    second provider key that the home's profile now trusts too (the demo's own key is not kept)."""
    demo = bundle_from_json(json.loads((demo_home / "demo" / "bundle.json").read_text()))
    pk = load_receipt_key_pair(demo_home / "demo" / "keys")
    update_trust_profile(lambda p: p.with_receipt_signer(bytes(PROVIDER_KEY.verify_key)), demo_home / "trust.json")
    path = demo_home / "second.bundle.json"
    path.write_text(bundle_to_text(prove_example(pk, demo.policy).bundle))
    return path


@pytest.fixture(scope="module")
def contracts(demo_home: Path) -> Path:
    out = demo_home / "contracts"
    result = _run("anchor", "export-contract", "--owner", OWNER, "--out", str(out), home=demo_home)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))
def test_from_demo_to_an_anchored_receipt(demo_home: Path, contracts: Path, second_bundle: Path) -> None:
    bundle = demo_home / "demo" / "bundle.json"
    single = _run("anchor", "calldata", str(bundle), "--contract", str(contracts), home=demo_home)
    assert single.exit_code == 0, single.output
    many = _run("anchor", "calldata", str(second_bundle), str(bundle), "--contract", str(contracts), home=demo_home)
    assert many.exit_code == 0, many.output
    sources = {path.name: path.read_text() for path in contracts.glob("*.sol")}
    compiled = evm_tool("compile", {"sources": sources})["contracts"]["ReceiptRegistry.sol"][REGISTRY_CONTRACT]
    deployment = read_deployment(contracts / "deploy.json")
    registry = CompiledRegistry(None, compiled["bytecode"], compiled["abi"], {}, 0, 0, [], [])  # type: ignore[arg-type]
    commitment = bundle_from_json(json.loads(bundle.read_text())).commitment
    session = run_session(
        [Deploy("registry", registry, deployment)],
        [
            Call("registry", bytes.fromhex(single.stdout.strip()[2:]), block=(7, DAY + 40_000)),
            Call("registry", function_call("anchorOf(uint256)", commitment)),
            Call("registry", bytes.fromhex(many.stdout.strip()[2:])),
        ],
    )
    anchored, record, batch = session.outcomes
    assert anchored.success, anchored.reason
    assert record.words == [int(SUBMITTER, 16), 7, DAY + 40_000, text_to_field("llama3.2"), 5_000_000]
    assert batch.reason == f"AlreadyAnchored({commitment})"  # the second bundle's batch holds the demo's again


def test_export_contract_writes_what_the_profile_trusts(demo_home: Path, contracts: Path, tmp_path: Path) -> None:
    profile = load_trust_profile(demo_home / "trust.json")
    inputs = registry_inputs_from_profile(profile, _demo_key_id(demo_home))
    assert {p.name: p.read_text() for p in contracts.glob("*.sol")} == registry_sources(inputs).as_files()
    deployment = read_deployment(contracts / "deploy.json")
    assert (deployment.vk_id, deployment.rate_roots, deployment.bounds, deployment.owner) == (
        inputs.vk_id, inputs.rate_roots, profile.policy, OWNER
    )
    document = json.loads((contracts / "deploy.json").read_text())
    assert document["constructor"]["encoded_arguments"] == "0x" + deployment.encoded_arguments().hex()
    # the same registry when the key is named, by its folder or its id, and the profile by its file
    for choice in (["--keys-dir", str(demo_home / "demo" / "keys")], ["--vk-id", inputs.vk_id]):
        out = tmp_path / choice[0]
        result = _run("anchor", "export-contract", *choice, "--trust", str(demo_home / "trust.json"), "--owner", OWNER,
                      "--out", str(out), home=tmp_path)
        assert result.exit_code == 0, result.output
        assert (out / "deploy.json").read_text() == (contracts / "deploy.json").read_text()


def test_export_takes_the_homes_receipt_key_first(demo_home: Path, tmp_path: Path) -> None:
    """A home with a key pair in keys/receipt/ and several trusted receipt keys: the pair's key is chosen."""
    home = tmp_path / "home"
    shutil.copytree(demo_home / "demo" / "keys", home / "keys")
    other = random_key(8)
    profile = load_trust_profile(demo_home / "trust.json").with_key(other, receipt_identity(PRICE_AND_MODEL))
    save_trust_profile(profile, home / "trust.json")
    result = _run("anchor", "export-contract", "--out", str(tmp_path / "out"), home=home)
    assert result.exit_code == 0, result.output
    assert read_deployment(tmp_path / "out" / "deploy.json").vk_id == _demo_key_id(demo_home)
    shutil.rmtree(home / "keys")
    ambiguous = _run("anchor", "export-contract", "--out", str(tmp_path / "again"), home=home)
    assert ambiguous.exit_code == 2 and "choose one with --vk-id" in ambiguous.stderr
    assert _demo_key_id(demo_home) in ambiguous.stderr
    assert not (tmp_path / "again").exists()


def test_export_without_owner_leaves_it_to_fill_in(demo_home: Path, tmp_path: Path) -> None:
    result = _run("anchor", "export-contract", "--out", str(tmp_path), home=demo_home)
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "deploy.json").read_text())
    assert document["constructor"]["owner"] is None and document["constructor"]["encoded_arguments"] is None
    assert document["constructor"]["policy"] == trust_profile_to_json(load_trust_profile(demo_home / "trust.json"))["policy"]
    assert "owner not set" in result.stderr


def test_calldata_is_the_librarys(demo_home: Path, contracts: Path, second_bundle: Path, tmp_path: Path) -> None:
    bundle = demo_home / "demo" / "bundle.json"
    items = [bundle_anchor(bundle_from_json(json.loads(p.read_text())))[0] for p in (bundle, second_bundle)]
    single = _run("anchor", "calldata", str(bundle), "--contract", str(contracts), home=demo_home)
    assert single.stdout == "0x" + anchor_calldata(items[0]).hex() + "\n"
    out = tmp_path / "call.hex"
    many = _run("anchor", "calldata", str(bundle), str(second_bundle), "--contract", str(contracts), "--out", str(out),
                home=demo_home)
    assert many.exit_code == 0 and out.read_text() == "0x" + anchor_many_calldata(items).hex() + "\n"
    assert "anchorMany call data for 2 receipt(s)" in many.stderr


def _edited(bundle: Path, target: Path, edit: object) -> Path:
    forged = copy.deepcopy(json.loads(bundle.read_text()))
    edit(forged)  # type: ignore[operator]
    target.write_text(json.dumps(forged))
    return target


def _relabel(document: dict) -> None:
    """Issue 11's field relabel: the claimed circuit discloses units, and the disclosed value is 5000000 units."""
    document["circuit"] = receipt_identity(UNITS_AND_MODEL).to_json()
    document["disclosed"] = {"model": "llama3.2", "units_fp": 5_000_000}


def _swap_a_and_c(document: dict) -> None:
    proof = document["proof"]
    proof["pi_a"], proof["pi_c"] = proof["pi_c"], proof["pi_a"]


def _unsign(document: dict) -> None:
    document["attestation"] = None


def test_calldata_refuses_bundles_the_registry_would_misread_or_refuse(
    demo_home: Path, contracts: Path, tmp_path: Path
) -> None:
    bundle = demo_home / "demo" / "bundle.json"
    out = tmp_path / "call.hex"
    run = lambda *files, contract=contracts: _run(  # noqa: E731
        "anchor", "calldata", *map(str, files), "--contract", str(contract), "--out", str(out), home=demo_home
    )
    relabelled = run(_edited(bundle, tmp_path / "relabelled.json", _relabel))
    units = UNITS_AND_MODEL.key
    assert relabelled.exit_code == 1
    assert f"claims the circuit {units}, but the registry serves {PRICE_AND_MODEL.key}" in relabelled.stderr
    assert f"the bundle claims the circuit {units}, but its key is trusted for" in relabelled.stderr
    twice = run(bundle, bundle)
    assert twice.exit_code == 1 and "the same commitment as" in twice.stderr
    strict = PolicyBounds(DAY, DAY + 86399, max_duration=60, max_gpu_count=1)
    other_rates = RateTable({"llama3.2": 3_000_000})
    vk, identity = read_identified_verification_key(ReceiptKeyPaths.under(demo_home / "demo" / "keys").verification_key)
    save_trust_profile(TrustProfile(policy=strict).with_rate_table(other_rates).with_key(vk, identity), tmp_path / "s.json")
    narrowed = _run("anchor", "export-contract", "--trust", str(tmp_path / "s.json"), "--out", str(tmp_path / "strict"),
                    home=demo_home)
    assert narrowed.exit_code == 0, narrowed.output
    refused = run(bundle, contract=tmp_path / "strict")
    assert refused.exit_code == 1
    assert "registry: the proven max_duration 3600 s exceeds the trusted 60 s" in refused.stderr
    assert "is not one the registry trusts" in refused.stderr
    assert not out.exists()


def test_calldata_is_never_written_for_a_bundle_the_offline_verifier_rejects(
    demo_home: Path, contracts: Path, tmp_path: Path
) -> None:
    """A proof that does not verify fits deploy.json (key, circuit, root, bounds) but is refused before
    any call data; an unsigned bundle is refused unless the signer check is waived, as `verify` does."""
    bundle = demo_home / "demo" / "bundle.json"
    out = tmp_path / "call.hex"
    options = ["--contract", str(contracts), "--out", str(out)]
    tampered = _run("anchor", "calldata", str(_edited(bundle, tmp_path / "t.json", _swap_a_and_c)), *options,
                    home=demo_home)
    assert tampered.exit_code == 1 and "the proof does not verify under the trusted key" in tampered.stderr
    unsigned = _edited(bundle, tmp_path / "u.json", _unsign)
    refused = _run("anchor", "calldata", str(unsigned), *options, home=demo_home)
    assert refused.exit_code == 1 and "carries no attestation" in refused.stderr
    assert not out.exists()
    waived = _run("anchor", "calldata", str(unsigned), *options, "--allow-untrusted-signer", home=demo_home)
    assert waived.exit_code == 0, waived.output
    assert "NOT CHECKED" in waived.stderr
    honest = bundle_anchor(bundle_from_json(json.loads(bundle.read_text())))[0]
    assert out.read_text() == "0x" + anchor_calldata(honest).hex() + "\n"
    elsewhere = _run("anchor", "calldata", str(bundle), *options, "--trust", str(tmp_path / "none.json"), home=demo_home)
    assert elsewhere.exit_code == 2 and "no trust profile" in elsewhere.stderr


def test_bad_input_exits_2(demo_home: Path, contracts: Path, tmp_path: Path) -> None:
    export = lambda *options: _run("anchor", "export-contract", "--out", str(tmp_path / "x"), *options, home=demo_home)  # noqa: E731
    owner = export("--owner", "0x1234")
    assert owner.exit_code == 2 and "address '0x1234'" in owner.stderr
    missing_profile = export("--trust", str(tmp_path / "none.json"))
    assert missing_profile.exit_code == 2 and "none.json: no trust profile" in missing_profile.stderr
    unknown = export("--vk-id", "cd" * 32)
    assert unknown.exit_code == 2 and f"trust.json: no trusted key {'cd' * 32}" in unknown.stderr
    public = random_key(8)
    public_identity = receipt_identity(PUBLIC_RATE_PRICE_AND_MODEL)
    save_trust_profile(load_trust_profile(demo_home / "trust.json").with_key(public, public_identity), tmp_path / "p.json")
    public_rate = export("--trust", str(tmp_path / "p.json"), "--vk-id", verification_key_id(public, public_identity))
    assert public_rate.exit_code == 2 and "public-rate binding is not supported" in public_rate.stderr
    old = ReceiptKeyPaths.under(tmp_path / "old")
    old.folder.mkdir(parents=True)
    write_verification_key(old.verification_key, read_identified_verification_key(
        ReceiptKeyPaths.under(demo_home / "demo" / "keys").verification_key)[0])
    unnamed = export("--keys-dir", str(tmp_path / "old"))
    assert unnamed.exit_code == 2 and "written before keys named their circuit; give --vk-id" in unnamed.stderr
    assert not (tmp_path / "x").exists()
    bundle = str(demo_home / "demo" / "bundle.json")
    missing = _run("anchor", "calldata", bundle, "--contract", str(tmp_path), home=demo_home)
    assert missing.exit_code == 2 and "deploy.json" in missing.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    document = json.loads((contracts / "deploy.json").read_text())
    document["public_signals"][0] = "commitmnt"
    (broken / "deploy.json").write_text(json.dumps(document))
    malformed = _run("anchor", "calldata", bundle, "--contract", str(broken), home=demo_home)
    assert malformed.exit_code == 2 and "deploy.json" in malformed.stderr and "public_signals" in malformed.stderr
    version1 = tmp_path / "v1.json"
    version1.write_text(json.dumps({**json.loads(Path(bundle).read_text()), "version": 1}))
    old_bundle = _run("anchor", "calldata", str(version1), "--contract", str(contracts), home=demo_home)
    assert old_bundle.exit_code == 2 and "version 1 is not supported" in old_bundle.stderr
