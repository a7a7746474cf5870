"""isolation modes: a script's choice and how each job ran

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('scripts') as batch:
        batch.add_column(sa.Column('isolation', sa.String(length=16), nullable=False, server_default=''))
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('isolation', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('isolation')
    with op.batch_alter_table('scripts') as batch:
        batch.drop_column('isolation')
