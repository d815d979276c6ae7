"""The Slack side of scheduled posts: the digest in a channel (one message, its funnel chart
inside) and each rep's daily reminder DM. The scheduler (``bot.scheduling``) calls these with
the slot they are for; ``bot.usecases.delivery`` makes each post happen once.

**One message, reconciled.** ``chat.postMessage`` has no idempotency key, so a post whose
answer is lost (Slack accepted it but answered after the client's timeout, or the process
died right after sending it) cannot simply be sent again. The digest is therefore one
message: the chart is uploaded first, unshared (no channel), and shown through an image
block's ``slack_file``; the message carries ``metadata`` naming its claim. Right before the
post the claim is marked "post sent"; Slack's answer clears the mark (with the ``ts``, or
because it refused the post). A run that finds the mark still set looks for the claim's
message in the channel (``conversations.history`` with ``include_all_metadata``, a few
minutes around the time it was sent) and records it instead of posting again. That call is
made only for that rare case: Slack limits it to about one a minute for apps outside the
Marketplace (a 429 reschedules the look-up), and it needs ``channels:history`` /
``groups:history``.

**What an error means.** Slack refusing the post (``ok: false``, 429, 503) means nothing was
posted; a timeout, a reset connection, another 5xx, or ``internal_error`` / ``fatal_error``
(which Slack documents as "some aspect of the operation may have succeeded") leave the
outcome unknown. The jobs' client therefore never re-sends a post by itself (slack_sdk's
5xx and connection-reset retry handlers would, blindly): it retries only what surely never
reached Slack, and never sleeps out a Retry-After — a 429 reschedules the step at that time.

**Fan-out.** Each distinct digest (workspace, owners, timezone, language, period) is built
once per slot and its chart uploaded once, then posted to every channel that wants it
(``Shared``); Slack allows about 100 uploads a minute per workspace and one message a
second per channel. Whoever subscribed a channel is told when its digest is given up.

**Slack Connect.** A channel shared with another organisation gets the scheduled digest only
once a manager confirmed it (``shared_ok``): a channel can become shared after it was
subscribed, so ``conversations.info`` is asked first, as a step of the claim
(``_shared_check``) — a 429 reschedules it, another error is retried like a failed post, and
an unconfirmed shared channel gets nothing: the claim is given up and the subscriber told
why. A confirmed channel costs no call. A won deal's announcement (``post_once`` with
``check=shared_check``) is held to the same rule, checked the same way inside its claim:
no win is posted in an unconfirmed shared channel (its claim is given up, logged; the
subscriber hears it from the digest's refusal).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.handler import RetryHandler

from bot.core.i18n import Translator
from bot.core.slots import GRACE, last_slot, trigger_for, valid_timezone
from bot.usecases import digest, members, people, subscriptions
from bot.usecases.delivery import (
    RETRY_WINDOW,
    LeaseLost,
    Outcome,
    Progress,
    Recorder,
    Reschedule,
    Shared,
    deliver,
    due_retries,
    record_missed,
)
from bot.usecases.digest import DIGEST, CompletionHook, Reminder
from handlers.kit.profiles import fetch_profile
from handlers.ui import chart
from handlers.ui import digest as ui
from handlers.ui import reminders as ui_reminders
from handlers.ui.digest import SHARED_NOT_CONFIRMED, slack_error

if TYPE_CHECKING:
    from bot.services import Services
    from storage.models_digest import DigestSubscription

log = logging.getLogger("salespath.jobs")

DIGEST_NOW, REMINDER = "digest_now", "reminder"  # claim kinds, with DIGEST
REMINDER_AT = "09:00"
METADATA_EVENT = "salespath_digest"  # the event_type of a digest's message metadata
DIGEST_NOW_WINDOW = timedelta(minutes=30)  # a /digest now is retried for this long
LOOK_AROUND = timedelta(minutes=2)  # clock skew margin around a post's sending time
FILE_WAIT = timedelta(seconds=3)  # a chart just uploaded that Slack is still processing
FILE_PROCESSING = 60.0  # seconds: a chart refused later than this is an error, not a wait
HISTORY_PAGE = 15  # conversations.history's cap for apps outside the Marketplace
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
#: ``ok: false`` errors after which Slack says the operation may have happened anyway.
MAYBE_DONE = {"internal_error", "fatal_error", "request_timeout"}


# --- what an error from Slack means ---------------------------------------------------------


def error_code(exc: BaseException) -> str | None:
    if not isinstance(exc, SlackApiError):
        return None
    data = exc.response.data
    return data.get("error") if isinstance(data, dict) else None


def file_not_ready(exc: BaseException) -> bool:
    """Slack refused an image block's ``slack_file``: a file just uploaded is processed
    asynchronously, so this passes (the file id is ours and valid)."""
    if error_code(exc) != "invalid_blocks":
        return False
    data = exc.response.data  # type: ignore[attr-defined]
    found = [*data.get("errors", []), *data.get("response_metadata", {}).get("messages", [])]
    return any("slack_file" in str(m) for m in found)


def is_permanent(exc: Exception) -> bool:
    if isinstance(exc, NotConfirmed):
        return True
    return error_code(exc) in PERMANENT and not file_not_ready(exc)


def retry_after(exc: BaseException) -> int | None:
    """Seconds Slack asked to wait (429 Retry-After), or ``None``."""
    if not isinstance(exc, SlackApiError) or exc.response.status_code != 429:
        return None
    try:
        return max(1, int(exc.response.headers.get("Retry-After", 1)))
    except (TypeError, ValueError):
        return 1


def never_reached_slack(exc: BaseException) -> bool:
    reason = exc.reason if isinstance(exc, URLError) else exc
    return isinstance(reason, ConnectionRefusedError)


def outcome_unknown(exc: BaseException) -> bool:
    """Whether a post that raised ``exc`` may have been posted all the same."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        return (status >= 500 and status != 503) or error_code(exc) in MAYBE_DONE
    return not never_reached_slack(exc)  # timeouts, resets, anything unexpected


