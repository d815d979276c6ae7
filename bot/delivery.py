"""Exactly-once delivery of scheduled posts (digests, reminders) through database claims.

1. **Claim**: insert ``(team_id, kind, target, slot)``; the unique constraint lets one
   process — of several copies of the app, or a retry — win. The others see the row: if it
   is ``posted`` there is nothing to do; if another run holds it (its lease of ``LEASE`` has
   not run out) they leave it; if the lease ran out (the holder crashed or failed), one of
   them takes it over with a compare-and-set on the attempt number.
2. **Post**: the Slack side (``send``, injected: the domain never imports Slack) posts the
   parts not posted yet, recording each as soon as Slack answers (``message_ts``,
   ``file_id``), so a run that resumes a crashed one never posts a part twice.
3. **Done**: ``claimed → posted``. On an error the claim stays ``claimed`` with the error and
   its lease released, and the recovery sweep retries it (every ``RECOVER_EVERY``) until it
   is posted, ``MAX_ATTEMPTS`` attempts failed, or the slot is older than ``RETRY_WINDOW``
   (then ``failed`` / ``expired``, logged as an error: never a silent skip).

Slack's 429 (Retry-After) and 5xx answers are retried inside one attempt by the client's
retry handlers (``bot.app.make_client``). The one window left: Slack accepts a message and
the process dies before recording its ``ts`` — the resumed run posts it again. Slack offers
no idempotency key for ``chat.postMessage`` to close it.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from storage import digests as store
from storage.db import Database

log = logging.getLogger("salespath.delivery")

LEASE = timedelta(minutes=5)  # a run holding a claim longer than this is presumed dead
MAX_ATTEMPTS = 5
RETRY_WINDOW = timedelta(hours=6)  # a scheduled post later than this is dropped (expired)
_SECOND = timedelta(seconds=1)
INSTANCE = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Outcome(StrEnum):
    POSTED = "posted"  # this run posted it
    ALREADY_POSTED = "already_posted"  # posted before: nothing to do
    BUSY = "busy"  # another run holds the claim
    RETRYING = "retrying"  # this attempt failed; the sweep retries it
    GAVE_UP = "gave_up"  # this attempt failed for good (permanent error, or too many)
    FAILED = "failed"  # given up before: nothing to do


@dataclass(frozen=True)
class Progress:
    """The claim this run holds, and what earlier attempts already posted."""

    team_id: str
    claim_id: int
    attempt: int
    message_ts: str | None = None
    file_id: str | None = None


class Recorder:
    """Records each posted part at once, in its own transaction."""

    def __init__(self, db: Database, progress: Progress) -> None:
        self._db, self._p = db, progress

    def _set(self, **values: object) -> None:
        with self._db.transaction() as s:
            store.update_claim(
                session=s,
                team_id=self._p.team_id,
                claim_id=self._p.claim_id,
                attempt=self._p.attempt,
                **values,
            )

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
            row = store.insert_claim(
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
        row = store.get_claim(session=s, team_id=team_id, kind=kind, target=target, slot=slot)
        if row is None:
            return Outcome.BUSY
        if row.state == store.POSTED:
            return Outcome.ALREADY_POSTED
        if row.state != store.CLAIMED:
            return Outcome.FAILED
        if row.claimed_at > now - lease:
            return Outcome.BUSY
        held = Progress(team_id, row.id, row.attempt + 1, row.message_ts, row.file_id)
        taken = store.take_over_claim(
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
    max_attempts: int = MAX_ATTEMPTS,
) -> Outcome:
    """Claim the slot, post what is left to post, mark it posted. ``permanent(exc)`` says an
    error will not go away by retrying (e.g. the bot was removed from the channel)."""
    got = claim(db, team_id=team_id, kind=kind, target=target, slot=slot, now=now(), lease=lease)
    if isinstance(got, Outcome):
        return got
    try:
        send(got, Recorder(db, got))
    except Exception as exc:  # recorded on the claim and retried by the sweep, not swallowed
        give_up = permanent(exc) or got.attempt >= max_attempts
        log.error(
            "%s for %s/%s at %s failed (attempt %s%s): %s",
            kind,
            team_id,
            target,
            slot.isoformat(),
            got.attempt,
            ", giving up" if give_up else ", will retry",
            exc,
            exc_info=not give_up,
        )
        with db.transaction() as s:
            store.update_claim(
                session=s,
                team_id=team_id,
                claim_id=got.claim_id,
                attempt=got.attempt,
                state=store.FAILED if give_up else store.CLAIMED,
                claimed_at=now() - lease - _SECOND,  # released: the next sweep retries it
                last_error=f"{type(exc).__name__}: {exc}"[:500],
            )
        return Outcome.GAVE_UP if give_up else Outcome.RETRYING
    with db.transaction() as s:
        done = store.update_claim(
            session=s,
            team_id=team_id,
            claim_id=got.claim_id,
            attempt=got.attempt,
            state=store.POSTED,
            posted_at=now(),
            last_error=None,
        )
    if not done:  # our lease ran out mid-run and another run took the claim over
        log.warning("%s for %s/%s at %s: lease lost while posting", kind, team_id, target, slot)
    return Outcome.POSTED


@dataclass(frozen=True)
class Retry:
    team_id: str
    kind: str
    target: str
    slot: datetime


def due_retries(
    db: Database,
    *,
    kinds: tuple[str, ...],
    now: datetime,
    lease: timedelta = LEASE,
    window: timedelta = RETRY_WINDOW,
) -> list[Retry]:
    """Unfinished claims to finish now (crashed or failed runs). Those older than ``window``
    are marked ``expired`` and logged as errors instead."""
    retries: list[Retry] = []
    with db.transaction() as s:
        for row in store.list_unfinished_claims_all_teams(
            session=s, kinds=kinds, claimed_before=now - lease
        ):
            if now - row.slot > window:
                store.update_claim(
                    session=s,
                    team_id=row.team_id,
                    claim_id=row.id,
                    attempt=row.attempt,
                    state=store.EXPIRED,
                )
                log.error(
                    "%s for %s/%s at %s was never posted (gave up after %s; last error: %s)",
                    row.kind,
                    row.team_id,
                    row.target,
                    row.slot.isoformat(),
                    window,
                    row.last_error,
                )
                continue
            retries.append(Retry(row.team_id, row.kind, row.target, row.slot))
    return retries
