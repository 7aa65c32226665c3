"""Key files: atomic writes, 0600 private keys, no overwrite, refusal of loose permissions and bad files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from zkreceipt.errors import SignatureError
from zkreceipt.receipts import (
    KeyFileError,
    generate_accounting_key,
    generate_signing_key,
    load_accounting_key,
    load_signing_key,
    load_verify_key,
    save_accounting_key,
    save_signing_key,
    save_verify_key,
)
from zkreceipt.receipts.files import write_file_atomically


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_signing_key_round_trip_with_0600(tmp_path: Path) -> None:
    key = generate_signing_key()
    path = save_signing_key(key, tmp_path / "keys" / "provider.key")
    assert _mode(path) == 0o600
    assert bytes(load_signing_key(path)) == bytes(key)
    assert [p.name for p in path.parent.iterdir()] == ["provider.key"]  # no temporary left behind


def test_private_key_is_created_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        path = save_accounting_key(generate_accounting_key(), tmp_path / "acct.key")
    finally:
        os.umask(previous)
    assert _mode(path) == 0o600


def test_public_key_round_trip(tmp_path: Path) -> None:
    key = generate_signing_key()
    path = save_verify_key(key.verify_key, tmp_path / "provider.pub")
    assert _mode(path) == 0o644
    assert load_verify_key(path) == key.verify_key
    assert "seed" not in json.loads(path.read_text())


def test_existing_key_is_never_overwritten_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "provider.key"
    first = generate_signing_key()
    save_signing_key(first, path)
    with pytest.raises(KeyFileError, match="already exists; refusing to overwrite it"):
        save_signing_key(generate_signing_key(), path)
    assert bytes(load_signing_key(path)) == bytes(first)
    second = generate_signing_key()
    save_signing_key(second, path, overwrite=True)
    assert bytes(load_signing_key(path)) == bytes(second)


def test_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data.json"
    write_file_atomically(path, b"old", private=False)

    def failing_replace(source: str, target: str) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(KeyFileError, match="cannot write the file"):
        write_file_atomically(path, b"new contents", private=False, overwrite=True)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def test_loose_permissions_are_refused(tmp_path: Path) -> None:
    path = save_signing_key(generate_signing_key(), tmp_path / "provider.key")
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="permissions 0644 are too open for a private key"):
        load_signing_key(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"type": "other"}', "not a zkreceipt.ed25519.signing_key file"),
        (b'{"type": "zkreceipt.ed25519.signing_key", "seed": "00"}', "has exactly the fields"),
    ],
)
def test_malformed_key_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = write_file_atomically(tmp_path / "bad.key", content, private=True)
    with pytest.raises(KeyFileError, match=message):
        load_signing_key(path)


def test_tampered_key_id_is_detected(tmp_path: Path) -> None:
    path = save_signing_key(generate_signing_key(), tmp_path / "provider.key")
    document = json.loads(path.read_text())
    document["key_id"] = "0" * 16
    write_file_atomically(path, json.dumps(document).encode(), private=True, overwrite=True)
    with pytest.raises(KeyFileError, match="key_id/public_key do not match the key"):
        load_signing_key(path)


def test_accounting_key_round_trip_and_repr(tmp_path: Path) -> None:
    key = generate_accounting_key()
    path = save_accounting_key(key, tmp_path / "acct.key")
    loaded = load_accounting_key(path)
    assert loaded == key and loaded.address == key.address
    assert key.secret.hex() not in repr(key) and key.address in repr(key)


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(SignatureError, match="cannot open the private key file"):
        load_signing_key(tmp_path / "missing.key")
