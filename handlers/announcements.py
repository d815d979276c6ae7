"""Posting won deals in the channels that asked for them (``/digest here … wins``; issue
14): ``sweep()`` (run by the scheduler with the retry sweep) posts every win that is due —
and retries a failed or rescheduled one once its time has come — ``announce()`` one deal's
at once (when its technique is recorded).

A won announcement is a post like the digest: claimed first (``bot.usecases.delivery``),
posted once whichever process or path gets there first, through the jobs' client for the
workspace (``Jobs.client_for``: its own bot token with OAuth), with the claim in the
message's metadata so that a post whose answer was lost is looked for, never sent twice
(``Jobs.post_once``). A channel shared with another organisation (Slack Connect) gets a
win only once a manager confirmed it, checked inside the claim as for the digest
(``Jobs.shared_check``); otherwise the claim is given up. A module of its own next to
``handlers.jobs``: the composition root builds one (``services.wins``) on the app's ``Jobs``.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from bot.core.i18n import Translator
from bot.usecases.announcements import WIN, WinNews, wins_due
from bot.usecases.delivery import Outcome
from handlers.ui.wins import win_message

if TYPE_CHECKING:
    from bot.services import Services
    from handlers.jobs import Jobs

log = logging.getLogger("salespath.wins")


class Wins:
    """Won deals announced through ``jobs`` (its per-workspace clients and its post path)."""

    def __init__(self, services: Services, jobs: Jobs) -> None:
        self.services, self.jobs = services, jobs

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
        try:
            return self.jobs.post_once(
                WIN,
                news.team_id,
                news.channel_id,
                target=news.target,
                slot=news.moved_at,
                build=lambda: win_message(Translator(news.locale), news),
                check=partial(self.jobs.shared_check, news.team_id, news.channel_id),
            )
        except Exception:  # one channel failing never stops the others
            log.exception("win of %s in %s: not announced", news.deal_id, news.channel_id)
            return None
