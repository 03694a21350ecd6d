"""The protected container of a control room (meldkamer) export: encrypted for the recipient,
signed by the organisation, written and read as a stream (memory stays flat).

Container ``HRMK1`` (documented for the receiving side in docs/meldkamer.md)::

    magic   b"HRMK1\\n"
    u32     length of the header (big-endian), then the header: UTF-8 JSON, no personal data
            (format, export id, key fingerprints, the wrapped content key, nonce prefix …)
    chunks  u8 final flag (1 on the last chunk, else 0) · u32 ciphertext length · ciphertext
            AES-256-GCM under a fresh content key; nonce = 8-byte random prefix || u32 chunk
            number; associated data = SHA-256(header) || final flag. Plaintext ≤ 64 KiB each.
    u16     signature length, then the Ed25519 signature of
            b"HRMK1-SIG" || SHA-256(every byte before the signature length)

The content key is wrapped with RSA-OAEP (SHA-256, MGF1-SHA-256) under the control room's
public key. Chunk numbers and the final flag make reordering, dropping or truncating chunks
fail; the signature covers the header and the ciphertext.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"HRMK1\n"
SIG_PREFIX = b"HRMK1-SIG"
CHUNK = 64 * 1024
ALGORITHMS = {"key_wrap": "RSA-OAEP-SHA256", "content": "AES-256-GCM", "signature": "Ed25519"}
MAX_HEADER = 64 * 1024
_OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class EnvelopeError(Exception):
    """A key that cannot be used or a container that does not verify; one Dutch line."""


# -- keys ----------------------------------------------------------------------------------------

def _read_pem(path, what: str) -> bytes:
    if not path or not str(path).strip():
        raise EnvelopeError(f"{what} is niet ingesteld")
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise EnvelopeError(f"{what} ({path}) is niet te lezen: {exc.strerror or exc}") from None


def load_recipient_key(path, what: str = "De publieke sleutel van de meldkamer") -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(_read_pem(path, what))
    except ValueError:
        raise EnvelopeError(f"{what} ({path}) is geen geldige PEM-sleutel") from None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise EnvelopeError(f"{what} ({path}) moet een publieke RSA-sleutel van ten minste "
                            "2048 bits zijn")
    return key


def load_signing_key(path, what: str = "De ondertekensleutel van de organisatie"
                     ) -> ed25519.Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read_pem(path, what), password=None)
    except (ValueError, TypeError):
        raise EnvelopeError(f"{what} ({path}) is geen geldige, onversleutelde PEM-sleutel") from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise EnvelopeError(f"{what} ({path}) moet een private Ed25519-sleutel zijn")
    return key


def load_recipient_private_key(path, what: str = "De private sleutel van de meldkamer"
                               ) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(_read_pem(path, what), password=None)
    except (ValueError, TypeError):
        raise EnvelopeError(f"{what} ({path}) is geen geldige, onversleutelde PEM-sleutel") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise EnvelopeError(f"{what} ({path}) moet een private RSA-sleutel zijn")
    return key


def load_signer_public_key(path, what: str = "De publieke sleutel van de afzender"
                           ) -> ed25519.Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read_pem(path, what))
    except ValueError:
        raise EnvelopeError(f"{what} ({path}) is geen geldige PEM-sleutel") from None
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise EnvelopeError(f"{what} ({path}) moet een publieke Ed25519-sleutel zijn")
    return key


def fingerprint(public_key) -> str:
    """SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo."""
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def make_key_set(folder) -> dict[str, Path]:
    """A test/demo key set: the control room's RSA-3072 pair and the organisation's Ed25519
    pair, as PEM files (private keys readable by the owner only)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    private = dict(encoding=serialization.Encoding.PEM, format=serialization.PrivateFormat.PKCS8,
                   encryption_algorithm=serialization.NoEncryption())
    public = dict(encoding=serialization.Encoding.PEM,
                  format=serialization.PublicFormat.SubjectPublicKeyInfo)
    files = {
        "meldkamer-private.pem": rsa_key.private_bytes(**private),
        "meldkamer-public.pem": rsa_key.public_key().public_bytes(**public),
        "organisatie-signing.pem": ed_key.private_bytes(**private),
        "organisatie-public.pem": ed_key.public_key().public_bytes(**public),
    }
    paths = {}
    for name, data in files.items():
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                     0o600 if "private" in name or "signing" in name else 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        paths[name] = path
    return paths


