"""Encrypt birth dates that SQLite stored in plaintext

Until this revision, SQLite's dialect turned the encrypted date type into its own DATE
type, so holder.birth_date was written in plaintext there (PostgreSQL was not affected).
This encrypts every stored birth date that is not ciphertext yet, under the newest key.

Revision ID: 3c1e0f2a9b7d
Revises: 263b15c974ba
Create Date: 2026-11-23 05:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3c1e0f2a9b7d'
down_revision = '263b15c974ba'
branch_labels = None
depends_on = None


def upgrade():
    from security.crypto import key_ring

    conn = op.get_bind()
    holder = sa.table('holder', sa.column('id', sa.Integer), sa.column('birth_date', sa.Text))
    rows = conn.execute(sa.select(holder.c.id, holder.c.birth_date).where(
        holder.c.birth_date.is_not(None), holder.c.birth_date.not_like('v1:%'))).all()
    if not rows:
        return
    ring = key_ring()
    for row_id, value in rows:
        conn.execute(sa.update(holder).where(holder.c.id == row_id).values(
            birth_date=ring.encrypt(str(value)[:10])))


def downgrade():
    pass  # plaintext is never restored
