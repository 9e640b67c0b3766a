"""The user's own municipality ("meine Kommune"), remembered per pseudonymised user.

One row per user hash (the same keyed HMAC as the query log, never the Telegram id). It holds
the official key and name from the municipal register; ``forget`` removes it (/loeschen).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col

from knowledge.clock import utc_now as utcnow
from knowledge.db import get_row
from knowledge.models import aware_column


class HomeMunicipality(SQLModel, table=True):
    """Which municipality a user works for (set with /meine_kommune)."""

    __tablename__ = "home_municipalities"

    user_hash: str = Field(primary_key=True, max_length=64)
    ags: str = Field(max_length=12)
    name: str = Field(max_length=200)
    kreis: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())


def remember(engine: Engine, user_hash: str, *, ags: str, name: str, kreis: str,
             clock: Callable[[], datetime] = utcnow) -> HomeMunicipality:
    """Set (or replace) the user's municipality."""
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(HomeMunicipality, user_hash)
        if row is None:
            row = HomeMunicipality(user_hash=user_hash, ags=ags, name=name, kreis=kreis, updated_at=clock())
        else:
            row.ags, row.name, row.kreis, row.updated_at = ags, name, kreis, clock()
        session.add(row)
        session.commit()
        return row


def recall(engine: Engine, user_hash: str) -> HomeMunicipality | None:
    return get_row(engine, HomeMunicipality, user_hash)


def forget(engine: Engine, user_hash: str) -> int:
    """Remove the user's municipality; 1 if there was one."""
    with Session(engine) as session:
        result = session.exec(sa.delete(HomeMunicipality).where(col(HomeMunicipality.user_hash) == user_hash))  # type: ignore[call-overload]
        session.commit()
        return int(result.rowcount or 0)
