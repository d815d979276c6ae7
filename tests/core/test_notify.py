"""Issue 15: notification preferences (``bot.core.notify``) and the words of
``/pipeline reassign`` / ``alihkan`` and ``export all`` / ``ekspor semua``
(``bot.core.phrases``), by value."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import FieldErrors
from bot.core.notify import Preferences, read_preferences
from bot.core.phrases import ReassignArgs, is_export_all, reassign_args
from bot.core.slots import last_slot, trigger_for


def prefs(**kw) -> Preferences:
    base = {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "at": "09:00",
        "quiet_weekends": False,
        "nudges": True,
        "stale_alerts": True,
    }
    return read_preferences(**(base | kw))


def test_defaults_keep_todays_behaviour():
    p = Preferences()
    assert p.cron_days == "mon,tue,wed,thu,fri,sat,sun" and p.at == "09:00"
    assert p.nudges and p.stale_alerts and not p.quiet_on(5)


def test_times_are_read_like_the_digest_and_days_kept_in_week_order():
    p = prefs(days=["fri", "mon"], at="8.30")
    assert (p.days, p.at) == (("mon", "fri"), "08:30")
    assert prefs(at="9pm").at == "21:00"


@pytest.mark.parametrize(
    ("at", "said"),
    [("25:00", "not a time of day"), ("soon", "hours and minutes"), ("", "hours and minutes")],
)
def test_a_bad_time_is_an_error_on_the_time_field(at, said):
    with pytest.raises(FieldErrors) as err:
        prefs(at=at)
    assert set(err.value.errors) == {"reminder_at"}
    assert said in str(err.value.errors["reminder_at"])


def test_days_must_leave_something_to_remind_on():
    with pytest.raises(FieldErrors) as err:
        prefs(days=[])
    assert "at least one day" in str(err.value.errors["reminder_days"])
    with pytest.raises(FieldErrors) as weekend:
        prefs(days=["sat", "sun"], quiet_weekends=True)
    assert "Monday to Friday" in str(weekend.value.errors["reminder_days"])
    with pytest.raises(FieldErrors) as both:
        prefs(days=[], at="99")
    assert set(both.value.errors) == {"reminder_days", "reminder_at"}


@pytest.mark.parametrize(("at", "shown"), [("soon", "soon"), ("", ""), (None, "")])
def test_what_is_not_a_time_is_quoted_back(at, shown):
    with pytest.raises(FieldErrors) as err:
        prefs(at=at)
    said = f"“{shown}” is not a time. Write hours and minutes, like 08:30."
    assert str(err.value.errors["reminder_at"]) == said


@pytest.mark.parametrize(
    ("days", "quiet_weekends", "said"),
    [
        ([], False, "Pick at least one day for your reminders."),
        ([], True, "Pick at least one day for your reminders."),
        (
            ["sun"],
            True,
            "With quiet weekends on, pick at least one day from Monday to Friday.",
        ),
    ],
)
def test_no_day_to_remind_on_says_what_to_pick(days, quiet_weekends, said):
    with pytest.raises(FieldErrors) as err:
        prefs(days=days, quiet_weekends=quiet_weekends)
    assert str(err.value.errors["reminder_days"]) == said


@pytest.mark.parametrize("switches", [(True, False, True), (False, True, False)])
def test_the_switches_are_kept_as_given(switches):
    quiet, nudges, stale = switches
    p = prefs(
        days=["mon", "sat"], at="7am", quiet_weekends=quiet, nudges=nudges, stale_alerts=stale
    )
    assert p == Preferences(("mon", "sat"), "07:00", quiet, nudges, stale)


def test_quiet_weekends_take_saturday_and_sunday_out():
    p = prefs(quiet_weekends=True)
    assert p.reminder_days == ("mon", "tue", "wed", "thu", "fri")
    assert p.quiet_on(5) and p.quiet_on(6) and not p.quiet_on(0)


def test_a_reminder_due_on_a_day_not_chosen_moves_to_the_next_chosen_one():
    p = prefs(days=["tue", "thu"], at="10:00")
    jakarta = "Asia/Jakarta"
    monday_noon = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 12:00 in Jakarta
    slot = last_slot(trigger_for(p.at, jakarta, p.cron_days), monday_noon)
    assert slot.astimezone(ZoneInfo(jakarta)).strftime("%a %H:%M") == "Thu 10:00"  # last week
    wednesday = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
    slot = last_slot(trigger_for(p.at, jakarta, p.cron_days), wednesday)
    assert slot == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # Tuesday 10:00 in Jakarta


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("reassign <@U2> <@U1>", ReassignArgs("U2", "U1", True)),
        ("reassign <@U2|maria> <@U1|budi> all", ReassignArgs("U2", "U1", False)),
        ("alihkan <@U2> <@U1> semua", ReassignArgs("U2", "U1", False)),
        ("alihkan <@U2> <@U1> terbuka", ReassignArgs("U2", "U1", True)),
        ("reassign <@U2>", ReassignArgs("U2", None, True)),
        ("reassign", ReassignArgs(None, None, True)),
    ],
)
def test_reassign_words(text, args):
    assert reassign_args(text) == args


def test_export_all_words():
    assert is_export_all("export all") and is_export_all("ekspor semua")
    assert is_export_all("Export ALL")
    assert not is_export_all("export") and not is_export_all("export team")
    assert not is_export_all("export all team")
