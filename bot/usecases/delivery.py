"""Exactly-once delivery of scheduled posts (digests, reminders) through database claims.

1. **Claim**: insert ``(team_id, kind, target, slot)``; the unique constraint lets one
   process — of several copies of the app, or a retry — win. The others see the row: if it
   is ``posted`` there is nothing to do; if another run holds it (its lease of ``LEASE`` has
   not run out) they leave it; if an earlier attempt failed and its ``retry_at`` has not
   come, they leave it too; otherwise (the holder crashed, or its retry is due) one of them
   takes it over with a compare-and-set on the attempt number.
2. **Post**: the Slack side (``send``, injected: the domain never imports Slack) posts the
   parts not posted yet. Before each part it calls ``Recorder.hold()`` (renews the lease)
   and after it records the part (``message_ts``, ``file_id``), so a run that resumes a
   crashed one never posts a part twice. Each of these is a compare-and-set on the attempt
   number: when one fails another run has taken the claim over, ``LeaseLost`` is raised and
   this run stops at once — it posts nothing more and never marks the claim.
3. **Done**: ``claimed → posted``. On an error that retrying may fix (Slack 429, 5xx, a
   network error, anything not ``permanent``) the claim stays ``claimed`` with the error, its
   lease released and ``retry_at`` set by exponential backoff (``backoff``: 2, 4, 8, 16, 32
   minutes, then hourly, counted from the start of the failed attempt); the recovery sweep
   (``due_retries``) retries it from then on, until ``RETRY_WINDOW`` after the slot. Then,
   or at once on a permanent error, the claim is ``failed`` (or ``expired`` when the sweep
   finds it past the window) and an error is logged: never a silent skip.

Slack's 429 (Retry-After) and 5xx answers are also retried inside one attempt by the
client's retry handlers (``bot.app.make_client``). The one window left: Slack accepts a
message and the process dies before recording its ``ts`` (or stalls in that one call longer
than the lease) — the resumed run posts it again. Slack offers no idempotency key for
``chat.postMessage`` to close it.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from storage import claims as claim_store
from storage.db import Database
from storage.models_digest import DeliveryClaim

log = logging.getLogger("salespath.delivery")

LEASE = timedelta(minutes=5)  # a run holding a claim longer than this is presumed dead
RETRY_WINDOW = timedelta(hours=6)  # no attempt starts later than this after the slot
FIRST_BACKOFF = timedelta(minutes=2)  # the wait after a first failed attempt; then doubled
MAX_BACKOFF = timedelta(hours=1)  # … up to this
_SECOND = timedelta(seconds=1)
INSTANCE = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Outcome(StrEnum):
    POSTED = "posted"  # this run posted it
    ALREADY_POSTED = "already_posted"  # posted before: nothing to do
    BUSY = "busy"  # another run holds the claim (or took it over from this run mid-post)
    WAITING = "waiting"  # an earlier attempt failed; its retry is not due yet
    RETRYING = "retrying"  # this attempt failed; the sweep retries it after the backoff
    GAVE_UP = "gave_up"  # this attempt failed for good (permanent error, or window over)
    FAILED = "failed"  # given up before: nothing to do


class LeaseLost(Exception):
    """Another run took the claim over (this one's lease ran out): stop posting."""


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1, 2, …): 2, 4, 8, 16, 32 minutes,
    then an hour each time."""
    return min(FIRST_BACKOFF * 2 ** min(max(attempt, 1) - 1, 16), MAX_BACKOFF)


def next_attempt(
    *, slot: datetime, attempt: int, started: datetime, window: timedelta = RETRY_WINDOW
) -> datetime | None:
    """When attempt ``attempt + 1`` may start, after attempt ``attempt`` (begun at
    ``started``) failed with an error that retrying may fix: ``backoff(attempt)`` after
    ``started``, but no later than the end of the retry window; ``None`` when the window is
    over (give up)."""
    deadline = slot + window
    if started >= deadline:
        return None
    return min(started + backoff(attempt), deadline)


@dataclass(frozen=True)
class Progress:
    """The claim this run holds, and what earlier attempts already posted."""

    team_id: str
    claim_id: int
    attempt: int
    message_ts: str | None = None
    file_id: str | None = None


class Recorder:
    """Keeps this run's hold on its claim and records each posted part at once, each in its
    own transaction. Raises ``LeaseLost`` as soon as another run has taken the claim over."""

    def __init__(self, db: Database, progress: Progress, now: Callable[[], datetime]) -> None:
        self._db, self._p, self._now = db, progress, now

    def _set(self, **values: object) -> None:
        with self._db.transaction() as s:
            held = claim_store.update_claim(
                session=s,
                team_id=self._p.team_id,
                claim_id=self._p.claim_id,
                attempt=self._p.attempt,
                claimed_at=self._now(),  # every write renews the lease
                **values,
            )
        if not held:
            raise LeaseLost(f"claim {self._p.claim_id}: attempt {self._p.attempt} lost it")

    def hold(self) -> None:
        """Call right before posting a part: renews the lease, or raises ``LeaseLost``."""
        self._set()

    def message_posted(self, ts: str) -> None:
        self._set(message_ts=ts)

    def file_uploaded(self, file_id: str) -> None:
        self._set(file_id=file_id)


def claim(
    db: Database,
    *,
    team_id: str,
    kind: str,
    target: str,
    slot: datetime,
    now: datetime,
    lease: timedelta = LEASE,
    instance: str = INSTANCE,
) -> Progress | Outcome:
    try:
        with db.transaction() as s:
            row = claim_store.insert_claim(
                session=s,
                team_id=team_id,
                kind=kind,
                target=target,
                slot=slot,
                by=instance,
                now=now,
            )
            return Progress(team_id, row.id, row.attempt)
    except IntegrityError:
        pass  # claimed before: see by whom and how far it got
    with db.transaction() as s:
        row = claim_store.get_claim(session=s, team_id=team_id, kind=kind, target=target, slot=slot)
        if row is None:
            return Outcome.BUSY
        if row.state == claim_store.POSTED:
            return Outcome.ALREADY_POSTED
        if row.state != claim_store.CLAIMED:
            return Outcome.FAILED
        if row.claimed_at > now - lease:
            return Outcome.BUSY
        if row.retry_at is not None and row.retry_at > now:
            return Outcome.WAITING
        held = Progress(team_id, row.id, row.attempt + 1, row.message_ts, row.file_id)
        taken = claim_store.take_over_claim(
            session=s, team_id=team_id, claim_id=row.id, attempt=row.attempt, by=instance, now=now
        )
        return held if taken else Outcome.BUSY


def deliver(
    db: Database,
    *,
    team_id: str,
    kind: str,
    target: str,
    slot: datetime,
    now: Callable[[], datetime],
    send: Callable[[Progress, Recorder], None],
    permanent: Callable[[Exception], bool] = lambda exc: False,
    lease: timedelta = LEASE,
    window: timedelta = RETRY_WINDOW,
) -> Outcome:
    """Claim the slot, post what is left to post, mark it posted. ``permanent(exc)`` says an
    error will not go away by retrying (e.g. the bot was removed from the channel); any
    other error is retried with backoff until ``window`` after the slot is over."""
    started = now()
    got = claim(db, team_id=team_id, kind=kind, target=target, slot=slot, now=started, lease=lease)
    if isinstance(got, Outcome):
        return got
    what = f"{kind} for {team_id}/{target} at {slot.isoformat()}"
    try:
        send(got, Recorder(db, got, now))
    except LeaseLost:
        log.warning("%s: attempt %s lost its claim to another run; stopped", what, got.attempt)
        return Outcome.BUSY
    except Exception as exc:  # recorded on the claim and retried by the sweep, not swallowed
        return _failed(
            db,
            got,
            exc,
            what=what,
            slot=slot,
            started=started,
            now=now,
            permanent=permanent(exc),
            lease=lease,
            window=window,
        )
    with db.transaction() as s:
        done = claim_store.update_claim(
            session=s,
            team_id=team_id,
            claim_id=got.claim_id,
            attempt=got.attempt,
            state=claim_store.POSTED,
            posted_at=now(),
            last_error=None,
            retry_at=None,
        )
    if not done:  # our lease ran out and another run took over: it finishes (posts nothing)
        log.warning("%s: attempt %s lost its claim before marking it posted", what, got.attempt)
        return Outcome.BUSY
    return Outcome.POSTED


def _failed(
    db: Database,
    got: Progress,
    exc: Exception,
    *,
    what: str,
    slot: datetime,
    started: datetime,
    now: Callable[[], datetime],
    permanent: bool,
    lease: timedelta,
    window: timedelta,
) -> Outcome:
    retry_at = (
        None
        if permanent
        else next_attempt(slot=slot, attempt=got.attempt, started=started, window=window)
    )
    with db.transaction() as s:
        held = claim_store.update_claim(
            session=s,
            team_id=got.team_id,
            claim_id=got.claim_id,
            attempt=got.attempt,
            state=claim_store.CLAIMED if retry_at else claim_store.FAILED,
            claimed_at=now() - lease - _SECOND,  # lease released: retry_at says when
            retry_at=retry_at,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
        )
    if not held:
        log.warning("%s: attempt %s failed (%s) after losing its claim", what, got.attempt, exc)
        return Outcome.BUSY
    if retry_at is not None:
        log.warning(
            "%s failed (attempt %s), next attempt at %s: %s",
            what,
            got.attempt,
            retry_at.isoformat(),
            exc,
            exc_info=True,
        )
        return Outcome.RETRYING
    log.error(
        "%s failed (attempt %s), giving up (%s): %s",
        what,
        got.attempt,
        "an error retrying cannot fix" if permanent else f"retry window of {window} over",
        exc,
    )
    return Outcome.GAVE_UP


@dataclass(frozen=True)
class Retry:
    team_id: str
    kind: str
    target: str
    slot: datetime
    last_error: str | None = None


@dataclass
class Sweep:
    due: list[Retry] = field(default_factory=list)  # to attempt now
    closed: list[Retry] = field(default_factory=list)  # given up now (logged as errors)


def due_retries(
    db: Database,
    *,
    kinds: tuple[str, ...],
    now: datetime,
    abandon: tuple[str, ...] = (),
    lease: timedelta = LEASE,
    window: timedelta = RETRY_WINDOW,
    instance: str = INSTANCE,
) -> Sweep:
    """Unfinished claims nobody holds (their run crashed, or its attempt failed). Those of
    ``kinds`` whose ``retry_at`` has come are due; those whose slot is more than ``window``
    ago are closed ``expired``. Those of ``abandon`` (kinds never resumed, e.g. ``/digest
    now``) are closed ``failed``. Each closing is a compare-and-set, logged as an error by the
    one process that wins it, and returned."""
    with db.read() as s:
        rows = claim_store.list_unfinished_claims_all_teams(
            session=s, kinds=kinds + abandon, claimed_before=now - lease
        )
    sweep = Sweep()
    for row in rows:
        retry = Retry(row.team_id, row.kind, row.target, row.slot, row.last_error)
        if row.kind in abandon:
            why = "its run stopped before finishing and it is not resumed"
            state = claim_store.FAILED
        elif now - row.slot > window:
            why = f"not posted within the retry window of {window}"
            state = claim_store.EXPIRED
        else:
            if row.retry_at is None or row.retry_at <= now:
                sweep.due.append(retry)
            continue
        if _close(db, row, state=state, now=now, instance=instance):
            log.error(
                "%s for %s/%s at %s was never posted: %s; marked %s (attempts: %s; last error: %s)",
                row.kind,
                row.team_id,
                row.target,
                row.slot.isoformat(),
                why,
                state,
                row.attempt,
                row.last_error,
            )
            sweep.closed.append(retry)
    return sweep


def _close(db: Database, row: DeliveryClaim, *, state: str, now: datetime, instance: str) -> bool:
    """Close an unfinished claim: take it over (so a stalled run that wakes up finds its
    claim gone and stops), then set its final state. ``False``: another process did."""
    with db.transaction() as s:
        if not claim_store.take_over_claim(
            session=s,
            team_id=row.team_id,
            claim_id=row.id,
            attempt=row.attempt,
            by=instance,
            now=now,
        ):
            return False
        claim_store.update_claim(
            session=s,
            team_id=row.team_id,
            claim_id=row.id,
            attempt=row.attempt + 1,
            state=state,
            retry_at=None,
            last_error=row.last_error,
        )
    return True
