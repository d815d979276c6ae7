"""After the close by value (``bot.core.aftersales``): the win-back date's limits and what a
refused one says, the Keep check's day and a Grow deal's name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.aftersales import check_win_back, grow_name, keep_check_day
from bot.core.errors import InvalidInput

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("days", [1, 90, 2 * 366])
def test_a_win_back_date_from_tomorrow_to_two_years_on_is_kept(days):
    day = TODAY + timedelta(days=days)
    assert check_win_back(day, TODAY) == day


@pytest.mark.parametrize(
    ("day", "said", "params"),
    [
        (None, "Pick the date to try again.", {}),
        (TODAY, "2026-11-30 is not in the future. Pick a date after today.", {"day": "2026-11-30"}),
        (
            TODAY - timedelta(days=1),
            "2026-11-29 is not in the future. Pick a date after today.",
            {"day": "2026-11-29"},
        ),
        (TODAY + timedelta(days=2 * 366 + 1), "Pick a date within two years.", {}),
    ],
)
def test_a_refused_win_back_date_says_why_under_its_field(day, said, params):
    with pytest.raises(InvalidInput) as err:
        check_win_back(day, TODAY)
    assert str(err.value) == said
    assert err.value.field == "win_back_on" and err.value.params == params


def test_keep_is_checked_four_weeks_after_the_win():
    assert keep_check_day(TODAY) == date(2026, 12, 28)


def test_a_grow_deal_is_named_after_the_won_one_within_200_characters():
    assert grow_name("Bank BRI") == "Bank BRI (Grow)"
    assert grow_name("x" * 193) == "x" * 193 + " (Grow)"
    assert grow_name("x" * 194) == "x" * 194 + " (Grow"
    assert len(grow_name("x" * 300)) == 200
