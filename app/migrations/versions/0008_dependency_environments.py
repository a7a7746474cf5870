"""dependency environments: what each dependency cache holds, and when a job last used it

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import app.models.base

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UTC = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('dependency_environments',
    sa.Column('cache', sa.String(length=255), nullable=False),
    sa.Column('language', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('last_used_at', UTC, nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('cache', 'language', 'key')
    )
    op.create_index(op.f('ix_dependency_environments_last_used_at'), 'dependency_environments',
                    ['last_used_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_dependency_environments_last_used_at'), table_name='dependency_environments')
    op.drop_table('dependency_environments')
