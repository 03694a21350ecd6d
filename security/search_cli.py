"""`flask --app run search …`: keeping the blind index (exact search on encrypted fields)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="Zoeken op versleutelde velden (blinde index).")


@search_cli.command("reindex")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="Rijen per transactie.")
def reindex(batch_size: int):
    """Recompute every blind index from the decrypted values (after an upgrade that added
    index columns, or a new HULPREGIE_INDEX_KEY); rows already right are left alone."""
    from flask_appbuilder import Model

    from app.extensions import db
    from security.audit import Actor, record, reset_actor, set_actor
    from security.search import indexed_models, reindex_model

    token = set_actor(Actor(None, "search reindex"))
    failed = 0
    try:
        for model in indexed_models(Model):
            total = db.session.query(model.id).count()
            with click.progressbar(length=total, label=f"Index {model.__tablename__}") as bar:
                counts = reindex_model(db.session, model, batch_size, on_batch=bar.update)
            record(db.session, "reindex", model.__name__,
                   purpose=f"{counts['updated']} van {counts['rows']} rijen bijgewerkt",
                   fields=list(model.__blind_index__))
            db.session.commit()
            failed += counts["failed"]
            click.echo(f"{model.__tablename__:14} {counts['rows']:>8} rijen, "
                       f"{counts['updated']:>8} bijgewerkt, {counts['failed']} niet te ontsleutelen")
    finally:
        reset_actor(token)
    if failed:
        raise click.ClickException(
            f"{failed} waarde(n) konden niet worden ontsleuteld; hun index is ongewijzigd")
