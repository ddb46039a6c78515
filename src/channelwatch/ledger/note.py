"""Checkpoints as signed notes (the C2SP ``tlog-checkpoint`` and ``signed-note`` formats).

A checkpoint is UTF-8 text::

    <origin>\\n
    <tree size, decimal>\\n
    <root hash, standard base64>\\n
    time <UTC time of signing, YYYY-MM-DDTHH:MM:SS.ffffffZ>\\n
    \\n
    — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>\\n

The signature covers the body (the lines before the blank line, with their newlines). The key id
is the first 4 bytes of ``SHA-256(name || 0x0A || 0x01 || public key)``; a public (verifier) key
is written ``<name>+<key id, 8 hex digits>+<base64(0x01 || public key)>``.
Needs only the standard library and ``cryptography``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from channelwatch.ledger.canonical import format_time, parse_time
from channelwatch.ledger.errors import CheckpointFormatError, KeyFileError

ALG_ED25519 = 1
SIG_PREFIX = "\u2014 "  # em dash and a space start every signature line
_NAME = re.compile(r"^[^\s+]+$")
_SIZE = re.compile(r"^(0|[1-9][0-9]{0,19})$")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str) -> bytes:
    """Strict base64: the alphabet only, and the one canonical spelling of the bytes."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CheckpointFormatError(f"{what} {text!r:.60} is not base64") from None
    if b64(data) != text:
        raise CheckpointFormatError(f"{what} {text!r:.60} is not canonical base64")
    return data


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A public key that checks checkpoint signatures: name, key id, raw Ed25519 key."""

    name: str
    key_id: bytes
    public_key: bytes

    @classmethod
    def from_public_key(cls, name: str, public_key: Ed25519PublicKey | bytes) -> VerifierKey:
        raw = (
            public_key
            if isinstance(public_key, bytes)
            else public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        if not _NAME.match(name):
            raise KeyFileError(f"key name {name!r} must be non-empty, without spaces or '+'")
        return cls(name, key_id(name, raw), raw)

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Parse ``<name>+<hex key id>+<base64(0x01 || key)>``; the key id must match."""
        parts = text.strip().split("+", 2)  # base64 may hold '+' itself
        if len(parts) != 3 or not parts[0]:
            raise KeyFileError(f"verifier key {text.strip()!r:.80} is not name+keyid+key")
        name, hex_id, encoded = parts
        try:
            raw = unb64(encoded, "verifier key")
        except CheckpointFormatError as exc:
            raise KeyFileError(str(exc)) from None
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise KeyFileError(f"verifier key {name!r} is not an Ed25519 key")
        key = cls.from_public_key(name, raw[1:])
        if key.key_id.hex() != hex_id:
            raise KeyFileError(
                f"verifier key {name!r} has key id {hex_id!r}, expected {key.key_id.hex()!r}"
            )
        return key

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{b64(bytes([ALG_ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A parsed checkpoint: what the log's key vouches for at one tree size."""

    origin: str
    size: int
    root: bytes
    time: datetime | None
    body: str
    signatures: tuple[tuple[str, bytes, bytes], ...]  # (key name, key id, signature)
    text: str

    def to_dict(self) -> dict[str, object]:
        return {
            "origin": self.origin,
            "size": self.size,
            "root": self.root.hex(),
            "time": format_time(self.time) if self.time else None,
            "note": self.text,
        }


def checkpoint_body(origin: str, size: int, root: bytes, time: datetime) -> str:
    if not origin or "\n" in origin:
        raise CheckpointFormatError(f"origin {origin!r} must be one non-empty line")
    return f"{origin}\n{size}\n{b64(root)}\ntime {format_time(time)}\n"


def sign_note(body: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """A signed note: the body, a blank line, and one signature line."""
    public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signature = private_key.sign(body.encode("utf-8"))
    return f"{body}\n{SIG_PREFIX}{name} {b64(key_id(name, public) + signature)}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint's structure (the signature is not checked here)."""
    if "\r" in text or not text.endswith("\n"):
        raise CheckpointFormatError("a checkpoint has \\n line ends only and ends with one")
    body, sep, sig_block = text.rpartition("\n\n")
    if not sep:
        raise CheckpointFormatError("checkpoint has no blank line before its signatures")
    body += "\n"
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointFormatError("checkpoint body needs origin, size and root hash lines")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise CheckpointFormatError("checkpoint origin line is empty")
    if not _SIZE.match(size_text):
        raise CheckpointFormatError(f"checkpoint size {size_text!r} is not a decimal number")
    root = unb64(root_text, "checkpoint root hash")
    if len(root) != 32:
        raise CheckpointFormatError(f"checkpoint root hash has {len(root)} bytes, not 32")
    time = None
    for line in extensions:
        if not line:
            raise CheckpointFormatError("checkpoint has an empty extension line")
        if line.startswith("time "):
            try:
                time = parse_time(line[5:])
            except ValueError:
                raise CheckpointFormatError(f"checkpoint time {line[5:]!r} is invalid") from None
            if format_time(time) != line[5:]:
                raise CheckpointFormatError(f"checkpoint time {line[5:]!r} is not canonical")
    signatures = []
    for line in sig_block[:-1].split("\n"):
        if not line.startswith(SIG_PREFIX):
            raise CheckpointFormatError(f"signature line {line!r:.60} does not start with '— '")
        name, _, encoded = line[len(SIG_PREFIX) :].partition(" ")
        raw = unb64(encoded, "signature")
        if not _NAME.match(name) or len(raw) < 5:
            raise CheckpointFormatError(f"signature line {line!r:.60} is malformed")
        signatures.append((name, raw[:4], raw[4:]))
    return Checkpoint(origin, int(size_text), root, time, body, tuple(signatures), text)


def verify_checkpoint(text: str, key: VerifierKey) -> Checkpoint:
    """Parse a checkpoint and check it carries a valid signature by ``key``."""
    checkpoint = parse_checkpoint(text)
    for name, kid, signature in checkpoint.signatures:
        if name == key.name and kid == key.key_id:
            if key.verify(checkpoint.body.encode("utf-8"), signature):
                return checkpoint
            raise CheckpointFormatError(
                f"checkpoint of size {checkpoint.size}: the signature by {name!r} is invalid"
            )
    raise CheckpointFormatError(
        f"checkpoint of size {checkpoint.size} carries no signature by key {key.name!r} "
        f"({key.key_id.hex()})"
    )