# -- writing -------------------------------------------------------------------------------------

class _Chunker:
    """Buffers plaintext and hands out full chunks; memory holds at most one chunk."""

    def __init__(self, size: int = CHUNK):
        self.size, self.buffer = size, bytearray()

    def feed(self, data: bytes):
        self.buffer += data
        while len(self.buffer) >= self.size:
            chunk = bytes(self.buffer[:self.size])
            del self.buffer[:self.size]
            yield chunk


class Spool:
    """Ciphertext-only scratch space: what is written is encrypted under a key that lives only
    in memory, so a temporary file never holds plaintext. Read back once, in order."""

    def __init__(self):
        self._key, self._n = AESGCM(AESGCM.generate_key(bit_length=256)), 0
        self._file = tempfile.TemporaryFile(prefix="hulpregie-spool-")
        self._chunker = _Chunker()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        for chunk in self._chunker.feed(data):
            self._put(chunk)

    def _put(self, chunk: bytes) -> None:
        sealed = self._key.encrypt(struct.pack(">4xQ", self._n), chunk, None)
        self._file.write(struct.pack(">I", len(sealed)) + sealed)
        self._n += 1

    def chunks(self):
        if self._chunker.buffer:
            self._put(bytes(self._chunker.buffer))
            self._chunker.buffer.clear()
        self._file.seek(0)
        for n in range(self._n):
            (length,) = struct.unpack(">I", self._file.read(4))
            yield self._key.decrypt(struct.pack(">4xQ", n), self._file.read(length), None)

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SealedWriter:
    """Write plaintext in; an encrypted, signed container comes out on ``out``."""

    def __init__(self, out, recipient: rsa.RSAPublicKey, signer: ed25519.Ed25519PrivateKey,
                 meta: dict):
        self._out, self._signer = out, signer
        self._digest, self._file_digest = hashlib.sha256(), hashlib.sha256()
        content_key = AESGCM.generate_key(bit_length=256)
        self._aead, self._prefix, self._n = AESGCM(content_key), os.urandom(8), 0
        signer_public = signer.public_key()
        header = {
            **meta,
            "container": "HRMK1",
            "algorithms": ALGORITHMS,
            "recipient_key": fingerprint(recipient),
            "signer_key": fingerprint(signer_public),
            "signer_public_key": base64.b64encode(signer_public.public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode(),
            "wrapped_key": base64.b64encode(recipient.encrypt(content_key, _OAEP)).decode(),
            "nonce_prefix": base64.b64encode(self._prefix).decode(),
            "chunk_size": CHUNK,
        }
        raw = json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8")
        self._header_hash = hashlib.sha256(raw).digest()
        self._emit(MAGIC + struct.pack(">I", len(raw)) + raw)
        self._chunker = _Chunker()
        self.header = header

    def _emit(self, data: bytes) -> None:
        self._digest.update(data)
        self._file_digest.update(data)
        self._out.write(data)

    def _seal(self, chunk: bytes, final: bool) -> None:
        nonce = self._prefix + struct.pack(">I", self._n)
        flag = b"\x01" if final else b"\x00"
        sealed = self._aead.encrypt(nonce, chunk, self._header_hash + flag)
        self._emit(flag + struct.pack(">I", len(sealed)) + sealed)
        self._n += 1

    def write(self, data: bytes) -> None:
        for chunk in self._chunker.feed(data):
            self._seal(chunk, final=False)

    def finish(self) -> str:
        """Seal the last chunk, sign; returns the SHA-256 (hex) of the whole container."""
        self._seal(bytes(self._chunker.buffer), final=True)
        self._chunker.buffer.clear()
        signature = self._signer.sign(SIG_PREFIX + self._digest.digest())
        tail = struct.pack(">H", len(signature)) + signature
        self._file_digest.update(tail)
        self._out.write(tail)
        return self._file_digest.hexdigest()


# -- reading (the receiving side) ----------------------------------------------------------------

@dataclass
class Opened:
    header: dict
    signer_checked: bool  # the signature was checked against a key the reader supplied


def _read_exact(fh, n: int, what: str) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise EnvelopeError(f"Het bestand is afgekapt ({what} ontbreekt)")
    return data


def _read_header(fh) -> tuple[dict, bytes]:
    if fh.read(len(MAGIC)) != MAGIC:
        raise EnvelopeError("Dit is geen Hulpregie-meldkamerbestand (HRMK1)")
    (length,) = struct.unpack(">I", _read_exact(fh, 4, "kop"))
    if length > MAX_HEADER:
        raise EnvelopeError("De kop van het bestand is ongeldig")
    raw = _read_exact(fh, length, "kop")
    try:
        header = json.loads(raw)
    except ValueError:
        raise EnvelopeError("De kop van het bestand is geen geldige JSON") from None
    if not isinstance(header, dict) or header.get("container") != "HRMK1":
        raise EnvelopeError("De kop van het bestand is ongeldig")
    return header, raw


def _chunks(fh):
    """(flag byte, ciphertext) per chunk, until the final one."""
    while True:
        flag = _read_exact(fh, 1, "een blok")
        if flag not in (b"\x00", b"\x01"):
            raise EnvelopeError("Het bestand is beschadigd (ongeldig blok)")
        (length,) = struct.unpack(">I", _read_exact(fh, 4, "een blok"))
        if length > CHUNK + 16:
            raise EnvelopeError("Het bestand is beschadigd (blok te groot)")
        yield flag, _read_exact(fh, length, "een blok")
        if flag == b"\x01":
            return


def verify_signature(path, signer: ed25519.Ed25519PublicKey | None = None) -> Opened:
    """Check the signature over the whole file (streaming). Without ``signer`` the key named
    in the header is used: that proves integrity, not who sent it."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        header, raw = _read_header(fh)
        digest.update(MAGIC + struct.pack(">I", len(raw)) + raw)
        for flag, sealed in _chunks(fh):
            digest.update(flag + struct.pack(">I", len(sealed)) + sealed)
        (length,) = struct.unpack(">H", _read_exact(fh, 2, "handtekening"))
        signature = _read_exact(fh, length, "handtekening")
        if fh.read(1):
            raise EnvelopeError("Na de handtekening staan nog gegevens: het bestand is gewijzigd")
    try:
        embedded = ed25519.Ed25519PublicKey.from_public_bytes(
            base64.b64decode(header.get("signer_public_key", ""), validate=True))
    except ValueError:
        raise EnvelopeError("De kop noemt geen geldige afzendersleutel") from None
    key = signer or embedded
    if signer is not None and fingerprint(signer) != header.get("signer_key"):
        raise EnvelopeError("Het bestand is niet ondertekend met de opgegeven afzendersleutel")
    try:
        key.verify(signature, SIG_PREFIX + digest.digest())
    except InvalidSignature:
        raise EnvelopeError("De handtekening klopt niet: het bestand is gewijzigd of niet van "
                            "deze afzender") from None
    return Opened(header, signer is not None)


def decrypt_chunks(path, private_key: rsa.RSAPrivateKey):
    """Plaintext chunks of a container (call :func:`verify_signature` first)."""
    with open(path, "rb") as fh:
        header, raw = _read_header(fh)
        if header.get("recipient_key") != fingerprint(private_key.public_key()):
            raise EnvelopeError("Het bestand is voor een andere sleutel versleuteld")
        try:
            content_key = private_key.decrypt(base64.b64decode(header["wrapped_key"]), _OAEP)
            prefix = base64.b64decode(header["nonce_prefix"])
        except (KeyError, ValueError):
            raise EnvelopeError("De versleutelde sleutel in de kop is niet te openen") from None
        aead, header_hash = AESGCM(content_key), hashlib.sha256(raw).digest()
        for n, (flag, sealed) in enumerate(_chunks(fh)):
            try:
                yield aead.decrypt(prefix + struct.pack(">I", n), sealed, header_hash + flag)
            except InvalidTag:
                raise EnvelopeError(f"Blok {n} is niet te ontsleutelen: het bestand is "
                                    "gewijzigd") from None
