"""The protected container (security/envelope.py): round trip, tampering, keys."""

from __future__ import annotations

import io
import struct

import pytest

from security import envelope


@pytest.fixture(scope="module")
def key_files(tmp_path_factory):
    return envelope.make_key_set(tmp_path_factory.mktemp("keys"))


def _seal(key_files, payload: bytes, path):
    recipient = envelope.load_recipient_key(key_files["meldkamer-public.pem"])
    signer = envelope.load_signing_key(key_files["organisatie-signing.pem"])
    out = io.BytesIO()
    writer = envelope.SealedWriter(out, recipient, signer, {"export_id": "x"})
    for start in range(0, len(payload), 10_000):  # many small writes, several chunks
        writer.write(payload[start:start + 10_000])
    checksum = writer.finish()
    path.write_bytes(out.getvalue())
    return checksum


def _open(key_files, path, with_signer=True):
    private = envelope.load_recipient_private_key(key_files["meldkamer-private.pem"])
    signer = envelope.load_signer_public_key(key_files["organisatie-public.pem"]) \
        if with_signer else None
    opened = envelope.verify_signature(path, signer)
    return opened, b"".join(envelope.decrypt_chunks(path, private))


def test_round_trip_several_chunks(key_files, tmp_path):
    import hashlib

    payload = bytes(range(256)) * 1000  # 256 kB: five chunks
    path = tmp_path / "a.hmk"
    checksum = _seal(key_files, payload, path)
    assert checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    opened, plain = _open(key_files, path)
    assert plain == payload and opened.signer_checked
    assert opened.header["algorithms"]["key_wrap"] == "RSA-OAEP-SHA256"
    assert payload[:64] not in path.read_bytes()  # nothing in the clear


def test_empty_payload(key_files, tmp_path):
    path = tmp_path / "e.hmk"
    _seal(key_files, b"", path)
    assert _open(key_files, path)[1] == b""


def _positions(data: bytes) -> dict[str, int]:
    (header_len,) = struct.unpack(">I", data[6:10])
    return {"header": 10 + header_len // 2, "ciphertext": 10 + header_len + 5 + 100,
            "signature": len(data) - 10}


@pytest.mark.parametrize("where", ["header", "ciphertext", "signature"])
def test_a_flipped_byte_fails(key_files, tmp_path, where):
    path = tmp_path / "t.hmk"
    _seal(key_files, b"x" * 100_000, path)
    data = bytearray(path.read_bytes())
    data[_positions(bytes(data))[where]] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(envelope.EnvelopeError):
        _open(key_files, path)
    with pytest.raises(envelope.EnvelopeError):  # also without naming the signer
        _open(key_files, path, with_signer=False)


def test_truncated_or_extended_fails(key_files, tmp_path):
    path = tmp_path / "c.hmk"
    _seal(key_files, b"y" * 100_000, path)
    data = path.read_bytes()
    for broken in (data[:-100], data[: len(data) // 2], data + b"\x00"):
        path.write_bytes(broken)
        with pytest.raises(envelope.EnvelopeError):
            _open(key_files, path)


def test_other_signer_is_refused(key_files, tmp_path):
    other = envelope.make_key_set(tmp_path / "other")
    path = tmp_path / "s.hmk"
    _seal(key_files, b"z" * 10, path)
    with pytest.raises(envelope.EnvelopeError, match="opgegeven afzendersleutel"):
        envelope.verify_signature(
            path, envelope.load_signer_public_key(other["organisatie-public.pem"]))
    with pytest.raises(envelope.EnvelopeError, match="andere sleutel"):
        list(envelope.decrypt_chunks(
            path, envelope.load_recipient_private_key(other["meldkamer-private.pem"])))


def test_key_problems_are_one_dutch_line(key_files, tmp_path):
    with pytest.raises(envelope.EnvelopeError, match="niet ingesteld"):
        envelope.load_recipient_key("")
    with pytest.raises(envelope.EnvelopeError, match="niet te lezen"):
        envelope.load_signing_key(tmp_path / "missing.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("geen sleutel")
    with pytest.raises(envelope.EnvelopeError, match="geen geldige"):
        envelope.load_recipient_key(junk)
    with pytest.raises(envelope.EnvelopeError, match="RSA"):  # a signing key is no recipient key
        envelope.load_recipient_key(key_files["organisatie-public.pem"])
    with pytest.raises(envelope.EnvelopeError, match="Ed25519"):
        envelope.load_signing_key(key_files["meldkamer-private.pem"])


def test_spool_holds_only_ciphertext():
    spool = envelope.Spool()
    secret = b"Jansen woont op de Dorpsstraat 1 " * 5000
    spool.write(secret)
    spool._file.flush()
    spool._file.seek(0)
    assert b"Dorpsstraat" not in spool._file.read()
    assert b"".join(spool.chunks()) == secret
    spool.close()
