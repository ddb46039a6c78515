"""The ledger's Ed25519 signing key: created with mode 0600, refused when others can read it.

The private key is a PKCS#8 PEM file (default: beside the ledger, ``<ledger>.key``). The public
key is shared as a verifier key line (see :mod:`channelwatch.ledger.note`) or as PEM.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from channelwatch.ledger.errors import KeyFileError
from channelwatch.ledger.note import VerifierKey


def fsync_dir(path: Path) -> None:
    """Make a file's creation itself durable (its directory entry), not only its content."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_key(path: Path) -> Ed25519PrivateKey:
    """Generate a key and write it to a new file, mode 0600 from the start (never wider)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(f"key file {path} already exists; not overwriting it") from None
    try:
        os.fchmod(fd, 0o600)  # the umask can only narrow, but be explicit
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent if str(path.parent) else Path("."))
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    """Load a private key, refusing a file that its group or others may read or write."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KeyFileError(f"key file {path} does not exist") from None
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(f"key file {path} is not a regular file")
    if info.st_mode & 0o077:
        raise KeyFileError(
            f"key file {path} has mode {stat.S_IMODE(info.st_mode):04o}: others may read it; "
            f"run 'chmod 600 {path}'"
        )
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        message = f"key file {path} is not an unencrypted PEM private key: {exc}"
        raise KeyFileError(message) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"key file {path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def parse_public_key(text: str, name: str | None = None) -> VerifierKey:
    """A verifier key from a verifier key line or a PEM public key (then ``name`` is needed)."""
    stripped = text.strip()
    if stripped.startswith("-----BEGIN"):
        if name is None:
            raise KeyFileError("a PEM public key needs the ledger's origin as its key name")
        try:
            key = load_pem_public_key(stripped.encode("ascii"))
        except ValueError as exc:
            raise KeyFileError(f"not a PEM public key: {exc}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFileError(f"public key is a {type(key).__name__}, not Ed25519")
        return VerifierKey.from_public_key(name, key)
    return VerifierKey.parse(stripped)


def read_public_key(path: Path, name: str | None = None) -> VerifierKey:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"cannot read public key {path}: {exc}") from None
    return parse_public_key(text, name)
