"""Exactly-once delivery of scheduled posts (digests, reminders) through database claims.

1. **Claim**: insert ``(team_id, kind, target, slot)``; the unique constraint lets one
   process — of several copies of the app, or a retry — win. The others see the row: if it
   is ``posted`` there is nothing to do; if another run holds it (its lease of ``LEASE`` has
   not run out) they leave it; if an earlier attempt failed or was rescheduled and its
   ``retry_at`` has not come, they leave it too; otherwise (the holder crashed, or its retry
   is due) one of them takes it over with a compare-and-set on the attempt number.
2. **Post**: the Slack side (``send``, injected: the domain never imports Slack) does the
   steps not done yet. Before each it calls ``Recorder.hold()`` (renews the lease) — or, right
   before a post whose outcome could be lost, ``Recorder.posting()``, which also marks the
   claim "post sent" — and after it records what it got (``file_id``, then ``message_ts``,
   which clears the mark). Each of these is a compare-and-set on the attempt number: when one
   fails another run has taken the claim over, ``LeaseLost`` is raised and this run stops at
   once — it posts nothing more and never marks the claim. A claim still marked "post sent"
   with no ``message_ts`` is a post whose outcome is unknown (Slack answered after the
   client's timeout, or the process died): the next run looks for it before posting again.
3. **Done**: ``claimed → posted``. A step that must wait a known time (Slack's 429
   Retry-After, a post's unknown outcome to look up) raises ``Reschedule``: the claim keeps
   its state with ``retry_at`` = then, and ``later(at)`` is asked to run it again at that time
   (the sweep is the fallback) — no worker thread sleeps it out. On an error that retrying
   may fix the claim stays ``claimed`` with the error, its lease released and ``retry_at`` set
   by exponential backoff on the number of failed attempts (``backoff``: 2, 4, 8, 16, 32
   minutes, then hourly, counted from the start of the failed attempt); the recovery sweep
   (``due_retries``) retries it from then on, until ``RETRY_WINDOW`` after the slot. Then,
   or at once on a permanent error, the claim is ``failed`` (or ``expired`` when the sweep
   finds it past the window) and an error is logged: never a silent skip.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from storage import claims as claim_store
from storage.claims import ClaimKey
from storage.db import Database
from storage.models_digest import DeliveryClaim

log = logging.getLogger("salespath.delivery")

LEASE = timedelta(minutes=5)  # a run holding a claim longer than this is presumed dead
RETRY_WINDOW = timedelta(hours=6)  # no attempt starts later than this after the slot
FIRST_BACKOFF = timedelta(minutes=2)  # the wait after a first failed attempt; then doubled
MAX_BACKOFF = timedelta(hours=1)  # … up to this
_SECOND = timedelta(seconds=1)
INSTANCE = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
T = TypeVar("T")


class Outcome(StrEnum):
    POSTED = "posted"  # this run posted it
    ALREADY_POSTED = "already_posted"  # posted before: nothing to do
    BUSY = "busy"  # another run holds the claim (or took it over from this run mid-post)
    WAITING = "waiting"  # an earlier attempt failed or waits; its retry is not due yet
    RESCHEDULED = "rescheduled"  # a step must wait (Retry-After, an unknown outcome): later
    RETRYING = "retrying"  # this attempt failed; the sweep retries it after the backoff
    GAVE_UP = "gave_up"  # this attempt failed for good (permanent error, or window over)
    FAILED = "failed"  # given up before: nothing to do


class LeaseLost(Exception):
    """Another run took the claim over (this one's lease ran out): stop posting."""


class Reschedule(Exception):
    """Not a failure: this step is to be done again at ``at`` — Slack said when (429
    Retry-After), or a post's outcome is unknown and is to be looked up then."""

    def __init__(self, at: datetime, why: str) -> None:
        super().__init__(why)
        self.at, self.why = at, why


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1, 2, …): 2, 4, 8, 16, 32 minutes,
    then an hour each time."""
    return min(FIRST_BACKOFF * 2 ** min(max(attempt, 1) - 1, 16), MAX_BACKOFF)


def next_attempt(
    *, slot: datetime, failures: int, started: datetime, window: timedelta = RETRY_WINDOW
) -> datetime | None:
    """When the next attempt may start after failed attempt number ``failures`` (begun at
    ``started``) failed with an error that retrying may fix: ``backoff(failures)`` after
    ``started``, but no later than the end of the retry window; ``None`` when the window is
    over (give up)."""
    deadline = slot + window
    if started >= deadline:
        return None
    return min(started + backoff(failures), deadline)


@dataclass(frozen=True)
class Progress:
    """The claim this run holds, and what earlier attempts already posted."""

    team_id: str
    claim_id: int
    attempt: int
    message_ts: str | None = None
    file_id: str | None = None
    post_started_at: datetime | None = None  # a post was sent and its outcome is unknown
    failures: int = 0
    payload: dict | None = None

    @property
    def outcome_unknown(self) -> bool:
        """A post was sent and nobody learnt what became of it: look for it first."""
        return self.message_ts is None and self.post_started_at is not None


def _update(db: Database, got: Progress, **values: object) -> bool:
    """Change the claim ``got`` holds, in its own transaction; ``False`` when another
    attempt has taken it over."""
    with db.transaction() as s:
        return claim_store.update_claim(
            session=s,
            team_id=got.team_id,
            claim_id=got.claim_id,
            attempt=got.attempt,
            **values,
        )


class Recorder:
    """Keeps this run's hold on its claim and records each posted part at once, each in its
    own transaction. Raises ``LeaseLost`` as soon as another run has taken the claim over."""

    def __init__(self, db: Database, progress: Progress, now: Callable[[], datetime]) -> None:
        self._db, self._p, self._now = db, progress, now
        self.done = False  # the last step was recorded with the claim marked posted

    def _set(self, **values: object) -> None:
        held = _update(self._db, self._p, claimed_at=self._now(), **values)  # renews the lease
        if not held:
            raise LeaseLost(f"claim {self._p.claim_id}: attempt {self._p.attempt} lost it")

    def hold(self) -> None:
        """Call right before posting a part: renews the lease, or raises ``LeaseLost``."""
        self._set()

    def posting(self, at: datetime, *, file_id: str | None = None) -> None:
        """Call right before sending a post whose outcome could be lost (a timeout, a crash):
        renews the lease and marks the claim "post sent at ``at``" (wall-clock time: the
        window to look for it in) — with the ``file_id`` it shows, in the same write — or
        raises ``LeaseLost``."""
        self._set(post_started_at=at, **({"file_id": file_id} if file_id else {}))

    def not_posted(self) -> None:
        """Slack answered that the post was refused: nothing to look for."""
        self._set(post_started_at=None)

    def message_posted(self, ts: str) -> None:
        """The message is the last step: record its ``ts`` and mark the claim posted, in
        one write (a fan-out to hundreds of channels counts its writes)."""
        self._set(
            message_ts=ts,
            post_started_at=None,
            state=claim_store.POSTED,
            posted_at=self._now(),
            last_error=None,
            retry_at=None,
        )
        self.done = True

    def file_uploaded(self, file_id: str) -> None:
        self._set(file_id=file_id)


def _insert(
    db: Database,
    key: ClaimKey,
    *,
    by: str,
    now: datetime,
    payload: dict | None = None,
    failed: str | None = None,
) -> DeliveryClaim | None:
    """Insert the claim of ``key``, held by ``by`` — or, with ``failed`` (the reason),
    written as failed at once; ``None`` when that slot has a claim already."""
    try:
        with db.transaction() as s:
            row = claim_store.insert_claim(
                session=s, **key._asdict(), by=by, now=now, payload=payload
            )
            if failed is not None:
                row.state, row.last_error = claim_store.FAILED, failed[:500]
                s.add(row)
    except IntegrityError:
        return None
    return row


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
    payload: dict | None = None,
) -> Progress | Outcome:
    key = ClaimKey(team_id, kind, target, slot)
    row = _insert(db, key, by=instance, now=now, payload=payload)
    if row is not None:
        return Progress(team_id, row.id, row.attempt, payload=payload)
    # claimed before: see by whom and how far it got
    with db.transaction() as s:
        row = claim_store.get_claim(session=s, **key._asdict())
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
        held = Progress(
            team_id,
            row.id,
            row.attempt + 1,
            row.message_ts,
            row.file_id,
            row.post_started_at,
            row.failures,
            row.payload,
        )
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
    payload: dict | None = None,
    later: Callable[[datetime], object] | None = None,
) -> Outcome:
    """Claim the slot, do what is left to do, mark it posted. ``permanent(exc)`` says an
    error will not go away by retrying (e.g. the bot was removed from the channel); any
    other error is retried with backoff until ``window`` after the slot is over. A step that
    raises ``Reschedule`` is done again at its time: ``later(at)`` is asked to run it then
    (and the sweep would). ``payload`` is kept on a new claim for whoever resumes it."""
    started = now()
    got = claim(
        db,
        team_id=team_id,
        kind=kind,
        target=target,
        slot=slot,
        now=started,
        lease=lease,
        payload=payload,
    )
    if isinstance(got, Outcome):
        return got
    what = f"{kind} for {team_id}/{target} at {slot.isoformat()}"
    record = Recorder(db, got, now)
    try:
        send(got, record)
    except LeaseLost:
        log.warning("%s: attempt %s lost its claim to another run; stopped", what, got.attempt)
        return Outcome.BUSY
    except Reschedule as wait:
        return _rescheduled(db, got, wait, what=what, now=now, lease=lease, later=later)
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
    return Outcome.POSTED if record.done else _posted(db, got, what=what, now=now)


def _posted(db: Database, got: Progress, *, what: str, now: Callable[[], datetime]) -> Outcome:
    done = _update(
        db,
        got,
        state=claim_store.POSTED,
        posted_at=now(),
        last_error=None,
        retry_at=None,
    )
    if not done:  # our lease ran out and another run took over: it finishes (posts nothing)
        log.warning("%s: attempt %s lost its claim before marking it posted", what, got.attempt)
        return Outcome.BUSY
    return Outcome.POSTED


def _rescheduled(
    db: Database,
    got: Progress,
    wait: Reschedule,
    *,
    what: str,
    now: Callable[[], datetime],
    lease: timedelta,
    later: Callable[[datetime], object] | None,
) -> Outcome:
    """Release the claim until ``wait.at`` (not a failure: no backoff, no error)."""
    held = _update(
        db,
        got,
        claimed_at=now() - lease - _SECOND,
        retry_at=wait.at,
        last_error=f"waiting: {wait.why}"[:500],
    )
    if not held:
        return Outcome.BUSY
    log.info("%s: %s; again at %s", what, wait.why, wait.at.isoformat())
    if later is not None:
        later(wait.at)
    return Outcome.RESCHEDULED


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
    failures = got.failures + 1
    retry_at = (
        None
        if permanent
        else next_attempt(slot=slot, failures=failures, started=started, window=window)
    )
    held = _update(
        db,
        got,
        state=claim_store.CLAIMED if retry_at else claim_store.FAILED,
        claimed_at=now() - lease - _SECOND,  # lease released: retry_at says when
        retry_at=retry_at,
        failures=failures,
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
    payload: dict | None = None


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
    windows: dict[str, timedelta] | None = None,
    instance: str = INSTANCE,
) -> Sweep:
    """Unfinished claims nobody holds (their run crashed, or its attempt failed or waits).
    Those of ``kinds`` whose ``retry_at`` has come are due; those whose slot is more than
    their kind's window (``windows``, else ``window``) ago are closed ``expired``. Those of
    ``abandon`` (kinds never resumed) are closed ``failed``. Each closing is a
    compare-and-set, logged as an error by the one process that wins it, and returned."""
    with db.read() as s:
        rows = claim_store.list_unfinished_claims_all_teams(
            session=s, kinds=kinds + abandon, claimed_before=now - lease
        )
    sweep = Sweep()
    for row in rows:
        retry = Retry(row.team_id, row.kind, row.target, row.slot, row.last_error, row.payload)
        kind_window = (windows or {}).get(row.kind, window)
        if row.kind in abandon:
            why = "its run stopped before finishing and it is not resumed"
            state = claim_store.FAILED
        elif now - row.slot > kind_window:
            why = f"not posted within the retry window of {kind_window}"
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


class Shared:
    """What is built once per slot and shared by every target due then (fan-out): each
    distinct digest, its chart and its upload. ``get(key, build)`` builds on the first call
    for ``key`` — concurrent callers for the same key wait for that one build instead of
    building it again — and hands the same object to every call within ``ttl``. A build that
    raises is not kept. Per process, bounded (``size``, oldest dropped first); written here
    because it is a dozen lines on ``threading`` that no library offers in this shape
    (``functools.lru_cache`` neither expires nor stops a concurrent second build)."""

    def __init__(
        self, *, ttl: float = 15 * 60, size: int = 256, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl, self.size, self._clock = ttl, size, clock
        self._lock = threading.Lock()
        self._keys: dict[object, threading.Lock] = {}
        self._done: dict[object, tuple[float, object]] = {}
        self.builds = 0  # how many builds ran (for tests and logs)

    def get(self, key: object, build: Callable[[], T]) -> T:
        with self._lock:
            key_lock = self._keys.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                hit = self._done.get(key)
                if hit is not None and hit[0] > self._clock():
                    return hit[1]  # type: ignore[return-value]
            value = build()
            with self._lock:
                self.builds += 1
                self._done[key] = (self._clock() + self.ttl, value)
                while len(self._done) > self.size:
                    oldest = next(iter(self._done))
                    self._done.pop(oldest)
                    self._keys.pop(oldest, None)
            return value


def record_missed(
    db: Database,
    *,
    team_id: str,
    kind: str,
    target: str,
    slot: datetime,
    why: str,
    now: datetime,
    instance: str = INSTANCE,
) -> bool:
    """Write a slot that was never attempted (the database was down at its time and came
    back too late) as ``failed``, once: ``False`` when the slot has a claim already."""
    key = ClaimKey(team_id, kind, target, slot)
    return _insert(db, key, by=instance, now=now, failed=why) is not None
