"""The Slack side of scheduled posts: the digest in a channel (message + funnel chart) and
each rep's daily reminder DM. The scheduler (``bot.scheduling``) calls these with the slot
they are for; ``bot.usecases.delivery`` makes each post happen once.

Every Web API call goes through the app's client, whose retry handlers wait out 429
(Retry-After) and back off on 5xx; an attempt that still fails is retried by the sweep
(``retries``) with backoff until ``bot.usecases.delivery.RETRY_WINDOW`` is over, unless the error is
one retrying cannot fix (``PERMANENT``). Whoever subscribed a channel is told when its digest
is given up. One channel or rep failing never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.i18n import Translator
from bot.core.slots import GRACE, last_slot, trigger_for, valid_timezone
from bot.usecases import digest, subscriptions
from bot.usecases.delivery import LeaseLost, Outcome, Progress, Recorder, deliver, due_retries
from bot.usecases.digest import DIGEST, CompletionHook, Reminder
from handlers.kit.profiles import fetch_profile
from handlers.ui import chart
from handlers.ui import digest as ui
from handlers.ui import reminders as ui_reminders
from handlers.ui.digest import slack_error

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("salespath.jobs")

DIGEST_NOW, REMINDER = "digest_now", "reminder"  # claim kinds, with DIGEST
REMINDER_AT = "09:00"
#: Slack errors that retrying will not fix.
PERMANENT = {
    "not_in_channel",
    "channel_not_found",
    "is_archived",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "missing_scope",
    "user_not_found",
    "cannot_dm_bot",
    "user_disabled",
    "invalid_blocks",
    "msg_too_long",
    "restricted_action",
    "team_access_not_granted",
}


def is_permanent(exc: Exception) -> bool:
    return isinstance(exc, SlackApiError) and exc.response.get("error") in PERMANENT


class Jobs:
    """Posting digests and reminders; one instance per app, shared by its threads."""

    def __init__(
        self, services: Services, client: WebClient, *, completion: CompletionHook | None = None
    ) -> None:
        self.services, self.client = services, client
        self.completion = completion  # checklist completion per deal (default: the checklists')

    @property
    def db(self):
        return self.services.db

    # --- digests ------------------------------------------------------------------------

    def digest(self, team_id: str, channel_id: str, slot: datetime) -> Outcome | None:
        """The scheduled digest of ``channel_id`` for ``slot`` (also used to retry one)."""
        sub = subscriptions.of_channel(self.db, team_id=team_id, channel_id=channel_id)
        if sub is None:
            return None
        prev = digest.last_digest_slot(self.db, team_id=team_id, channel_id=channel_id, before=slot)
        since = prev or slot - digest.FIRST_DIGEST_LOOKBACK
        outcome, failure = self._deliver(
            kind=DIGEST,
            team_id=team_id,
            channel_id=channel_id,
            slot=slot,
            owners=tuple(sub.owners or ()),
            tz=sub.tz,
            locale=sub.locale,
            since=since,
            until=slot,
            permanent=is_permanent,
            first=prev is None,
        )
        if outcome is Outcome.GAVE_UP:
            self._tell_subscriber(sub, slot, slack_error(failure))
        return outcome

    def digest_now(
        self,
        *,
        team_id: str,
        channel_id: str,
        owners: tuple[str, ...],
        tz: str,
        locale: str,
        slot: datetime,
    ) -> tuple[Outcome, Exception | None]:
        """``/digest now``: the same digest, claimed per minute so a double submit posts once."""
        prev = digest.last_digest_slot(self.db, team_id=team_id, channel_id=channel_id)
        now = self.services.now()
        return self._deliver(
            kind=DIGEST_NOW,
            team_id=team_id,
            channel_id=channel_id,
            slot=slot,
            owners=owners,
            tz=tz,
            locale=locale,
            since=prev or now - digest.FIRST_DIGEST_LOOKBACK,
            until=now,
            permanent=lambda exc: True,  # the user is told and may run it again
            first=prev is None,
        )

    def _deliver(
        self,
        *,
        kind: str,
        team_id: str,
        channel_id: str,
        slot: datetime,
        owners: tuple[str, ...],
        tz: str,
        locale: str,
        since: datetime,
        until: datetime,
        permanent: Callable[[Exception], bool],
        first: bool = False,
    ) -> tuple[Outcome, Exception | None]:
        """Claim (channel, slot) and post the digest once; the outcome and the last error."""
        failure: list[Exception] = []
        outcome = deliver(
            self.db,
            team_id=team_id,
            kind=kind,
            target=channel_id,
            slot=slot,
            now=self.services.now,
            send=self._digest_sender(
                team_id=team_id,
                channel_id=channel_id,
                owners=owners,
                tz=tz,
                locale=locale,
                since=since,
                until=until,
                failure=failure,
                first=first,
            ),
            permanent=permanent,
        )
        return outcome, (failure[-1] if failure else None)

    def _digest_sender(
        self,
        *,
        team_id: str,
        channel_id: str,
        owners: tuple[str, ...],
        tz: str,
        locale: str,
        since: datetime,
        until: datetime,
        failure: list[Exception],
        first: bool = False,
    ) -> Callable[[Progress, Recorder], None]:
        def send(progress: Progress, record: Recorder) -> None:
            t = Translator(locale)
            try:
                content = digest.build_digest(
                    self.db,
                    team_id=team_id,
                    owners=owners,
                    now=self.services.now(),
                    since=since,
                    until=until,
                    tz=tz,
                    completion=self.completion,
                    first=first,  # issue 14: no "since the last digest" before the first
                )
                if progress.message_ts is None:
                    msg = ui.digest_message(t, content, locale=t.locale)
                    record.hold()  # still ours? (raises LeaseLost when another run took it)
                    resp = self.client.chat_postMessage(channel=channel_id, **msg)
                    record.message_posted(resp["ts"])
                if progress.file_id is None:
                    titles = ui.chart_titles(t, content)
                    png = chart.funnel_png(ui.funnel_rows(t, content, t.locale), **titles)
                    record.hold()
                    resp = self.client.files_upload_v2(
                        channel=channel_id,
                        file=png,
                        filename="pipeline-funnel.png",
                        title=titles["title"],
                        alt_txt=t("Funnel chart: open deals and value per stage, and conversion"),
                    )
                    record.file_uploaded(resp["file"]["id"])
            except LeaseLost:
                raise  # not a failure: another run has the claim and finishes it
            except Exception as exc:
                failure.append(exc)
                raise

        return send

    def _tell_subscriber(self, sub, slot: datetime, error: str) -> None:
        """The digest could not be posted for good: tell whoever subscribed the channel. If
        even that fails (Slack still down), the error log is all that is left: say so."""
        t = Translator(sub.locale)
        msg = ui.digest_failed_message(t, channel_id=sub.channel_id, error=error, bot_user_id=None)
        try:
            self.client.chat_postMessage(channel=sub.created_by, **msg)
        except Exception as err:  # logged as an error: the last place this failure shows
            log.error(
                "digest for %s/%s at %s was given up (%s), and telling %s failed too: %s",
                sub.team_id,
                sub.channel_id,
                slot.isoformat(),
                error or "no Slack error",
                sub.created_by,
                err,
                exc_info=True,
            )

    # --- reminders ----------------------------------------------------------------------

    def reminders(self) -> None:
        """The sweep: each rep with something due or stale gets one DM a day at 09:00 in
        their own timezone (within the grace window)."""
        now = self.services.now()
        for team_id in digest.teams_to_remind(self.db):
            try:
                self._remind_team(team_id, now)
            except Exception:  # one workspace failing never stops the others
                log.exception("reminders for %s failed", team_id)

    def _remind_team(self, team_id: str, now: datetime) -> None:
        owners = digest.owners_to_remind(self.db, team_id=team_id, now=now, kind=REMINDER)
        for owner_id in owners:
            try:
                self.remind(team_id, owner_id, now=now)
            except Exception:  # one rep failing never stops the others
                log.exception("reminder for %s/%s failed", team_id, owner_id)

    def remind(
        self, team_id: str, owner_id: str, *, now: datetime, slot: datetime | None = None
    ) -> Outcome | None:
        """``owner_id``'s reminder for today's 09:00 (their time), or for ``slot``."""
        profile = fetch_profile(self.services, self.client, team_id, owner_id)
        tz = valid_timezone(profile.tz)
        retry = slot is not None
        if slot is None:
            slot = last_slot(trigger_for(REMINDER_AT, tz), now)
            if slot is None or now - slot > GRACE:
                return None
        content = digest.build_reminder(self.db, team_id=team_id, owner_id=owner_id, now=now, tz=tz)
        if content.empty and not retry:
            return None  # nothing to remind of: no claim, no DM (a retry still closes its claim)
        return deliver(
            self.db,
            team_id=team_id,
            kind=REMINDER,
            target=owner_id,
            slot=slot,
            now=self.services.now,
            send=self._reminder_sender(content, profile.locale),
            permanent=is_permanent,
        )

    def _reminder_sender(self, content: Reminder, locale: str):
        def send(progress: Progress, record: Recorder) -> None:
            if progress.message_ts is not None or content.empty:
                return
            t = Translator(locale)
            msg = ui_reminders.reminder_message(t, content, locale=t.locale)
            record.hold()
            resp = self.client.chat_postMessage(channel=content.owner_id, **msg)
            record.message_posted(resp["ts"])

        return send

    # --- retries ------------------------------------------------------------------------

    def retries(self) -> None:
        """The sweep: finish claims whose run crashed or whose attempt failed, once their
        backoff is over (see ``bot.usecases.delivery``). Digests past the retry window are given up
        and their subscribers told; a ``/digest now`` whose run died is not resumed (its
        user saw no answer and may run it again): it is marked failed and logged."""
        now = self.services.now()
        sweep = due_retries(self.db, kinds=(DIGEST, REMINDER), abandon=(DIGEST_NOW,), now=now)
        for r in sweep.closed:
            if r.kind == DIGEST:
                sub = subscriptions.of_channel(self.db, team_id=r.team_id, channel_id=r.target)
                if sub is not None:
                    self._tell_subscriber(sub, r.slot, "")
        for r in sweep.due:
            try:
                if r.kind == DIGEST:
                    self.digest(r.team_id, r.target, r.slot)
                else:
                    self.remind(r.team_id, r.target, now=now, slot=r.slot)
            except Exception:  # one failing post never stops the others
                log.exception("retrying %s for %s/%s failed", r.kind, r.team_id, r.target)
