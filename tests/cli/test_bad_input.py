"""Every bad-input class of issue 6 through the CLI: exit code 2, a message naming the field or file, nothing written.

Receipt documents go through ``sign``, ``prove`` and ``prove-batch``; proof
bundles through ``verify`` and ``verify-batch``; key files through ``prove``.
"Nothing written" means no output file and no row in the store.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import click
import pytest
from cli_trust_helpers import signed_receipt_text, trusting_home
from click.testing import CliRunner

from zkreceipt.ledger.keys import save_receipt_keys, setup_receipt_keys
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL
from zkreceipt.cli.main import cli
from zkreceipt.field import Fr
from zkreceipt.receipts.example_files import example_path
from zkreceipt.ledger.store import ReceiptStore

EXAMPLE = json.loads(example_path("compute_receipt.json").read_text())
R = Fr.modulus

# (document changes or raw text, the text the message must contain)
BAD_RECEIPTS = {
    "missing field": ({"units": None}, "units: missing required field"),
    "wrong type": ({"units": [2.5]}, "units: must be a decimal number"),
    "wrong type (boolean)": ({"started_at": True}, "started_at"),
    "negative units": ({"units": "-2.5"}, "units: must not be negative"),
    "completed before started": ({"completed_at": 1737730799}, "completed_at: 1737730799 is before started_at"),
    "too precise units": ({"units": "2.5000001"}, "more than 3 decimal places"),
    "too precise price": ({"price": "5.0000001"}, "never rounded"),
    "out of range": ({"started_at": 2**70}, "started_at: 1180591620717411303424 is too large"),
    "malformed JSON": ("{not json", "not valid JSON"),
}


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), folder)
    return folder


@pytest.fixture(scope="module")
def good_bundle(keys_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("bundle")
    trusting_home(folder / "home", keys_dir / "receipt")
    runner = CliRunner(env={"ZKRECEIPT_HOME": str(folder / "home")})
    out = folder / "bundle.json"
    result = runner.invoke(
        cli, ["prove", str(example_path("compute_receipt.json")), "--keys-dir", str(keys_dir), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


def invoke(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args])


def write_receipt(path: Path, change: dict | str) -> Path:
    if isinstance(change, str):
        path.write_text(change)
    else:
        document = {**EXAMPLE, **change}
        path.write_text(json.dumps({k: v for k, v in document.items() if v is not None}))
    return path


def assert_nothing_stored(home: Path) -> None:
    if (home / "zkreceipt.db").exists():
        with ReceiptStore() as store:
            assert store.find_receipts() == []


def assert_bad_input(result: click.testing.Result, *texts: str) -> None:
    assert result.exit_code == 2, result.output
    for text in texts:
        assert text in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", BAD_RECEIPTS, ids=list(BAD_RECEIPTS))
def test_sign_refuses_bad_receipts(case: str, home: Path, tmp_path: Path) -> None:
    change, message = BAD_RECEIPTS[case]
    assert invoke("keygen").exit_code == 0
    receipt = write_receipt(tmp_path / "r.json", change)
    assert_bad_input(invoke("sign", receipt), "r.json", message)
    assert not (tmp_path / "r.signed.json").exists()


@pytest.mark.parametrize("case", BAD_RECEIPTS, ids=list(BAD_RECEIPTS))
def test_prove_refuses_bad_receipts(case: str, keys_dir: Path, home: Path, tmp_path: Path) -> None:
    change, message = BAD_RECEIPTS[case]
    receipt = write_receipt(tmp_path / "r.json", change)
    assert_bad_input(invoke("prove", receipt, "--keys-dir", keys_dir), "r.json", message)
    assert not (tmp_path / "bundle.json").exists()
    assert_nothing_stored(home)


def test_prove_batch_refuses_one_bad_receipt_among_good_ones(keys_dir: Path, home: Path, tmp_path: Path) -> None:
    good = write_receipt(tmp_path / "good.json", {})
    change, message = BAD_RECEIPTS["negative units"]
    bad = write_receipt(tmp_path / "bad.json", {**change, "receipt_id": "rcpt-bad"})
    result = invoke("prove-batch", good, bad, "--keys-dir", keys_dir, "--out-dir", "out")
    assert_bad_input(result, "bad.json", message)
    assert not (tmp_path / "out").exists()
    assert_nothing_stored(home)


def write_bundle(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document))
    return path


def bundle_with(good: dict, **changes: object) -> dict:
    document = json.loads(json.dumps(good))
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        target = document
        for name in parents:
            target = target[int(name) if isinstance(target, list) else name]
        target[int(leaf) if isinstance(target, list) else leaf] = value
    return document


BAD_BUNDLES = {
    "public signal = r": ({"public_signals__0": str(R)}, "signal 0 = " + str(R) + " is not below the field order r"),
    "public signal > r": ({"public_signals__1": str(R + 5)}, "is not below the field order r"),
    "point off the curve": ({"proof__pi_a__1": "3"}, "pi_a: G1 point 0 is not on the curve"),
    "G2 point off the curve": ({"proof__pi_b__0__0": "5"}, "pi_b: G2 point 0 is not on the curve"),
    "missing field": ({"vk_id": None}, "vk_id"),
    "wrong type": ({"public_signals": "1,2,3"}, "public_signals"),
}


@pytest.mark.parametrize("case", BAD_BUNDLES, ids=list(BAD_BUNDLES))
@pytest.mark.parametrize("command", ["verify", "verify-batch"])
def test_verify_refuses_bad_bundles(
    case: str, command: str, good_bundle: dict, keys_dir: Path, home: Path, tmp_path: Path
) -> None:
    changes, message = BAD_BUNDLES[case]
    document = bundle_with(good_bundle, **{k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        del document[key]
    bundle = write_bundle(tmp_path / "b.json", document)
    result = invoke(command, bundle)
    assert_bad_input(result, "b.json", message)
    assert not (home / "audit.log").exists()  # nothing was verified, so nothing is recorded


def test_verify_refuses_malformed_bundle_json(keys_dir: Path, home: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b.json"
    bundle.write_text('{"format": ')
    assert_bad_input(invoke("verify", bundle), "b.json", "JSON")


def _section_offsets(data: bytes) -> list[tuple[int, int, int]]:
    """(section type, offset of its length field, length) of a binfile (magic, version, count, sections)."""
    offset, sections = 12, []
    (count,) = struct.unpack_from("<I", data, 8)
    for _ in range(count):
        kind, length = struct.unpack_from("<IQ", data, offset)
        sections.append((kind, offset + 4, length))
        offset += 12 + length
    return sections


@pytest.mark.parametrize("forgery", ["huge section length", "truncated file"])
def test_prove_refuses_a_forged_proving_key(forgery: str, keys_dir: Path, home: Path, tmp_path: Path) -> None:
    trusting_home(home, keys_dir / "receipt")
    forged_dir = tmp_path / "forged"
    (forged_dir / "receipt").mkdir(parents=True)
    data = bytearray((keys_dir / "receipt" / "receipt.zkey").read_bytes())
    if forgery == "huge section length":
        _, length_offset, _ = _section_offsets(bytes(data))[1]
        struct.pack_into("<Q", data, length_offset, 1 << 60)
    else:
        data = data[: len(data) // 2]
    (forged_dir / "receipt" / "receipt.zkey").write_bytes(bytes(data))
    result = invoke("prove", example_path("compute_receipt.json"), "--keys-dir", forged_dir)
    assert_bad_input(result, "receipt.zkey", "declares", "bytes left")
    assert not (tmp_path / "bundle.json").exists()
    assert_nothing_stored(home)


def test_verify_refuses_a_trusted_verification_key_off_the_curve(
    good_bundle: dict, keys_dir: Path, home: Path, tmp_path: Path
) -> None:
    trusting_home(home, keys_dir / "receipt")
    profile = json.loads((home / "trust.json").read_text())
    profile["keys"][0]["verification_key"]["vk_alpha_1"][1] = "3"
    (home / "trust.json").write_text(json.dumps(profile))
    bundle = write_bundle(tmp_path / "b.json", good_bundle)
    assert_bad_input(invoke("verify", bundle), "trust.json: keys[0]: verification_key: vk_alpha_1")


def test_prove_batch_refuses_conflicts_before_proving(keys_dir: Path, home: Path, tmp_path: Path) -> None:
    provider = trusting_home(home, keys_dir / "receipt")

    def signed(path: Path, change: dict) -> Path:
        path.write_text(signed_receipt_text({**EXAMPLE, **change}, provider))
        return path

    first = write_receipt(tmp_path / "first.json", {})
    assert invoke("prove", first, "--keys-dir", keys_dir, "--out", "stored.json").exit_code == 0
    changed = signed(tmp_path / "changed.json", {"units": "2.000", "price": "4.000000"})
    other = signed(tmp_path / "other.json", {"receipt_id": "rcpt-other"})
    result = invoke("prove-batch", other, changed, "--keys-dir", keys_dir, "--out-dir", "out")
    assert_bad_input(result, "changed.json", "already stored with different content")
    twin = tmp_path / "sub" / "other.json"
    twin.parent.mkdir()
    signed(twin, {"receipt_id": "rcpt-twin"})
    result = invoke("prove-batch", other, twin, "--keys-dir", keys_dir, "--out-dir", "out")
    assert_bad_input(result, "would overwrite the bundle of")
    result = invoke("prove-batch", other, other, "--keys-dir", keys_dir, "--out-dir", "out")
    assert_bad_input(result, "receipt_id 'rcpt-other' is also in")
    assert not (tmp_path / "out").exists()
    with ReceiptStore() as store:
        assert [r.receipt_id for r in store.find_receipts()] == [EXAMPLE["receipt_id"]]
