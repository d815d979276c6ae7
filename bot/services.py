"""What listeners need at hand (database, clock, caches, scheduler), built once by the
composition root and injected into listeners by ``handlers.kit.middleware``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from slack_sdk import WebClient


class TTLCache:
    """A small thread-safe cache with expiry (user profiles, manager lists)."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._data: dict[object, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: object, *, stale: bool = False) -> object | None:
        """The value while fresh; with ``stale``, also an expired one (a fallback when
        refreshing it failed). Expired values stay until replaced or dropped."""
        with self._lock:
            hit = self._data.get(key)
            if hit is None or (hit[0] < self._clock() and not stale):
                return None
            return hit[1]

    def put(self, key: object, value: object) -> None:
        with self._lock:
            self._data[key] = (self._clock() + self.ttl, value)

    def drop(self, key: object) -> None:
        with self._lock:
            self._data.pop(key, None)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: Database
    profiles: TTLCache = field(default_factory=lambda: TTLCache(ttl=600))
    seeded: set[str] = field(default_factory=set)  # workspaces whose stages exist
    now: Callable[[], datetime] = utcnow
    scheduler: Any = None  # bot.scheduling.Scheduler: digests and reminders (built by create_app)
    jobs: Any = None  # handlers.jobs.Jobs: what the scheduled jobs post (built by create_app)
    clients: Any = None  # bot.oauth.Clients: a WebClient per token (built by create_app)
    wins: Any = None  # handlers.announcements.Wins: won deals announced in channels (issue 14)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(settings=settings, db=Database(settings.database_url))

    def client_for(self, team_id: str, *, quick: bool = False) -> WebClient:
        """The WebClient that speaks for ``team_id`` outside a request (scheduled posts):
        with OAuth its installation's bot token (``bot.oauth.NotInstalled`` when it has
        none), otherwise ``SLACK_BOT_TOKEN``. ``quick``: see ``bot.app.make_client``."""
        return self.clients.for_team(team_id, quick=quick)
