"""Ed25519 signatures on audit checkpoints (issue 13): whoever holds a published checkpoint can prove later that the
chain head it names was the service's own at that time, so a rewritten-and-rehashed chain no longer matches.

The private key comes from `AUDIT_SIGNING_KEY` (a PEM private key, or the base64 of its raw 32-byte seed). Only
the embedded demo may run without one: it generates a key once into `var/audit_signing_key` (0600) and reuses it,
like the demo's SECRET_KEY; a distributed worker refuses to start without the variable (`require_signing_key`),
because a key generated on a container's disk would vanish with the container and the checkpoints with it."""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .config import Settings, SettingsError

ALGORITHM = "Ed25519"
DEMO_KEY_FILE = "audit_signing_key"
_RAW = serialization.Encoding.Raw


@dataclass(frozen=True)
class Signer:
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        """The raw 32-byte public key, base64: what the public page and API publish."""
        return public_key_text(self.private_key.public_key())

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private_key.sign(message)).decode("ascii")


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(_RAW, serialization.PublicFormat.Raw)).decode("ascii")


def key_id(public_key: str) -> str:
    """A short name for a public key: the first 16 hex digits of SHA-256 over its raw bytes."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def verify(public_key: str, message: bytes, signature: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) Ed25519 private key, or the base64 of its 32-byte seed."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError("not an Ed25519 key")
            return key
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error):
        raise SettingsError("AUDIT_SIGNING_KEY：不是有效的 Ed25519 私钥（PEM，或 32 字节种子的 base64）") from None


def generate_key_text() -> str:
    seed = Ed25519PrivateKey.generate().private_bytes(_RAW, serialization.PrivateFormat.Raw,
                                                     serialization.NoEncryption())
    return base64.b64encode(seed).decode("ascii")


def previous_keys(settings: Settings) -> dict[str, str]:
    """Key id → public key of keys used before a key change (AUDIT_PREVIOUS_PUBLIC_KEYS): their checkpoints still
    count. A malformed entry is refused at start, not silently ignored."""
    keys = {}
    for text in filter(None, (part.strip() for part in settings.audit_previous_public_keys.split(","))):
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
        except (ValueError, binascii.Error):
            raise SettingsError(f"AUDIT_PREVIOUS_PUBLIC_KEYS：{text!r} 不是 Ed25519 公钥（32 字节的 base64）") from None
        keys[key_id(text)] = text
    return keys


def require_signing_key(settings: Settings) -> Settings:
    """Distributed mode signs checkpoints with a configured key only (see the module docstring)."""
    if settings.distributed and not settings.audit_signing_key:
        raise SettingsError("AUDIT_SIGNING_KEY 未设置：分布式运行时审计检查点必须用配置的 Ed25519 私钥签名"
                            "（可用 `jointinspect audit keygen` 生成）")
    if settings.audit_signing_key:
        parse_private_key(settings.audit_signing_key)
    previous_keys(settings)
    return settings


def signer_for(settings: Settings) -> Signer:
    """The configured key; in embedded mode without one, the demo's key kept in var/."""
    if settings.audit_signing_key:
        return Signer(parse_private_key(settings.audit_signing_key))
    require_signing_key(settings)
    return Signer(parse_private_key(_demo_key(settings.var_dir)))


def _demo_key(var_dir: Path) -> str:
    path = var_dir / DEMO_KEY_FILE
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another service of the same demo wrote it first: share it
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(generate_key_text() + "\n")
    return path.read_text(encoding="ascii").strip()
