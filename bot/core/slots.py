"""When digests and reminders are due: reading ``/digest here`` text into a schedule, and the
scheduled *slots* (fire times, UTC) of a schedule.

Slots come from APScheduler's ``CronTrigger`` with the schedule's IANA timezone, so the
scheduler and the exactly-once claims agree on every slot, daylight saving included (a
local time skipped by a DST jump fires once, at the same instant APScheduler fires it).
Plain Python; no Slack.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from apscheduler.triggers.cron import CronTrigger

from bot.core.errors import InvalidInput
from bot.core.i18n import LANGUAGE_WORDS, N_

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS = DAYS[:5]
DEFAULT_AT = "09:00"

_DAY_WORDS = {
    "mon": ("mon", "monday", "sen", "senin"),
    "tue": ("tue", "tues", "tuesday", "sel", "selasa"),
    "wed": ("wed", "wednesday", "rab", "rabu"),
    "thu": ("thu", "thur", "thurs", "thursday", "kam", "kamis"),
    "fri": ("fri", "friday", "jum", "jumat", "jum'at"),
    "sat": ("sat", "saturday", "sab", "sabtu"),
    "sun": ("sun", "sunday", "min", "minggu", "ahad"),
}
DAY_BY_WORD = {w: day for day, words in _DAY_WORDS.items() for w in words}
DAY_SETS = {
    "weekdays": WORKDAYS,
    "weekday": WORKDAYS,
    "workdays": WORKDAYS,
    "kerja": WORKDAYS,
    "daily": DAYS,
    "everyday": DAYS,
    "setiap": DAYS,
    "tiap": DAYS,
    "weekend": ("sat", "sun"),
    "weekends": ("sat", "sun"),
    "harian": DAYS,
}
FILLER = {"every", "day", "days", "hari", "at", "pukul", "jam", "on"}
TZ_ALIASES = {
    "wib": "Asia/Jakarta",
    "wita": "Asia/Makassar",
    "wit": "Asia/Jayapura",
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "sgt": "Asia/Singapore",
    "myt": "Asia/Kuala_Lumpur",
}

# Indonesian parts of the day after an hour: "jam 9 pagi", "3 sore", "8 malam".
_DAYPART_RE = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(pagi|siang|sore|malam)\b", re.I)
# Phrases of several words that mean one set of days.
_DAY_PHRASES = (
    (re.compile(r"\b(?:every|each)\s+day\b", re.I), "daily"),
    (re.compile(r"\b(?:setiap|tiap)\s+hari\s+kerja\b", re.I), "kerja"),
    (re.compile(r"\bakhir\s+(?:pekan|minggu)\b", re.I), "weekend"),
)
_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.I)
_MENTION_RE = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_OFFSET_RE = re.compile(r"^(?:utc|gmt)?\s*[+-]\d{1,2}(?::?\d{2})?$", re.I)


@dataclass(frozen=True)
class Schedule:
    at: str  # "HH:MM" local time
    tz: str  # IANA name
    weekdays: tuple[str, ...]  # cron day names in week order
    owners: tuple[str, ...] = ()  # empty: the whole team
    language: str | None = None  # chosen for the channel; None: the workspace's default

    @property
    def hour(self) -> int:
        return int(self.at[:2])

    @property
    def minute(self) -> int:
        return int(self.at[3:])

    @property
    def cron_days(self) -> str:
        return ",".join(self.weekdays)


# --- reading what the user typed ----------------------------------------------------------


# Zone names that are fixed offsets although people mean the local time of a place.
FIXED_ZONES = {
    "est": "America/New_York",
    "mst": "America/Denver",
    "hst": "Pacific/Honolulu",
}


@cache
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()}


@cache
def _cities() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for z in available_timezones():
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")):
            out.setdefault(z.rsplit("/", 1)[1].lower(), []).append(z)
    return out


def _daypart(match: re.Match) -> str:
    """``9 pagi`` → ``09:00``, ``1 siang`` → ``13:00``, ``4 sore`` → ``16:00``, ``8 malam``
    → ``20:00`` (``12 malam``: midnight); an impossible hour is left for the time check."""
    hour, minute, part = int(match.group(1)), int(match.group(2) or 0), match.group(3).lower()
    if hour > 12 or minute > 59:
        return match.group(0)
    if part == "pagi":
        hour %= 12
    elif part == "siang":
        hour = hour if hour >= 11 else hour + 12
    else:  # sore, malam
        hour = 0 if (part == "malam" and hour == 12) else hour % 12 + 12
    return f"{hour:02d}:{minute:02d}"


def _phrases(text: str) -> str:
    """Several words that say one thing, as the one word the parser reads."""
    text = _DAYPART_RE.sub(_daypart, text)
    for pattern, word in _DAY_PHRASES:
        text = pattern.sub(word, text)
    return text


def parse_time(token: str) -> str | None:
    """``08:30``, ``8.30``, ``9am``, ``9:30pm`` → ``"HH:MM"``; ``None`` when it isn't a
    time at all; ``InvalidInput`` when it looks like one but can't be (``25:00``)."""
    m = _TIME_RE.match(token.strip())
    if m is None or (m.group(2) is None and m.group(3) is None):
        return None
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise InvalidInput(
                N_("“{text}” is not a time: with am/pm the hour goes from 1 to 12."), text=token
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(
            N_("“{text}” is not a time of day. Write hours 00–23 and minutes 00–59, like 08:30."),
            text=token,
        )
    return f"{hour:02d}:{minute:02d}"


def parse_timezone(token: str) -> str | None:
    """An IANA zone (any case), a city of one (``jakarta``) or WIB/WITA/WIT/UTC; ``None``
    when the token doesn't look like a zone; ``InvalidInput`` with the closest names when it
    does (has a ``/``) but is unknown, or is a bare offset."""
    word = token.strip()
    low = word.lower()
    if low in TZ_ALIASES:
        return TZ_ALIASES[low]
    if low in FIXED_ZONES:
        raise InvalidInput(
            N_(
                "“{text}” never changes for daylight saving, so it is an hour off half the "
                "year. Write the place instead, like {place}."
            ),
            text=token,
            place=FIXED_ZONES[low],
        )
    if low in _zones():
        return _zones()[low]
    city = _cities().get(low.replace(" ", "_"))
    if city and len(city) == 1:
        return city[0]
    if _OFFSET_RE.match(low) and any(c.isdigit() for c in low) and low[:1] in "+-ug":
        raise InvalidInput(
            N_(
                "“{text}” is an offset, which goes wrong when daylight saving changes. "
                "Write the place instead, like Asia/Jakarta, Europe/London or America/New_York."
            ),
            text=token,
        )
    if "/" in word:
        close = difflib.get_close_matches(low, list(_zones()), n=3, cutoff=0.6)
        hint = ", ".join(_zones()[c] for c in close) or "Asia/Jakarta, Europe/London"
        raise InvalidInput(
            N_("I don't know the timezone “{text}”. Did you mean: {hint}?"), text=token, hint=hint
        )
    return None


def _day(word: str, token: str) -> str:
    day = DAY_BY_WORD.get(word)
    if day is None:
        raise InvalidInput(
            N_("“{text}” is not a weekday. Write days like mon-fri, mon,wed,fri or daily."),
            text=token,
        )
    return day


def parse_days(token: str) -> tuple[str, ...] | None:
    """``mon-fri``, ``mon,wed,fri``, ``senin-jumat``, ``weekdays``, ``daily`` → cron day
    names; ``None`` when the token isn't about days."""
    low = token.strip().lower().strip(",")
    if low in DAY_SETS:
        return DAY_SETS[low]
    parts = [p for p in re.split(r"[,/]", low) if p]
    if not parts or not all(
        re.sub(r"[–—]", "-", p).split("-")[0] in DAY_BY_WORD for p in parts if p
    ):
        return None
    days: list[str] = []
    for part in parts:
        ends = re.sub(r"[–—]", "-", part).split("-")
        if len(ends) == 1:
            days.append(_day(ends[0], token))
        elif len(ends) == 2:
            a, b = DAYS.index(_day(ends[0], token)), DAYS.index(_day(ends[1], token))
            span = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
            days += [DAYS[i] for i in span]
        else:
            raise InvalidInput(
                N_("“{text}” is not a range of days. Write it like mon-fri."), text=token
            )
    return tuple(d for d in DAYS if d in set(days))


LANGUAGE_LEADS = {"bahasa", "lang", "language", "in"}  # "bahasa id", "lang en", "in english"


def _take_language(tokens: list[str]) -> tuple[str | None, list[str]]:
    """The digest's language among the words (``bahasa`` alone: Indonesian; ``bahasa en``,
    ``lang id``, ``english``, ``indonesia``), and the other words."""
    for i, token in enumerate(tokens):
        low = token.lower()
        after = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        if low in LANGUAGE_LEADS and after in LANGUAGE_WORDS:
            return LANGUAGE_WORDS[after], tokens[:i] + tokens[i + 2 :]
        if low in LANGUAGE_WORDS and len(low) > 2:  # "id"/"en" alone could be anything
            return LANGUAGE_WORDS[low], tokens[:i] + tokens[i + 1 :]
        if low in ("lang", "language"):
            raise InvalidInput(
                N_(
                    "“{text}”: which language? Write bahasa id or bahasa en, like: "
                    "/digest here 08:00 bahasa id."
                ),
                text=" ".join(tokens[i : i + 2]),
            )
    return None, tokens


def _only_one(given: str | None, new: str, clash: str) -> str:
    """``new``, unless another one was given before: then ``clash`` (``{first}`` and
    ``{second}``) as the error."""
    if given is not None and given != new:
        raise InvalidInput(clash, first=given, second=new)
    return new


def parse_schedule(text: str, *, default_tz: str) -> Schedule:
    """What follows ``/digest here``: ``[HH:MM] [timezone] [weekdays] [for @a @b]
    [bahasa id|en]`` in any order. Defaults: 09:00, ``default_tz`` (the user's Slack
    timezone), Monday to Friday, the whole team, the workspace's default language.

    A parser: one pass over the words, each kind of word in turn, so it reads top to bottom
    and is longer than most functions on purpose."""
    at = tz = None
    days: list[str] = []
    owners: list[str] = []
    text = _phrases(text)
    # "mon - fri" is "mon-fri"; commas and semicolons only separate ("08:00, mon,fri").
    text = re.sub(r"\s*[-–—]\s*(?=[^\W\d])", "-", text)
    text = re.sub(r"(?<=[^\W\d])\s*[-–—]\s*", "-", text)
    language, tokens = _take_language(re.sub(r"[,;]+", " ", text).split())
    for token in tokens:
        low = token.lower().strip(",")
        mention = _MENTION_RE.match(token)
        if mention:
            owners.append(mention.group(1))
            continue
        if low in ("for", "untuk", "team", "tim", "all", "semua") or low in FILLER:
            continue
        if low.startswith("@"):
            raise InvalidInput(
                N_(
                    "“{text}” is not a mention Slack sent me. Pick the person from Slack's "
                    "list as you type @, so it becomes a mention."
                ),
                text=token,
            )
        if token.isdigit() and len(token) <= 2:
            raise InvalidInput(
                N_("“{text}” needs minutes to be a time: write {hour}:00."),
                text=token,
                hour=f"{int(token):02d}" if int(token) <= 23 else "09",
            )
        time = parse_time(token)
        if time is not None:
            at = _only_one(at, time, N_("Give one time, not {first} and {second}."))
            continue
        parsed = parse_days(token)
        if parsed is not None:
            days += parsed
            continue
        zone = parse_timezone(token)
        if zone is not None:
            tz = _only_one(tz, zone, N_("Give one timezone, not {first} and {second}."))
            continue
        raise InvalidInput(
            N_(
                "I couldn't read “{text}”: it isn't a time (like 08:30), a timezone (like "
                "Asia/Jakarta), weekdays (like mon-fri) or a mention (for @maria)."
            ),
            text=token,
        )
    weekdays = tuple(d for d in DAYS if d in set(days)) if days else WORKDAYS
    owners_unique = tuple(dict.fromkeys(owners))
    return Schedule(at or DEFAULT_AT, tz or default_tz or "UTC", weekdays, owners_unique, language)


def valid_timezone(tz: str | None) -> str:
    """A Slack profile's timezone if we know it, else UTC. Every request asks, so the set of
    known zones is read once (``available_timezones`` walks the tzdata files on each call)."""
    return tz if tz and tz in _known_zones() else "UTC"


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


# --- slots ------------------------------------------------------------------------------


def trigger_for(at: str, tz: str, weekdays: str = ",".join(DAYS)) -> CronTrigger:
    hour, minute = int(at[:2]), int(at[3:])
    return CronTrigger(day_of_week=weekdays, hour=hour, minute=minute, timezone=ZoneInfo(tz))


def local_date(when: datetime, tz: str):
    """The calendar date at ``when`` in ``tz``."""
    return when.astimezone(ZoneInfo(tz)).date()


GRACE = timedelta(hours=3)  # a slot missed by at most this much is still run once
LOOKBACK = timedelta(days=8)  # how far back the latest slot is looked for


def repeated_local_time(fire: datetime, tz: tzinfo) -> bool:
    """``fire`` is the second occurrence of its local time in ``tz`` (the hour that happens
    twice when daylight saving ends)."""
    local = fire.astimezone(tz)
    return local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset()


def slots(trigger: CronTrigger, start: datetime, end: datetime) -> Iterator[datetime]:
    """The trigger's slots in ``[start, end]``, UTC: its fire times, less the second
    occurrence of a repeated local time. Steps in UTC (local-time arithmetic at a repeated
    time gives the same instant back, for ever)."""
    fire = trigger.get_next_fire_time(None, start.astimezone(UTC))
    while fire is not None and fire <= end:
        at = fire.astimezone(UTC)
        if not repeated_local_time(at, trigger.timezone):
            yield at
        fire = trigger.get_next_fire_time(None, at + timedelta(microseconds=1))


def last_slot(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest slot at or before ``now`` (within ``LOOKBACK``)."""
    found = list(slots(trigger, now - LOOKBACK, now))
    return found[-1] if found else None


def upcoming_slot(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The first slot at or after ``now``."""
    return next(slots(trigger, now, now + LOOKBACK), None)


def catch_up_slot(trigger: CronTrigger, now: datetime, grace: timedelta) -> datetime | None:
    """The slot missed while the app was down, if it is at most ``grace`` late."""
    missed = last_slot(trigger, now)
    return missed if missed is not None and now - missed <= grace else None
