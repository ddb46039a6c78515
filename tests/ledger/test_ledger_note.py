"""Checkpoints as signed notes, verifier keys, and the signing key file."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.ledger.errors import CheckpointFormatError, KeyFileError
from channelwatch.ledger.keys import create_key, load_key, parse_public_key, public_pem
from channelwatch.ledger.note import (
    VerifierKey,
    checkpoint_body,
    parse_checkpoint,
    sign_note,
    verify_checkpoint,
)

ORIGIN = "test.channelwatch/ledger"
TIME = datetime(2024, 11, 24, 1, 2, 3, 456789, tzinfo=UTC)
ROOT = hashlib.sha256(b"root").digest()


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_checkpoint_text_is_the_documented_format(key: Ed25519PrivateKey) -> None:
    note = sign_note(checkpoint_body(ORIGIN, 42, ROOT, TIME), ORIGIN, key)
    lines = note.split("\n")
    assert lines[:5] == [
        ORIGIN,
        "42",
        base64.b64encode(ROOT).decode(),
        "time 2024-11-24T01:02:03.456789Z",
        "",
    ]
    assert lines[5].startswith(f"\u2014 {ORIGIN} ")
    assert note.endswith("\n")
    raw = base64.b64decode(lines[5].split(" ")[2])
    public = VerifierKey.from_public_key(ORIGIN, key.public_key())
    assert raw[:4] == public.key_id and len(raw) == 4 + 64
    checkpoint = verify_checkpoint(note, public)
    assert (checkpoint.origin, checkpoint.size, checkpoint.root, checkpoint.time) == (
        ORIGIN,
        42,
        ROOT,
        TIME,
    )


def test_key_id_follows_the_signed_note_rule(key: Ed25519PrivateKey) -> None:
    public = VerifierKey.from_public_key(ORIGIN, key.public_key())
    expected = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + public.public_key).digest()[:4]
    assert public.key_id == expected
    assert VerifierKey.parse(str(public)) == public
    assert str(public).startswith(f"{ORIGIN}+{expected.hex()}+")


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), bit=st.integers(0, 7))
def test_any_flipped_bit_in_a_checkpoint_is_refused(position: int, bit: int) -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    public = VerifierKey.from_public_key(ORIGIN, key.public_key())
    note = sign_note(checkpoint_body(ORIGIN, 7, ROOT, TIME), ORIGIN, key).encode()
    i = position % len(note)
    damaged = note[:i] + bytes([note[i] ^ (1 << bit)]) + note[i + 1 :]
    try:
        text = damaged.decode("utf-8")
    except UnicodeDecodeError:
        return  # not even text: nothing to accept
    with pytest.raises(CheckpointFormatError):
        verify_checkpoint(text, public)


def test_other_keys_and_malformed_notes_are_refused(key: Ed25519PrivateKey) -> None:
    note = sign_note(checkpoint_body(ORIGIN, 7, ROOT, TIME), ORIGIN, key)
    stranger = VerifierKey.from_public_key(ORIGIN, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(CheckpointFormatError, match="no signature by key"):
        verify_checkpoint(note, stranger)
    public = VerifierKey.from_public_key(ORIGIN, key.public_key())
    with pytest.raises(CheckpointFormatError, match=r"signature by .* is invalid"):
        verify_checkpoint(note.replace("\n7\n", "\n8\n"), public)
    renamed = VerifierKey.from_public_key("other/log", key.public_key())
    with pytest.raises(CheckpointFormatError, match="no signature by key 'other/log'"):
        verify_checkpoint(note, renamed)
    for bad in [
        note.replace("\n7\n", "\n07\n"),
        note.replace("\n\n", "\n"),
        note.rstrip("\n"),
        note.replace("time 2024-11-24T01:02:03.456789Z", "time 2024-11-24T02:02:03+01:00"),
        note.replace("\n", "\r\n"),
    ]:
        with pytest.raises(CheckpointFormatError):
            parse_checkpoint(bad)


def test_verifier_key_parsing_refuses_damage(key: Ed25519PrivateKey) -> None:
    text = str(VerifierKey.from_public_key(ORIGIN, key.public_key()))
    name, key_id, encoded = text.split("+", 2)
    for bad in [
        f"{name}+00000000+{encoded}",
        f"{name}+{key_id}",
        f"{name}+{key_id}+AAAA",
        f"{name}+{key_id}+{encoded[:-2]}",
        f"bad name+{key_id}+{encoded}",
    ]:
        with pytest.raises(KeyFileError):
            VerifierKey.parse(bad)


def test_key_file_is_created_0600_and_refused_when_readable(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "ledger.key"
    key = create_key(path)
    assert (path.stat().st_mode & 0o777) == 0o600
    assert load_key(path).public_key() == key.public_key()
    with pytest.raises(KeyFileError, match="already exists"):
        create_key(path)
    path.chmod(0o640)
    with pytest.raises(KeyFileError, match="mode 0640"):
        load_key(path)
    path.chmod(0o604)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_key(path)
    path.chmod(0o600)
    path.write_text("not a key")
    with pytest.raises(KeyFileError, match="not an unencrypted PEM"):
        load_key(path)
    with pytest.raises(KeyFileError, match="does not exist"):
        load_key(tmp_path / "missing.key")


def test_public_key_as_pem_or_verifier_line(key: Ed25519PrivateKey) -> None:
    line = VerifierKey.from_public_key(ORIGIN, key.public_key())
    assert parse_public_key(str(line)) == line
    assert parse_public_key(public_pem(key.public_key()), ORIGIN) == line
    with pytest.raises(KeyFileError, match="needs the ledger's origin"):
        parse_public_key(public_pem(key.public_key()))
