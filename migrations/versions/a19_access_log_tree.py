"""The access log as a Merkle tree with signed checkpoints; on whose behalf

Revision ID: a19_access_log_tree
Revises: efb43c441d12
Create Date: 2026-11-30 10:00:00

Issue 19: events are written without a global lock and sealed afterwards into a Merkle tree
(audit_leaf) with signed checkpoints (audit_checkpoint); both tables are insert-only. Events
of the old hash chain keep their prev_hash/hash and are sealed by the first sealing run, in
id order. audit_event gets on_behalf_of (NEN 7513: on whose behalf).
"""
from alembic import op
import sqlalchemy as sa


revision = 'a19_access_log_tree'
down_revision = 'efb43c441d12'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_behalf_of', sa.String(length=128), nullable=True))
    op.create_table('audit_leaf',
    sa.Column('leaf_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('leaf_index', name=op.f('pk_audit_leaf')),
    sa.UniqueConstraint('event_id', name=op.f('uq_audit_leaf_event_id'))
    )
    op.create_table('audit_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.Integer(), nullable=False),
    sa.Column('root', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.Column('frontier', sa.Text(), nullable=False),
    sa.Column('max_event_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint'))
    )
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoint_signed_at'), ['signed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_checkpoint_tree_size'), ['tree_size'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoint_tree_size'))
        batch_op.drop_index(batch_op.f('ix_audit_checkpoint_signed_at'))
    op.drop_table('audit_checkpoint')
    op.drop_table('audit_leaf')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('on_behalf_of')
