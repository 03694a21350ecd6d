"""The Merkle tree over the access log, hashed as in RFC 6962 / RFC 9162 §2.1.

A leaf is SHA-256(0x00 || the event's canonical content); a node SHA-256(0x01 || left ||
right); the tree of n leaves splits at the largest power of two below n. :class:`Frontier`
extends the tree one leaf at a time from the roots of its perfect subtrees (what the sealer
keeps between runs); :class:`Tree` holds every perfect subtree of a list of leaves, for roots
of any prefix and consistency proofs (§2.1.2), which :func:`verify_consistency` checks as
§2.1.4.2 describes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

# What a leaf covers: every column of audit_event. Fixed, so that old leaves stay valid;
# tests/security/test_audit_tree.py fails when a column is added without a decision.
LEAF_COLUMNS = ("id", "at", "user_id", "username", "organisation_id", "action", "resource",
                "record_id", "holder_id", "fields", "ip", "channel", "roles", "request_id",
                "purpose", "on_behalf_of", "prev_hash", "hash")
EMPTY_ROOT = hashlib.sha256(b"").digest()


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return value


def canonical(row) -> bytes:
    """The event as sorted, compact JSON (UTF-8) of :data:`LEAF_COLUMNS`."""
    content = {c: _plain(row[c]) for c in LEAF_COLUMNS}
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def leaf_hash(row) -> bytes:
    return hashlib.sha256(b"\x00" + canonical(row)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class Frontier:
    """The roots of the perfect subtrees of a tree of ``size`` leaves, largest first."""

    def __init__(self, size: int = 0, hashes: list[bytes] | None = None):
        self.size, self.hashes = size, list(hashes or [])
        if len(self.hashes) != bin(size).count("1"):
            raise ValueError(f"a frontier of {size} leaves has {bin(size).count('1')} hashes")

    def append(self, leaf: bytes) -> None:
        self.hashes.append(leaf)
        self.size += 1
        size = self.size
        while size % 2 == 0:  # the new leaf completes subtrees: merge them
            right, left = self.hashes.pop(), self.hashes.pop()
            self.hashes.append(node_hash(left, right))
            size //= 2

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root

    def to_json(self) -> str:
        return json.dumps([h.hex() for h in self.hashes])

    @classmethod
    def from_json(cls, size: int, text: str) -> "Frontier":
        return cls(size, [bytes.fromhex(h) for h in json.loads(text)])


class Tree:
    """Every perfect subtree of ``leaves`` (one bytearray of 32-byte hashes per level)."""

    def __init__(self, leaves: list[bytes] | bytes):
        level = bytearray(b"".join(leaves) if isinstance(leaves, list) else leaves)
        self.size = len(level) // 32
        self.levels = [level]
        while len(level) >= 64:
            level = bytearray(b"".join(node_hash(level[i:i + 32], level[i + 32:i + 64])
                                       for i in range(0, len(level) - 63, 64)))
            self.levels.append(level)

    def _node(self, height: int, index: int) -> bytes:
        return bytes(self.levels[height][32 * index:32 * index + 32])

    def hash(self, start: int, end: int) -> bytes:
        """MTH of leaves [start, end); ``start`` is aligned as in the RFC's recursion."""
        size = end - start
        if size <= 0:
            return EMPTY_ROOT
        if size & (size - 1) == 0 and start % size == 0:
            return self._node(size.bit_length() - 1, start // size)
        k = _split(size)
        return node_hash(self.hash(start, start + k), self.hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        return self.hash(0, self.size if size is None else size)

    def consistency_proof(self, m: int, n: int) -> list[bytes]:
        """PROOF(m, D[n]) of RFC 6962 §2.1.2 (0 < m <= n <= size)."""
        def sub(m, start, end, whole):
            n = end - start
            if m == n:
                return [] if whole else [self.hash(start, end)]
            k = _split(n)
            if m <= k:
                return sub(m, start, start + k, whole) + [self.hash(start + k, end)]
            return sub(m - k, start + k, end, False) + [self.hash(start, start + k)]
        return sub(m, 0, n, True)


def verify_consistency(m: int, n: int, old_root: bytes, new_root: bytes,
                       proof: list[bytes]) -> bool:
    """Whether ``proof`` shows that the tree of ``n`` leaves with ``new_root`` extends the
    tree of ``m`` leaves with ``old_root`` (RFC 9162 §2.1.4.2)."""
    if m == n:
        return not proof and old_root == new_root
    if m == 0:
        return not proof and old_root == EMPTY_ROOT
    if m > n or not proof:
        return False
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, old_root)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0
