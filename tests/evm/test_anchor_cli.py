"""``zkreceipt anchor export-contract`` and ``anchor calldata``: from ``zkreceipt demo`` to an anchored receipt.

The first test is the newcomer's path on a real EVM: demo, export the contracts, compile and
deploy them from what export-contract wrote, send the call data the CLI printed, read the
anchor back. The others check the commands' files, refusals and exit codes (no Node needed).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from evm_tools import evm_tool, missing_tools
from registry_helpers import OWNER, SUBMITTER, Call, Deploy, CompiledRegistry, function_call, run_session

from zkreceipt.chain import (
    REGISTRY_CONTRACT,
    RegistryBounds,
    anchor_calldata,
    anchor_many_calldata,
    bundle_anchor,
    read_deployment,
    registry_sources,
)
from zkreceipt.cli.anchor_commands import trusted_registry_inputs
from zkreceipt.circuit import compile_circuit
from zkreceipt.circuits.mul_chain import MulChain
from zkreceipt.cli.main import cli
from zkreceipt.formats.snarkjs_json import write_verification_key
from zkreceipt.groth16 import setup_development
from zkreceipt.ledger.bundles import bundle_from_json, bundle_to_text, prove_receipt
from zkreceipt.ledger.keys import load_receipt_proving_key, load_receipt_verification_key
from zkreceipt.receipts import DEFAULT_RATE_TABLE, read_receipt_file, text_to_field
from zkreceipt.receipts.example_files import example_path

DAY = 1737676800  # the demo receipt's UTC day
WINDOW = ["--not-before", str(DAY), "--not-after", str(DAY + 86399), "--max-duration", "3600"]


def _run(*arguments: str) -> Result:
    return CliRunner().invoke(cli, list(arguments), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``zkreceipt demo`` in a home of its own: keys in demo/keys, the bundle in demo/bundle.json."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZKRECEIPT_HOME", str(home))
        result = _run("demo")
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture(scope="module")
def second_bundle(demo_home: Path) -> Path:
    """Another receipt proven with the demo's keys (a second commitment, for anchorMany)."""
    receipt = read_receipt_file(example_path("compute_receipt.json"))
    demo = bundle_from_json(json.loads((demo_home / "demo" / "bundle.json").read_text()))
    pk = load_receipt_proving_key(demo_home / "demo" / "keys")
    proven = prove_receipt(receipt, pk, demo.policy, DEFAULT_RATE_TABLE)
    path = demo_home / "second.bundle.json"
    path.write_text(bundle_to_text(proven.bundle))
    return path


@pytest.fixture(scope="module")
def contracts(demo_home: Path) -> Path:
    out = demo_home / "contracts"
    result = _run("anchor", "export-contract", "--keys-dir", str(demo_home / "demo" / "keys"), "--owner", OWNER,
                  "--out", str(out), *WINDOW)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))
def test_from_demo_to_an_anchored_receipt(demo_home: Path, contracts: Path, second_bundle: Path) -> None:
    bundle = demo_home / "demo" / "bundle.json"
    single = _run("anchor", "calldata", str(bundle), "--contract", str(contracts))
    assert single.exit_code == 0, single.output
    many = _run("anchor", "calldata", str(second_bundle), str(bundle), "--contract", str(contracts))
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


def test_export_contract_writes_what_the_library_generates(demo_home: Path, contracts: Path) -> None:
    vk = load_receipt_verification_key(demo_home / "demo" / "keys")
    inputs = trusted_registry_inputs(vk, DEFAULT_RATE_TABLE, RegistryBounds(DAY, DAY + 86399, 3600, 1))
    assert {p.name: p.read_text() for p in contracts.glob("*.sol")} == registry_sources(inputs).as_files()
    deployment = read_deployment(contracts / "deploy.json")
    assert (deployment.vk_id, deployment.rate_roots, deployment.bounds, deployment.owner) == (
        inputs.vk_id, inputs.rate_roots, inputs.bounds, OWNER
    )
    document = json.loads((contracts / "deploy.json").read_text())
    assert document["constructor"]["encoded_arguments"] == "0x" + deployment.encoded_arguments().hex()


def test_export_without_owner_leaves_it_to_fill_in(demo_home: Path, tmp_path: Path) -> None:
    result = _run("anchor", "export-contract", "--keys-dir", str(demo_home / "demo" / "keys"), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "deploy.json").read_text())
    assert document["constructor"]["owner"] is None and document["constructor"]["encoded_arguments"] is None
    assert document["constructor"]["policy"] == {
        "not_before": 0, "not_after": 2**40 - 1, "max_duration": 86400, "max_gpu_count": 1
    }
    assert "owner not set" in result.stderr


