"""Apply Alembic migrations from code (start-up, tests, ``python -m storage.migrate``)."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from storage.db import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Several copies may start at once: one migrates, the others wait, then no-op.
                conn.execute(text("SELECT pg_advisory_xact_lock(742017)"))
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


if __name__ == "__main__":  # pragma: no cover
    import os

    from dotenv import load_dotenv

    from bot.settings import Settings

    load_dotenv()
    default = Settings.model_fields["database_url"].default
    upgrade(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DATABASE_URL", default))
