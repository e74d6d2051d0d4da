"""Configuration: one typed Settings object. Nothing else in the tracker reads os.environ."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Keys that have been published (this project's old built-in development key among them) or
# that people type when asked for one: refused everywhere but in the tests.
KNOWN_SECRET_KEYS = frozenset({
    "dev-only-not-secret", "dev", "development", "secret", "secret-key", "secretkey",
    "changeme", "change-me", "please-change-me", "test", "testing", "default", "password",
})
MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = "secret_key"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting of the tracker; each can be set as an environment variable TRACKER_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="TRACKER_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    instance_path: Path = Field(default=PROJECT_ROOT / "instance")
    database_url: str | None = None
    # Session signing key. Unset: a random key is made once per instance and kept, readable by
    # the owner only, in <instance_path>/secret_key (see tracker.secret_key).
    secret_key: str | None = None
    # Echo SQL statements to the log (development aid).
    sql_echo: bool = False
    # Page size limits for list endpoints.
    default_page_size: int = Field(default=50, ge=1)
    max_page_size: int = Field(default=500, ge=1)
    # Uploads (registry extracts) larger than this are refused before they are read.
    max_upload_mb: int = Field(default=512, ge=1)
    # Scheduler: run the periodic sweeps inside `tracker serve` (in one of its workers).
    scheduler_enabled: bool = True
    # `tracker serve` (gunicorn): worker processes (unset: one per core) and threads per worker.
    workers: int | None = Field(default=None, ge=1)
    threads: int = Field(default=4, ge=1)
    # Review dates closer than this raise a `review_upcoming` flag.
    review_lead_days: int = Field(default=180, ge=0)
    # Flags: an agreement ending within this many days raises `agreement_expiring`.
    agreement_expiry_days: int = Field(default=90, ge=0)
    # Flags: a temporary introduction without an analysis plan this long after its decision.
    analysis_plan_grace_days: int = Field(default=30, ge=0)
    # Flags: lead time for data-delivery milestones (used by the data_delivery_due rule).
    delivery_lead_days: int = Field(default=30, ge=0)
    # Flags: lead time for phase-out steps and renegotiation deadlines.
    followup_lead_days: int = Field(default=30, ge=0)
    # Flags: a Tilgangsordningen application waiting this many working days for the
    # completeness check; this many cases of one method and diagnosis group in a year suggest a
    # subgroup assessment (000_3134ab22afa02640.txt L962–965).
    access_check_working_days: int = Field(default=5, ge=1)
    subgroup_suggestion_cases: int = Field(default=3, ge=2)
    # Scheduler: the daily sweep and the daily digest, in this time zone.
    scheduler_timezone: str = "Europe/Oslo"
    sweep_hour: int = Field(default=6, ge=0, le=23)
    digest_hour: int = Field(default=7, ge=0, le=23)
    # Prefix of the links in e-mails, e.g. https://tracker.example.org (empty: paths only).
    public_base_url: str = ""
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    # Outgoing e-mail for notifications.
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_sender: str = "nye-metoder-tracker@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    # Trust X-Forwarded-Proto/-For/-Host from one reverse proxy (TLS terminated in front).
    behind_proxy: bool = False
    # Answers (dashboard callbacks, the API's most read lists) each worker keeps while the data
    # is unchanged (0: keep none).
    answer_cache_entries: int = Field(default=1024, ge=0)
    # Default UI language for the dashboards.
    default_language: Literal["nb", "en"] = "nb"

    @field_validator("database_url", "secret_key")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to an embedded SQLite file under the instance folder."""
        if self.database_url:
            url = self.database_url
            # Accept the common short forms and use the psycopg 3 driver for PostgreSQL.
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://") :]
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            return url
        return f"sqlite:///{self.instance_path / 'tracker.db'}"

    def problems(self) -> list[str]:
        """Return what is wrong with this configuration for its environment."""
        found = self.secret_key_problems()
        if self.max_page_size < self.default_page_size:
            found.append("TRACKER_MAX_PAGE_SIZE must be at least TRACKER_DEFAULT_PAGE_SIZE.")
        return found

    def secret_key_problems(self) -> list[str]:
        """Return why the configured session key may not be used (never in the tests' env)."""
        key = self.secret_key
        if key is None or self.env == "test":
            return []
        how = ("set a long random value (e.g. `python -c 'import secrets; "
               "print(secrets.token_urlsafe(48))'`), or unset it to let the tracker make one")
        if key.strip().lower() in KNOWN_SECRET_KEYS:
            return [f"TRACKER_SECRET_KEY is a published or guessable key; {how}."]
        if len(key) < MIN_SECRET_KEY_LENGTH:
            return [f"TRACKER_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters; "
                    f"{how}."]
        return []

    @property
    def secret_key_file(self) -> Path:
        """Where the instance keeps the key it made for itself when none is configured."""
        return self.instance_path / SECRET_KEY_FILE

    def redacted(self) -> dict[str, object]:
        """Return the settings as a dict with secrets masked, for display."""
        data = self.model_dump()
        for key in ("secret_key", "smtp_password"):
            if data.get(key):
                data[key] = "***"
        if self.secret_key is None:
            data["secret_key"] = f"*** (made for this instance, kept in {self.secret_key_file})"
        data["database_url"] = _mask_url_password(self.sqlalchemy_url)
        data["instance_path"] = str(self.instance_path)
        return data


def _mask_url_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # pragma: no cover - malformed URL is reported by check-settings
        return url
