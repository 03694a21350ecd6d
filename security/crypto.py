"""Field-level encryption of personal data, and the blind index used to search it.

Every encrypted value is stored as ``v1:<key id>:<base64(nonce || ciphertext+tag)>``
(AES-256-GCM). The key ring comes from ``HULPREGIE_FIELD_KEYS``: a comma-separated
list of ``<key id>:<base64 32-byte key>`` entries, newest first. New values are
always written under the newest key; older keys stay readable until
``flask --app run keys rotate`` has re-encrypted everything.

The blind index (``HULPREGIE_INDEX_KEY``) is an HMAC-SHA256 of a normalised value,
so exact-match search works without decrypting a table.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.types import String, TypeDecorator

PREFIX = "v1"
FILE_MAGIC = b"HRB1"  # an encrypted file (evidence scans), see KeyRing.encrypt_bytes
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class KeyConfigError(Exception):
    """The key configuration is missing or malformed. The message is one clear line."""


class DecryptionError(Exception):
    """A stored value could not be authenticated with any key in the ring."""


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]  # (key id, key), newest first
    index_key: bytes

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes | None:
        return dict(self.keys).get(key_id)

    def encrypt(self, plaintext: str) -> str:
        key_id, key = self.keys[0]
        nonce = os.urandom(12)
        blob = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), key_id.encode())
        return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + blob).decode()}"

    def decrypt(self, stored: str) -> str:
        try:
            prefix, key_id, payload = stored.split(":", 2)
            raw = base64.b64decode(payload, validate=True)
        except (ValueError, binascii.Error):
            raise DecryptionError("stored value is not an encrypted field") from None
        key = self.key(key_id)
        if len(raw) < 12 + 16:  # nonce + GCM tag
            raise DecryptionError("stored value is too short to be an encrypted field")
        if prefix != PREFIX or key is None:
            raise DecryptionError(f"no key '{key_id}' in HULPREGIE_FIELD_KEYS for a stored value")
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], key_id.encode()).decode("utf-8")
        except InvalidTag:
            raise DecryptionError(f"stored value failed authentication under key '{key_id}'") from None

    def encrypt_bytes(self, data: bytes) -> bytes:
        """A file's bytes under the newest key: ``HRB1 | len(key id) | key id | nonce | ct+tag``."""
        key_id, key = self.keys[0]
        kid = key_id.encode()
        nonce = os.urandom(12)
        return FILE_MAGIC + bytes([len(kid)]) + kid + nonce + AESGCM(key).encrypt(nonce, data, kid)

    def decrypt_bytes(self, blob: bytes) -> bytes:
        if not blob.startswith(FILE_MAGIC) or len(blob) < len(FILE_MAGIC) + 1:
            raise DecryptionError("not an encrypted file")
        start = len(FILE_MAGIC) + 1
        kid = blob[start:start + blob[len(FILE_MAGIC)]]
        key = self.key(kid.decode(errors="replace"))
        if key is None:
            raise DecryptionError(f"no key '{kid.decode(errors='replace')}' for an encrypted file")
        body = blob[start + len(kid):]
        try:
            return AESGCM(key).decrypt(body[:12], body[12:], kid)
        except (InvalidTag, ValueError):
            raise DecryptionError("encrypted file failed authentication") from None

    def key_id_of(self, stored: str) -> str | None:
        parts = stored.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None

    def blind_index(self, value: str | None, kind: str = "name") -> str | None:
        """HMAC-SHA256 (hex) of the normalised value; None for an empty value.

        Raises ValueError when ``kind`` is ``phone`` or ``postcode`` and the value is not one.
        """
        if value is None or not str(value).strip():
            return None
        text = normalise_for_index(str(value), kind)
        return hmac.new(self.index_key, text.encode(), hashlib.sha256).hexdigest()


def index_kind(column: str) -> str:
    """How a blind-indexed column is normalised, from its name (``requester_phone`` → phone)."""
    for kind in ("phone", "email", "postcode"):
        if column.endswith(kind):
            return kind
    return "name"


def normalise_for_index(value: str, kind: str = "name") -> str:
    """The form that is hashed, so that equal values in other notations find each other.

    name: case, accents and spaces do not count (``"Van  Dijk"`` = ``"vandijk"``);
    phone: E.164 (``06-12345678`` = ``+31 6 1234 5678``); e-mail: lower case;
    postcode: upper case without space (``1234 ab`` = ``1234AB``).
    An invalid phone number or postcode raises ValueError.
    """
    if kind == "phone":
        from app.core.validation import normalise_phone

        return normalise_phone(value) or ""
    if kind == "postcode":
        from app.core.validation import normalise_postcode

        return (normalise_postcode(value) or "").replace(" ", "").upper()
    if kind == "email":
        return unicodedata.normalize("NFC", value).strip().lower()
    if kind != "name":
        raise ValueError(f"unknown blind-index kind '{kind}'")
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(plain.translate(_LETTERS).split())


# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th",
                          "æ": "ae", "œ": "oe"})


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (ValueError, binascii.Error):
        raise KeyConfigError(f"{what} is not valid base64") from None
    if len(key) != 32:
        raise KeyConfigError(f"{what} must decode to 32 bytes (AES-256), got {len(key)}")
    return key


