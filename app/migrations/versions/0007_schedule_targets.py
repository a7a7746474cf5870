"""schedule targets: a schedule runs a script or a flow

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TARGET_KIND = sa.Enum('script', 'flow', name='scheduletargetkind', native_enum=False, length=16)


def upgrade() -> None:
    with op.batch_alter_table('schedules') as batch:
        batch.alter_column('script_path', new_column_name='target_path',
                           existing_type=sa.String(length=255), existing_nullable=False)
        batch.add_column(sa.Column('target_kind', TARGET_KIND, nullable=False, server_default='script'))


def downgrade() -> None:
    # Flow schedules have no script to fall back to: they go with the column.
    op.execute("DELETE FROM schedules WHERE target_kind = 'flow'")
    with op.batch_alter_table('schedules') as batch:
        batch.drop_column('target_kind')
        batch.alter_column('target_path', new_column_name='script_path',
                           existing_type=sa.String(length=255), existing_nullable=False)
