"""APScheduler wiring: one cron job per digest subscription, the reminder sweep, the retry
sweep, and a sync job that follows subscription changes made by other app processes.

* Subscriptions live in the database; ``start()`` builds the jobs from them, ``upsert()`` /
  ``remove()`` change one job at once when this process changes a subscription, and
  ``sync()`` (every ``SYNC_EVERY``) picks up changes made by other processes. No restart.
* Each digest job is a ``CronTrigger`` in the subscription's IANA timezone: APScheduler
  handles daylight saving. ``coalesce=True`` and ``max_instances=1``: several missed runs
  become one.
* **Grace window** (``GRACE``, 3 hours): a digest whose time passed while the app was down
  runs once on start if it is at most ``GRACE`` late (APScheduler's ``misfire_grace_time``
  applied to the slot it missed); later than that it is skipped until its next time. The
  reminder sweep uses the same window for each rep's 09:00.
* **Daylight saving.** A local time skipped when clocks go forward fires once, at the
  instant APScheduler picks. A local time that happens twice when clocks go back (01:30 in
  New York on the first Sunday of November: 05:30 and 06:30 UTC) is *one* slot, the first
  occurrence: ``slots()`` leaves the second out, so when APScheduler fires again at the
  second one the job works out the first one's slot, whose claim is already taken.
  Slots are computed stepping in UTC (stepping in local time loops for ever there).
* Running a job never posts twice: the job only works out *which slot* it is for and hands
  it to the injected callable, which claims that slot in the database (``bot.usecases.delivery``).
  Several processes may run the same job; one posts.
* A digest missed by more than the grace window (the app was down) is never silent: the
  job, or the start-up catch-up, logs a warning naming the workspace, channel and slot.
* **The database down at a slot**: the job cannot even claim it. The slot is kept (in this
  process) and tried again every ``PENDING_EVERY`` until the database answers: then it is
  posted once, if still within the retry window (``RETRY_WINDOW``), or recorded as missed
  and the subscriber told (``on_missed``). An error is logged when it first fails.
* ``later()`` runs a step a delivery rescheduled (Slack's Retry-After) at its time, once,
  in this process; the retry sweep is the fallback when the process is gone by then.

The callables are injected (``on_digest``, ``on_reminders``, ``on_retries``,
``on_missed``): this module never imports Slack.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.core.slots import GRACE, catch_up_slot, last_slot, slots, trigger_for, upcoming_slot  # noqa: F401
from bot.usecases.delivery import RETRY_WINDOW
from storage import claims as claim_store
from storage import digests as store
from storage.db import Database

log = logging.getLogger("salespath.scheduler")

SYNC_EVERY = timedelta(seconds=60)
RECOVER_EVERY = timedelta(minutes=2)
PURGE_EVERY = timedelta(hours=1)  # uninstalled workspaces' data, past the grace period
PENDING_EVERY = timedelta(seconds=30)  # slots the database was down for: tried again this often
#: the database not answering (refused, dropped, timed out), as SQLAlchemy raises it
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)
#: Reps' reminders are due at 09:00 in their own timezone; every zone's offset is a
#: multiple of 15 minutes, so a sweep at :00, :15, :30 and :45 UTC is on time everywhere.
REMINDER_SWEEP = {"minute": "0,15,30,45", "second": 5}
DIGEST = "digest"  # the claim kind of a scheduled digest (``bot.usecases.delivery``)


@dataclass(frozen=True)
class DigestJob:
    team_id: str
    channel_id: str
    at: str
    tz: str
    weekdays: str
    #: when the subscription last changed: a slot before that was not missed
    since: datetime | None = field(default=None, compare=False)

    @property
    def job_id(self) -> str:
        return job_id(self.team_id, self.channel_id)

    def trigger(self) -> CronTrigger:
        return trigger_for(self.at, self.tz, self.weekdays)


def job_id(team_id: str, channel_id: str) -> str:
    return f"digest:{team_id}:{channel_id}"


def _job_of(sub) -> DigestJob:
    return DigestJob(sub.team_id, sub.channel_id, sub.at, sub.tz, sub.weekdays, sub.updated_at)


class Scheduler:
    """A ``BackgroundScheduler`` kept in step with the subscriptions in the database."""

    def __init__(
        self,
        *,
        db: Database,
        now: Callable[[], datetime],
        on_digest: Callable[[str, str, datetime], object],
        on_reminders: Callable[[], object] | None = None,
        on_retries: Callable[[], object] | None = None,
        on_purge: Callable[[], object] | None = None,
        on_missed: Callable[[str, str, datetime, str], object] | None = None,
        grace: timedelta = GRACE,
        window: timedelta = RETRY_WINDOW,
    ) -> None:
        self._db, self._now = db, now
        self._on_digest, self._on_reminders, self._on_retries = on_digest, on_reminders, on_retries
        self._on_purge = on_purge
        self.grace = grace
        self._on_missed = on_missed
        self.grace, self.window = grace, window
        self._jobs: dict[str, DigestJob] = {}
        self._pending: dict[tuple[str, str, datetime], str] = {}  # slot → why it waits
        self._lock = threading.RLock()
        self._aps = BackgroundScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(grace.total_seconds()),
            },
        )

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Build the jobs from the database (catching up on slots missed within the grace
        window), add the sweeps, start the background thread."""
        self.sync(catch_up=True)
        now = self._now()
        self._aps.add_job(
            _quiet_when_down(self.sync, "following the subscriptions"),
            IntervalTrigger(seconds=SYNC_EVERY.total_seconds()),
            id="sync",
            replace_existing=True,
        )
        self._aps.add_job(
            self.retry_pending,
            IntervalTrigger(seconds=PENDING_EVERY.total_seconds()),
            id="pending",
            replace_existing=True,
        )
        if self._on_reminders is not None:
            self._aps.add_job(
                _quiet_when_down(self._on_reminders, "reminders"),
                CronTrigger(timezone=UTC, **REMINDER_SWEEP),
                id="reminders",
                next_run_time=now,  # catch up on a 09:00 missed while the app was down
                replace_existing=True,
            )
        if self._on_retries is not None:
            self._aps.add_job(
                _quiet_when_down(self._on_retries, "the retry sweep"),
                IntervalTrigger(seconds=RECOVER_EVERY.total_seconds()),
                id="retries",
                next_run_time=now,
                replace_existing=True,
            )
        if self._on_purge is not None:
            self._aps.add_job(
                self._on_purge,
                IntervalTrigger(seconds=PURGE_EVERY.total_seconds()),
                id="purge",
                next_run_time=now,
                replace_existing=True,
            )
        self._aps.start()
        log.info("scheduler started with %d digest job(s)", len(self._jobs))

    def shutdown(self, *, wait: bool = True) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=wait)

    @property
    def running(self) -> bool:
        return self._aps.running

    def later(self, at: datetime, fn: Callable, *, args: tuple, key: str) -> None:
        """Run ``fn(*args)`` once at ``at`` (a step rescheduled by a delivery: Retry-After)."""
        self._aps.add_job(fn, DateTrigger(run_date=at), args=args, id=key, replace_existing=True)

    def pending(self) -> set[tuple[str, str, datetime]]:
        """Slots waiting for the database to answer again."""
        with self._lock:
            return set(self._pending)

    # --- jobs ---------------------------------------------------------------------------

    def sync(self, *, catch_up: bool = False) -> None:
        """Make the digest jobs match the active subscriptions in the database."""
        with self._db.read() as s:
            wanted = {
                j.job_id: j for j in map(_job_of, store.list_subscriptions_all_teams(session=s))
            }
        with self._lock:
            for gone in set(self._jobs) - set(wanted):
                self._remove(gone)
            for key, job in wanted.items():
                if self._jobs.get(key) != job:
                    self._add(job, catch_up=catch_up)

    def upsert(self, sub) -> None:
        """A subscription was created or changed in this process: (re)schedule it now."""
        with self._lock:
            job = _job_of(sub)
            if not sub.active:
                self._remove(job.job_id)
            elif self._jobs.get(job.job_id) != job:
                self._add(job, catch_up=False)

    def remove(self, team_id: str, channel_id: str) -> None:
        with self._lock:
            self._remove(job_id(team_id, channel_id))

    def next_run(self, team_id: str, channel_id: str) -> datetime | None:
        job = self._jobs.get(job_id(team_id, channel_id))
        return upcoming_slot(job.trigger(), self._now()) if job else None

    def job_ids(self) -> set[str]:
        return set(self._jobs)

    def jobs(self) -> list[DigestJob]:
        return list(self._jobs.values())

    def run_now(self) -> None:
        """Every digest job, then the reminder and retry sweeps, run at once the way their
        triggers run them (each works out its own slot from the clock): the playground's
        "run the scheduled jobs" button."""
        for job in self.jobs():
            self._fire(job.team_id, job.channel_id)
        if self._on_reminders is not None:
            self._on_reminders()
        if self._on_retries is not None:
            self._on_retries()

    def _add(self, job: DigestJob, *, catch_up: bool) -> None:
        trigger = job.trigger()
        kwargs = {}
        if catch_up:
            now = self._now()
            missed = last_slot(trigger, now)
            if missed is not None and job.since is not None and missed < job.since:
                missed = None  # a slot from before the subscription (or its last change)
            if missed is not None and now - missed <= self.grace:
                kwargs["next_run_time"] = missed  # late, within misfire_grace_time: runs once
            elif missed is not None and not self._handled(job, missed):
                self._warn_missed(job, missed, now)
        self._aps.add_job(
            self._fire,
            trigger,
            args=(job.team_id, job.channel_id),
            id=job.job_id,
            name=f"digest {job.team_id}/{job.channel_id} {job.at} {job.tz} {job.weekdays}",
            replace_existing=True,
            **kwargs,
        )
        self._jobs[job.job_id] = job

    def _remove(self, key: str) -> None:
        self._jobs.pop(key, None)
        if self._aps.get_job(key) is not None:
            self._aps.remove_job(key)

    def _fire(self, team_id: str, channel_id: str) -> None:
        """The job: work out the slot it runs for (the latest slot, which is the fire time
        APScheduler scheduled even when it runs late — or, when it fires the second time at
        a repeated local time, the first one's) and hand it on; a slot later than the grace
        window is logged instead."""
        job = self._jobs.get(job_id(team_id, channel_id))
        if job is None:
            return
        now = self._now()
        slot = last_slot(job.trigger(), now)  # at a repeated local time: the first one's
        if slot is None:
            return
        if now - slot > self.grace:
            if not self._handled(job, slot):
                self._warn_missed(job, slot, now)
            return
        self._run(team_id, channel_id, slot)

    def _run(self, team_id: str, channel_id: str, slot: datetime) -> bool:
        """Hand the slot on; ``False`` when the database did not answer (kept for later)."""
        key = (team_id, channel_id, slot)
        try:
            self._on_digest(team_id, channel_id, slot)
        except DATABASE_DOWN as exc:
            with self._lock:
                first = key not in self._pending
                self._pending[key] = _gist(exc)
            if first:
                log.error(
                    "digest for %s/%s at %s: the database is not answering (%s); it is posted "
                    "as soon as it answers again (within %s of the slot)",
                    team_id,
                    channel_id,
                    slot.isoformat(),
                    _gist(exc),
                    self.window,
                )
            return False
        with self._lock:
            self._pending.pop(key, None)
        return True

    def retry_pending(self) -> None:
        """Slots the database was down for: run each once it answers again, or — past the
        retry window — record it as missed and tell the subscriber (``on_missed``)."""
        now = self._now()
        for team_id, channel_id, slot in sorted(self.pending(), key=lambda k: k[2]):
            if now - slot <= self.window:
                if not self._run(team_id, channel_id, slot):
                    return  # still down: the others wait for the next round
                log.info(
                    "digest for %s/%s at %s: the database answers again", team_id, channel_id, slot
                )
                continue
            with self._lock:
                why = self._pending.get((team_id, channel_id, slot), "")
            try:
                if self._on_missed is not None:
                    self._on_missed(
                        team_id, channel_id, slot, f"the database was not answering ({why})"
                    )
            except DATABASE_DOWN:
                return
            with self._lock:
                self._pending.pop((team_id, channel_id, slot), None)

    def _handled(self, job: DigestJob, slot: datetime) -> bool:
        """The slot was claimed (posted, or given up and logged), or came before the
        subscription (or its last change): not missed."""
        if job.since is not None and slot < job.since:
            return True
        with self._db.read() as s:
            claimed = claim_store.get_claim(
                session=s, team_id=job.team_id, kind=DIGEST, target=job.channel_id, slot=slot
            )
        return claimed is not None

    def _warn_missed(self, job: DigestJob, slot: datetime, now: datetime) -> None:
        log.warning(
            "digest for %s/%s at %s was missed (%s late, more than the grace window of %s): "
            "skipped; the next one is at %s",
            job.team_id,
            job.channel_id,
            slot.isoformat(),
            now - slot,
            self.grace,
            (upcoming_slot(job.trigger(), now) or "never"),
        )


def _gist(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


def _quiet_when_down(fn: Callable[[], object], what: str) -> Callable[[], None]:
    """A periodic job that logs one line, not a traceback, while the database is down (it
    runs again at its next time)."""

    def run() -> None:
        try:
            fn()
        except DATABASE_DOWN as exc:
            log.warning("%s skipped: the database is not answering (%s)", what, _gist(exc))

    return run