def parse_key_ring(field_keys: str | None, index_key: str | None) -> KeyRing:
    if not field_keys or not field_keys.strip():
        raise KeyConfigError(
            "HULPREGIE_FIELD_KEYS is not set (generate one with: flask --app run keys generate)"
        )
    if not index_key or not index_key.strip():
        raise KeyConfigError("HULPREGIE_INDEX_KEY is not set (a base64 32-byte key)")
    keys: list[tuple[str, bytes]] = []
    for n, entry in enumerate(field_keys.split(","), start=1):
        key_id, sep, b64 = entry.strip().partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise KeyConfigError(
                f"HULPREGIE_FIELD_KEYS entry {n} must look like '<key id>:<base64 key>'"
            )
        if any(k == key_id for k, _ in keys):
            raise KeyConfigError(f"HULPREGIE_FIELD_KEYS names key id '{key_id}' twice")
        keys.append((key_id, _decode_key(b64, f"HULPREGIE_FIELD_KEYS key '{key_id}'")))
    return KeyRing(tuple(keys), _decode_key(index_key, "HULPREGIE_INDEX_KEY"))


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


_ring: KeyRing | None = None


def install_key_ring(ring: KeyRing) -> None:
    """Make ``ring`` the process-wide key ring (called by create_app)."""
    global _ring
    _ring = ring


def key_ring() -> KeyRing:
    if _ring is None:
        raise KeyConfigError("no key ring loaded: the application was not created")
    return _ring


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a file's contents (AES-256-GCM, newest key of the ring) for storage at rest."""
    return key_ring().encrypt_bytes(data)


def decrypt_bytes(blob: bytes) -> bytes:
    """The plain contents of a file written by :func:`encrypt_bytes` (any key in the ring)."""
    return key_ring().decrypt_bytes(blob)


class UndecryptableValue(str):
    """Shown instead of a value that failed authentication; never silently garbage."""

    def __new__(cls, reason: str):
        obj = super().__new__(cls, "[niet te ontsleutelen]")
        obj.reason = reason
        return obj


class _Encrypted(TypeDecorator):
    impl = Text
    cache_ok = True

    def to_text(self, value):  # pragma: no cover - overridden
        return str(value)

    def from_text(self, text: str):
        return text

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, UndecryptableValue):
            raise DecryptionError("refusing to write back a value that could not be decrypted")
        text = self.to_text(value)
        return key_ring().encrypt(text)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return self.from_text(key_ring().decrypt(value))
        except DecryptionError as exc:
            return UndecryptableValue(str(exc))


class EncryptedString(_Encrypted, String):
    """A short personal value (name, phone, e-mail), encrypted at rest.

    Subclasses ``String`` only so that forms and API schemas treat it as a line of text;
    the database column is TEXT holding the ciphertext.
    """

    cache_ok = True  # SQLAlchemy does not inherit it

    def __init__(self, length: int | None = None):
        super().__init__()
        self.max_length = length

    def to_text(self, value):
        return str(value)


class EncryptedText(_Encrypted, Text):
    """Free text (card content, notes), encrypted at rest."""

    cache_ok = True

    def to_text(self, value):
        return str(value)


class EncryptedDate(_Encrypted):
    """A personal date (birth date), encrypted at rest.

    Deliberately not a subclass of ``Date``: SQLite's dialect would swap in its own DATE
    type and store the date in plaintext. Forms and API schemas learn that it is a date
    from ``is_encrypted_date`` (app/core/interface.py, app/core/api.py).
    """

    cache_ok = True
    python_type = dt.date

    def to_text(self, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return value.isoformat()

    def from_text(self, text: str):
        return dt.date.fromisoformat(text)


def blind_index_for(column: str, value) -> str | None:
    """The index of a stored value of ``column``; None if it is empty or not indexable
    (a value that is not a phone number cannot be found by one either)."""
    if isinstance(value, UndecryptableValue):
        raise DecryptionError(value.reason)
    try:
        return key_ring().blind_index(value, index_kind(column))
    except ValueError:
        return None


def _update_blind_indexes(mapper, connection, target) -> None:
    for source, index_column in getattr(type(target), "__blind_index__", {}).items():
        value = getattr(target, source)
        if isinstance(value, UndecryptableValue):
            continue  # keep the index of the value as it was written
        digest = blind_index_for(source, value)
        if getattr(target, index_column) != digest:
            setattr(target, index_column, digest)


def install_blind_index(base) -> None:
    """Keep ``__blind_index__`` columns in step with their (encrypted) source on every write."""
    from sqlalchemy import event

    if not event.contains(base, "before_insert", _update_blind_indexes):
        event.listen(base, "before_insert", _update_blind_indexes, propagate=True)
        event.listen(base, "before_update", _update_blind_indexes, propagate=True)


def encrypted_columns(model) -> set[str]:
    """Names of a model's encrypted columns."""
    return {c.key for c in model.__table__.columns if isinstance(c.type, _Encrypted)}