def test_calldata_is_the_librarys(demo_home: Path, contracts: Path, second_bundle: Path, tmp_path: Path) -> None:
    bundle = demo_home / "demo" / "bundle.json"
    items = [bundle_anchor(bundle_from_json(json.loads(p.read_text())))[0] for p in (bundle, second_bundle)]
    single = _run("anchor", "calldata", str(bundle), "--contract", str(contracts))
    assert single.stdout == "0x" + anchor_calldata(items[0]).hex() + "\n"
    out = tmp_path / "call.hex"
    many = _run("anchor", "calldata", str(bundle), str(second_bundle), "--contract", str(contracts), "--out", str(out))
    assert many.exit_code == 0 and out.read_text() == "0x" + anchor_many_calldata(items).hex() + "\n"
    assert "anchorMany call data for 2 receipt(s)" in many.stderr


def _relabelled(bundle: Path, target: Path) -> Path:
    forged = copy.deepcopy(json.loads(bundle.read_text()))
    forged["disclosure"]["public_fields"] = ["model", "units_fp"]
    forged["circuit_key"] = "receipt-v1;rate=table:4;public=model,units_fp"
    forged["public_signal_names"][-1] = "units_fp"
    forged["disclosed"] = {"model": "llama3.2", "units_fp": 5_000_000}
    target.write_text(json.dumps(forged))
    return target


def test_calldata_refuses_bundles_the_registry_would_misread_or_refuse(
    demo_home: Path, contracts: Path, tmp_path: Path
) -> None:
    bundle = demo_home / "demo" / "bundle.json"
    out = tmp_path / "call.hex"
    relabelled = _run(
        "anchor", "calldata", str(_relabelled(bundle, tmp_path / "relabelled.json")), "--contract", str(contracts),
        "--out", str(out),
    )
    assert relabelled.exit_code == 1
    assert "claims the public signals" in relabelled.stderr and "units_fp" in relabelled.stderr
    twice = _run("anchor", "calldata", str(bundle), str(bundle), "--contract", str(contracts), "--out", str(out))
    assert twice.exit_code == 1 and "the same commitment as" in twice.stderr
    strict = tmp_path / "strict"
    narrowed = _run("anchor", "export-contract", "--keys-dir", str(demo_home / "demo" / "keys"), "--out", str(strict),
                    "--max-duration", "60", "--rates", str(_other_rates(tmp_path)))
    assert narrowed.exit_code == 0, narrowed.output
    refused = _run("anchor", "calldata", str(bundle), "--contract", str(strict))
    assert refused.exit_code == 1
    assert "max_duration 3600 exceeds the registry's 60" in refused.stderr
    assert "is not one the registry trusts" in refused.stderr
    assert not out.exists()


def _other_rates(tmp_path: Path) -> Path:
    """The example rate table with llama3.2 at 3.0: another root."""
    path = tmp_path / "rates.json"
    document = json.loads(example_path("rates.json").read_text())
    document["rates"]["llama3.2"] = "3.000000"
    path.write_text(json.dumps(document))
    return path


def test_bad_input_exits_2(demo_home: Path, contracts: Path, tmp_path: Path) -> None:
    keys = ["--keys-dir", str(demo_home / "demo" / "keys"), "--out", str(tmp_path / "x")]
    owner = _run("anchor", "export-contract", *keys, "--owner", "0x1234")
    assert owner.exit_code == 2 and "address '0x1234'" in owner.stderr
    window = _run("anchor", "export-contract", *keys, "--not-before", "10", "--not-after", "9")
    assert window.exit_code == 2 and "not_after = 9 is before not_before = 10" in window.stderr
    wide = _run("anchor", "export-contract", *keys, "--max-gpu-count", str(1 << 16))
    assert wide.exit_code == 2 and "max_gpu_count" in wide.stderr
    other_key = tmp_path / "mul_chain_vk.json"
    write_verification_key(other_key, setup_development(compile_circuit(MulChain(4)).r1cs).vk)
    mismatch = _run("anchor", "export-contract", "--vk", str(other_key), "--out", str(tmp_path / "y"))
    assert mismatch.exit_code == 2 and "1 public signals, but the circuit identity" in mismatch.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    missing = _run("anchor", "calldata", str(demo_home / "demo" / "bundle.json"), "--contract", str(tmp_path))
    assert missing.exit_code == 2 and "deploy.json" in missing.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    document = json.loads((contracts / "deploy.json").read_text())
    document["public_signals"][0] = "commitmnt"
    (broken / "deploy.json").write_text(json.dumps(document))
    malformed = _run("anchor", "calldata", str(demo_home / "demo" / "bundle.json"), "--contract", str(broken))
    assert malformed.exit_code == 2 and "deploy.json" in malformed.stderr and "public signals" in malformed.stderr