class NotReachedRetryHandler(RetryHandler):
    """Retries (with slack_sdk's short backoff) only a call that surely never reached Slack
    — a 503, a refused connection — so a post is never sent twice by the client itself."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        if response is not None:
            return response.status_code == 503
        return error is not None and never_reached_slack(error)


def jobs_client(client: WebClient) -> WebClient:
    """The jobs' own client: the app's token, base URL and timeout, and only retries that
    cannot post twice (no Retry-After sleeps in a worker thread: 429 reschedules)."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[NotReachedRetryHandler(max_retry_count=2)],
    )


class OutcomeUnknown(Exception):
    """A post that may have been posted: the next attempt looks for it first."""


class NotConfirmed(Exception):
    """A Slack Connect channel no manager confirmed: the pipeline is not posted there."""


@dataclass(frozen=True)
class DigestSpec:
    """One channel's digest: where, for whom, in which timezone and language, and the
    period whose changes it lists."""

    team_id: str
    channel_id: str
    owners: tuple[str, ...]
    tz: str
    locale: str
    since: datetime
    until: datetime
    first: bool = False  # no digest was posted here before (issue 14: "the first digest")

    @property
    def build_key(self) -> tuple:
        """What makes two channels' digests the same: built once, posted to both."""
        return (
            self.team_id,
            tuple(sorted(self.owners)),
            self.tz,
            self.locale,
            self.since,
            self.until,
            self.first,
        )

    def to_payload(self, **extra: object) -> dict:
        data = asdict(self) | {"since": self.since.isoformat(), "until": self.until.isoformat()}
        return data | {"owners": list(self.owners)} | extra

    @classmethod
    def from_payload(cls, p: dict) -> DigestSpec:
        return cls(
            p["team_id"],
            p["channel_id"],
            tuple(p.get("owners") or ()),
            p["tz"],
            p["locale"],
            datetime.fromisoformat(p["since"]),
            datetime.fromisoformat(p["until"]),
            bool(p.get("first", False)),
        )


@dataclass
class Built:
    """A digest built once for every channel with the same spec: the message, the chart,
    and (once uploaded) the chart's file id."""

    message: dict
    png: bytes
    title: str
    alt_text: str
    file_id: str | None = None
    uploaded_at: float | None = None


