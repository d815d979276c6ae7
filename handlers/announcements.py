"""Posting won deals in the channels that asked for them (``/digest here … wins``; issue
14): ``sweep()`` (run by the scheduler every few minutes) posts every win that is due,
``announce()`` one deal's at once (when its technique is recorded). Each post is claimed
first (``bot.usecases.delivery``): posted once, whichever process or path gets there first.

A module of its own next to ``handlers.jobs``: the composition root builds one
(``services.wins``) and the scheduler calls its sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.core.i18n import Translator
from bot.usecases.announcements import WIN, WinNews, wins_due
from bot.usecases.delivery import Outcome, Progress, Recorder, deliver
from handlers.ui.wins import win_message

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("salespath.wins")


class Wins:
    """``permanent``: which Slack errors retrying won't fix (``handlers.jobs.is_permanent``,
    given by the composition root)."""

    def __init__(
        self,
        services: Services,
        client: WebClient,
        *,
        permanent: Callable[[Exception], bool] = lambda exc: False,
    ) -> None:
        self.services, self.client, self.permanent = services, client, permanent

    def sweep(self) -> None:
        """Every win due in every workspace; one failing never stops the others."""
        for news in wins_due(self.services.db, now=self.services.now()):
            self._post(news)

    def announce(self, team_id: str, deal_id: int) -> None:
        """One deal's win, now (its technique was just recorded): not waited for."""
        try:
            found = wins_due(
                self.services.db,
                now=self.services.now(),
                team_id=team_id,
                deal_id=deal_id,
            )
        except Exception:  # the sweep tries again; the user's answer is already given
            log.exception("announcing the win of %s/%s failed", team_id, deal_id)
            return
        for news in found:
            self._post(news)

    def _post(self, news: WinNews) -> Outcome | None:
        def send(progress: Progress, record: Recorder) -> None:
            if progress.message_ts is not None:
                return
            msg = win_message(Translator(news.locale), news)
            record.hold()
            resp = self.client.chat_postMessage(channel=news.channel_id, **msg)
            record.message_posted(resp["ts"])

        try:
            return deliver(
                self.services.db,
                team_id=news.team_id,
                kind=WIN,
                target=news.target,
                slot=news.moved_at,
                now=self.services.now,
                send=send,
                permanent=self.permanent,
            )
        except Exception:  # one channel failing never stops the others
            log.exception("win of %s in %s: not announced", news.deal_id, news.channel_id)
            return None
