"""The trust profile: defaults, the file round trip, strict and named errors, degenerate keys, locked edits."""

from __future__ import annotations

import copy
import json
import threading

import pytest

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, ReceiptDisclosure
from zkreceipt.curve import G1Points, G2Points
from zkreceipt.groth16 import VerifyingKey
from zkreceipt.ledger.identity import IdentityError, receipt_identity
from zkreceipt.ledger.keys import setup_receipt_keys
from zkreceipt.ledger.trust import (
    DEFAULT_POLICY_BOUNDS,
    GasPrices,
    TrustProfileError,
    TrustProfileMissing,
    default_trust_path,
    default_trust_profile,
    load_trust_profile,
    save_trust_profile,
    trust_profile_from_json,
    trust_profile_to_json,
    update_trust_profile,
)
from zkreceipt.receipts import DEFAULT_RATE_TABLE, RateTable, generate_accounting_key, generate_signing_key

IDENTITY = receipt_identity(PRICE_AND_MODEL)


@pytest.fixture(scope="module")
def vk() -> VerifyingKey:
    return setup_receipt_keys(PRICE_AND_MODEL).vk


@pytest.fixture(scope="module")
def profile(vk):
    signer = generate_signing_key()
    return (
        default_trust_profile()
        .with_key(vk, IDENTITY)
        .with_rate_table(RateTable({"mistral": 1_500_000}), 5)
        .with_receipt_signer(bytes(signer.verify_key).hex())
        .with_invoice_signer(generate_accounting_key().address.lower())
    )


def test_the_defaults_accept_the_demo_receipts_day_and_trust_nothing_else():
    profile = default_trust_profile()
    assert profile.keys == {} and profile.receipt_signers == {} and profile.invoice_signers == frozenset()
    assert [(t.depth, t.rates) for t in profile.rate_tables.values()] == [(4, DEFAULT_RATE_TABLE)]
    demo_day = {"not_before": 1737676800, "not_after": 1737763199, "max_duration": 3600, "gpu_count": 1}
    assert profile.policy.problems(demo_day) == []
    assert DEFAULT_POLICY_BOUNDS.not_before == 1735689600  # 2025-01-01 00:00:00 UTC
    assert profile.invoice_policy.gas_prices == frozenset({GasPrices(150, 2)})
    assert profile.invoice_policy.problems({"step_gas_price_fp": 150, "byte_gas_price_fp": 2, "memory_limit": 1 << 32}) == []
    assert len(profile.invoice_policy.problems({"step_gas_price_fp": 151, "byte_gas_price_fp": 2, "memory_limit": 1 << 33})) == 2


def test_round_trip_through_the_file(profile, tmp_path, monkeypatch):
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    path = save_trust_profile(profile)
    assert path == default_trust_path() == tmp_path / "home" / "trust.json"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert load_trust_profile() == profile
    assert trust_profile_from_json(trust_profile_to_json(profile)) == profile
    document = json.loads(path.read_text())
    assert document["keys"][0]["identity"]["key"] == PRICE_AND_MODEL.key
    assert document["keys"][0]["verification_key"]["nPublic"] == 8  # self-contained: the whole key is inlined


def test_a_missing_profile_is_a_failure_that_says_how_to_create_one(tmp_path):
    with pytest.raises(TrustProfileMissing, match="zkreceipt setup.*trust set-policy"):
        load_trust_profile(tmp_path / "nothing.json")