class Jobs:
    """Posting digests and reminders; one instance per app, shared by its threads."""

    def __init__(
        self, services: Services, client: WebClient, *, completion: CompletionHook | None = None
    ) -> None:
        self.services, self.client = services, client  # the app's client (one workspace)
        self._clients: dict[str | None, WebClient] = {}  # per bot token (OAuth: per workspace)
        self.completion = completion  # checklist completion per deal (default: the checklists')
        self.builds = Shared()  # each distinct digest once per slot (fan-out)
        self.uploads = Shared()  # … and its chart's upload
        self.wall: Callable[[], datetime] = lambda: datetime.now(UTC)  # Slack's clock, for ts

    @property
    def db(self):
        return self.services.db

    def client_for(self, team_id: str) -> WebClient:
        """The jobs' client (``jobs_client``) that speaks for ``team_id``: its own bot token
        with OAuth (many workspaces), else ``SLACK_BOT_TOKEN``."""
        oauth = self.services.settings.oauth
        app_client = self.services.client_for(team_id) if oauth else self.client
        if app_client.token not in self._clients:
            self._clients[app_client.token] = jobs_client(app_client)
        return self._clients[app_client.token]

    # --- digests ------------------------------------------------------------------------

    def digest(self, team_id: str, channel_id: str, slot: datetime) -> Outcome | None:
        """The scheduled digest of ``channel_id`` for ``slot`` (also used to retry one)."""
        sub = subscriptions.of_channel(self.db, team_id=team_id, channel_id=channel_id)
        if sub is None:
            return None
        prev = digest.last_digest_slot(self.db, team_id=team_id, channel_id=channel_id, before=slot)
        spec = DigestSpec(
            team_id,
            channel_id,
            tuple(sub.owners or ()),
            sub.tz,
            sub.locale,
            since=prev or slot - digest.FIRST_DIGEST_LOOKBACK,
            until=slot,
            first=prev is None,
        )
        check = partial(self._shared_check, team_id, sub)
        outcome, failure = self._deliver(DIGEST, spec, slot, check=check)
        if outcome is Outcome.GAVE_UP:
            shared = isinstance(failure, NotConfirmed)
            why = SHARED_NOT_CONFIRMED if shared else slack_error(failure)
            self._tell(team_id, sub.created_by, sub.locale, channel_id, slot, why)
        return outcome

    def shared_check(self, team_id: str, channel_id: str) -> None:
        """``_shared_check`` for a channel's current subscription (read now: a manager may
        have confirmed the channel since), for posts other than the digest."""
        sub = subscriptions.of_channel(self.db, team_id=team_id, channel_id=channel_id)
        if sub is None:
            raise NotConfirmed(f"{channel_id} has no digest subscription any more")
        self._shared_check(team_id, sub)

    def _shared_check(self, team_id: str, sub: DigestSubscription) -> None:
        """Raise ``NotConfirmed`` when the channel is shared with another organisation (Slack
        Connect) and no manager confirmed it (``subscriptions.may_post``); asked of Slack with
        the workspace's own client. A 429 reschedules the step; other errors are the post's."""
        if sub.shared_ok:
            return  # confirmed: no need to ask
        try:
            info = self.client_for(team_id).conversations_info(channel=sub.channel_id)
        except SlackApiError as exc:
            if (wait := retry_after(exc)) is not None:
                raise Reschedule(self._in(wait), "conversations.info rate-limited") from exc
            raise
        shared = bool((info.get("channel") or {}).get("is_ext_shared"))
        if not subscriptions.may_post(sub, shared=shared):
            raise NotConfirmed(
                f"{sub.channel_id} is shared with another organisation (Slack "
                "Connect) and no manager confirmed posting the pipeline there"
            )

    def digest_now(
        self,
        *,
        team_id: str,
        channel_id: str,
        owners: tuple[str, ...],
        tz: str,
        locale: str,
        slot: datetime,
        user_id: str = "",
    ) -> tuple[Outcome, Exception | None]:
        """``/digest now``: the same digest, claimed for ``slot`` (the request's minute) so a
        double submit or a replay posts once. Retried like a scheduled one for
        ``DIGEST_NOW_WINDOW``; ``user_id`` is told if it is given up after all."""
        prev = digest.last_digest_slot(self.db, team_id=team_id, channel_id=channel_id)
        now = self.services.now()
        since = prev or now - digest.FIRST_DIGEST_LOOKBACK
        spec = DigestSpec(team_id, channel_id, owners, tz, locale, since, now, first=prev is None)
        return self._deliver(DIGEST_NOW, spec, slot, payload=spec.to_payload(user=user_id))

    def _deliver(
        self,
        kind: str,
        spec: DigestSpec,
        slot: datetime,
        payload: dict | None = None,
        check: Callable[[], None] | None = None,
    ) -> tuple[Outcome, Exception | None]:
        """Claim (channel, slot) and post the digest once; the outcome and the last error.
        ``check``: a step before the digest is built and posted (it raises to stop it)."""
        failure: list[Exception] = []
        outcome = self._claimed(
            kind,
            spec.team_id,
            spec.channel_id,
            slot,
            self._digest_sender(kind, spec, slot, failure, check),
            window=DIGEST_NOW_WINDOW if kind == DIGEST_NOW else RETRY_WINDOW,
            payload=payload,
            resume=True,
        )
        return outcome, (failure[-1] if failure else None)

    def _claimed(
        self,
        kind: str,
        team_id: str,
        target: str,
        slot: datetime,
        send: Callable[[Progress, Recorder], None],
        *,
        window: timedelta = RETRY_WINDOW,
        payload: dict | None = None,
        resume: bool = False,
    ) -> Outcome:
        """``deliver`` with this runner's database and clock, a Slack error that retrying
        cannot fix given up at once; with ``resume``, a rescheduled step runs again in this
        process at its time (``_later``, then ``resume``)."""

        def later(at: datetime) -> None:
            self._later(at, kind, team_id, target, slot, payload)

        return deliver(
            self.db,
            team_id=team_id,
            kind=kind,
            target=target,
            slot=slot,
            now=self.services.now,
            send=send,
            permanent=is_permanent,
            window=window,
            payload=payload,
            later=later if resume else None,
        )

    def _digest_sender(
        self,
        kind: str,
        spec: DigestSpec,
        slot: datetime,
        failure: list[Exception],
        check: Callable[[], None] | None = None,
    ) -> Callable[[Progress, Recorder], None]:
        def send(progress: Progress, record: Recorder) -> None:
            try:
                if progress.message_ts is not None:
                    return  # posted (an older run posted the chart separately: done too)
                if progress.outcome_unknown:
                    ts = self._find_posted(spec.team_id, spec.channel_id, progress)
                    if ts is not None:
                        record.message_posted(ts)
                        return
                if check is not None:
                    check()
                built = self.builds.get(spec.build_key, lambda: self._build(spec))
                file_id = progress.file_id or self._upload(spec, built, record)
                self._post(kind, spec, slot, progress, record, built, file_id)
            except (LeaseLost, Reschedule):
                raise  # not failures: another run finishes it, or this one later
            except Exception as exc:
                failure.append(exc)
                raise

        return send

    def _build(self, spec: DigestSpec) -> Built:
        t = Translator(spec.locale)
        content = digest.build_digest(
            self.db,
            team_id=spec.team_id,
            owners=spec.owners,
            now=self.services.now(),
            since=spec.since,
            until=spec.until,
            tz=spec.tz,
            completion=self.completion,
            first=spec.first,  # issue 14: no "since the last digest" before the first
        )
        titles = ui.chart_titles(t, content)
        return Built(
            message=ui.digest_message(t, content, locale=t.locale),
            png=chart.funnel_png(ui.funnel_rows(t, content, t.locale), **titles),
            title=titles["title"],
            alt_text=ui.chart_alt_text(t, content, t.locale),
        )

    def _upload(self, spec: DigestSpec, built: Built, record: Recorder) -> str | None:
        """The chart's file id: uploaded once (unshared) for every channel with this digest.
        A chart Slack won't take for good (e.g. a missing scope) leaves the digest without
        it rather than unposted; a 429 reschedules this step."""

        def upload() -> Built:  # once per distinct digest: the uploader records it at once
            record.hold()
            resp = self.client_for(spec.team_id).files_upload_v2(
                file=built.png,
                filename="pipeline-funnel.png",
                title=built.title,
                alt_txt=built.alt_text,
            )
            built.file_id, built.uploaded_at = resp["file"]["id"], time.monotonic()
            record.file_uploaded(built.file_id)
            return built

        try:
            file_id = self.uploads.get(spec.build_key, upload).file_id
        except SlackApiError as exc:
            if (wait := retry_after(exc)) is not None:
                raise Reschedule(self._in(wait), "file upload rate-limited") from exc
            if not is_permanent(exc):
                raise
            log.warning("digest for %s/%s: no chart (%s)", spec.team_id, spec.channel_id, exc)
            return None
        return file_id  # the others record it with their post (``Recorder.posting``)

    def _post(
        self,
        kind: str,
        spec: DigestSpec,
        slot: datetime,
        progress: Progress,
        record: Recorder,
        built: Built,
        file_id: str | None,
    ) -> None:
        """The one message, with its chart; a chart Slack is still processing waits."""
        msg = built.message
        if file_id is not None:
            msg = ui.with_chart(msg, file_id=file_id, title=built.title, alt_text=built.alt_text)

        def refused(exc: Exception) -> None:
            fresh = built.uploaded_at and time.monotonic() - built.uploaded_at < FILE_PROCESSING
            if file_not_ready(exc) and fresh:
                raise Reschedule(self._in(FILE_WAIT), "the chart is still being processed") from exc

        self._send_claimed(
            kind,
            spec.team_id,
            spec.channel_id,
            slot,
            progress,
            record,
            msg,
            file_id=file_id,
            refused=refused,
        )

    def _send_claimed(
        self,
        kind: str,
        team_id: str,
        channel_id: str,
        slot: datetime,
        progress: Progress,
        record: Recorder,
        msg: dict,
        *,
        file_id: str | None = None,
        refused: Callable[[Exception], None] | None = None,
    ) -> None:
        """Post ``msg`` with its claim in ``metadata``; marked "post sent" first so that a
        lost answer is looked for, never posted blindly again. ``refused`` may reschedule a
        post Slack refused (it was not posted)."""
        metadata = {
            "event_type": METADATA_EVENT,
            "event_payload": {"claim": progress.claim_id, "kind": kind, "slot": slot.isoformat()},
        }
        record.posting(self.wall(), file_id=file_id)
        try:
            client = self.client_for(team_id)
            resp = client.chat_postMessage(channel=channel_id, metadata=metadata, **msg)
        except Exception as exc:
            if outcome_unknown(exc):
                raise OutcomeUnknown(f"chat.postMessage: {type(exc).__name__}: {exc}") from exc
            record.not_posted()
            if (wait := retry_after(exc)) is not None:
                raise Reschedule(self._in(wait), "chat.postMessage rate-limited") from exc
            if refused is not None:
                refused(exc)
            raise
        record.message_posted(resp["ts"])

    def _find_posted(self, team_id: str, channel_id: str, progress: Progress) -> str | None:
        """The ``ts`` of the claim's message if Slack has it (looked for in the channel a few
        minutes around the time it was sent), else ``None``: then it is posted again."""
        sent = progress.post_started_at
        assert sent is not None
        client = self.client_for(team_id)
        last = sent + LOOK_AROUND + timedelta(seconds=client.timeout)
        window = {
            "oldest": f"{(sent - LOOK_AROUND).timestamp():.6f}",
            "latest": f"{last.timestamp():.6f}",
        }
        cursor = None
        while True:
            try:
                resp = client.conversations_history(
                    channel=channel_id,
                    include_all_metadata=True,
                    inclusive=True,
                    limit=HISTORY_PAGE,
                    cursor=cursor,
                    **window,
                )
            except SlackApiError as exc:
                if (wait := retry_after(exc)) is not None:
                    raise Reschedule(self._in(wait), "conversations.history rate-limited") from exc
                raise
            for message in resp.get("messages", []):
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if (
                    meta.get("event_type") == METADATA_EVENT
                    and payload.get("claim") == progress.claim_id
                ):
                    log.info("claim %s: its post was found in %s", progress.claim_id, channel_id)
                    return message["ts"]
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not resp.get("has_more") or not cursor:
                return None

    # --- other one-message posts (issue 14: won deals announced in channels) ---------------

    def post_once(
        self,
        kind: str,
        team_id: str,
        channel_id: str,
        *,
        target: str,
        slot: datetime,
        build: Callable[[], dict],
        check: Callable[[], None] | None = None,
    ) -> Outcome:
        """A one-message post other than the digest, claimed as (``kind``, ``target``,
        ``slot``) and delivered like the digest: its claim rides in the message's metadata,
        a post whose answer was lost is looked for before posting again, a 429 reschedules
        it, and a failed one is retried once its time has come (whoever calls this again:
        its own sweep). ``build`` makes the message, only when it is to be posted;
        ``check`` runs first inside the claim and raises to stop it (``NotConfirmed``: the
        claim is given up)."""

        def send(progress: Progress, record: Recorder) -> None:
            if progress.message_ts is not None:
                return
            if progress.outcome_unknown:
                ts = self._find_posted(team_id, channel_id, progress)
                if ts is not None:
                    record.message_posted(ts)
                    return
            if check is not None:
                check()
            self._send_claimed(kind, team_id, channel_id, slot, progress, record, build())

        return self._claimed(kind, team_id, target, slot, send)

    def _in(self, wait: float | timedelta) -> datetime:
        return self.services.now() + (
            wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
        )

    def _later(
        self,
        at: datetime,
        kind: str,
        team_id: str,
        target: str,
        slot: datetime,
        payload: dict | None,
    ) -> None:
        """Run a rescheduled step at ``at`` in this process (the sweep is the fallback)."""
        scheduler = self.services.scheduler
        if scheduler is None or not scheduler.running:
            return
        delay = max((at - self.services.now()).total_seconds(), 0.0)
        scheduler.later(
            datetime.now(UTC) + timedelta(seconds=delay),
            self.resume,
            args=(kind, team_id, target, slot, payload),
            key=f"retry:{kind}:{team_id}:{target}:{slot.isoformat()}",
        )

    def _tell(
        self, team_id: str, user_id: str, locale: str, channel_id: str, slot: datetime, error: str
    ) -> None:
        """A digest could not be posted for good: tell whoever subscribed the channel (or
        asked for it). If even that fails (Slack still down), the error log is all that is
        left: say so."""
        if not user_id or members.dm_gate(self.db, team_id=team_id, user_id=user_id).inactive:
            return
        t = Translator(locale)
        msg = ui.digest_failed_message(t, channel_id=channel_id, error=error, bot_user_id=None)
        try:
            self.client_for(team_id).chat_postMessage(channel=user_id, **msg)
        except Exception as err:  # logged as an error: the last place this failure shows
            log.error(
                "digest for %s at %s was given up (%s), and telling %s failed too: %s",
                channel_id,
                slot.isoformat(),
                error or "no Slack error",
                user_id,
                err,
                exc_info=True,
            )

    def missed(self, team_id: str, channel_id: str, slot: datetime, why: str) -> None:
        """A slot that could not be attempted within the retry window (the database was
        down until too late): its claim is written as failed, the error logged once, and
        the subscriber told."""
        sub = subscriptions.of_channel(self.db, team_id=team_id, channel_id=channel_id)
        recorded = record_missed(
            self.db,
            team_id=team_id,
            kind=DIGEST,
            target=channel_id,
            slot=slot,
            why=why,
            now=self.services.now(),
        )
        if not recorded or sub is None:
            return  # claimed meanwhile (another process posted it or gave it up)
        if members.dm_gate(self.db, team_id=team_id, user_id=sub.created_by).inactive:
            return  # whoever subscribed was deactivated: no DM (issue 15)
        t = Translator(sub.locale)
        msg = ui.digest_missed_message(t, channel_id=channel_id, due=slot, tz=sub.tz)
        try:
            self.client_for(team_id).chat_postMessage(channel=sub.created_by, **msg)
        except Exception as err:  # logged as an error: the last place this failure shows
            log.error("telling %s that a digest was missed failed too: %s", sub.created_by, err)

    # --- reminders ----------------------------------------------------------------------

    def reminders(self) -> None:
        """The sweep: each rep with something due or stale gets one DM a day at 09:00 in
        their own timezone (within the grace window) — or on the days and at the time they
        chose (issue 15: a reminder due on a day they chose none waits for the next one they
        did); deactivated members get none."""
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
        profile = fetch_profile(self.services, self.client_for(team_id), team_id, owner_id)
        tz = valid_timezone(profile.tz)
        retry = slot is not None
        gate = members.dm_gate(self.db, team_id=team_id, user_id=owner_id)  # issue 15
        if slot is None:
            slot = last_slot(trigger_for(gate.prefs.at, tz, gate.prefs.cron_days), now)
            if slot is None or now - slot > GRACE:
                return None
        content = digest.build_reminder(self.db, team_id=team_id, owner_id=owner_id, now=now, tz=tz)
        content = members.as_wanted(content, gate)
        if content.empty and not retry:
            return None  # nothing to remind of: no claim, no DM (a retry still closes its claim)
        locale = self._language(team_id, owner_id, profile.locale)
        send = self._reminder_sender(content, locale)
        return self._claimed(REMINDER, team_id, owner_id, slot, send, resume=True)

    def _language(self, team_id: str, user_id: str, slack_locale: str) -> str:
        """The recipient's language, as they chose it in Salespath (issue 11)."""
        return people.language_of(
            self.db, team_id=team_id, user_id=user_id, slack_locale=slack_locale
        )

    def _reminder_sender(self, content: Reminder, locale: str):
        """A reminder DM. Its outcome, when unknown, is not looked up (that would need
        ``im:history``, reading the app's DMs): the next attempt sends it again — a rep may
        rarely get a reminder twice, never none."""

        def send(progress: Progress, record: Recorder) -> None:
            if progress.message_ts is not None or content.empty:
                return
            t = Translator(locale)
            msg = ui_reminders.reminder_message(t, content, locale=t.locale)
            record.hold()
            try:
                client = self.client_for(content.team_id)
                resp = client.chat_postMessage(channel=content.owner_id, **msg)
            except SlackApiError as exc:
                if (wait := retry_after(exc)) is not None:
                    raise Reschedule(self._in(wait), "chat.postMessage rate-limited") from exc
                raise
            record.message_posted(resp["ts"])

        return send

    # --- retries ------------------------------------------------------------------------

    def retries(self) -> None:
        """The sweep: finish claims whose run crashed, whose attempt failed or whose step
        was rescheduled, once their time has come (see ``bot.usecases.delivery``). Digests
        past their retry window are given up and whoever subscribed (or asked) is told."""
        now = self.services.now()
        sweep = due_retries(
            self.db,
            kinds=(DIGEST, DIGEST_NOW, REMINDER),
            now=now,
            windows={DIGEST_NOW: DIGEST_NOW_WINDOW},
        )
        for r in sweep.closed:
            if r.kind == DIGEST:
                sub = subscriptions.of_channel(self.db, team_id=r.team_id, channel_id=r.target)
                if sub is not None:
                    self._tell(r.team_id, sub.created_by, sub.locale, r.target, r.slot, "")
            elif r.kind == DIGEST_NOW and r.payload:
                self._tell(
                    r.team_id, r.payload.get("user", ""), r.payload["locale"], r.target, r.slot, ""
                )
        for r in sweep.due:
            try:
                self.resume(r.kind, r.team_id, r.target, r.slot, r.payload)
            except Exception:  # one failing post never stops the others
                log.exception("retrying %s for %s/%s failed", r.kind, r.team_id, r.target)

    def resume(
        self, kind: str, team_id: str, target: str, slot: datetime, payload: dict | None = None
    ) -> Outcome | None:
        """Go on with a claim: a scheduled digest, a ``/digest now`` (from its payload) or
        a reminder."""
        if kind == DIGEST:
            return self.digest(team_id, target, slot)
        if kind == DIGEST_NOW:
            if not payload:
                return None  # claimed before payloads were kept: nothing to rebuild it from
            outcome, failure = self._deliver(kind, DigestSpec.from_payload(payload), slot)
            if outcome is Outcome.GAVE_UP:
                self._tell(
                    team_id,
                    payload.get("user", ""),
                    payload["locale"],
                    target,
                    slot,
                    slack_error(failure),
                )
            return outcome
        return self.remind(team_id, target, now=self.services.now(), slot=slot)
