"""dependency locks: resolved requirement sets, and the lock each script version runs with

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import app.models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

UTC = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('dependency_locks',
    sa.Column('language', sa.String(length=32), nullable=False),
    sa.Column('requirements_hash', sa.String(length=64), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('lock', sa.Text(), nullable=False),
    sa.Column('lock_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('language', 'requirements_hash')
    )
    with op.batch_alter_table('scripts') as batch:
        batch.add_column(sa.Column('dependency_lock', sa.Text(), nullable=True))
        batch.add_column(sa.Column('dependency_lock_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('scripts') as batch:
        batch.drop_column('dependency_lock_hash')
        batch.drop_column('dependency_lock')
    op.drop_table('dependency_locks')
