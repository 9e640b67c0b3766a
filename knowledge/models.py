"""SQLModel tables of the knowledge base (portable: SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from knowledge.clock import utc_now


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as UTC; naive values are refused, reads come back aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: use timezone-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def aware_column(*, nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class ItemBase(SQLModel):
    """The columns every item table (projects, documents, FAQ, events) has."""

    source: str | None = Field(default=None, max_length=300, description="Provenance as given in the data.")
    origin: str = Field(default="manual", index=True, max_length=200, description="Ingest source name.")
    content_hash: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    modified_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class Project(ItemBase, table=True):
    __tablename__ = "projects"

    id: str = Field(primary_key=True, max_length=120)
    title: str = Field(max_length=500)
    description: str = Field(default="", sa_type=sa.Text)
    topic: str = Field(default="", index=True, max_length=200)
    municipalities: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    kreis: str | None = Field(default=None, index=True, max_length=200)
    legal_form: str | None = Field(default=None, max_length=200)
    start_year: int | None = None
    contact_name: str | None = Field(default=None, max_length=300)
    contact_email: str | None = Field(default=None, max_length=300)
    contact_phone: str | None = Field(default=None, max_length=100)
    url: str | None = Field(default=None, max_length=1000)
    updated: date | None = None


class Document(ItemBase, table=True):
    __tablename__ = "documents"

    id: str = Field(primary_key=True, max_length=300)
    title: str = Field(max_length=500)
    topic: str = Field(default="", index=True, max_length=200)
    url: str | None = Field(default=None, max_length=1000)
    file: str | None = Field(default=None, max_length=1000, description="Stored copy (data dir) for sending.")
    file_name: str | None = Field(default=None, max_length=300)
    text: str = Field(default="", sa_type=sa.Text, description="Plain text with '## ' section headings.")


class Faq(ItemBase, table=True):
    __tablename__ = "faqs"

    id: str = Field(primary_key=True, max_length=120)
    question: str = Field(sa_type=sa.Text)
    answer: str = Field(sa_type=sa.Text)
    topic: str = Field(default="", index=True, max_length=200)


class Event(ItemBase, table=True):
    __tablename__ = "events"

    id: str = Field(primary_key=True, max_length=300)
    title: str = Field(max_length=500)
    start: datetime = Field(sa_column=aware_column(index=True))
    end: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    location: str | None = Field(default=None, max_length=500)
    online_url: str | None = Field(default=None, max_length=1000)
    topic: str = Field(default="", index=True, max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    registration_url: str | None = Field(default=None, max_length=1000)
    cancelled: bool = False
    schedule_hash: str = Field(default="", max_length=64, description="Hash of time and place, for change notices.")


class Chunk(SQLModel, table=True):
    """A searchable passage of an item; its vector is cached by content hash and model."""

    __tablename__ = "chunks"
    __table_args__ = (sa.UniqueConstraint("item_kind", "item_id", "ordinal", name="uq_chunk_item_ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    item_kind: str = Field(max_length=20, index=True)
    item_id: str = Field(max_length=300, index=True)
    ordinal: int
    section: str = Field(default="", max_length=500)
    text: str = Field(sa_type=sa.Text, description="Passage shown as snippet.")
    embed_text: str = Field(sa_type=sa.Text, description="Passage with title/section context, as embedded.")
    content_hash: str = Field(max_length=64, index=True)


class Embedding(SQLModel, table=True):
    """Vector cache: one row per (model, content hash), so unchanged text is never embedded twice."""

    __tablename__ = "embeddings"

    model_id: str = Field(primary_key=True, max_length=300)
    content_hash: str = Field(primary_key=True, max_length=64)
    vector: bytes = Field(sa_type=sa.LargeBinary)
