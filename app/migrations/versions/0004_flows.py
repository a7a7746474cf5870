"""flows, flow approvals, and the job columns that link flow steps to their flow

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import app.models.base
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
UTC = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('flows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('parent_hash', sa.String(length=64), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('schema', sa.JSON(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flows_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flows')),
    sa.UniqueConstraint('workspace_id', 'hash', name=op.f('uq_flows_workspace_id'))
    )
    op.create_index('ix_flows_ws_path_created', 'flows', ['workspace_id', 'path', 'created_at'], unique=False)

    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('kind', sa.Enum('script', 'flow', 'step', 'iteration', 'branch', name='jobkind', native_enum=False, length=16), server_default='script', nullable=False))
        batch.add_column(sa.Column('flow_job_id', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('parent_job_id', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('step_id', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('flow_state', JSON, nullable=True))
        batch.create_foreign_key(op.f('fk_jobs_flow_job_id_jobs'), 'jobs', ['flow_job_id'], ['id'], ondelete='CASCADE')
        batch.create_foreign_key(op.f('fk_jobs_parent_job_id_jobs'), 'jobs', ['parent_job_id'], ['id'], ondelete='CASCADE')
        batch.create_index(op.f('ix_jobs_flow_job_id'), ['flow_job_id'], unique=False)
        batch.create_index('ix_jobs_parent_step', ['parent_job_id', 'step_id'], unique=False)

    op.create_table('flow_approvals',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('workspace_id', sa.String(length=64), nullable=False),
    sa.Column('flow_job_id', sa.String(length=36), nullable=False),
    sa.Column('step_job_id', sa.String(length=36), nullable=False),
    sa.Column('step_id', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'resumed', 'canceled', 'expired', name='approvalstatus', native_enum=False, length=16), nullable=False),
    sa.Column('required_events', sa.Integer(), nullable=False),
    sa.Column('events', JSON, nullable=False),
    sa.Column('form_schema', JSON, nullable=True),
    sa.Column('user_auth_required', sa.Boolean(), nullable=False),
    sa.Column('deadline', UTC, nullable=False),
    sa.Column('continuation', JSON, nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('resolved_at', UTC, nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['flow_job_id'], ['jobs.id'], name=op.f('fk_flow_approvals_flow_job_id_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['step_job_id'], ['jobs.id'], name=op.f('fk_flow_approvals_step_job_id_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flow_approvals_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_approvals'))
    )
    op.create_index(op.f('ix_flow_approvals_flow_job_id'), 'flow_approvals', ['flow_job_id'], unique=False)
    op.create_index('ix_flow_approvals_status_deadline', 'flow_approvals', ['status', 'deadline'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_flow_approvals_status_deadline', table_name='flow_approvals')
    op.drop_index(op.f('ix_flow_approvals_flow_job_id'), table_name='flow_approvals')
    op.drop_table('flow_approvals')
    with op.batch_alter_table('jobs') as batch:
        batch.drop_index('ix_jobs_parent_step')
        batch.drop_index(op.f('ix_jobs_flow_job_id'))
        batch.drop_constraint(op.f('fk_jobs_parent_job_id_jobs'), type_='foreignkey')
        batch.drop_constraint(op.f('fk_jobs_flow_job_id_jobs'), type_='foreignkey')
        batch.drop_column('flow_state')
        batch.drop_column('step_id')
        batch.drop_column('parent_job_id')
        batch.drop_column('flow_job_id')
        batch.drop_column('kind')
    op.drop_index('ix_flows_ws_path_created', table_name='flows')
    op.drop_table('flows')
