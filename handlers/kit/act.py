"""``act``: a use case that changes something, called as this request.

``act(record.merge, merged_id=…, survivor_id=…)`` is ``record.merge(services.db, actor,
merged_id=…, survivor_id=…, key=request_key, now=services.now())``: the workspace's database,
who acts, the request's key (a Slack retry or a replay is answered with the first result,
``run_once``) and the time, the same for every write. The middleware injects one per request
as ``act``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from bot.core.deals import Actor

if TYPE_CHECKING:
    from bot.services import Services

R = TypeVar("R")


@dataclass(frozen=True)
class Act:
    services: Services
    actor: Actor | None
    key: str | None

    def __call__(self, usecase: Callable[..., R], *args: object, **kw: object) -> R:
        now = self.services.now()
        return usecase(self.services.db, self.actor, *args, key=self.key, now=now, **kw)