def edited(profile, path: tuple, value: object) -> dict:
    document = copy.deepcopy(trust_profile_to_json(profile))
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("keys", 0, "vk_id"), "ab" * 32, "keys[0].vk_id: is not the id"),
        (("keys", 0, "identity", "disclosure", "public_fields"), ["model", "units_fp"], "keys[0]: identity"),
        (("keys", 0, "verification_key", "vk_alpha_1", 1), "3", "keys[0]: verification_key"),
        (("keys", 0, "verification_key", "IC"), [], "keys[0]: verification_key"),
        (("rate_tables", 0, "root"), "1", "rate_tables[0].root: is not the root"),
        (("rate_tables", 0, "depth"), 11, "rate_tables[0]: rate_table_depth"),
        (("rate_tables", 0, "rates", "llama3.2"), "-1", "rate_tables[0]"),
        (("policy", "not_after"), 0, "policy: not_after"),
        (("policy", "max_gpu_count"), True, "policy.max_gpu_count: has the wrong type"),
        (("policy", "max_duration"), KeyError, "policy.max_duration: missing"),
        (("invoice_policy", "gas_prices", 0, "step_gas_price_fp"), -1, "invoice_policy"),
        (("receipt_signers", 0, "key_id"), "0" * 16, "receipt_signers[0].key_id"),
        (("receipt_signers", 0, "public_key"), "zz", "receipt_signers[0].public_key"),
        (("invoice_signers", 0), "0x12", "invoice_signers[0]"),
        (("version",), 2, "version: 2 is not supported"),
        (("surprise",), 1, "unknown member 'surprise'"),
    ],
)
def test_malformed_profiles_name_the_file_and_field(profile, tmp_path, path, value, field):
    target = tmp_path / "trust.json"
    target.write_text(json.dumps(edited(profile, path, value)))
    with pytest.raises(TrustProfileError) as raised:
        load_trust_profile(target)
    assert str(raised.value).startswith(f"{target}: ") and field in str(raised.value)


def test_unreadable_profiles_are_bad_input(tmp_path):
    target = tmp_path / "trust.json"
    target.write_text("{not json")
    with pytest.raises(TrustProfileError, match="trust.json: not valid JSON"):
        load_trust_profile(target)
    target.write_text("[]")
    with pytest.raises(TrustProfileError, match="must be a JSON object"):
        load_trust_profile(target)


def degenerate(vk: VerifyingKey, **points: object) -> VerifyingKey:
    import dataclasses

    return dataclasses.replace(vk, **points)


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"alpha_g1": G1Points.infinity(1)}, "vk_alpha_1"),
        ({"beta_g2": G2Points.infinity(1)}, "vk_beta_2"),
        ({"gamma_g2": G2Points.infinity(1), "delta_g2": G2Points.infinity(1)}, "vk_gamma_2"),
        ({"delta_g2": G2Points.infinity(1)}, "vk_delta_2"),
    ],
)
def test_keys_with_a_point_at_infinity_are_refused(vk, profile, tmp_path, change, name):
    bad = degenerate(vk, **change)
    with pytest.raises(TrustProfileError, match=f"{name} is the point at infinity"):
        default_trust_profile().with_key(bad, IDENTITY)
    document = trust_profile_to_json(profile)
    from zkreceipt.formats.snarkjs_json import verification_key_to_json

    document["keys"][0]["verification_key"] = verification_key_to_json(bad)
    (tmp_path / "trust.json").write_text(json.dumps(document))
    with pytest.raises(TrustProfileError, match=f"keys\\[0\\]: verification_key: {name} is the point at infinity"):
        load_trust_profile(tmp_path / "trust.json")


def test_an_ic_point_at_infinity_is_refused(vk):
    ic = G1Points.concatenate([vk.gamma_abc_g1[:3], G1Points.infinity(1), vk.gamma_abc_g1[4:]])
    with pytest.raises(TrustProfileError, match=r"IC\[3\] is the point at infinity"):
        default_trust_profile().with_key(degenerate(vk, gamma_abc_g1=ic), IDENTITY)


def test_a_key_that_does_not_fit_its_identity_is_refused(vk):
    with pytest.raises(IdentityError, match="does not fit the circuit"):
        default_trust_profile().with_key(vk, receipt_identity(ReceiptDisclosure(("model",))))


def test_edits_create_the_default_profile_and_never_lose_each_other(tmp_path):
    target = tmp_path / "home" / "trust.json"
    keys = [generate_signing_key() for _ in range(8)]
    threads = [
        threading.Thread(target=update_trust_profile, args=(lambda p, k=k: p.with_receipt_signer(bytes(k.verify_key)), target))
        for k in keys
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    profile = load_trust_profile(target)
    assert len(profile.receipt_signers) == 8
    assert profile.rate_tables == default_trust_profile().rate_tables
    assert sorted(p.name for p in target.parent.iterdir()) == [".trust.json.lock", "trust.json"]


def test_a_rate_table_is_trusted_at_its_depth_only(profile):
    root5 = next(t.root for t in profile.rate_tables.values() if t.depth == 5)
    assert profile.rate_table_at(root5, 5) is not None
    assert profile.rate_table_at(root5, 4) is None
