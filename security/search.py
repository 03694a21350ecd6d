"""Exact search on encrypted columns through the blind index.

Ciphertext cannot be compared with LIKE or ``=``. A model lists in ``__blind_index__`` which
encrypted columns have an HMAC beside them (security/crypto.py); for those columns the
screens and the API offer one filter, "is gelijk aan" (REST operator ``exact``): it
normalises the input the same way as the stored value (name, phone, e-mail, postcode), hashes
it with the index key and compares the index column. Input that cannot be a phone number or
postcode simply finds nothing. Encrypted columns without an index get no filter at all.

The base views install :class:`BlindIndexFilterConverter` on their datamodel (app/core/
scoping.py), so every model with ``__blind_index__`` is searchable without domain code.
"""

from __future__ import annotations

from functools import lru_cache

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from sqlalchemy import false

from security.crypto import blind_index_for, encrypted_columns

EXACT = "exact"


def blind_index_columns(model) -> dict[str, str]:
    """``{encrypted column: index column}`` of a model (empty when it has none)."""
    return dict(getattr(model, "__blind_index__", None) or {})


@lru_cache(maxsize=None)
def _encrypted(model) -> frozenset[str]:
    return frozenset(encrypted_columns(model))


def search_digest(model, column: str, value) -> str | None:
    """The index value to look for, or None when the input cannot match anything."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    return blind_index_for(column, str(value))


def exact_clause(model, column: str, value):
    """SQL condition: ``model.column`` equals ``value`` (in any notation), via the index."""
    digest = search_digest(model, column, value)
    if digest is None:
        return false()
    return getattr(model, blind_index_columns(model)[column]) == digest


class FilterBlindIndexEqual(BaseFilter):
    """FAB filter for an encrypted column with a blind index: exact, normalised match."""

    name = "Is gelijk aan"
    arg_name = EXACT

    def apply(self, query, value):
        return query.filter(exact_clause(self.model, self.column_name, value))


class BlindIndexFilterConverter(SQLAFilterConverter):
    """FAB's filter converter, with the blind-index filter for indexed encrypted columns
    and no filter (no LIKE on ciphertext) for the other encrypted columns."""

    def convert(self, col_name):
        model = self.datamodel.obj
        if col_name in blind_index_columns(model):
            return [FilterBlindIndexEqual(col_name, self.datamodel)]
        if col_name in _encrypted(model):
            return []
        return super().convert(col_name)


# -- rebuilding the index -----------------------------------------------------------------


def indexed_models(base) -> list:
    """Every mapped class of ``base`` with a ``__blind_index__``, in table order."""
    models = [m.class_ for m in base.registry.mappers if blind_index_columns(m.class_)]
    return sorted(models, key=lambda m: m.__tablename__)


def reindex_model(session, model, batch_size: int = 1000, on_batch=None) -> dict[str, int]:
    """Recompute the blind index of every row of ``model`` from its decrypted values, one
    transaction per batch; only rows whose index differs are written. Safe to run again.

    Returns counts: ``rows``, ``updated``, ``failed`` (a value that could not be decrypted:
    its index is left as it is).
    """
    import sqlalchemy as sa

    from security.crypto import UndecryptableValue

    pairs = blind_index_columns(model)
    table = model.__table__
    sources = [getattr(model, s) for s in pairs]
    indexes = [table.c[i] for i in pairs.values()]
    update = (sa.update(table).where(table.c.id == sa.bindparam("_id"))
              .values({i.key: sa.bindparam(f"_new_{i.key}") for i in indexes}))
    counts = {"rows": 0, "updated": 0, "failed": 0}
    last = 0
    while True:
        rows = session.execute(sa.select(model.id, *sources, *indexes).where(model.id > last)
                               .order_by(model.id).limit(batch_size)).all()
        if not rows:
            break
        changes = []
        for row in rows:
            values, stored = row[1:1 + len(pairs)], row[1 + len(pairs):]
            new = {}
            for source, value, index, old in zip(pairs, values, indexes, stored):
                if isinstance(value, UndecryptableValue):
                    counts["failed"] += 1
                    new[f"_new_{index.key}"] = old
                else:
                    new[f"_new_{index.key}"] = blind_index_for(source, value)
            if any(new[f"_new_{i.key}"] != old for i, old in zip(indexes, stored)):
                changes.append({"_id": row[0], **new})
        if changes:
            session.execute(update, changes)
        session.commit()
        counts["rows"] += len(rows)
        counts["updated"] += len(changes)
        last = rows[-1][0]
        if on_batch is not None:
            on_batch(len(rows))
    return counts
