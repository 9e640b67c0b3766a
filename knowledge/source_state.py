"""Per-source refresh state: last run, result and error, HTTP validators and the item ids."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from knowledge.models import aware_column

STATUS_OK = "ok"
STATUS_NOT_MODIFIED = "not_modified"
STATUS_ERROR = "error"


class SourceState(SQLModel, table=True):
    """One row per source name, updated after every refresh attempt."""

    __tablename__ = "source_states"

    name: str = Field(primary_key=True, max_length=60)
    last_run_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    last_success_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    last_status: str | None = Field(default=None, max_length=20)
    last_result: str | None = Field(default=None, sa_type=sa.Text)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    duration_ms: float | None = None
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    item_ids: dict[str, list[str]] = Field(default_factory=dict, sa_type=sa.JSON)
    location: str | None = Field(default=None, max_length=1000, description="URL/path the validators belong to.")

    @property
    def validators(self) -> dict[str, str]:
        from knowledge.sources.conditional_http import http_validators

        return http_validators(self.etag, self.last_modified)

    @property
    def item_count(self) -> int:
        return sum(len(ids) for ids in (self.item_ids or {}).values())


def get_state(engine: Engine, name: str) -> SourceState:
    """The stored state of a source (a fresh, unsaved row if it never ran)."""
    with Session(engine, expire_on_commit=False) as session:
        return session.get(SourceState, name) or SourceState(name=name)


def all_states(engine: Engine) -> dict[str, SourceState]:
    with Session(engine, expire_on_commit=False) as session:
        return {row.name: row for row in session.exec(select(SourceState)).all()}


def save_state(engine: Engine, state: SourceState) -> SourceState:
    with Session(engine, expire_on_commit=False) as session:
        merged = session.merge(state)
        session.commit()
        session.refresh(merged)
        return merged

