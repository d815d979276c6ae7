"""bot.core.slots by value: reading `/digest here` text (times, timezones, weekdays, owners) and
the UTC slots a schedule fires at, daylight saving included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.core import slots
from bot.core.errors import InvalidInput
from bot.core.i18n import Translator
from bot.core.slots import (
    Schedule,
    parse_days,
    parse_schedule,
    parse_time,
    parse_timezone,
    trigger_for,
)

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NEW_YORK = ZoneInfo("America/New_York")
en = Translator("en")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def refused(call, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    return caught.value


# --- times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("08:30", "08:30"),
        ("8:30", "08:30"),
        ("8.30", "08:30"),
        ("0:00", "00:00"),
        ("23:59", "23:59"),  # the last minute of the day
        ("9am", "09:00"),
        ("9 am", "09:00"),
        (" 9AM ", "09:00"),
        ("5pm", "17:00"),  # not 05:00
        ("9:30pm", "21:30"),
        ("11:59pm", "23:59"),
        ("12am", "00:00"),  # midnight
        ("12:30am", "00:30"),
        ("12pm", "12:00"),  # noon
        ("1am", "01:00"),
        ("1pm", "13:00"),
    ],
)
def test_parse_time(token: str, expected: str) -> None:
    assert parse_time(token) == expected


@pytest.mark.parametrize("token", ["9", "17", "abc", "7:5", "8:300", "mon", "", "9xm"])
def test_what_is_not_a_time_at_all(token: str) -> None:
    assert parse_time(token) is None


@pytest.mark.parametrize("token", ["13pm", "0am", "00:30am", "99pm"])
def test_am_pm_hours_go_from_1_to_12(token: str) -> None:
    error = refused(parse_time, token)
    assert error.params == {"text": token}
    assert error.render(en) == f"“{token}” is not a time: with am/pm the hour goes from 1 to 12."


@pytest.mark.parametrize("token", ["24:00", "23:60", "25:00", "99:99", "12:60pm"])
def test_hours_to_23_and_minutes_to_59(token: str) -> None:
    error = refused(parse_time, token)
    assert error.params == {"text": token}
    assert error.render(en) == (
        f"“{token}” is not a time of day. Write hours 00–23 and minutes 00–59, like 08:30."
    )


# --- timezones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "zone"),
    [
        ("WIB", "Asia/Jakarta"),
        ("wita", "Asia/Makassar"),
        ("WIT", "Asia/Jayapura"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("Z", "UTC"),
        ("SGT", "Asia/Singapore"),
        ("myt", "Asia/Kuala_Lumpur"),
        ("Asia/Jakarta", "Asia/Jakarta"),
        ("asia/jakarta", "Asia/Jakarta"),  # any case
        (" Europe/London ", "Europe/London"),
        ("jakarta", "Asia/Jakarta"),  # a city of one zone
        ("New_York", "America/New_York"),
        ("new york", "America/New_York"),
        ("knox", "America/Indiana/Knox"),  # the city is the last part of the name
    ],
)
def test_parse_timezone(token: str, zone: str) -> None:
    assert parse_timezone(token) == zone


@pytest.mark.parametrize("token", ["tomorrow", "7", "buenos aires", "etc", "u+7"])
def test_what_is_not_a_timezone(token: str) -> None:
    # "buenos aires" names two zones (America/Buenos_Aires and America/Argentina/…): no guess.
    assert parse_timezone(token) is None


@pytest.mark.parametrize(
    ("token", "place"), [("EST", "America/New_York"), ("mst", "America/Denver")]
)
def test_fixed_offset_zone_names_are_refused_with_the_place(token: str, place: str) -> None:
    error = refused(parse_timezone, token)
    assert error.params == {"text": token, "place": place}
    assert error.render(en) == (
        f"“{token}” never changes for daylight saving, so it is an hour off half the year. "
        f"Write the place instead, like {place}."
    )


@pytest.mark.parametrize("token", ["+7", "-5", "+07:00", "utc+7", "UTC+07:00", "GMT-5", "gmt+0530"])
def test_offsets_are_refused(token: str) -> None:
    error = refused(parse_timezone, token)
    assert error.params == {"text": token}
    assert error.render(en) == (
        f"“{token}” is an offset, which goes wrong when daylight saving changes. "
        "Write the place instead, like Asia/Jakarta, Europe/London or America/New_York."
    )


@pytest.mark.parametrize(
    ("token", "hint"),
    [
        ("Asia/Jakartaa", "Asia/Jakarta, Asia/Jayapura, Asia/Kolkata"),
        ("europe/londn", "Europe/London, Europe/Lisbon, Europe/Oslo"),
        ("Xyz/Qqq", "Asia/Jakarta, Europe/London"),  # nothing close: the usual examples
    ],
)
def test_unknown_zone_with_a_slash_suggests_the_closest(token: str, hint: str) -> None:
    error = refused(parse_timezone, token)
    assert error.params == {"text": token, "hint": hint}
    assert error.render(en) == f"I don't know the timezone “{token}”. Did you mean: {hint}?"


def test_valid_timezone_falls_back_to_utc() -> None:
    assert slots.valid_timezone("Asia/Jakarta") == "Asia/Jakarta"
    assert slots.valid_timezone("Mars/Olympus") == "UTC"
    assert slots.valid_timezone("") == "UTC"
    assert slots.valid_timezone(None) == "UTC"


# --- weekdays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "days"),
    [
        ("mon-fri", WORKDAYS),
        ("Mon-Fri", WORKDAYS),
        ("mon–fri", WORKDAYS),  # en dash
        ("mon—fri", WORKDAYS),  # em dash
        ("monday-friday", WORKDAYS),
        ("senin-jumat", WORKDAYS),
        ("mon,wed,fri", ("mon", "wed", "fri")),
        ("fri,wed,mon", ("mon", "wed", "fri")),  # always in week order
        ("mon/wed", ("mon", "wed")),
        (",mon,", ("mon",)),
        ("mon,,fri", ("mon", "fri")),
        ("sun", ("sun",)),
        ("jum'at", ("fri",)),
        ("ahad", ("sun",)),
        ("sun-sun", ("sun",)),
        # ranges that wrap around the week's end
        ("fri-mon", ("mon", "fri", "sat", "sun")),
        ("sat-mon", ("mon", "sat", "sun")),
        ("sun-mon", ("mon", "sun")),
        ("sat-sun", ("sat", "sun")),
        # lists of ranges
        ("mon-tue,thu-fri", ("mon", "tue", "thu", "fri")),
        ("mon-wed,tue-thu", ("mon", "tue", "wed", "thu")),
        ("mon,thu-fri", ("mon", "thu", "fri")),
        # named sets
        ("weekdays", WORKDAYS),
        ("weekday", WORKDAYS),
        ("workdays", WORKDAYS),
        ("kerja", WORKDAYS),
        ("daily", EVERY_DAY),
        ("everyday", EVERY_DAY),
        ("setiap", EVERY_DAY),
        ("tiap", EVERY_DAY),
        ("weekend", ("sat", "sun")),
        ("Weekends", ("sat", "sun")),
        ("weekdays,", WORKDAYS),
    ],
)
def test_parse_days(token: str, days: tuple[str, ...]) -> None:
    assert parse_days(token) == days


@pytest.mark.parametrize("token", ["hello", "09:00", "", ",", "mon,xyz", "wib", "xyz-mon"])
def test_what_is_not_about_days(token: str) -> None:
    assert parse_days(token) is None


@pytest.mark.parametrize("token", ["mon-xyz", "mon-", "fri-funday"])
def test_a_range_to_a_non_day_is_refused(token: str) -> None:
    error = refused(parse_days, token)
    assert error.params == {"text": token}
    assert error.render(en) == (
        f"“{token}” is not a weekday. Write days like mon-fri, mon,wed,fri or daily."
    )


def test_a_range_of_three_days_is_refused() -> None:
    error = refused(parse_days, "mon-tue-wed")
    assert error.render(en) == "“mon-tue-wed” is not a range of days. Write it like mon-fri."


# --- whole schedules --------------------------------------------------------------------


def schedule(text: str, default_tz: str = "Europe/London") -> Schedule:
    return parse_schedule(text, default_tz=default_tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Schedule("09:00", "Europe/London", WORKDAYS)),
        ("08:30", Schedule("08:30", "Europe/London", WORKDAYS)),
        ("5pm Asia/Jakarta mon-fri", Schedule("17:00", "Asia/Jakarta", WORKDAYS)),
        ("wib daily 07:00", Schedule("07:00", "Asia/Jakarta", EVERY_DAY)),
        ("mon - fri 08:00 wib", Schedule("08:00", "Asia/Jakarta", WORKDAYS)),
        ("mon -fri", Schedule("09:00", "Europe/London", WORKDAYS)),
        ("mon- fri", Schedule("09:00", "Europe/London", WORKDAYS)),
        ("senin — jumat pukul 08.00 WIB", Schedule("08:00", "Asia/Jakarta", WORKDAYS)),
        ("08:00, mon,fri", Schedule("08:00", "Europe/London", ("mon", "fri"))),
        ("sat; sun", Schedule("09:00", "Europe/London", ("sat", "sun"))),
        ("8:00 mon wed", Schedule("08:00", "Europe/London", ("mon", "wed"))),
        ("fri-mon 17:30", Schedule("17:30", "Europe/London", ("mon", "fri", "sat", "sun"))),
        ("mon-tue,thu-fri", Schedule("09:00", "Europe/London", ("mon", "tue", "thu", "fri"))),
        ("weekend at 10:00", Schedule("10:00", "Europe/London", ("sat", "sun"))),
        ("setiap hari jam 7am", Schedule("07:00", "Europe/London", EVERY_DAY)),
        ("on tue thu 9am 09:00", Schedule("09:00", "Europe/London", ("tue", "thu"))),
        ("jakarta wib", Schedule("09:00", "Asia/Jakarta", WORKDAYS)),  # the same zone twice
        ("08:00 Z", Schedule("08:00", "UTC", WORKDAYS)),
        ("for team", Schedule("09:00", "Europe/London", WORKDAYS)),
        ("untuk semua tim", Schedule("09:00", "Europe/London", WORKDAYS)),
        ("all", Schedule("09:00", "Europe/London", WORKDAYS)),
        (
            "for <@U1|ana> <@W2> <@U1>",
            Schedule("09:00", "Europe/London", WORKDAYS, ("U1", "W2")),
        ),
    ],
)
def test_parse_schedule(text: str, expected: Schedule) -> None:
    assert schedule(text) == expected


def test_no_timezone_anywhere_is_utc() -> None:
    assert schedule("08:00", default_tz="").tz == "UTC"


def test_every_day_is_all_seven_days() -> None:
    assert schedule("every day at 7am").weekdays == EVERY_DAY


@pytest.mark.parametrize(
    ("token", "hour"), [("8", "08"), ("0", "00"), ("23", "23"), ("24", "09"), ("99", "09")]
)
def test_a_bare_hour_asks_for_minutes(token: str, hour: str) -> None:
    error = refused(schedule, f"mon-fri {token}")
    assert error.params == {"text": token, "hour": hour}
    assert error.render(en) == f"“{token}” needs minutes to be a time: write {hour}:00."


def test_a_bare_at_name_is_not_a_mention() -> None:
    error = refused(schedule, "08:00 for @maria")
    assert error.params == {"text": "@maria"}
    assert error.render(en) == (
        "“@maria” is not a mention Slack sent me. Pick the person from Slack's list as you "
        "type @, so it becomes a mention."
    )


def test_two_times_or_two_timezones_are_refused() -> None:
    error = refused(schedule, "8am mon 9am")
    assert error.params == {"first": "08:00", "second": "09:00"}
    assert error.render(en) == "Give one time, not 08:00 and 09:00."
    error = refused(schedule, "wib 08:00 wita")
    assert error.params == {"first": "Asia/Jakarta", "second": "Asia/Makassar"}
    assert error.render(en) == "Give one timezone, not Asia/Jakarta and Asia/Makassar."


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("08:00 mornings", "mornings"),
        ("100", "100"),  # three digits are no hour
        ("08:00 - fri", "08:00-fri"),  # a dash joins what is around it
    ],
)
def test_unreadable_words_are_named(text: str, word: str) -> None:
    error = refused(schedule, text)
    assert error.params == {"text": word}
    assert error.render(en) == (
        f"I couldn't read “{word}”: it isn't a time (like 08:30), a timezone (like "
        "Asia/Jakarta), weekdays (like mon-fri) or a mention (for @maria)."
    )


def test_a_dash_after_a_day_joins_it_to_what_follows() -> None:
    assert refused(schedule, "fri - 9am").params == {"text": "fri-9am"}


@pytest.mark.parametrize("text", ["25:00", "mon-tue-wed", "EST", "+7", "Asia/Jakartaa"])
def test_the_parts_refusals_come_through(text: str) -> None:
    assert refused(schedule, f"daily {text}").params["text"] == text


def test_schedule_parts() -> None:
    got = Schedule("07:05", "Asia/Jakarta", ("mon", "fri"))
    assert (got.hour, got.minute, got.cron_days) == (7, 5, "mon,fri")
    assert got.owners == ()
    assert Schedule("23:59", "UTC", ("sun",)).hour == 23


# --- slots ------------------------------------------------------------------------------


def test_trigger_fires_at_the_local_time_on_the_given_days() -> None:
    trigger = trigger_for("08:30", "Asia/Jakarta", "mon,fri")
    # Friday 20 Nov 2026 08:30 in Jakarta is 01:30 UTC; then Monday 23 Nov.
    assert list(slots.slots(trigger, utc(2026, 11, 20), utc(2026, 11, 24))) == [
        utc(2026, 11, 20, 1, 30),
        utc(2026, 11, 23, 1, 30),
    ]


def test_trigger_fires_every_day_by_default() -> None:
    trigger = trigger_for("23:59", "UTC")
    assert len(list(slots.slots(trigger, utc(2026, 11, 16), utc(2026, 11, 23)))) == 7


def test_slots_include_both_ends() -> None:
    trigger = trigger_for("09:00", "UTC")
    assert list(slots.slots(trigger, utc(2026, 11, 20, 9), utc(2026, 11, 21, 9))) == [
        utc(2026, 11, 20, 9),
        utc(2026, 11, 21, 9),
    ]
    assert list(slots.slots(trigger, utc(2026, 11, 20, 9, 0, 1), utc(2026, 11, 21, 8, 59))) == []


def test_repeated_local_time_fires_once() -> None:
    # New York falls back on 1 Nov 2026: 01:30 happens at 05:30 UTC (EDT) and 06:30 (EST).
    trigger = trigger_for("01:30", "America/New_York")
    assert list(slots.slots(trigger, utc(2026, 10, 31), utc(2026, 11, 2, 12))) == [
        utc(2026, 10, 31, 5, 30),
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 2, 6, 30),
    ]
    assert slots.repeated_local_time(utc(2026, 11, 1, 6, 30), NEW_YORK)
    assert not slots.repeated_local_time(utc(2026, 11, 1, 5, 30), NEW_YORK)
    assert not slots.repeated_local_time(utc(2026, 11, 2, 6, 30), NEW_YORK)
    assert not slots.repeated_local_time(utc(2026, 11, 1, 5, 30), ZoneInfo("Asia/Jakarta"))


def test_skipped_local_time_fires_once_an_hour_later() -> None:
    # New York springs forward on 8 Mar 2026: 02:30 does not exist that day.
    trigger = trigger_for("02:30", "America/New_York")
    assert list(slots.slots(trigger, utc(2026, 3, 7), utc(2026, 3, 9, 12))) == [
        utc(2026, 3, 7, 7, 30),
        utc(2026, 3, 8, 7, 30),  # 03:30 EDT
        utc(2026, 3, 9, 6, 30),
    ]


def test_slots_are_utc() -> None:
    trigger = trigger_for("08:00", "Asia/Jakarta")
    start = datetime(2026, 11, 20, 0, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    first = next(slots.slots(trigger, start, start + timedelta(days=1)))
    assert first == utc(2026, 11, 20, 1) and first.tzinfo is UTC


def test_last_and_upcoming_slot() -> None:
    trigger = trigger_for("09:00", "UTC", "mon,wed")
    wednesday = utc(2026, 11, 18, 9)
    assert slots.last_slot(trigger, wednesday) == wednesday  # at the slot: that one
    assert slots.last_slot(trigger, wednesday - timedelta(seconds=1)) == utc(2026, 11, 16, 9)
    assert slots.upcoming_slot(trigger, wednesday) == wednesday
    assert slots.upcoming_slot(trigger, wednesday + timedelta(seconds=1)) == utc(2026, 11, 23, 9)


def test_the_latest_slot_is_looked_for_eight_days_back() -> None:
    once = CronTrigger(year=2026, month=11, day=14, hour=9, timezone=ZoneInfo("UTC"))
    assert slots.last_slot(once, utc(2026, 11, 22, 9)) == utc(2026, 11, 14, 9)
    assert slots.last_slot(once, utc(2026, 11, 22, 9, 0, 1)) is None
    assert slots.upcoming_slot(once, utc(2026, 11, 6, 9)) == utc(2026, 11, 14, 9)
    assert slots.upcoming_slot(once, utc(2026, 11, 6, 8, 59)) is None
    assert slots.upcoming_slot(once, utc(2026, 11, 14, 9, 0, 1)) is None


def test_a_missed_slot_is_caught_up_within_the_grace() -> None:
    trigger = trigger_for("09:00", "UTC")
    slot = utc(2026, 11, 20, 9)
    assert slots.catch_up_slot(trigger, slot, slots.GRACE) == slot
    assert slots.catch_up_slot(trigger, slot + timedelta(hours=3), slots.GRACE) == slot
    late = slot + timedelta(hours=3, seconds=1)
    assert slots.catch_up_slot(trigger, late, slots.GRACE) is None
    never = CronTrigger(year=2020, hour=9, timezone=ZoneInfo("UTC"))
    assert slots.catch_up_slot(never, slot, slots.GRACE) is None


def test_local_date() -> None:
    evening = utc(2026, 11, 22, 20)
    assert slots.local_date(evening, "Asia/Jakarta") == date(2026, 11, 23)
    assert slots.local_date(evening, "UTC") == date(2026, 11, 22)
    assert slots.local_date(evening, "America/New_York") == date(2026, 11, 22)
