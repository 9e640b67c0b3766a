"""replicas: coordination, published index generations, conversation state

Revision ID: 0005
Revises: 0004
Tables of issue 12 (several replicas on one database): processed updates, job runs, replica
heartbeats and the shared send budget (coordination); published index generations; the
conversation state any replica may need (follow-up and answer contexts, rate-limit times,
broadcasts awaiting confirmation — personal data, see jobs/personal_data.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_contexts',
    sa.Column('query_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('user_hash', sa.String(length=64), nullable=True),
    sa.Column('previous_search_text', sa.Text(), nullable=False),
    sa.Column('previous_filters', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('query_id')
    )
    with op.batch_alter_table('answer_contexts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_contexts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_contexts_user_hash'), ['user_hash'], unique=False)

    op.create_table('chat_contexts',
    sa.Column('chat_key', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_key')
    )
    with op.batch_alter_table('chat_contexts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_contexts_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_contexts_user_id'), ['user_id'], unique=False)

    op.create_table('index_generations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('model_id', sa.String(length=300), nullable=False),
    sa.Column('dim', sa.Integer(), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('storage', sa.String(length=20), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('published_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=200), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replica', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('job', 'scheduled_at', name='uq_job_run_job_scheduled')
    )
    op.create_table('pending_broadcasts',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('admin_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token')
    )
    with op.batch_alter_table('pending_broadcasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_broadcasts_created_at'), ['created_at'], unique=False)

    op.create_table('processed_updates',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('replica', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('update_id')
    )
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_updates_received_at'), ['received_at'], unique=False)

    op.create_table('rate_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_rate_events_user_at', ['user_hash', 'at'], unique=False)

    op.create_table('replica_states',
    sa.Column('replica', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('leader', sa.Boolean(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('replica')
    )
    op.create_table('send_budget',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('tokens', sa.Float(), nullable=False),
    sa.Column('updated', sa.Float(), nullable=False),
    sa.Column('paused_until', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('index_generation_files',
    sa.Column('generation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['generation_id'], ['index_generations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('generation_id', 'name')
    )


def downgrade() -> None:
    op.drop_table('index_generation_files')
    op.drop_table('send_budget')
    op.drop_table('replica_states')
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.drop_index('ix_rate_events_user_at')
        batch_op.drop_index(batch_op.f('ix_rate_events_at'))

    op.drop_table('rate_events')
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_updates_received_at'))

    op.drop_table('processed_updates')
    with op.batch_alter_table('pending_broadcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_broadcasts_created_at'))

    op.drop_table('pending_broadcasts')
    op.drop_table('job_runs')
    op.drop_table('index_generations')
    with op.batch_alter_table('chat_contexts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_contexts_user_id'))
        batch_op.drop_index(batch_op.f('ix_chat_contexts_at'))

    op.drop_table('chat_contexts')
    with op.batch_alter_table('answer_contexts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_contexts_user_hash'))
        batch_op.drop_index(batch_op.f('ix_answer_contexts_created_at'))

    op.drop_table('answer_contexts')
