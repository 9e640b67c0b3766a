"""Baseline: the schema as ``SQLModel.metadata.create_all`` made it before migrations existed.

Databases created that way (no ``alembic_version`` table) are stamped with this revision.

Revision ID: 0001
Revises: -
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def _event_columns() -> list[sa.Column]:
    """The columns an event and the snapshot of what subscribers were told about it share."""
    return [
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("online_url", sa.String(length=1000), nullable=True),
        sa.Column("topic", sa.String(length=200), nullable=False),
    ]


def _create_item_table(name: str, *columns: sa.Column) -> None:
    """An item table: its own columns plus those every item table has (knowledge.models.ItemBase)."""
    op.create_table(
        name, *columns,
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(f"ix_{name}_origin", name, ["origin"], unique=False)


def upgrade() -> None:
    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('chunks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.String(length=300), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('embed_text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_kind', 'item_id', 'ordinal', name='uq_chunk_item_ordinal')
    )
    op.create_index('ix_chunks_content_hash', 'chunks', ['content_hash'], unique=False)
    op.create_index('ix_chunks_item_id', 'chunks', ['item_id'], unique=False)
    op.create_index('ix_chunks_item_kind', 'chunks', ['item_kind'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('ref', sa.String(length=300), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
    sa.Column('schedule_hash', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'ref', 'chat_id', name='uq_delivery_kind_ref_chat')
    )
    op.create_index('ix_deliveries_chat_id', 'deliveries', ['chat_id'], unique=False)
    op.create_index('ix_deliveries_ref', 'deliveries', ['ref'], unique=False)
    op.create_index('ix_delivery_status_id', 'deliveries', ['status', 'id'], unique=False)

    _create_item_table('documents',
    sa.Column('id', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('file', sa.String(length=1000), nullable=True),
    sa.Column('file_name', sa.String(length=300), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    )
    op.create_index('ix_documents_topic', 'documents', ['topic'], unique=False)

    op.create_table('embeddings',
    sa.Column('model_id', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('model_id', 'content_hash')
    )
    op.create_table('event_snapshots',
    sa.Column('event_id', sa.String(length=300), nullable=False),
    *_event_columns(),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    _create_item_table('events',
    sa.Column('id', sa.String(length=300), nullable=False),
    *_event_columns(),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('registration_url', sa.String(length=1000), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('schedule_hash', sa.String(length=64), nullable=False),
    )
    op.create_index('ix_events_start', 'events', ['start'], unique=False)
    op.create_index('ix_events_topic', 'events', ['topic'], unique=False)

    _create_item_table('faqs',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    )
    op.create_index('ix_faqs_topic', 'faqs', ['topic'], unique=False)

    op.create_table('key_values',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    _create_item_table('projects',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('municipalities', sa.JSON(), nullable=False),
    sa.Column('kreis', sa.String(length=200), nullable=True),
    sa.Column('legal_form', sa.String(length=200), nullable=True),
    sa.Column('start_year', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=300), nullable=True),
    sa.Column('contact_email', sa.String(length=300), nullable=True),
    sa.Column('contact_phone', sa.String(length=100), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('updated', sa.Date(), nullable=True),
    )
    op.create_index('ix_projects_kreis', 'projects', ['kreis'], unique=False)
    op.create_index('ix_projects_topic', 'projects', ['topic'], unique=False)

    op.create_table('query_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_hash', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('top_ids', sa.JSON(), nullable=False),
    sa.Column('top_topic', sa.String(length=200), nullable=True),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.Column('feedback', sa.Integer(), nullable=True),
    sa.Column('feedback_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_query_log_asked_at', 'query_log', ['asked_at'], unique=False)
    op.create_index('ix_query_log_user_hash', 'query_log', ['user_hash'], unique=False)

    op.create_table('source_states',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.String(length=20), nullable=True),
    sa.Column('last_result', sa.Text(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.Float(), nullable=True),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('item_ids', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('subscribers',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('all_topics', sa.Boolean(), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deactivated_reason', sa.String(length=50), nullable=True),
    sa.PrimaryKeyConstraint('chat_id')
    )
    op.create_index('ix_subscribers_active', 'subscribers', ['active'], unique=False)

    op.create_table('subscriber_topics',
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['subscribers.chat_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('chat_id', 'topic')
    )


def downgrade() -> None:
    for table in ("subscriber_topics", "subscribers", "source_states", "query_log", "projects", "key_values",
                  "faqs", "events", "event_snapshots", "embeddings", "documents", "deliveries", "chunks", "broadcasts"):
        op.drop_table(table)  # its indexes go with it
